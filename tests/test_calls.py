"""Phone calls logged by the helpdesk: one click on a thread or page, a topic when no page fits, the leads'
list of call topics without a page (and how writing the page empties it), calls per week, who sees what."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.forum.services import ask_question
from helpdesk.insights import calls
from helpdesk.insights.models import CallLog
from helpdesk.spaces.services import add_member, create_space, remove_member
from helpdesk.utils import utcnow
from helpdesk.wiki.services import create_page
from tests.conftest import PASSWORD

BUTTON = "I read this out on a call"
JSON = {"Accept": "application/json"}


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def call_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(CallLog.id)))


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def staff(app, make_user):
    return make_user(role="staff", name="Stina Staff")


@pytest.fixture
def thread(make_question):
    return make_question(title="Printer on floor 3 prints blank pages")


@pytest.fixture
def page(make_page):
    return make_page(title="VPN setup", path="network/vpn-setup")


@pytest.fixture
def locked(make_user):
    """A restricted space with a thread and a page, and a staff member of it."""
    owner, member = make_user(name="Owner"), make_user(role="staff", name="Member Staff")
    space = create_space("Payroll team", None, restricted=True, owners=[owner])
    add_member(space, member, owner)
    question = ask_question(owner, "Payroll export fails on Fridays", "It stops at 80 percent.", ["payroll"],
                            space=space)  # fmt: skip
    wiki_page = create_page(owner, "Payroll calendar", "calendar", "Dates.", [], space=space)
    db.session.commit()
    return {"space": space, "question": question, "page": wiki_page, "member": member}


# ---------------------------------------------------------------------------------------------------------
# One click on a thread or page


def test_staff_logs_a_call_from_a_thread_and_comes_back_to_it(app, staff, thread):
    client = signed_in(app, staff)
    here = f"/questions/{thread.id}/{thread.slug}"
    assert BUTTON in text(client.get(here))

    response = client.post(f"/questions/{thread.id}/call", data={"next": here})
    assert response.status_code == 302 and response.headers["Location"] == here
    shown = text(client.get(here))
    assert "Call logged." in shown and "Read out on 1 call" in shown
    assert call_count() == 1


def test_a_fetched_click_answers_201_with_the_new_count(app, staff, thread, page):
    client = signed_in(app, staff)
    client.post(f"/questions/{thread.id}/call")
    response = client.post(f"/questions/{thread.id}/call", headers=JSON)
    assert response.status_code == 201
    assert response.get_json() == {"calls": 2, "message": "Logged (2 calls)"}

    response = client.post(f"/wiki/{page.path}/-/call", headers=JSON)
    assert response.status_code == 201 and response.get_json()["calls"] == 1


def test_staff_logs_a_call_from_a_wiki_page(app, staff, page):
    client = signed_in(app, staff)
    here = f"/wiki/{page.path}"
    assert BUTTON in text(client.get(here))
    response = client.post(f"/wiki/{page.path}/-/call", data={"next": here})
    assert response.status_code == 302 and response.headers["Location"] == here
    shown = text(client.get(here))
    assert "Call logged." in shown and "Read out on 1 call" in shown
    assert db.session.scalar(select(CallLog.page_id)) == page.id


def test_a_foreign_next_address_is_not_followed(app, staff, thread):
    response = signed_in(app, staff).post(
        f"/questions/{thread.id}/call", data={"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == f"/questions/{thread.id}"


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_leads_and_admins_log_calls_too(app, make_user, thread, role):
    response = signed_in(app, make_user(role=role)).post(f"/questions/{thread.id}/call", headers=JSON)
    assert response.status_code == 201


def test_employees_see_no_button_and_are_refused(app, make_user, staff, thread, page):
    signed_in(app, staff).post(f"/questions/{thread.id}/call")  # a count exists, but is not theirs to see
    client = signed_in(app, make_user())
    for here in (f"/questions/{thread.id}", f"/wiki/{page.path}"):
        shown = text(client.get(here, follow_redirects=True))
        assert BUTTON not in shown and "Read out on" not in shown
    assert client.post(f"/questions/{thread.id}/call").status_code == 403
    assert client.post(f"/wiki/{page.path}/-/call").status_code == 403
    assert "Log a call" not in text(client.get("/"))
    assert call_count() == 1


def test_anonymous_visitors_are_asked_to_sign_in(client, thread):
    response = client.post(f"/questions/{thread.id}/call")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert call_count() == 0


def test_a_hidden_thread_or_page_answers_404_like_a_missing_one(app, staff, locked):
    outsider = signed_in(app, staff)
    outsider.get("/")  # the welcome message goes
    question, wiki_page = locked["question"], locked["page"]
    hidden = outsider.post(f"/questions/{question.id}/call")
    missing = outsider.post(f"/questions/{question.id + 1000}/call")
    assert hidden.status_code == missing.status_code == 404
    assert text(hidden) == text(missing).replace(str(question.id + 1000), str(question.id))
    assert outsider.post(f"/wiki/{wiki_page.path}/-/call").status_code == 404
    assert outsider.post("/wiki/spaces/nowhere/nothing/-/call").status_code == 404
    assert call_count() == 0

    member = signed_in(app, locked["member"])
    assert member.post(f"/questions/{question.id}/call", headers=JSON).status_code == 201
    assert member.post(f"/wiki/{wiki_page.path}/-/call", headers=JSON).status_code == 201


def test_posts_need_the_csrf_token(app, staff, thread):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', text(client.get("/login"))).group(1)
    client.post("/login", data={"email": staff.email, "password": PASSWORD, "csrf_token": token})

    refused = client.post(f"/questions/{thread.id}/call", headers=JSON)
    assert refused.status_code == 400 and "did not come from this site" in refused.get_json()["error"]
    assert client.post("/calls", data={"topic": "Printer jams"}).status_code == 400
    assert call_count() == 0

    token = re.search(
        r'name="csrf-token" content="([^"]+)"', text(client.get(f"/questions/{thread.id}/x"))
    ).group(1)
    response = client.post(f"/questions/{thread.id}/call", headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 201 and call_count() == 1


# ---------------------------------------------------------------------------------------------------------
# A topic when no page fits


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "at least 2 characters"),
        ("   x   ", "at least 2 characters"),
        ("p" * 201, "Keep the topic to 200 characters (it has 201)"),
    ],
)
def test_a_bad_topic_comes_back_with_a_message_and_the_text(app, staff, typed, message):
    response = signed_in(app, staff).post("/calls", data={"topic": typed})
    assert response.status_code == 400
    assert message in text(response)
    assert f'value="{typed}"' in text(response)
    assert call_count() == 0


def test_a_topic_is_logged_and_listed_among_todays_calls(app, staff, thread):
    client = signed_in(app, staff)
    assert "You have logged no call today." in text(client.get("/calls"))
    client.post(f"/questions/{thread.id}/call")
    response = client.post("/calls", data={"topic": "  Teams   camera is black  "})
    assert response.status_code == 302 and response.headers["Location"] == "/calls"
    shown = text(client.get("/calls"))
    assert "Call logged." in shown
    assert "Teams camera is black" in shown and thread.title in shown
    call = db.session.scalars(select(CallLog).where(CallLog.topic.is_not(None))).one()
    assert (call.topic, call.topic_key, call.user_id) == (
        "Teams camera is black",
        "teams camera is black",
        staff.id,
    )


def test_the_topic_page_is_for_staff_leads_and_admins(app, client, make_user):
    assert client.get("/calls").status_code == 302
    assert signed_in(app, make_user()).get("/calls").status_code == 403
    for role in ("staff", "lead", "admin"):
        user_client = signed_in(app, make_user(role=role))
        assert user_client.get("/calls").status_code == 200
        assert 'href="/calls"' in text(user_client.get("/"))


def test_look_for_a_page_first_shows_matches_without_logging(app, staff, page):
    response = signed_in(app, staff).post("/calls", data={"topic": "vpn setup", "check": "1"})
    assert response.status_code == 200
    assert "Threads and pages that may fit" in text(response)
    assert f'action="/wiki/{page.path}/-/call"' in text(response)
    assert call_count() == 0


def test_log_call_takes_exactly_one_thing(app, staff, thread, page):
    with pytest.raises(ValueError):
        calls.log_call(staff)
    with pytest.raises(ValueError):
        calls.log_call(staff, question=thread, topic="printer")
    with pytest.raises(calls.TopicError):
        calls.log_call(staff, topic=" ")


# ---------------------------------------------------------------------------------------------------------
# Topics without a page, for leads


def listed_topics(client, days: int = 30) -> str:
    response = client.get(f"/insights/calls?days={days}")
    assert response.status_code == 200
    return text(response).split("Call topics without a page")[1].split("Calls logged per week")[0]


def test_topics_group_by_key_most_calls_first_as_most_often_typed(app, staff, make_user):
    for topic in ("Printer Jams", "printer   jams", "Printer Jams", "Teams camera", "teams camera"):
        calls.log_call(staff, topic=topic)
    calls.log_call(staff, topic="Wifi guest password")
    db.session.commit()
    now = utcnow()
    rows = calls.topics_without_page(
        make_user(role="lead"), now - timedelta(days=1), now + timedelta(seconds=1)
    )
    assert [(r.topic, r.topic_key, r.calls) for r in rows] == [
        ("Printer Jams", "printer jams", 3),
        ("teams camera", "teams camera", 2),  # a tie: the latest spelling
        ("Wifi guest password", "wifi guest password", 1),
    ]
    assert all(now - timedelta(minutes=1) < r.last_call <= now for r in rows)


def test_writing_the_page_takes_the_topic_off_the_list(app, staff, make_user):
    for _ in range(3):
        calls.log_call(staff, topic="Printer jams")
    db.session.commit()
    lead, writer = signed_in(app, make_user(role="lead")), signed_in(app, staff)
    assert re.search(r'<th scope="row">Printer jams</th>\s*<td>3</td>', listed_topics(lead))
    write = "/wiki/new?title=Printer+jams&amp;call_topic=printer+jams"
    assert write in listed_topics(lead)

    form = text(writer.get(write.replace("&amp;", "&")))
    assert 'name="call_topic"' in form and 'value="printer jams"' in form
    response = writer.post(
        "/wiki/new",
        data={"title": "Printer jams", "path": "", "body": "Open tray 2.", "lang": "en", "space": "public",
              "call_topic": "printer jams"},
    )  # fmt: skip
    assert response.status_code == 302, text(response)[:2000]
    assert "Printer jams" not in listed_topics(lead)
    assert "No call topic without a page in this period." in listed_topics(lead)
    assert "Read out on 3 calls" in text(writer.get(response.headers["Location"]))

    calls.log_call(staff, topic="printer JAMS")  # a later call on the same topic has its page already
    db.session.commit()
    assert "printer jams" not in listed_topics(lead).lower()


def test_a_page_the_lead_cannot_see_leaves_the_topic_on_their_list(app, staff, make_user, locked):
    calls.log_call(staff, topic="Payroll calendar")
    calls.link_topic_to_page("payroll calendar", locked["page"])
    db.session.commit()
    now = utcnow()
    period = (now - timedelta(days=1), now + timedelta(seconds=1))
    assert [r.topic for r in calls.topics_without_page(make_user(role="lead"), *period)] == [
        "Payroll calendar"
    ]
    assert calls.topics_without_page(make_user(role="admin"), *period) == []


def test_old_topics_fall_out_of_the_period(app, staff, make_user):
    old = calls.log_call(staff, topic="Fax machine")
    old.created_at = utcnow() - timedelta(days=10)
    db.session.commit()
    lead = signed_in(app, make_user(role="lead"))
    assert "Fax machine" not in listed_topics(lead, days=7)
    assert "Fax machine" in listed_topics(lead, days=30)


@pytest.mark.parametrize(
    ("role", "status"), [("employee", 403), ("staff", 403), ("lead", 200), ("admin", 200)]
)
def test_the_leads_page_is_for_leads_and_admins(app, make_user, role, status):
    assert signed_in(app, make_user(role=role)).get("/insights/calls").status_code == status


def test_the_search_insights_page_links_to_the_call_topics(app, make_user):
    assert 'href="/insights/calls"' in text(signed_in(app, make_user(role="lead")).get("/insights/searches"))


# ---------------------------------------------------------------------------------------------------------
# Calls per week and what each viewer counts


def _logged_at(user, when: datetime, **target) -> None:
    call = calls.log_call(user, **target)
    call.created_at = when


def test_calls_per_week_counts_each_week_with_zeros_and_boundaries(app, staff, thread, page, make_user):
    monday = datetime(2026, 11, 2)  # a Monday
    _logged_at(staff, monday, question=thread)
    _logged_at(staff, monday + timedelta(days=6, hours=23, minutes=59), page=page)  # Sunday 23:59
    _logged_at(staff, monday + timedelta(days=6, hours=23, minutes=59), topic="Printer jams")
    _logged_at(staff, monday + timedelta(days=7), topic="Printer jams")  # next Monday 00:00
    _logged_at(staff, monday + timedelta(days=21, hours=9), question=thread)
    _logged_at(staff, monday + timedelta(days=28), topic="After the period")
    db.session.commit()

    rows = calls.calls_per_week(make_user(role="lead"), monday, monday + timedelta(days=28))
    assert [(r.week_start.isoformat(), r.with_content, r.topic_only) for r in rows] == [
        ("2026-11-02", 2, 1),
        ("2026-11-09", 0, 1),
        ("2026-11-16", 0, 0),
        ("2026-11-23", 1, 0),
    ]
    assert rows[0].total == 3


def test_calls_on_content_a_viewer_cannot_see_are_not_counted_for_them(app, staff, make_user, locked):
    member = locked["member"]
    now = utcnow()
    calls.log_call(member, question=locked["question"])
    calls.log_call(member, page=locked["page"])
    calls.log_call(member, topic="Payroll export")
    db.session.commit()
    period = (now - timedelta(days=1), now + timedelta(minutes=1))

    def counted(user):
        return [(r.with_content, r.topic_only) for r in calls.calls_per_week(user, *period) if r.total]

    assert counted(make_user(role="lead")) == [(0, 1)]
    assert counted(make_user(role="admin")) == [(2, 1)]
    assert counted(member) == [(2, 1)]

    lead = signed_in(app, make_user(role="lead"))
    week = text(lead.get("/insights/calls")).split("Calls logged per week")[1]
    assert re.search(r"<td>0</td>\s*<td>1</td>", week)


def test_your_calls_today_forget_content_you_may_no_longer_see(app, locked):
    member = locked["member"]
    calls.log_call(member, question=locked["question"])
    calls.log_call(member, topic="Payroll export")
    db.session.commit()
    client = signed_in(app, member)
    assert "Payroll export fails" in text(client.get("/calls"))

    remove_member(locked["space"], member, None)
    db.session.commit()
    shown = text(client.get("/calls"))
    assert "Payroll export fails" not in shown and "Payroll export" in shown


def test_the_count_on_a_thread_is_shown_to_those_who_log_calls(app, staff, make_user, thread):
    for _ in range(2):
        calls.log_call(staff, question=thread)
    db.session.commit()
    here = f"/questions/{thread.id}"
    assert "Read out on 2 calls" in text(
        signed_in(app, make_user(role="lead")).get(here, follow_redirects=True)
    )
    assert "Read out on" not in text(signed_in(app, make_user()).get(here, follow_redirects=True))
