""" "Did this answer your question?": once per person, the counts, who may rate, the worst-rated pages."""

import re

import pytest
from flask_login import login_user
from sqlalchemy import event, func, select

from helpdesk import permissions
from helpdesk.extensions import db
from helpdesk.forum import services as forum
from helpdesk.insights import ratings
from helpdesk.insights.models import Rating
from helpdesk.insights.rating_views import rating_box
from helpdesk.spaces.services import add_member, create_space
from helpdesk.wiki.services import create_page


def vote(page, answers, make_user):
    """Have one new person per item of ``answers`` (True yes, False no) rate ``page``."""
    for helpful in answers:
        ratings.rate(make_user(), helpful, page=page)
    db.session.commit()


# ---------------------------------------------------------------------------------------------------------
# The service


def test_a_second_answer_replaces_the_first(app, make_user, make_question):
    question = make_question()
    person = make_user()
    ratings.rate(person, True, question=question)
    db.session.commit()
    assert ratings.rating_counts(question=question) == (1, 0)
    assert ratings.my_rating(person, question=question) is True

    ratings.rate(person, False, question=question)
    db.session.commit()
    assert ratings.rating_counts(question=question) == (0, 1)
    assert ratings.my_rating(person, question=question) is False
    assert db.session.scalar(select(func.count(Rating.id))) == 1


def test_counts_are_per_thread_or_page(app, make_user, make_question, make_page):
    question, page, other = make_question(), make_page(), make_page()
    for helpful in (True, True, False):
        ratings.rate(make_user(), helpful, question=question)
    ratings.rate(make_user(), False, page=page)
    db.session.commit()
    assert ratings.rating_counts(question=question) == (2, 1)
    assert ratings.rating_counts(page=page) == (0, 1)
    assert ratings.rating_counts(page=other) == (0, 0)
    assert ratings.my_rating(make_user(), page=page) is None


def test_the_widget_asks_once_for_the_counts_and_the_readers_answer(app, make_user, make_page):
    """Every thread and page view shows it: one SQL statement for its numbers and the reader's answer."""
    page = make_page()
    reader, other = make_user(), make_user()
    ratings.rate(reader, False, page=page)
    ratings.rate(other, True, page=page)
    db.session.commit()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.test_request_context(f"/wiki/{page.path}"):
        login_user(reader)
        permissions.visible_space_ids(reader)  # known once per request anyway
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            box = rating_box(page=page)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert (box["yes"], box["no"], box["mine"]) == (1, 1, "no")
    assert len(statements) == 1
    assert ratings.rating_summary(None, page=page) == (1, 1, None)
    assert ratings.rating_summary(make_user(), page=page).mine is None
    assert ratings.rating_summary(other, page=page).mine is True


def test_two_quick_presses_leave_one_rating(app, make_user, make_page):
    """Both presses found no rating yet; the second insert hits the unique constraint and updates instead."""
    page, person = make_page(), make_user()
    db.session.add(Rating(user_id=person.id, page_id=page.id, helpful=True))
    db.session.flush()
    db.session.expunge_all()  # the second request's session has not seen the first row
    real_existing = ratings._existing
    calls = []

    def not_yet(user, target):
        calls.append(target)
        return None if len(calls) == 1 else real_existing(user, target)

    ratings._existing = not_yet
    try:
        ratings.rate(person, False, page=page)
    finally:
        ratings._existing = real_existing
    db.session.commit()
    assert ratings.rating_counts(page=page) == (0, 1)
    assert len(calls) == 2


def test_worst_rated_pages_largest_share_of_no_first(app, make_user, make_page):
    good = make_page(title="Good page")
    bad = make_page(title="Bad page")
    mixed = make_page(title="Mixed page")
    worse_by_count = make_page(title="Bad page with more votes")
    make_page(title="Unrated page")
    vote(good, [True, True], make_user)
    vote(bad, [False], make_user)
    vote(mixed, [True, False, False], make_user)
    vote(worse_by_count, [False, False], make_user)

    rows = ratings.worst_rated_pages(make_user(role="lead"))
    assert [(row.page.title, row.yes, row.no) for row in rows] == [
        ("Bad page with more votes", 0, 2),
        ("Bad page", 0, 1),
        ("Mixed page", 1, 2),
        ("Good page", 2, 0),
    ]
    page, yes, no = rows[2]  # rows unpack as (page, yes, no)
    assert (page, yes, no) == (mixed, 1, 2)
    assert rows[2].helpful_share == pytest.approx(1 / 3)

    assert [row.page for row in ratings.worst_rated_pages(make_user(role="lead"), limit=1)] == [
        worse_by_count
    ]
    fewest = ratings.worst_rated_pages(make_user(role="lead"), min_ratings=3)
    assert [row.page for row in fewest] == [mixed]


@pytest.mark.parametrize("role", ["outsider", "member", "admin"])
def test_worst_rated_pages_only_those_the_viewer_may_see(app, make_user, make_page, role):
    owner = make_user(name="Owner")
    secret = create_space("Payroll team", None, restricted=True, owners=[owner])
    db.session.flush()
    hidden = create_page(owner, "Payroll secrets", None, "Shh", [], space=secret)
    db.session.commit()
    public = make_page(title="Public page")
    vote(hidden, [False, False], make_user)
    vote(public, [False], make_user)
    viewer = make_user(role="admin" if role == "admin" else "lead")
    if role == "member":
        add_member(secret, viewer, owner)
        db.session.commit()

    pages = [row.page for row in ratings.worst_rated_pages(viewer)]
    assert pages == ([public] if role == "outsider" else [hidden, public])


# ---------------------------------------------------------------------------------------------------------
# Over HTTP


def text_of(response) -> str:
    """The page's text without its tags, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def stored() -> list[tuple[int, bool]]:
    return [(r.user_id, r.helpful) for r in db.session.scalars(select(Rating).order_by(Rating.id))]


@pytest.fixture
def secret(make_user):
    """A restricted space with a thread and a page, and its owner."""
    owner = make_user(name="Owner")
    space = create_space("Payroll team", None, restricted=True, owners=[owner])
    db.session.flush()
    question = forum.ask_question(owner, "Payroll secret question", "Shh", ["payroll"], space=space)
    page = create_page(owner, "Payroll secrets", None, "Shh", [], space=space)
    db.session.commit()
    return {"space": space, "owner": owner, "question": question, "page": page}


def test_a_thread_asks_and_a_form_answer_redirects_back_with_thanks(client, login, make_user, make_question):
    question = make_question()
    for helpful in (True, False):
        ratings.rate(make_user(), helpful, question=question)
    db.session.commit()
    person = make_user()
    login(person)
    thread = text_of(client.get(f"/questions/{question.id}"))
    assert "Did this answer your question?" in thread and "1 of 2 people found this helpful" in thread

    response = client.post(f"/questions/{question.id}/rating", data={"helpful": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/questions/{question.id}/{question.slug}#rating")
    after = text_of(client.get(response.headers["Location"]))
    assert "Thanks for your feedback." in after
    assert "You said yes. Change" in after and "2 of 3 people found this helpful" in after

    client.post(f"/questions/{question.id}/rating", data={"helpful": "no"})
    after = text_of(client.get(f"/questions/{question.id}"))
    assert "You said no." in after and "1 of 3 people found this helpful" in after
    assert stored()[-1] == (person.id, False) and len(stored()) == 3


def test_a_page_answers_a_script_with_json(client, login, make_user, make_page):
    page = make_page(path="network/vpn/setup")
    login(make_user())
    headers = {"Accept": "application/json"}
    response = client.post(f"/wiki/{page.path}/-/rating", data={"helpful": "no"}, headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["yes"], body["no"], body["mine"]) == (0, 1, "no")
    assert "You said no." in body["html"] and "0 of 1 person found this helpful" in body["html"]
    assert "<script" not in body["html"]

    body = client.post(f"/wiki/{page.path}/-/rating", data={"helpful": "yes"}, headers=headers).get_json()
    assert (body["yes"], body["no"], body["mine"]) == (1, 0, "yes")
    page_text = text_of(client.get(f"/wiki/{page.path}"))
    assert "You said yes." in page_text and "1 of 1 person found this helpful" in page_text


def test_anything_but_yes_or_no_is_refused_with_a_message(client, login, make_user, make_page):
    page = make_page()
    login(make_user())
    response = client.post(f"/wiki/{page.path}/-/rating", data={"helpful": "maybe"}, follow_redirects=True)
    assert response.status_code == 200 and "Answer yes or no." in text_of(response)
    json_response = client.post(
        f"/wiki/{page.path}/-/rating", data={}, headers={"Accept": "application/json"}
    )
    assert json_response.status_code == 400 and json_response.get_json()["error"] == "Answer yes or no."
    assert stored() == []


def test_anonymous_visitors_are_asked_to_sign_in(client, make_question, make_page):
    question, page = make_question(), make_page()
    thread = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "Sign in to answer" in thread and 'name="helpful"' not in thread
    assert "Sign in to answer" in client.get(f"/wiki/{page.path}").get_data(as_text=True)

    response = client.post(f"/wiki/{page.path}/-/rating", data={"helpful": "yes"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    scripted = client.post(
        f"/questions/{question.id}/rating", data={"helpful": "yes"}, headers={"Accept": "application/json"}
    )
    assert scripted.status_code == 401
    assert stored() == []


@pytest.mark.parametrize("kind", ["question", "page"])
def test_hidden_content_answers_404_like_missing_content(client, login, make_user, secret, kind):
    login(make_user())
    client.get("/")  # shows the welcome message, so it is not on the first answer only
    if kind == "question":
        hidden, missing = f"/questions/{secret['question'].id}/rating", "/questions/999999/rating"
    else:
        hidden, missing = f"/wiki/{secret['page'].path}/-/rating", "/wiki/no/such/page/-/rating"
    for headers in ({}, {"Accept": "application/json"}):
        answers = [client.post(url, data={"helpful": "no"}, headers=headers) for url in (hidden, missing)]
        assert [r.status_code for r in answers] == [404, 404]
        # The same page, once the address it names (the language switch returns to it) is swapped back.
        bodies = [
            r.get_data(as_text=True).replace(url, "URL")
            for r, url in zip(answers, (hidden, missing), strict=True)
        ]
        assert bodies[0] == bodies[1]
    assert stored() == []


def test_members_rate_restricted_content(client, login, make_user, secret):
    member = make_user()
    add_member(secret["space"], member, secret["owner"])
    db.session.commit()
    login(member)
    assert client.post(f"/wiki/{secret['page'].path}/-/rating", data={"helpful": "no"}).status_code == 302
    assert (
        client.post(f"/questions/{secret['question'].id}/rating", data={"helpful": "yes"}).status_code == 302
    )
    assert stored() == [(member.id, False), (member.id, True)]


def test_a_rating_needs_the_csrf_token(app, client, login, make_user, make_page):
    page = make_page()
    login(make_user())
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/wiki/{page.path}/-/rating"
    assert client.post(url, data={"helpful": "yes"}).status_code == 400
    refused = client.post(url, data={"helpful": "yes"}, headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert stored() == []

    html = client.get(f"/wiki/{page.path}").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)
    scripted = client.post(
        url, data={"helpful": "yes"}, headers={"Accept": "application/json", "X-CSRFToken": token}
    )
    assert scripted.status_code == 200 and scripted.get_json()["yes"] == 1
    assert "data-rating-form" in html and "js/rating.js" in html


# ---------------------------------------------------------------------------------------------------------
# The leads' list


def listed_pages(response) -> list[int]:
    assert response.status_code == 200, response.status_code
    return [int(n) for n in re.findall(r'data-page="(\d+)"', response.get_data(as_text=True))]


def test_leads_see_the_worst_rated_pages(client, login, make_user, make_page):
    good, bad = make_page(title="Good page"), make_page(title="Bad page")
    vote(good, [True, True, False], make_user)
    vote(bad, [False, False, True], make_user)
    login(make_user(role="lead"))
    response = client.get("/insights/pages")
    assert listed_pages(response) == [bad.id, good.id]
    row = re.search(rf'<tr data-page="{bad.id}">(.*?)</tr>', response.get_data(as_text=True), re.S).group(1)
    assert "Bad page" in row and f'href="/wiki/{bad.path}"' in row
    assert text_of_fragment(row).startswith("Bad page 1 2 33%")
    assert "/insights/pages" in client.get("/insights/searches").get_data(as_text=True)


def text_of_fragment(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_lead_outside_a_restricted_space_does_not_see_its_pages(
    client, login, make_user, make_page, secret
):
    public = make_page(title="Public page")
    vote(secret["page"], [False, False], make_user)
    vote(public, [True], make_user)
    lead = make_user(role="lead")
    login(lead)
    response = client.get("/insights/pages")
    assert listed_pages(response) == [public.id]
    assert "Payroll" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["employee", "staff"])
def test_the_worst_rated_pages_are_for_leads_and_admins(client, login, make_user, role):
    login(make_user(role=role))
    assert client.get("/insights/pages").status_code == 403


def test_anonymous_visitors_sign_in_for_the_worst_rated_pages(client):
    response = client.get("/insights/pages")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
