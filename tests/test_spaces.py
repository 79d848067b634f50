"""Spaces as people meet them: the member cap, joining, the member-list review, moving content, the audit
log, and what a person outside a restricted space learns about it (nothing)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.errors import UserError
from helpdesk.extensions import db
from helpdesk.forum.services import ask_question
from helpdesk.spaces import services
from helpdesk.spaces.models import JoinRequest, MemberRole, SpaceAuditEntry
from helpdesk.spaces.queries import default_space, is_member
from helpdesk.wiki.services import create_page


def audit_actions(space) -> list[str]:
    entries = db.session.scalars(
        select(SpaceAuditEntry).where(SpaceAuditEntry.space_id == space.id).order_by(SpaceAuditEntry.id)
    )
    return [entry.action for entry in entries]


def text_of(response) -> str:
    return response.get_data(as_text=True)


def without_token(html: str) -> str:
    """A page without its CSRF token (it differs on every request)."""
    return re.sub(r'(csrf[-_]token"[^>]*(value|content)=")[^"]*', r"\1", html)


@pytest.fixture
def owner(make_user):
    return make_user(name="Olga Owner")


@pytest.fixture
def team(owner):
    """A restricted space with one owner and room for three."""
    space = services.create_space(
        "Payroll Team", None, restricted=True, member_cap=3, owners=[owner], description="Salaries."
    )
    db.session.commit()
    return space


# --- the member cap -------------------------------------------------------------------------------------


def test_adding_a_member_beyond_the_cap_is_refused_with_the_cap_in_the_message(team, owner, make_user):
    services.add_member(team, make_user(), owner)
    services.add_member(team, make_user(), owner)
    db.session.commit()
    late = make_user(name="Late Larry")
    with pytest.raises(UserError) as refused:
        services.add_member(team, late, owner)
    assert refused.value.status_code == 409
    assert "member cap is 3" in refused.value.message
    db.session.rollback()
    assert not is_member(team, late)
    assert services.member_count(team) == 3


def test_the_owner_sees_the_cap_refusal_on_the_members_page(client, login, team, owner, make_user):
    for _ in range(2):
        services.add_member(team, make_user(), owner)
    db.session.commit()
    late = make_user(email="late@bank.example")
    login(owner)
    response = client.post(
        f"/spaces/{team.slug}/members", data={"email": "late@bank.example", "role": "member"}
    )
    assert response.status_code == 409
    assert "This space is full: its member cap is 3." in text_of(response)
    assert not is_member(team, late)


def test_a_cap_below_the_number_of_members_is_refused(team, owner, make_user):
    services.add_member(team, make_user(), owner)
    db.session.commit()
    with pytest.raises(UserError) as refused:
        services.set_member_cap(team, 1, None)
    assert "has 2 members" in refused.value.message
    db.session.rollback()
    services.set_member_cap(team, 2, None)
    services.set_member_cap(team, None, None)
    db.session.commit()
    assert team.member_cap is None
    assert audit_actions(team).count(services.Action.CAP) == 2


def test_staff_cannot_set_a_cap_but_an_admin_can(client, login, team, make_user):
    staff = make_user(role="staff")
    services.add_member(team, staff, None, role=MemberRole.OWNER)
    db.session.commit()
    login(staff)
    assert client.get(f"/spaces/{team.slug}/settings").status_code == 403
    client.post("/logout")
    login(make_user(role="admin"))
    form = {
        "name": team.name,
        "description": "",
        "member_cap": "10",
        "review_interval_days": "30",
        "restricted": "y",
    }
    response = client.post(f"/spaces/{team.slug}/settings", data=form)
    assert response.status_code == 303
    db.session.refresh(team)
    assert (team.member_cap, team.review_interval_days, team.is_restricted) == (10, 30, True)
    response = client.post(f"/spaces/{team.slug}/settings", data={**form, "member_cap": "1"})
    assert response.status_code == 400
    assert "Remove members first" in text_of(response)


# --- owners and members ---------------------------------------------------------------------------------


def test_the_last_owner_can_neither_be_removed_nor_leave(team, owner, make_user):
    with pytest.raises(UserError, match="last owner"):
        services.remove_member(team, owner, None)
    with pytest.raises(UserError, match="last owner"):
        services.leave(team, owner)
    with pytest.raises(UserError, match="last owner"):
        services.set_role(team, owner, MemberRole.MEMBER, None)
    second = make_user()
    services.add_member(team, second, owner, role=MemberRole.OWNER)
    services.leave(team, owner)
    db.session.commit()
    assert not is_member(team, owner)


def test_a_member_leaves_and_no_longer_sees_the_space(client, login, team, owner, make_user):
    member = make_user()
    services.add_member(team, member, owner)
    db.session.commit()
    login(member)
    assert client.get(f"/spaces/{team.slug}").status_code == 200
    response = client.post(f"/spaces/{team.slug}/leave")
    assert response.status_code == 303
    assert client.get(f"/spaces/{team.slug}").status_code == 404
    assert services.Action.LEFT in audit_actions(team)


def test_an_owner_adds_removes_and_promotes_members_over_http(client, login, team, owner, make_user):
    person = make_user(email="pia@bank.example", name="Pia")
    login(owner)
    assert client.post(f"/spaces/{team.slug}/members", data={"email": "PIA@bank.example"}).status_code == 303
    assert is_member(team, person)
    response = client.post(f"/spaces/{team.slug}/members/{person.id}/role", data={"role": "owner"})
    assert response.status_code == 303
    assert "Pia" in text_of(client.get(f"/spaces/{team.slug}/members"))
    response = client.post(f"/spaces/{team.slug}/members/{person.id}/remove")
    assert response.status_code == 303
    assert not is_member(team, person)
    response = client.post(f"/spaces/{team.slug}/members", data={"email": "nobody@bank.example"})
    assert response.status_code == 400
    assert "No account has the e-mail address nobody@bank.example." in text_of(response)


def test_a_plain_member_cannot_manage_members(client, login, team, owner, make_user):
    member = make_user()
    services.add_member(team, member, owner)
    db.session.commit()
    login(member)
    assert client.get(f"/spaces/{team.slug}/members").status_code == 403
    assert client.post(f"/spaces/{team.slug}/members/{owner.id}/remove").status_code == 403


# --- joining, and what outsiders learn ------------------------------------------------------------------


def test_a_restricted_space_answers_outsiders_exactly_like_no_space(client, login, team, make_user):
    login(make_user())
    client.get("/")  # shows the welcome message
    for suffix in ("", "/members", "/settings"):
        hidden = client.get(f"/spaces/{team.slug}{suffix}")
        missing = client.get(f"/spaces/no-such-space{suffix}")
        assert hidden.status_code == missing.status_code == 404
        # The same page, but for the address itself (the language switch returns to it).
        assert without_token(text_of(hidden)).replace(team.slug, "X") == without_token(
            text_of(missing)
        ).replace("no-such-space", "X")
    for action in ("/leave", "/review", "/members"):
        assert client.post(f"/spaces/{team.slug}{action}").status_code == 404
    listing = text_of(client.get("/spaces"))
    assert "Payroll Team" not in listing and team.slug not in listing


def test_the_join_page_and_its_answer_reveal_nothing(client, login, team, make_user):
    login(make_user())
    client.get("/")  # shows the welcome message
    pages = [text_of(client.get(f"/spaces/{slug}/join")) for slug in (team.slug, "no-such-space")]
    assert "Payroll" not in pages[0]
    assert without_token(pages[0]).replace(team.slug, "X") == without_token(pages[1]).replace(
        "no-such-space", "X"
    )
    answers = [
        client.post(f"/spaces/{slug}/join", data={"message": "Hi"}, follow_redirects=True)
        for slug in (team.slug, "no-such-space")
    ]
    assert [a.status_code for a in answers] == [200, 200]
    for answer in answers:
        assert (
            "If this space exists and you are not a member yet, its owners will see your request."
            in text_of(answer)
        )
    assert "Payroll" not in text_of(answers[0])


def test_a_join_request_is_approved_by_an_owner(client, login, team, owner, make_user):
    asker = make_user(name="Asking Anna")
    login(asker)
    client.post(f"/spaces/{team.slug}/join", data={"message": "I run the payroll now."})
    client.post(f"/spaces/{team.slug}/join", data={"message": "Again"})
    requests = db.session.scalars(select(JoinRequest).where(JoinRequest.user_id == asker.id)).all()
    assert len(requests) == 1 and requests[0].message == "I run the payroll now."
    assert client.get(f"/spaces/{team.slug}").status_code == 404

    client.post("/logout")
    login(owner)
    assert "1 request to join is waiting." in text_of(client.get(f"/spaces/{team.slug}"))
    members_page = text_of(client.get(f"/spaces/{team.slug}/members"))
    assert "Asking Anna" in members_page and "I run the payroll now." in members_page
    response = client.post(f"/spaces/{team.slug}/requests/{requests[0].id}/approve")
    assert response.status_code == 303
    assert is_member(team, asker)

    client.post("/logout")
    login(asker)
    assert "Salaries." in text_of(client.get(f"/spaces/{team.slug}"))
    assert services.Action.REQUESTED in audit_actions(team)
    assert services.Action.APPROVED in audit_actions(team)


def test_a_rejected_request_keeps_the_person_out(client, login, team, owner, make_user):
    asker = make_user()
    request = services.request_to_join(team, asker, "")
    db.session.commit()
    login(owner)
    assert client.post(f"/spaces/{team.slug}/requests/{request.id}/reject").status_code == 303
    db.session.refresh(request)
    assert request.status == JoinRequest.REJECTED
    assert not is_member(team, asker)
    assert "No requests waiting." in text_of(client.get(f"/spaces/{team.slug}/members"))
    assert services.Action.REJECTED in audit_actions(team)
    # Decided once: a second decision is refused.
    response = client.post(f"/spaces/{team.slug}/requests/{request.id}/approve", follow_redirects=True)
    assert "This request has been decided already." in text_of(response)
    assert not is_member(team, asker)


def test_approving_a_request_respects_the_cap(client, login, team, owner, make_user):
    services.add_member(team, make_user(), owner)
    services.add_member(team, make_user(), owner)
    asker = make_user()
    request = services.request_to_join(team, asker)
    db.session.commit()
    login(owner)
    response = client.post(f"/spaces/{team.slug}/requests/{request.id}/approve", follow_redirects=True)
    assert "This space is full: its member cap is 3." in text_of(response)
    db.session.refresh(request)
    assert request.status == JoinRequest.PENDING
    assert not is_member(team, asker)


def test_a_public_space_takes_no_join_requests(make_user):
    assert services.request_to_join(default_space(), make_user()) is None


# --- reviewing the member list --------------------------------------------------------------------------


def test_a_due_review_shows_to_owners_and_admins_until_confirmed(client, login, team, owner, make_user):
    member, admin = make_user(), make_user(role="admin")
    services.add_member(team, member, owner)
    team.reviewed_at -= timedelta(days=91)
    db.session.commit()
    assert services.review_due(team)
    banner = "The member list of this space is due for review."
    for person, sees in ((owner, True), (admin, True), (member, False)):
        login(person)
        assert (banner in text_of(client.get(f"/spaces/{team.slug}"))) is sees
        client.post("/logout")
    login(owner)
    assert client.post(f"/spaces/{team.slug}/review").status_code == 303
    assert banner not in text_of(client.get(f"/spaces/{team.slug}"))
    db.session.refresh(team)
    assert not services.review_due(team)
    assert services.Action.REVIEWED in audit_actions(team)


def test_review_is_due_exactly_one_interval_after_the_last(team):
    team.review_interval_days = 30
    assert not services.review_due(team, now=team.reviewed_at + timedelta(days=29, hours=23))
    assert services.review_due(team, now=team.reviewed_at + timedelta(days=30))


# --- creating spaces ------------------------------------------------------------------------------------


def test_staff_create_a_space_and_become_its_owner(client, login, make_user):
    staff = make_user(role="staff")
    login(staff)
    response = client.post(
        "/spaces/new", data={"name": "Lön & Ekonomi", "restricted": "y", "review_interval_days": "90"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/spaces/lon-ekonomi")
    page = text_of(client.get("/spaces/lon-ekonomi"))
    assert "Lön &amp; Ekonomi" in page and "Manage members" in page
    again = client.post("/spaces/new", data={"name": "lön & ekonomi", "review_interval_days": "90"})
    assert again.status_code == 409
    assert "There is already a space named" in text_of(again)
    # Another name giving the same address gets the next free one, never a refusal.
    clash = client.post("/spaces/new", data={"name": "Lon Ekonomi", "review_interval_days": "90"})
    assert clash.status_code == 302
    assert clash.headers["Location"].endswith("/spaces/lon-ekonomi-2")


def test_a_hidden_space_neither_blocks_nor_reveals_its_name_or_address(client, login, make_user, owner):
    hidden = services.create_space("Client Zeta", owner, restricted=True, owners=[owner])
    db.session.commit()
    staff = make_user(role="staff")
    login(staff)
    response = client.post("/spaces/new", data={"name": "Client Zeta", "review_interval_days": "90"})
    # Staff who cannot see the restricted space create theirs as if it did not exist.
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/spaces/client-zeta-2")
    assert client.get(f"/spaces/{hidden.slug}").status_code == 404
    # Among the spaces one can see, a name is still unique.
    again = client.post("/spaces/new", data={"name": "client zeta", "review_interval_days": "90"})
    assert again.status_code == 409
    assert "There is already a space named" in text_of(again)


def test_employees_cannot_create_spaces(client, login, make_user):
    login(make_user())
    assert client.get("/spaces/new").status_code == 403


# --- moving content -------------------------------------------------------------------------------------


def found(client, text: str, doc_id: str) -> bool:
    """Does searching ``text`` list the document ``doc_id`` ("question:12")?"""
    return f'data-doc-id="{doc_id}"' in text_of(client.get("/search", query_string={"q": text}))


def test_a_moved_question_leaves_search_for_outsiders_at_once(client, login, team, owner, make_user):
    staff, outsider = make_user(role="staff"), make_user()
    services.add_member(team, staff, owner)
    question = ask_question(
        make_user(), "Salary slip missing in the portal", "Where is my salary slip?", ["lon"]
    )
    db.session.commit()
    login(outsider)
    assert found(client, "salary slip", f"question:{question.id}")
    client.post("/logout")

    login(staff)
    form = client.get(f"/questions/{question.id}/move")
    assert form.status_code == 200 and "Payroll Team" in text_of(form)
    assert client.post(f"/questions/{question.id}/move", data={"target": str(team.id)}).status_code == 303
    assert found(client, "salary slip", f"question:{question.id}")
    client.post("/logout")

    login(outsider)
    assert not found(client, "salary slip", f"question:{question.id}")
    assert client.get(f"/questions/{question.id}").status_code == 404
    assert services.Action.QUESTION_MOVED in audit_actions(team)


def test_a_moved_page_gets_the_space_prefix_and_refuses_a_taken_path(client, login, team, owner, make_user):
    staff = make_user(role="staff")
    services.add_member(team, staff, owner)
    page = create_page(staff, "Payroll calendar", "payroll-calendar", "Pay day is the 25th.", [])
    create_page(staff, "Other", "handbook", "Text.", [], space=team)
    clash = create_page(staff, "Handbook", "handbook", "Public text.", [])
    db.session.commit()
    login(staff)
    response = client.post(f"/wiki/{page.path}/-/move", data={"target": str(team.id)})
    assert response.status_code == 303
    db.session.refresh(page)
    assert page.path == "spaces/payroll-team/payroll-calendar"
    assert page.space_id == team.id
    assert client.get("/wiki/spaces/payroll-team/payroll-calendar").status_code == 200
    assert found(client, "payroll calendar", f"page:{page.id}")

    response = client.post(f"/wiki/{clash.path}/-/move", data={"target": str(team.id)})
    assert response.status_code == 409
    assert "There is already a page at “spaces/payroll-team/handbook”" in text_of(response)
    db.session.refresh(clash)
    assert clash.path == "handbook" and clash.space_id == default_space().id

    # And back to the default space: the prefix goes.
    assert (
        client.post(f"/wiki/{page.path}/-/move", data={"target": str(default_space().id)}).status_code == 303
    )
    db.session.refresh(page)
    assert page.path == "payroll-calendar"


def test_only_staff_or_owners_of_both_spaces_may_move(client, login, team, owner, make_user):
    author = make_user()
    question = ask_question(author, "Where do I report overtime?", "Is there a form?", [])
    db.session.commit()
    login(author)
    assert client.get(f"/questions/{question.id}/move").status_code == 403
    assert "Move to another space" not in text_of(client.get(f"/questions/{question.id}"))
    client.post("/logout")
    # An owner of the target who does not own the source may not move into it ...
    login(owner)
    assert client.get(f"/questions/{question.id}/move").status_code == 403
    # ... until they own both.
    services.add_member(default_space(), owner, None, role=MemberRole.OWNER)
    db.session.commit()
    assert "Move to another space" in text_of(client.get(f"/questions/{question.id}"))
    response = client.post(f"/questions/{question.id}/move", data={"target": "999"})
    assert response.status_code == 400
    assert "Choose one of the spaces in the list." in text_of(response)
    assert client.post(f"/questions/{question.id}/move", data={"target": str(team.id)}).status_code == 303


# --- the audit log --------------------------------------------------------------------------------------


def test_every_membership_change_is_in_the_audit_log(client, login, team, owner, make_user):
    member, other = make_user(name="Mia Member"), make_user()
    services.add_member(team, member, owner)
    services.set_role(team, member, MemberRole.OWNER, owner)
    services.set_role(team, member, MemberRole.MEMBER, owner)
    services.remove_member(team, member, owner)
    request = services.request_to_join(team, other)
    services.reject_request(request, owner)
    services.confirm_review(team, owner)
    db.session.commit()
    A = services.Action
    assert audit_actions(team) == [
        A.CREATED,
        A.ADDED,
        A.ADDED,
        A.ROLE,
        A.ROLE,
        A.REMOVED,
        A.REQUESTED,
        A.REJECTED,
        A.REVIEWED,
    ]
    entry = db.session.scalar(select(SpaceAuditEntry).where(SpaceAuditEntry.action == A.REMOVED))
    assert (entry.actor_id, entry.subject_id, entry.space_name) == (owner.id, member.id, "Payroll Team")

    admin = make_user(role="admin")
    login(admin)
    page = text_of(client.get("/admin/audit", query_string={"space": team.id}))
    assert page.index("removed a member") < page.index("added a member")  # newest first
    assert "Mia Member" in page and "operator" in page  # the space was created by a command


def test_the_audit_log_pages_and_filters_by_space(app, client, login, team, make_user):
    other = services.create_space("Other Team", None)
    for _ in range(app.config["ITEMS_PER_PAGE"] + 1):
        services.confirm_review(team, None)
    db.session.commit()
    login(make_user(role="admin"))
    first = text_of(client.get("/admin/audit", query_string={"space": team.id}))
    assert "Page 1 of 2" in first and "Other Team" in first  # named in the filter's list only
    assert first.count("confirmed the member list") == app.config["ITEMS_PER_PAGE"]
    second = text_of(client.get("/admin/audit", query_string={"space": team.id, "page": 2}))
    assert "created the space" in second  # the oldest entry comes last
    assert "Other Team</a>" not in second
    everything = text_of(client.get("/admin/audit", query_string={"space": other.id}))
    assert everything.count("created the space") == 1 and "confirmed the member list" not in everything


def test_only_admins_read_the_audit_log_and_site_settings(client, login, team, owner):
    login(owner)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/settings").status_code == 403


# --- reading without signing in -------------------------------------------------------------------------


def test_admins_can_require_everyone_to_sign_in(app, client, login, make_user, make_question):
    question = make_question(title="Printer on floor 3 is jammed")
    assert client.get(f"/questions/{question.id}").status_code == 200
    admin_client = app.test_client()
    admin = make_user(role="admin")
    admin_client.post("/login", data={"email": admin.email, "password": "correct horse battery staple"})
    assert "checked" in text_of(admin_client.get("/admin/settings"))
    assert admin_client.post("/admin/settings", data={}).status_code == 303

    for url in ("/", f"/questions/{question.id}", "/wiki/", "/search?q=printer", "/spaces", "/tags"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]
    assert client.get("/api/v1/search?q=printer").status_code == 401
    assert client.get("/login").status_code == 200
    static = client.get("/static/css/app.css")
    static.close()
    assert static.status_code == 200
    assert client.get("/opensearch.xml").status_code == 200
    # Signed-in people read as before.
    login(make_user())
    assert "Printer on floor 3" in text_of(client.get(f"/questions/{question.id}"))
    client.post("/logout")

    assert admin_client.post("/admin/settings", data={"anonymous_read": "y"}).status_code == 303
    assert client.get(f"/questions/{question.id}").status_code == 200


# --- the demo -------------------------------------------------------------------------------------------


def test_the_demo_has_a_restricted_space_that_outsiders_do_not_see(runner, client, login, make_user):
    from helpdesk.demo.spaces import DEMO_SPACE
    from helpdesk.forum.models import Question

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0  # a second load adds nothing
    space = services.queries.space_by_slug("risk-modelling")
    assert space.is_restricted and services.member_count(space) == 3
    assert services.review_due(space)
    assert len(services.queries.pending_requests(space)) == 1
    question = db.session.scalar(
        select(Question).where(Question.external_id == "demo:question:excel-addin-missing")
    )
    assert question.space_id == space.id
    assert DEMO_SPACE["name"] not in text_of(client.get("/spaces"))
    assert client.get(f"/questions/{question.id}").status_code == 404
    login(make_user(role="admin"))
    assert "The member list of this space is due for review." in text_of(client.get("/spaces/risk-modelling"))


def test_an_admin_opening_a_restricted_space_shows_it_to_everyone_at_once(client, login, team, make_user):
    question = ask_question(make_user(), "Bonus payout date", "When is the bonus paid?", [], space=team)
    db.session.commit()
    assert client.get(f"/spaces/{team.slug}").status_code == 404
    assert client.get(f"/questions/{question.id}").status_code == 404
    services.update_space(team, make_user(role="admin"), restricted=False)
    db.session.commit()
    assert "Bonus payout date" in text_of(client.get(f"/spaces/{team.slug}"))
    assert client.get(f"/questions/{question.id}").status_code == 200
    assert found(client, "bonus payout", f"question:{question.id}")
    assert services.Action.SETTINGS in audit_actions(team)
