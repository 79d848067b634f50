"""Curating the wiki: promoting an accepted answer to a page, the links both ways, closing a question against
a page, review flags, owners and review-by dates, the review list, and who may do what."""

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.forum import services as forum
from helpdesk.insights.ratings import rate
from helpdesk.spaces.services import add_member, create_space
from helpdesk.wiki import curation
from helpdesk.wiki.models import Page
from helpdesk.wiki.services import create_page
from tests.conftest import PASSWORD

ANSWER = "Open **Settings**, choose *Network* and restart the VPN client."


def plain(response) -> str:
    """The page's text without its tags, entities decoded, blanks folded."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def html(response) -> str:
    return response.get_data(as_text=True)


def signed_in(app, user):
    """A client of its own signed in as ``user``."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def page_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Page))


@pytest.fixture
def staff(make_user):
    return make_user(role="staff", name="Sam Staff")


@pytest.fixture
def team(make_user, staff):
    """A restricted space with the staff member in it."""
    space = create_space("Payroll team", None, restricted=True, owners=[make_user(name="Owner")])
    add_member(space, staff, None)
    db.session.commit()
    return space


@pytest.fixture
def accepted(make_user, make_question, make_answer):
    """A public question with an accepted answer (and a second one, not accepted)."""
    asker = make_user(name="Asker")
    question = make_question(author=asker, title="VPN drops every hour", tags=["vpn", "network"])
    answer = make_answer(question=question, body=ANSWER)
    make_answer(question=question, body="Buy a new laptop.")
    forum.accept_answer(answer, asker)
    db.session.commit()
    return answer


def promote(client, answer, **changes):
    """Open the prefilled form for ``answer``, then save it (with ``changes`` to its fields)."""
    form = client.get(f"/wiki/new?answer={answer.id}")
    assert form.status_code == 200, html(form)[:300]
    data = {
        name: unescape(value)
        for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', html(form))
        if name in {"title", "tags", "source_answer"}
    }
    data["body"] = unescape(re.search(r"<textarea[^>]*>\r?\n?(.*?)</textarea>", html(form), re.S).group(1))
    data["lang"] = "en"
    data["space"] = re.search(r'<option selected value="([^"]+)"', html(form)).group(1)
    data.update(changes)
    return client.post("/wiki/new", data=data)


# ---------------------------------------------------------------------------------------------------------
# Promoting


def test_promote_opens_the_new_page_form_prefilled_and_saves_nothing(
    app, staff, team, make_user, make_answer
):
    asker = make_user()
    question = forum.ask_question(
        asker, "Payslip PDF will not open", "It says the file is damaged.", ["payroll", "pdf"], space=team
    )
    answer = forum.answer_question(question, make_user(), "Download it again with Edge.")
    forum.accept_answer(answer, asker)
    db.session.commit()
    client = signed_in(app, staff)

    thread = client.get(f"/questions/{question.id}")
    assert f'href="/wiki/new?answer={answer.id}"' in html(thread)
    assert "Turn into a wiki page" in plain(thread)

    form = client.get(f"/wiki/new?answer={answer.id}")
    assert form.status_code == 200
    text = html(form)
    assert 'value="Payslip PDF will not open"' in text
    body = unescape(re.search(r"<textarea[^>]*>\r?\n?(.*?)</textarea>", text, re.S).group(1))
    assert body.startswith("Download it again with Edge.")
    assert f"From the question [Payslip PDF will not open](/questions/{question.id}/" in body
    assert re.search(r'name="tags"[^>]*value="payroll pdf"', text)
    assert f'<option selected value="{team.slug}">' in text
    assert re.search(rf'name="source_answer" type="hidden" value="{answer.id}"', text)
    assert page_count() == 0


def test_saving_the_promoted_page_links_page_and_thread(app, staff, accepted):
    client = signed_in(app, staff)
    saved = promote(client, accepted)
    assert saved.status_code == 302, plain(saved)[:500]

    page = db.session.scalars(select(Page)).one()
    assert page.source_answer_id == accepted.id
    assert page.title == "VPN drops every hour"
    assert sorted(tag.name for tag in page.tags) == ["network", "vpn"]
    assert page.owner_id == staff.id
    assert page.review_by == curation.today() + timedelta(days=180)

    shown = client.get(saved.headers["Location"])
    assert "From the question: VPN drops every hour" in plain(shown)
    assert f'href="/questions/{accepted.question_id}/' in html(shown)

    thread = client.get(f"/questions/{accepted.question_id}")
    assert "Answered in the wiki: VPN drops every hour" in plain(thread)
    assert "Turn into a wiki page" not in plain(thread)
    assert f'href="/wiki/{page.path}">See the wiki page' in html(thread)
    # The button's address now leads to the page rather than to a second one.
    again = client.get(f"/wiki/new?answer={accepted.id}")
    assert again.status_code == 302 and again.headers["Location"] == f"/wiki/{page.path}"


def test_the_review_period_comes_from_the_settings(app, staff, accepted):
    app.config["PAGE_REVIEW_DAYS"] = 30
    assert promote(signed_in(app, staff), accepted).status_code == 302
    assert db.session.scalars(select(Page)).one().review_by == curation.today() + timedelta(days=30)


def test_bad_input_on_the_promoted_form_keeps_the_text(app, staff, accepted):
    client = signed_in(app, staff)
    refused = promote(client, accepted, title="", body="My own careful wording of the fix.")
    assert refused.status_code == 400
    assert "A title is required." in plain(refused)
    assert "My own careful wording of the fix." in html(refused)
    assert re.search(rf'name="source_answer" type="hidden" value="{accepted.id}"', html(refused))
    assert page_count() == 0


def test_a_second_save_of_the_same_answer_is_refused_with_the_text_kept(app, staff, accepted):
    client = signed_in(app, staff)
    assert promote(client, accepted).status_code == 302
    again = client.post(
        "/wiki/new",
        data={"title": "Another", "body": "Second copy.", "lang": "en", "space": "public",
              "source_answer": str(accepted.id)},
    )  # fmt: skip
    assert again.status_code in (302, 409)
    assert page_count() == 1


def test_a_page_in_a_restricted_space_is_not_linked_from_a_public_thread(
    app, staff, team, accepted, make_user
):
    page = create_page(staff, "Payroll VPN notes", "vpn-notes", "Secret notes.", [], space=team)
    page.source_answer_id = accepted.id
    db.session.commit()

    member_view = signed_in(app, staff).get(f"/questions/{accepted.question_id}")
    assert "Answered in the wiki: Payroll VPN notes" in plain(member_view)
    outsider_view = signed_in(app, make_user()).get(f"/questions/{accepted.question_id}")
    assert "Payroll VPN notes" not in plain(outsider_view)
    assert "Answered in the wiki" not in plain(outsider_view)
    # Staff outside the space may make a page of their own from it: the hidden one does not exist for them.
    other_staff = signed_in(app, make_user(role="staff"))
    assert "Turn into a wiki page" in plain(other_staff.get(f"/questions/{accepted.question_id}"))
    assert other_staff.get(f"/wiki/new?answer={accepted.id}").status_code == 200


def test_a_public_page_does_not_name_a_restricted_source_thread(app, staff, team, make_user):
    asker = make_user()
    question = forum.ask_question(asker, "Zqx payroll cut-off", "When?", [], space=team)
    answer = forum.answer_question(question, make_user(), "The 20th.")
    forum.accept_answer(answer, asker)
    page = create_page(staff, "Payroll dates", "payroll-dates", "The 20th.", [])
    page.source_answer_id = answer.id
    db.session.commit()

    assert "From the question: Zqx payroll cut-off" in plain(signed_in(app, staff).get("/wiki/payroll-dates"))
    shown = plain(signed_in(app, make_user()).get("/wiki/payroll-dates"))
    assert "Zqx" not in shown and "From the question" not in shown


def test_an_answer_nobody_may_see_answers_like_a_missing_one(app, team, make_user):
    asker = make_user()
    question = forum.ask_question(asker, "Hidden question", "Body.", [], space=team)
    answer = forum.answer_question(question, make_user(), "Hidden answer.")
    forum.accept_answer(answer, asker)
    db.session.commit()
    outsider_staff = signed_in(app, make_user(role="staff"))
    assert outsider_staff.get(f"/wiki/new?answer={answer.id}").status_code == 404
    assert outsider_staff.get("/wiki/new?answer=999999").status_code == 404
    assert outsider_staff.get("/wiki/new?answer=x1").status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Review flags, owners, review-by dates


@pytest.fixture
def promoted(staff, accepted):
    page = create_page(staff, "VPN drops", "vpn-drops", ANSWER, ["vpn"])
    page.source_answer_id = accepted.id
    db.session.commit()
    return page


def test_editing_the_source_answer_flags_the_page(app, staff, promoted, accepted):
    assert promoted.source_changed_at is None
    forum.edit_answer(accepted, staff, ANSWER + " Then sign in again.")
    db.session.commit()
    assert promoted.source_changed_at is not None

    client = signed_in(app, staff)
    review = client.get("/wiki/-/review")
    assert re.search(rf'data-review="changed" data-page="{promoted.id}"', html(review))
    assert "has been edited since" in plain(client.get("/wiki/vpn-drops"))


def test_mark_reviewed_resets_the_date_and_clears_the_flag(app, staff, promoted, accepted):
    promoted.review_by = curation.today() - timedelta(days=3)
    forum.edit_answer(accepted, staff, ANSWER + " Then sign in again.")
    db.session.commit()
    client = signed_in(app, staff)
    before = html(client.get("/wiki/-/review"))
    assert f'data-review="overdue" data-page="{promoted.id}"' in before
    assert f'data-review="changed" data-page="{promoted.id}"' in before

    done = client.post("/wiki/vpn-drops/-/reviewed", data={"back": "review"})
    assert done.status_code == 302 and done.headers["Location"] == "/wiki/-/review"
    assert promoted.review_by == curation.today() + timedelta(days=180)
    assert promoted.reviewed_at is not None
    assert promoted.source_changed_at is None
    after = html(client.get("/wiki/-/review"))
    assert f'data-page="{promoted.id}"' not in after


def test_the_review_list_shows_pages_past_their_date_and_mine(app, staff, make_page, make_user):
    other = make_user(role="staff")
    overdue = make_page(title="Old printer page", author=staff)
    due_today = make_page(title="Due today page", author=other)
    fresh = make_page(title="Fresh page", author=staff)
    overdue.review_by = curation.today() - timedelta(days=1)
    due_today.review_by = curation.today()
    fresh.review_by = curation.today() + timedelta(days=10)
    db.session.commit()
    client = signed_in(app, staff)

    listed = html(client.get("/wiki/-/review"))
    overdue_ids = re.findall(r'data-review="overdue" data-page="(\d+)"', listed)
    assert overdue_ids == [str(overdue.id), str(due_today.id)]
    mine = html(client.get("/wiki/-/review?mine=1"))
    assert re.findall(r'data-review="overdue" data-page="(\d+)"', mine) == [str(overdue.id)]


def test_the_review_list_shows_pages_rated_unhelpful(app, staff, make_page, make_user):
    bad, good = make_page(title="Confusing page"), make_page(title="Clear page")
    for helpful in (False, False, True):
        rate(make_user(), helpful, page=bad)
    rate(make_user(), True, page=good)
    rate(make_user(), False, page=good)
    db.session.commit()
    listed = signed_in(app, staff).get("/wiki/-/review")
    assert re.findall(r'data-review="unhelpful" data-page="(\d+)"', html(listed)) == [str(bad.id)]
    assert "1 found it helpful, 2 did not" in plain(listed)


def test_the_review_list_leaves_out_pages_the_reader_cannot_see(app, team, staff, make_user):
    page = create_page(staff, "Payroll secrets", "secrets", "Text.", [], space=team)
    page.review_by = curation.today() - timedelta(days=5)
    db.session.commit()
    assert "Payroll secrets" in plain(signed_in(app, staff).get("/wiki/-/review"))
    outsider = signed_in(app, make_user(role="staff"))
    assert "Payroll secrets" not in plain(outsider.get("/wiki/-/review"))
    assert outsider.post(f"/wiki/{page.path}/-/reviewed").status_code == 404
    assert outsider.post("/wiki/nothing-here/-/reviewed").status_code == 404


def test_staff_set_the_owner_and_the_review_by_date(app, staff, promoted, make_user):
    lead = make_user(role="lead", name="Lena Lead")
    client = signed_in(app, staff)
    page = html(client.get("/wiki/vpn-drops"))
    assert "Owner / Review by" in page and f'<option selected value="{staff.id}">Sam Staff' in page

    saved = client.post("/wiki/vpn-drops/-/curation", data={"owner": str(lead.id), "review_by": "2031-05-01"})
    assert saved.status_code == 302
    assert promoted.owner_id == lead.id and promoted.review_by.isoformat() == "2031-05-01"

    refused = client.post(
        "/wiki/vpn-drops/-/curation", data={"owner": str(staff.id), "review_by": "next week"}
    )
    assert refused.status_code == 400
    assert "Give the review-by date as year-month-day" in plain(refused)
    assert 'value="next week"' in html(refused)
    assert promoted.owner_id == lead.id

    employee = make_user()
    not_staff = client.post(
        "/wiki/vpn-drops/-/curation", data={"owner": str(employee.id), "review_by": "2031-05-01"}
    )
    assert not_staff.status_code == 400 and "Choose one of the people in the list." in plain(not_staff)
    assert promoted.owner_id == lead.id


# ---------------------------------------------------------------------------------------------------------
# Closing a question against a page


def test_close_a_question_against_a_page(app, staff, make_question, make_page, make_user):
    page = make_page(title="VPN setup", path="network/vpn-setup")
    by_address, by_title = make_question(title="VPN again?"), make_question(title="VPN once more?")
    client = signed_in(app, staff)

    closed = client.post(
        f"/questions/{by_address.id}/close", data={"original": "https://helpdesk.test/wiki/network/vpn-setup"}
    )
    assert closed.status_code == 302
    assert by_address.duplicate_of_page_id == page.id and by_address.is_closed
    shown = plain(client.get(f"/questions/{by_address.id}"))
    assert "Answered in the wiki: VPN setup" in shown
    assert "Answered in the wiki: VPN setup" in plain(
        signed_in(app, make_user()).get(f"/questions/{by_address.id}")
    )

    assert client.post(f"/questions/{by_title.id}/close", data={"original": "vpn setup"}).status_code == 302
    assert by_title.duplicate_of_page_id == page.id

    nothing = client.post(f"/questions/{by_title.id}/close", data={"original": "No such page anywhere"})
    assert nothing.status_code == 400 and "the title of a wiki page" in plain(nothing)

    assert client.post(f"/questions/{by_address.id}/reopen").status_code == 302
    assert by_address.duplicate_of_page_id is None and not by_address.is_closed


def test_closing_against_a_broken_address_says_what_to_give(app, staff, make_question):
    question = make_question()
    client = signed_in(app, staff)
    for broken in ("http://[::1", "https://[helpdesk.test/wiki/vpn", "vpn\x00setup", "/wiki/vpn%00setup"):
        response = client.post(f"/questions/{question.id}/close", data={"original": broken})
        assert response.status_code == 400 and "the title of a wiki page" in plain(response)
        assert broken.replace("\x00", "") in html(response).replace("\x00", "")  # what was typed is kept
    assert not question.is_closed


def test_a_question_closed_against_a_hidden_page_is_just_closed(app, staff, team, make_question, make_user):
    page = create_page(staff, "Payroll VPN", "payroll-vpn", "Text.", [], space=team)
    db.session.commit()
    question = make_question(title="VPN for payroll?")
    client = signed_in(app, staff)
    assert (
        client.post(f"/questions/{question.id}/close", data={"original": f"/wiki/{page.path}"}).status_code
        == 302
    )
    assert question.duplicate_of_page_id == page.id

    outsider = plain(signed_in(app, make_user()).get(f"/questions/{question.id}"))
    assert "This question is closed." in outsider and "Payroll VPN" not in outsider
    # Staff outside the space cannot close against it: the page is as missing to them.
    other = make_question(title="Another one")
    refused = signed_in(app, make_user(role="staff")).post(
        f"/questions/{other.id}/close", data={"original": f"/wiki/{page.path}"}
    )
    assert refused.status_code == 400 and other.duplicate_of_page_id is None


# ---------------------------------------------------------------------------------------------------------
# Who may do what; CSRF


def test_employees_cannot_promote_or_review(app, accepted, promoted, make_user):
    client = signed_in(app, make_user())
    thread = plain(client.get(f"/questions/{accepted.question_id}"))
    assert "Turn into a wiki page" not in thread
    assert client.get(f"/wiki/new?answer={accepted.id}").status_code == 403
    assert "Pages due for review" not in plain(client.get("/wiki/"))
    assert client.get("/wiki/-/review").status_code == 403
    assert client.post("/wiki/vpn-drops/-/reviewed").status_code == 403
    assert client.post("/wiki/vpn-drops/-/curation", data={"review_by": "2030-01-01"}).status_code == 403
    assert "Owner / Review by" not in plain(client.get("/wiki/vpn-drops"))
    assert app.test_client().get("/wiki/-/review").status_code in (302, 401)


def test_a_member_who_writes_a_restricted_space_wiki_still_cannot_promote(app, team, make_user):
    """Members of a restricted space write its pages, but turning answers into pages is for staff."""
    member, asker = make_user(), make_user()
    add_member(team, member, None)
    question = forum.ask_question(asker, "Team printer", "Where?", [], space=team)
    answer = forum.answer_question(question, make_user(), "Room 3.")
    forum.accept_answer(answer, asker)
    db.session.commit()
    client = signed_in(app, member)
    assert client.get(f"/wiki/new?space={team.slug}").status_code == 200
    assert "Turn into a wiki page" not in plain(client.get(f"/questions/{question.id}"))
    assert client.get(f"/wiki/new?answer={answer.id}").status_code == 403


def test_an_answer_that_is_not_accepted_cannot_be_promoted(app, staff, make_answer):
    answer = make_answer()
    client = signed_in(app, staff)
    assert "Turn into a wiki page" not in plain(client.get(f"/questions/{answer.question_id}"))
    assert client.get(f"/wiki/new?answer={answer.id}").status_code == 403


def test_the_forms_need_their_csrf_token(app, staff, accepted, promoted):
    client = signed_in(app, staff)
    app.config["WTF_CSRF_ENABLED"] = True
    message = "This form has expired or did not come from this site"
    for url, data in [
        ("/wiki/vpn-drops/-/reviewed", {}),
        ("/wiki/vpn-drops/-/curation", {"owner": "", "review_by": "2030-01-01"}),
        (
            "/wiki/new",
            {"title": "T", "body": "B", "lang": "en", "space": "public", "source_answer": str(accepted.id)},
        ),
        (f"/questions/{accepted.question_id}/close", {"original": "/wiki/vpn-drops"}),
    ]:
        refused = client.post(url, data=data)
        assert refused.status_code == 400 and message in plain(refused), url
    assert promoted.reviewed_at is None and promoted.review_by.isoformat() != "2030-01-01"

    page = html(client.get("/wiki/vpn-drops"))
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    assert client.post("/wiki/vpn-drops/-/reviewed", data={"csrf_token": token}).status_code == 302
    assert promoted.reviewed_at is not None
