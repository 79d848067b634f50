"""The admin's list of accounts: who may see it, filters, roles, the last-admin rule, (de)activation and
accounts created with a one-time password."""


import pytest

from helpdesk.auth import services
from helpdesk.auth.models import User
from helpdesk.errors import UserError
from helpdesk.extensions import db
from tests.conftest import PASSWORD


@pytest.fixture
def admin(make_user, login):
    user = make_user(role="admin", name="Ada Admin", email="ada@bank.example")
    login(user)
    return user


def text_of(response) -> str:
    return response.get_data(as_text=True)


def listed(page: str) -> str:
    """The rows of the accounts table (empty when the table is not shown)."""
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""


def reloaded(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


# --- who may use the page -----------------------------------------------------------------------------------

ROLES = ["anonymous", "employee", "staff", "lead", "admin"]
EXPECTED = {"anonymous": 302, "employee": 403, "staff": 403, "lead": 403, "admin": 200}


def _visitor(client, make_user, login, role):
    if role != "anonymous":
        login(make_user(role=role))


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_see_the_users_page(client, make_user, login, role):
    _visitor(client, make_user, login, role)
    response = client.get("/admin/users")
    assert response.status_code == EXPECTED[role]
    if role == "anonymous":
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_see_the_users_link(client, make_user, login, role):
    _visitor(client, make_user, login, role)
    assert ('href="/admin/users"' in text_of(client.get("/wiki/"))) == (role == "admin")


@pytest.mark.parametrize("role", ["anonymous", "employee", "staff", "lead"])
@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("", {"email": "new@bank.example", "name": "New", "role": "admin"}),
        ("/{id}/role", {"role": "admin"}),
        ("/{id}/deactivate", {}),
        ("/{id}/reactivate", {}),
        ("/{id}/password", {}),
    ],
)
def test_only_admins_change_accounts(client, make_user, login, role, action, data):
    target = make_user(name="Target")
    _visitor(client, make_user, login, role)
    response = client.post("/admin/users" + action.format(id=target.id), data=data)
    assert response.status_code == (302 if role == "anonymous" else 403)
    target = reloaded(target)
    assert (target.role, target.active, target.check_password(PASSWORD)) == ("employee", True, True)
    assert services.find_user_by_email("new@bank.example") is None


# --- the list -----------------------------------------------------------------------------------------------


def test_list_shows_each_account(client, admin, make_user):
    make_user(name="Bo Berg", email="bo.berg@bank.example", role="staff")
    page = text_of(client.get("/admin/users"))
    assert "Bo Berg" in page
    assert "bo.berg@bank.example" in page
    assert '<option value="staff" selected>Staff</option>' in page
    assert "Active" in page
    assert "2 accounts" in page
    assert "(you)" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("role=staff", ["Sven Staff"], ["Erik Employee", "Ada Admin"]),
        ("q=erik", ["Erik Employee"], ["Sven Staff"]),
        ("q=SVEN%40", ["Sven Staff"], ["Erik Employee"]),
        ("q=%25", [], ["Sven Staff", "Erik Employee"]),
        ("status=inactive", ["Ivar Inactive"], ["Erik Employee"]),
        ("status=active&role=employee", ["Erik Employee"], ["Ivar Inactive", "Sven Staff"]),
        ("role=superuser", ["Erik Employee", "Sven Staff", "Ivar Inactive"], []),
    ],
)
def test_filters(client, admin, make_user, query, shown, hidden):
    make_user(name="Erik Employee", email="erik@bank.example")
    make_user(name="Sven Staff", email="sven@bank.example", role="staff")
    gone = make_user(name="Ivar Inactive")
    services.deactivate_user(gone)
    db.session.commit()
    rows = listed(text_of(client.get(f"/admin/users?{query}")))
    for name in shown:
        assert name in rows
    for name in hidden:
        assert name not in rows


def test_filter_that_matches_nothing_says_so(client, admin):
    assert "No account matches these filters." in text_of(client.get("/admin/users?q=nobody-at-all"))


def test_list_is_paginated(client, app, admin, make_user):
    app.config["ITEMS_PER_PAGE"] = 2
    for name in ["Anna", "Bertil", "Cecilia", "David"]:
        make_user(name=name)
    first = text_of(client.get("/admin/users"))
    assert "Ada Admin" in first and "Anna" in first and "Bertil" not in first
    assert "Page 1 of 3" in first
    third = text_of(client.get("/admin/users?page=3"))
    assert "David" in third and "Anna" not in third
    assert client.get("/admin/users?page=0").status_code == 404


# --- roles and the last-admin rule --------------------------------------------------------------------------


def test_admin_changes_a_role(client, admin, make_user):
    person = make_user(name="Pia")
    response = client.post(
        f"/admin/users/{person.id}/role", data={"role": "lead", "next": "/admin/users?q=pia"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users?q=pia"
    assert reloaded(person).role == "lead"
    assert "Pia is now: Lead." in text_of(client.get("/admin/users?q=pia"))


def test_unknown_role_is_refused(client, admin, make_user):
    person = make_user()
    response = client.post(f"/admin/users/{person.id}/role", data={"role": "root"}, follow_redirects=True)
    assert "Choose one of the roles in the list." in text_of(response)
    assert reloaded(person).role == "employee"


def test_role_of_unknown_account_is_404(client, admin):
    assert client.post("/admin/users/999999/role", data={"role": "staff"}).status_code == 404


def test_last_admin_cannot_demote_themselves(client, admin):
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "employee"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Ada Admin is the last administrator. Make someone else an administrator first." in text_of(
        response
    )
    assert reloaded(admin).role == "admin"


def test_last_admin_refusal_answers_json_to_scripts(client, admin):
    response = client.post(
        f"/admin/users/{admin.id}/role", data={"role": "staff"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 409
    assert "last administrator" in response.json["error"]


def test_admin_may_step_down_when_another_admin_remains(client, admin, make_user):
    make_user(role="admin")
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "staff"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/users/{admin.id}"
    assert reloaded(admin).role == "staff"
    assert client.get("/admin/users").status_code == 403


def test_set_role_keeps_the_last_active_admin(app, make_user):
    only = make_user(role="admin")
    inactive = make_user(role="admin")
    services.deactivate_user(inactive)
    db.session.commit()
    # A deactivated admin cannot manage anything, so it does not count.
    with pytest.raises(UserError) as refused:
        services.set_role(only, "lead")
    assert refused.value.status_code == 409
    services.set_role(inactive, "employee")
    services.set_role(only, "admin")  # no change, no objection
    second = make_user(role="admin")
    services.set_role(only, "employee")
    assert (only.role, second.role) == ("employee", "admin")


# --- deactivating and reactivating --------------------------------------------------------------------------


def test_deactivated_account_cannot_sign_in_until_reactivated(client, admin, make_user):
    person = make_user(name="Dora", email="dora@bank.example")
    response = client.post(f"/admin/users/{person.id}/deactivate", data={"next": "/admin/users"})
    assert response.status_code == 302
    assert not reloaded(person).active
    assert "Dora can no longer sign in." in text_of(client.get("/admin/users"))

    other = client.application.test_client()
    refused = other.post("/login", data={"email": "dora@bank.example", "password": PASSWORD})
    assert refused.status_code == 403

    client.post(f"/admin/users/{person.id}/reactivate")
    assert reloaded(person).active
    assert other.post("/login", data={"email": "dora@bank.example", "password": PASSWORD}).status_code == 302


def test_admin_cannot_deactivate_themselves(client, admin, make_user):
    make_user(role="admin")
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in text_of(response)
    assert reloaded(admin).active


def test_last_admin_cannot_be_deactivated(app, make_user):
    only = make_user(role="admin")
    with pytest.raises(UserError, match="last administrator"):
        services.deactivate_user(only)
    assert only.active
    services.set_role(make_user(), "admin")
    services.deactivate_user(only)
    assert not only.active


# --- creating accounts and one-time passwords ---------------------------------------------------------------


def test_create_account_shows_a_one_time_password_once(client, admin):
    response = client.post(
        "/admin/users",
        data={"email": "Nils.Nilsson@Bank.example", "name": " Nils  Nilsson ", "role": "staff"},
    )
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    page = text_of(response)
    user = services.find_user_by_email("nils.nilsson@bank.example")
    assert (user.name, user.role, user.active, user.password_change_required) == (
        "Nils Nilsson",
        "staff",
        True,
        True,
    )

    password = page.split('id="one-time-password">', 1)[1].split("<", 1)[0]
    assert len(password) >= 16
    assert user.check_password(password)
    # Only a hash is stored, and nothing the browser keeps holds the password.
    assert password not in user.password_hash
    with client.session_transaction() as stored:
        assert password not in repr(dict(stored))
    assert password not in text_of(client.get("/admin/users"))


def test_created_account_signs_in_with_the_one_time_password_and_must_change_it(client, admin):
    page = text_of(
        client.post("/admin/users", data={"email": "otto@bank.example", "name": "Otto", "role": "employee"})
    )
    password = page.split('id="one-time-password">', 1)[1].split("<", 1)[0]
    newcomer = client.application.test_client()
    response = newcomer.post("/login", data={"email": "otto@bank.example", "password": password})
    assert response.headers["Location"].startswith("/account/password")


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"email": "ada@bank.example", "name": "Twin", "role": "employee"}, 409, "exists already"),
        ({"email": "not-an-address", "name": "Nobody", "role": "employee"}, 400, "is not an e-mail address"),
        ({"email": "ok@bank.example", "name": "", "role": "employee"}, 400, "This field is required."),
        ({"email": "ok@bank.example", "name": "Someone", "role": "root"}, 400, "Not a valid choice"),
    ],
)
def test_create_account_refusals_keep_what_was_typed(client, admin, data, status, message):
    response = client.post("/admin/users", data=data)
    assert response.status_code == status
    page = text_of(response)
    assert message in page
    assert f'value="{data["email"]}"' in page
    assert services.find_user_by_email("ok@bank.example") is None


def test_new_password_replaces_the_old_one(client, admin, make_user):
    person = make_user(name="Glömsk")
    response = client.post(f"/admin/users/{person.id}/password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = text_of(response).split('id="one-time-password">', 1)[1].split("<", 1)[0]
    person = reloaded(person)
    assert person.check_password(password)
    assert not person.check_password(PASSWORD)
    assert person.password_change_required
