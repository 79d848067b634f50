"""Signing in and out, choosing a password, and profiles."""


import pytest

from helpdesk.auth import queries, services
from helpdesk.auth.models import User
from helpdesk.errors import UserError
from helpdesk.extensions import db
from helpdesk.forum.services import accept_answer
from helpdesk.wiki.services import edit_page
from tests.conftest import PASSWORD


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def text_of(response) -> str:
    return response.get_data(as_text=True)


def signed_in_id(client) -> str | None:
    with client.session_transaction() as current:
        return current.get("_user_id")


# --- signing in and out -------------------------------------------------------------------------------------


def test_sign_in_with_the_right_password_greets_and_goes_to_the_questions(client, make_user):
    user = make_user(name="Greta Garbo", email="greta@bank.example")
    response = sign_in(client, "Greta@Bank.example")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = text_of(client.get("/"))
    assert "Welcome, Greta Garbo." in page
    assert f'href="/users/{user.id}"' in page


@pytest.mark.parametrize(
    ("email", "password"),
    [("person@bank.example", "wrong password here"), ("nobody@bank.example", PASSWORD)],
    ids=["wrong password", "unknown e-mail"],
)
def test_wrong_credentials_get_one_message_and_keep_the_email(client, make_user, email, password):
    make_user(email="person@bank.example")
    response = sign_in(client, email, password)
    assert response.status_code == 401
    page = text_of(response)
    assert "That e-mail and password do not match an account." in page
    assert f'value="{email}"' in page
    assert signed_in_id(client) is None


def test_empty_sign_in_form_is_refused_without_signing_in(client):
    response = client.post("/login", data={})
    assert response.status_code == 400
    assert signed_in_id(client) is None


def test_deactivated_account_is_refused_with_a_clear_message(client, make_user):
    user = make_user()
    services.deactivate_user(user)
    db.session.commit()
    response = sign_in(client, user.email)
    assert response.status_code == 403
    assert "This account has been deactivated." in text_of(response)
    assert signed_in_id(client) is None


def test_deactivated_account_with_a_wrong_password_gets_the_usual_message(client, make_user):
    user = make_user()
    services.deactivate_user(user)
    db.session.commit()
    response = sign_in(client, user.email, "not the password")
    assert response.status_code == 401
    assert "deactivated" not in text_of(response)


def test_deactivating_signs_out_a_session_already_open(client, make_user, login):
    user = make_user()
    login(user)
    assert client.get("/account/password").status_code == 200
    services.deactivate_user(db.session.get(User, user.id))
    db.session.commit()
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("target", ["/wiki/", "/questions/ask?x=1", "/users/1"])
def test_next_address_on_this_site_is_followed(client, make_user, target):
    user = make_user()
    response = sign_in(client, user.email, next=target)
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:evil.example",
        " //evil.example",
    ],
)
def test_next_address_off_this_site_is_ignored(client, make_user, target):
    user = make_user()
    response = sign_in(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_page_carries_next_into_the_form(client):
    page = text_of(client.get("/login?next=/wiki/"))
    assert '<input id="next" name="next" type="hidden" value="/wiki/">' in page


def test_sign_in_starts_a_fresh_session_but_keeps_the_language(client, make_user):
    user = make_user()
    with client.session_transaction() as planted:
        planted["planted"] = "by an attacker"
        planted["lang"] = "sv"
    sign_in(client, user.email)
    with client.session_transaction() as fresh:
        assert "planted" not in fresh
        assert fresh["lang"] == "sv"
        assert fresh["_user_id"] == str(user.id)


def test_signed_in_visitor_of_the_sign_in_page_goes_to_the_questions(client, make_user, login):
    login(make_user())
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_out_ends_the_session(client, make_user, login):
    user = make_user(name="Olle")
    login(user)
    response = client.post("/logout")
    assert response.status_code == 302
    page = text_of(client.get("/", follow_redirects=True))
    assert "You are signed out." in page
    assert "Sign in" in page
    assert signed_in_id(client) is None


def test_sign_out_is_not_a_link(client, make_user, login):
    login(make_user())
    assert client.get("/logout").status_code == 405


def test_check_credentials_refuses_accounts_without_a_password(app):
    services.create_user("importer@bank.example", "Imported content", "employee", password=None)
    db.session.commit()
    with pytest.raises(UserError) as raised:
        services.check_credentials("importer@bank.example", "")
    assert raised.value.status_code == 401
    assert services.authenticate("importer@bank.example", "anything at all") is None


# --- choosing a password ------------------------------------------------------------------------------------


def test_changing_password_needs_to_be_signed_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_change_password(client, make_user, login):
    user = make_user()
    login(user)
    new = "a brand new passphrase"
    response = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/users/{user.id}"
    client.post("/logout")
    assert sign_in(client, user.email).status_code == 401
    assert sign_in(client, user.email, new).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        (
            "wrong password!",
            "a brand new passphrase",
            "a brand new passphrase",
            "Your current password is not right.",
        ),
        (PASSWORD, "short", "short", "A password must be at least 10 characters long."),
        (PASSWORD, "a brand new passphrase", "a different passphrase", "The two new passwords differ."),
        (PASSWORD, PASSWORD, PASSWORD, "Choose a password different from the current one."),
    ],
)
def test_change_password_refusals_say_why(client, make_user, login, current, new, confirm, message):
    user = make_user()
    login(user)
    response = client.post(
        "/account/password", data={"current_password": current, "new_password": new, "confirm": confirm}
    )
    assert response.status_code == 400
    assert message in text_of(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_one_time_password_must_be_replaced_before_anything_else(client, app):
    user, one_time = services.create_user_with_one_time_password("new@bank.example", "New Person", "employee")
    db.session.commit()
    response = sign_in(client, "new@bank.example", one_time, next="/wiki/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/password")

    # Every other page sends them back to choose a password.
    response = client.get("/wiki/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/password")
    assert "one-time password" in text_of(client.get("/account/password"))

    new = "my own good passphrase"
    response = client.post(
        "/account/password?next=/wiki/",
        data={"current_password": one_time, "new_password": new, "confirm": new},
    )
    assert response.headers["Location"] == "/wiki/"
    assert client.get("/wiki/").status_code == 200
    db.session.expire_all()
    assert not db.session.get(User, user.id).password_change_required


def test_one_time_password_holder_may_still_sign_out(client, app):
    _, one_time = services.create_user_with_one_time_password("new@bank.example", "New Person", "employee")
    db.session.commit()
    sign_in(client, "new@bank.example", one_time)
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# --- profiles -----------------------------------------------------------------------------------------------


@pytest.fixture
def contributor(make_user, make_question, make_answer, make_page):
    """Someone who asked, answered (one answer accepted) and edited the wiki."""
    person = make_user(name="Karin Månsson", role="staff")
    asked = make_question(author=person, title="Why does the VPN drop every hour?")
    other = make_question(title="Printer on floor 3 prints blank pages")
    answer = make_answer(question=other, author=person, body="Replace the toner cartridge.")
    accept_answer(answer, other.author)
    make_answer(
        question=make_question(title="Outlook will not start"), author=person, body="Run it in safe mode."
    )
    first = make_page(title="VPN setup", path="network/vpn", author=person)
    second = make_page(title="Printers", path="printers", author=person)
    # A second edit of the first page: listed once, and now as the most recent.
    edit_page(
        first,
        person,
        title=first.title,
        path=first.path,
        body="Updated steps.",
        tags=[],
        summary="Newer client",
        base_version=first.version,
    )
    db.session.commit()
    return {"user": person, "asked": asked, "answer": answer, "pages": [first, second]}


def test_profile_shows_who_and_what_they_shared(client, contributor):
    person = contributor["user"]
    response = client.get(f"/users/{person.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert "<h1>Karin Månsson</h1>" in page
    assert "Staff" in page
    assert "Member since" in page
    assert "Why does the VPN drop every hour?" in page
    # Answers link to their place in the thread, named by the question; the accepted one is marked.
    assert f'href="/answers/{contributor["answer"].id}"' in page
    assert "Printer on floor 3 prints blank pages" in page
    assert "Outlook will not start" in page
    assert page.count("✓ Accepted") == 1
    assert "<strong>1</strong> question" in page
    assert "<strong>2</strong> answers" in page
    assert "1 accepted" in page
    assert "<strong>2</strong> wiki pages edited" in page
    assert page.index("VPN setup") < page.index("Printers</a>")
    assert "Newer client" in page


def test_profile_is_public(client, contributor):
    assert client.get(f"/users/{contributor['user'].id}").status_code == 200


def test_profile_of_someone_who_shared_nothing(client, make_user):
    person = make_user(name="Quiet Quentin")
    page = text_of(client.get(f"/users/{person.id}"))
    assert "Quiet Quentin has not asked any questions yet." in page
    assert "Quiet Quentin has not answered any questions yet." in page
    assert "Quiet Quentin has not edited any wiki pages yet." in page


def test_own_profile_offers_the_password_change(client, make_user, login):
    me, other = make_user(), make_user()
    login(me)
    assert "/account/password" in text_of(client.get(f"/users/{me.id}"))
    assert "/account/password" not in text_of(client.get(f"/users/{other.id}"))


@pytest.mark.parametrize("suffix", ["", "/questions", "/answers", "/pages"])
def test_profiles_of_unknown_or_deactivated_accounts_are_404(client, make_user, suffix):
    gone = make_user()
    services.deactivate_user(gone)
    db.session.commit()
    assert client.get(f"/users/{gone.id}{suffix}").status_code == 404
    assert client.get(f"/users/999999{suffix}").status_code == 404


def test_long_lists_are_capped_with_a_link_to_all(client, make_user, make_question, app):
    person = make_user()
    app.config["ITEMS_PER_PAGE"] = 4
    for n in range(7):
        make_question(author=person, title=f"Question number {n} about the network")
    page = text_of(client.get(f"/users/{person.id}"))
    assert page.count("about the network") == 5
    assert f'href="/users/{person.id}/questions">All 7 questions' in page

    first = text_of(client.get(f"/users/{person.id}/questions"))
    assert first.count("about the network") == 4
    assert "Question number 6" in first  # newest first
    second = text_of(client.get(f"/users/{person.id}/questions?page=2"))
    assert second.count("about the network") == 3
    assert "Question number 0" in second
    assert client.get(f"/users/{person.id}/questions?page=x").status_code == 404
    assert client.get(f"/users/{person.id}/questions?page=9").status_code == 404


def test_answers_and_pages_lists(client, contributor):
    person = contributor["user"]
    answers = text_of(client.get(f"/users/{person.id}/answers"))
    assert "Answers by Karin Månsson" in answers
    assert "Outlook will not start" in answers
    pages = text_of(client.get(f"/users/{person.id}/pages"))
    assert "Wiki pages edited by Karin Månsson" in pages
    assert pages.count('href="/wiki/network/vpn"') == 1


def test_pages_edited_by_lists_each_page_once_latest_edit_first(contributor, make_user):
    person = contributor["user"]
    revisions = db.session.scalars(queries.pages_edited_by(person, person)).all()
    assert [r.page.path for r in revisions] == ["network/vpn", "printers"]
    assert revisions[0].summary == "Newer client"
    nobody = make_user()
    assert db.session.scalars(queries.pages_edited_by(nobody, person)).all() == []


def test_profile_counts(contributor, make_user):
    reader = make_user()
    counts = queries.profile_counts(contributor["user"], reader)
    assert (counts.questions, counts.answers, counts.accepted_answers, counts.pages) == (1, 2, 1, 2)
    assert queries.profile_counts(make_user(), reader) == queries.ProfileCounts(0, 0, 0, 0)
