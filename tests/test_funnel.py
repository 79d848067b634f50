"""The ask form's deflection funnel: funnel counting, the steps its script reports over HTTP, and that nothing
from restricted spaces is kept."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.forum import services as forum
from helpdesk.forum.models import Question
from helpdesk.insights import funnel
from helpdesk.insights.models import ABANDONED_AFTER, AskVisit
from helpdesk.spaces.services import add_member, create_space
from helpdesk.utils import utcnow
from helpdesk.wiki.services import create_page

PASSWORD = "correct horse battery staple"
KEY = "a" * 64
NOW = datetime(2026, 3, 2, 12, 0)
DAY = timedelta(days=1)


def visits() -> list[AskVisit]:
    return list(db.session.scalars(select(AskVisit).order_by(AskVisit.id)))


def counts(since=NOW - DAY, until=NOW + DAY, now=NOW) -> dict:
    return funnel.funnel_counts(since, until, now=now)


def walk(steps: list[str], question=None, started=NOW - timedelta(minutes=5), key=KEY) -> AskVisit:
    """A visit started at ``started`` that went through ``steps`` ("posted" needs ``question``)."""
    visit = funnel.start_visit(key)
    for step in steps:
        if step == "posted":
            funnel.record_posted(visit.token, key, question)
        else:
            funnel.record_step(visit.token, key, step)
    visit.started_at = started
    db.session.commit()
    return visit


@pytest.fixture
def question(make_question):
    return make_question(title="VPN drops every hour")


@pytest.fixture
def secret(make_user):
    """A restricted space with a member, a question and a page in it."""
    owner, member = make_user(name="Owner"), make_user(name="Member")
    space = create_space("Payroll team", None, restricted=True, owners=[owner])
    add_member(space, member, owner)
    db.session.flush()
    question = forum.ask_question(owner, "Payroll file is locked", "Who has it?", ["payroll"], space=space)
    page = create_page(owner, "Payroll calendar", "payroll-calendar", "Dates.", [], space=space)
    db.session.commit()
    return {"space": space, "member": member, "question": question, "page": page}


# ---------------------------------------------------------------------------------------------------------
# Funnel counting


@pytest.mark.parametrize(
    ("steps", "deflected", "not_deflected"),
    [
        (["shown", "left"], 1, 0),
        (["shown", "answered"], 1, 0),
        (["shown", "opened", "answered"], 1, 0),
        (["shown", "posted"], 0, 1),
        (["shown", "answered", "posted"], 0, 1),
        (["shown", "left", "posted"], 0, 1),
        (["shown", "posted", "left"], 0, 1),
        (["left"], 0, 0),
        (["posted"], 0, 0),
        ([], 0, 0),
        (["shown"], 0, 0),  # still typing
    ],
)
def test_funnel_counting_of_one_visit(app, question, steps, deflected, not_deflected):
    walk(steps, question)
    got = counts()
    assert (got["deflected"], got["not_deflected"]) == (deflected, not_deflected)
    assert got["visits"] == 1
    assert got["shown"] == int(bool({"shown", "opened", "answered"} & set(steps)))
    assert got["posted"] == int("posted" in steps)
    assert got["left"] == int("left" in steps and "posted" not in steps)  # posting wins over leaving


def test_funnel_counting_adds_up_the_steps_of_many_visits(app, question):
    walk(["shown", "opened", "left"])
    walk(["shown", "opened", "answered"])
    walk(["shown", "answered", "posted"], question)
    walk(["left"])
    walk([])
    assert counts() == {
        "visits": 5, "shown": 3, "opened": 2, "answered": 2, "left": 2, "posted": 1, "deflected": 2,
        "not_deflected": 1,
    }  # fmt: skip


def test_a_visit_that_saw_suggestions_and_went_quiet_counts_as_deflected_only_after_abandoned_after(app):
    walk(["shown"], started=NOW - ABANDONED_AFTER - timedelta(seconds=1))
    walk(["shown"], started=NOW - ABANDONED_AFTER + timedelta(seconds=1))
    walk([], started=NOW - 10 * ABANDONED_AFTER)  # saw nothing: neither, however old
    got = counts()
    assert (got["deflected"], got["not_deflected"]) == (1, 0)
    later = counts(now=NOW + ABANDONED_AFTER)
    assert (later["deflected"], later["not_deflected"]) == (2, 0)


def test_funnel_counting_takes_visits_started_in_the_period_start_included_end_excluded(app):
    since, until = NOW - DAY, NOW
    walk(["shown", "left"], started=since)
    walk(["shown", "left"], started=until - timedelta(microseconds=1))
    walk(["shown", "left"], started=until)
    walk(["shown", "left"], started=since - timedelta(seconds=1))
    got = counts(since, until, now=NOW + DAY)
    assert (got["visits"], got["deflected"]) == (2, 2)


def test_funnel_counting_of_an_empty_period_is_all_zeros(app):
    assert set(counts().values()) == {0}
    assert list(counts()) == [
        "visits", "shown", "opened", "answered", "left", "posted", "deflected", "not_deflected",
    ]  # fmt: skip


def test_each_step_keeps_its_first_time_and_document(app, make_page):
    first, second = make_page(), make_page()
    visit = funnel.start_visit(KEY)
    funnel.record_step(visit.token, KEY, "opened", doc=f"page:{first.id}")
    visit.shown_at = visit.opened_at = NOW - DAY  # as if long ago
    funnel.record_step(visit.token, KEY, "shown")
    funnel.record_step(visit.token, KEY, "opened", doc=f"page:{second.id}")
    funnel.record_step(visit.token, KEY, "left")
    left_at = visit.left_at
    funnel.record_step(visit.token, KEY, "left")
    assert (visit.shown_at, visit.opened_at, visit.opened_doc) == (NOW - DAY, NOW - DAY, f"page:{first.id}")
    assert visit.left_at == left_at


def test_opening_or_answering_implies_the_suggestions_were_shown(app, make_page):
    page = make_page()
    visit = funnel.start_visit(KEY)
    funnel.record_step(visit.token, KEY, "answered", doc=f"page:{page.id}")
    assert visit.shown_at is not None and visit.answered_doc == f"page:{page.id}"


def test_steps_for_an_unknown_token_or_another_visit_key_are_ignored(app):
    visit = funnel.start_visit(KEY)
    assert funnel.record_step("f" * 32, KEY, "shown") is None
    assert funnel.record_step(visit.token, "b" * 64, "shown") is None
    assert funnel.record_step(None, KEY, "shown") is None
    assert visit.shown_at is None


def test_a_document_is_kept_only_when_it_is_public(app, question, make_page, secret):
    page = make_page()
    cases = {
        f"question:{question.id}": f"question:{question.id}",
        f"page:{page.id}": f"page:{page.id}",
        f"question:{secret['question'].id}": None,
        f"page:{secret['page'].id}": None,
        "page:999999": None,
        "q:12": None,
        "nonsense": None,
        None: None,
    }
    for doc, kept in cases.items():
        visit = funnel.start_visit(KEY)
        funnel.record_step(visit.token, KEY, "answered", doc=doc)
        assert (visit.answered_at is not None, visit.answered_doc) == (True, kept), doc


def test_a_question_posted_into_a_restricted_space_leaves_no_visit(app, secret):
    visit = funnel.start_visit(KEY)
    funnel.record_step(visit.token, KEY, "shown")
    assert funnel.record_posted(visit.token, KEY, secret["question"]) is None
    db.session.commit()
    assert visits() == []


def test_a_form_set_to_a_restricted_space_keeps_no_visit(app):
    visit = funnel.start_visit(KEY)
    assert funnel.form_visit(visit.token, KEY, True) is None
    assert visits() == []
    assert funnel.form_visit(None, KEY, False).token != visit.token


# ---------------------------------------------------------------------------------------------------------
# Over HTTP


def token_in(response) -> str | None:
    match = re.search(r'data-ask-visit="([0-9a-f]{32})"', response.get_data(as_text=True))
    return match.group(1) if match else None


def step(client, token: str, name: str, **fields):
    return client.post(f"/ask/visits/{token}/steps", json={"step": name, **fields})


def signed_in_client(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_the_ask_form_starts_a_visit_and_its_script_reports_steps(client, login, make_user, make_page):
    page = make_page()
    login(make_user())
    form = client.get("/questions/ask")
    token = token_in(form)
    html = form.get_data(as_text=True)
    assert f'data-ask-steps="/ask/visits/{token}/steps"' in html
    assert f'name="visit" type="hidden" value="{token}"' in html
    assert [v.token for v in visits()] == [token]

    assert step(client, token, "shown").status_code == 204
    response = step(client, token, "opened", doc=f"page:{page.id}", space="public")
    assert response.status_code == 204 and response.get_data() == b""
    visit = visits()[0]
    assert visit.shown_at and visit.opened_at and visit.opened_doc == f"page:{page.id}"


def test_control_characters_from_the_script_or_the_form_name_no_visit_and_no_space(client, login, make_user):
    """NUL cannot be stored by PostgreSQL: a token or space address carrying it is treated as unknown."""
    login(make_user())
    token = token_in(client.get("/questions/ask"))
    assert client.post("/ask/visits/a%00b/steps", json={"step": "shown"}).status_code == 204
    assert step(client, token[:-1] + "\x00", "shown").status_code in (204, 404)
    assert step(client, token, "opened", doc="question:1\x00", space="pub\x00lic").status_code == 204
    assert visits() == []  # a space that does not exist: the visit is not kept
    form = {"title": "How do I reset my password?", "body": "It does not work at all.", "visit": "a\x00b"}
    posted = client.post("/questions/ask", data=form)
    assert posted.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Question)) == 1


def test_an_unknown_step_is_refused_with_a_message(client, login, make_user):
    login(make_user())
    token = token_in(client.get("/questions/ask"))
    for body in ({"step": "posted"}, {"step": "clicked"}, {}, {"step": ["shown"]}):
        response = client.post(f"/ask/visits/{token}/steps", json=body)
        assert response.status_code == 400, body
        assert (
            "Unknown step" in response.get_json()["error"]
            and "shown, opened, answered, left" in (response.get_json()["error"])
        )
    assert (
        client.post(
            f"/ask/visits/{token}/steps", data="{not json", content_type="application/json"
        ).status_code
        == 400
    )
    assert visits()[0].shown_at is None and visits()[0].posted_at is None


def test_an_unknown_token_is_ignored(client, login, make_user):
    login(make_user())
    client.get("/questions/ask")
    for token in ("0" * 32, "x" * 500, "a-b"):
        assert step(client, token, "shown").status_code == 204
    assert visits()[0].shown_at is None


def test_another_persons_token_is_ignored(app, client, login, make_user):
    login(make_user())
    mine = token_in(client.get("/questions/ask"))
    other = signed_in_client(app, make_user())
    assert step(other, mine, "shown").status_code == 204
    assert step(other, mine, "left").status_code == 204
    visit = visits()[0]
    assert visit.shown_at is None and visit.left_at is None


def test_anonymous_visitors_cannot_ask_so_have_no_visits(client):
    response = client.get("/questions/ask")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    refused = step(client, "0" * 32, "shown")
    assert refused.status_code == 401 and refused.get_json()["error"] == "Please sign in first."
    assert visits() == []


def test_steps_need_the_csrf_token_in_a_header_or_as_a_form_field(app, client, login, make_user):
    login(make_user())
    app.config["WTF_CSRF_ENABLED"] = True
    html = client.get("/questions/ask").get_data(as_text=True)
    token = re.search(r'data-ask-visit="([0-9a-f]{32})"', html).group(1)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)
    url = f"/ask/visits/{token}/steps"

    refused = client.post(url, json={"step": "shown"})
    assert refused.status_code == 400 and "did not come from this site" in refused.get_json()["error"]
    assert client.post(url, data={"step": "left"}).status_code == 400
    assert client.post(url, json={"step": "shown"}, headers={"X-CSRFToken": "forged"}).status_code == 400
    assert visits()[0].shown_at is None and visits()[0].left_at is None

    assert client.post(url, json={"step": "shown"}, headers={"X-CSRFToken": csrf}).status_code == 204
    # What sendBeacon sends as the page goes away: a form body carrying the token.
    beacon = client.post(url, data={"step": "left", "csrf_token": csrf, "space": "public"})
    assert beacon.status_code == 204
    visit = visits()[0]
    assert visit.shown_at is not None and visit.left_at is not None


def test_posting_the_form_marks_its_visit_posted_with_the_question(client, login, make_user):
    login(make_user())
    token = token_in(client.get("/questions/ask"))
    step(client, token, "shown")
    step(client, token, "left")  # a tab hidden, then back: posting wins
    data = {"title": "Printer on floor 3 jams", "body": "Every morning.", "tags": "", "lang": "en"}
    bad = client.post("/questions/ask", data={**data, "title": "", "visit": token})
    assert bad.status_code == 400 and token_in(bad) == token  # the form came back: the same visit
    response = client.post("/questions/ask", data={**data, "visit": token})
    assert response.status_code == 302
    asked = db.session.scalar(select(Question).where(Question.title == data["title"]))
    visit = visits()[0]
    assert len(visits()) == 1
    assert (visit.question_id, visit.posted_at is not None, visit.left_at) == (asked.id, True, None)
    assert counts(now=utcnow())["not_deflected"] == 0  # started now, not in the period
    assert funnel.funnel_counts(utcnow() - DAY, utcnow() + DAY)["not_deflected"] == 1


def test_another_persons_token_in_the_form_marks_nothing(app, client, login, make_user):
    login(make_user())
    mine = token_in(client.get("/questions/ask"))
    other = signed_in_client(app, make_user())
    data = {"title": "Printer on floor 3 jams", "body": "Every morning.", "tags": "", "lang": "en"}
    assert other.post("/questions/ask", data={**data, "visit": mine}).status_code == 302
    assert all(visit.posted_at is None for visit in visits())


def test_a_restricted_space_keeps_no_visit(app, client, login, secret):
    login(secret["member"])
    slug = secret["space"].slug
    assert token_in(client.get(f"/questions/ask?space={slug}")) is None
    assert visits() == []

    # Started on the public space, then posted into the restricted one: the visit is deleted.
    token = token_in(client.get("/questions/ask"))
    step(client, token, "shown")
    data = {"title": "Bonus file for Acme", "body": "Where?", "tags": "", "lang": "en", "space": slug}
    assert client.post("/questions/ask", data={**data, "visit": token}).status_code == 302
    assert visits() == []

    # Switched to the restricted space, then left: the step carries the space and the visit goes.
    token = token_in(client.get("/questions/ask"))
    step(client, token, "shown")
    assert client.post(f"/ask/visits/{token}/steps", data={"step": "left", "space": slug}).status_code == 204
    assert visits() == []

    # The form coming back with an error while set to the restricted space drops it too.
    token = token_in(client.get("/questions/ask"))
    response = client.post("/questions/ask", data={**data, "title": "", "visit": token})
    assert response.status_code == 400 and token_in(response) is None
    assert visits() == []
    assert db.session.scalar(select(func.count(AskVisit.id))) == 0


def test_a_restricted_document_named_over_http_is_not_kept(client, login, make_page, secret):
    public = make_page()
    login(secret["member"])
    token = token_in(client.get("/questions/ask"))
    step(client, token, "opened", doc=f"page:{secret['page'].id}")
    step(client, token, "answered", doc=f"question:{secret['question'].id}")
    visit = visits()[0]
    assert visit.opened_at and visit.answered_at
    assert (visit.opened_doc, visit.answered_doc) == (None, None)

    token = token_in(client.get("/questions/ask"))
    step(client, token, "answered", doc=f"page:{public.id}")
    assert visits()[1].answered_doc == f"page:{public.id}"
