"""The leads' dashboard (``/insights``): every chart's numbers and CSV rows from events seeded at known times
over three weeks, week boundaries, what a lead outside a restricted space is shown, "what to write next" and
its k-people rule, access, and SVG that is safe and CSP-clean."""

import csv
import io
import re
from datetime import datetime, time, timedelta

import pytest

from helpdesk.extensions import db
from helpdesk.forum import services as forum
from helpdesk.insights import charts, dashboard_views
from helpdesk.insights.dashboard import period_weeks, week_start
from helpdesk.insights.models import AskVisit, CallLog, Rating, SearchEvent
from helpdesk.spaces.services import create_space
from helpdesk.utils import utcnow
from helpdesk.wiki import services as wiki

PASSWORD = "correct horse battery staple"
# The current week's Monday 00:00 (UTC) and "now", Wednesday noon of that week (it may lie a little ahead of
# the clock: the dashboard is asked with this "now").
_TODAY = utcnow().date()
MONDAY = datetime.combine(_TODAY - timedelta(days=_TODAY.weekday()), time())
NOW = MONDAY + timedelta(days=2, hours=12)
W0, W1, W2 = MONDAY - timedelta(weeks=2), MONDAY - timedelta(weeks=1), MONDAY
SUNDAY_LATE = MONDAY - timedelta(minutes=1)  # Sunday 23:59 of the week before
WEEK = {
    w: f"{w.isocalendar()[0]}-W{w.isocalendar()[1]:02d}" for w in (MONDAY - timedelta(weeks=3), W0, W1, W2)
}


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(dashboard_views, "utcnow", lambda: NOW)


def sign_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def visit(n: int, started, shown=True, left=None, answered=None, posted=None):
    db.session.add(
        AskVisit(
            token=f"visit{n}", session_key=f"s{n}", started_at=started,
            shown_at=started + timedelta(seconds=5) if shown else None,
            left_at=left, answered_at=answered, posted_at=posted,
        )
    )  # fmt: skip


def search(query: str, results: int, at, visitor: str = "v", kind: str = "search"):
    db.session.add(
        SearchEvent(kind=kind, query=query, result_count=results, created_at=at, session_key=visitor)
    )


def rate(user, at, helpful: bool, question=None, page=None):
    db.session.add(
        Rating(
            user_id=user.id, question_id=question and question.id, page_id=page and page.id, helpful=helpful,
            created_at=at, updated_at=at,
        )
    )  # fmt: skip


def call(at, topic=None, question=None, page=None):
    db.session.add(
        CallLog(
            question_id=question and question.id, page_id=page and page.id, topic=topic,
            topic_key=" ".join(topic.lower().split()) if topic else None, created_at=at,
        )
    )  # fmt: skip


@pytest.fixture
def world(app, make_user, make_question, make_answer, make_page):
    """Three weeks of events, and a restricted space whose ratings, calls and questions a lead outside it must
    not see counted."""
    owner, staff = make_user(name="Owner"), make_user(role="staff")
    space = create_space("Payroll team", None, restricted=True, member_cap=5, owners=[owner])
    db.session.flush()
    hidden_q = forum.ask_question(
        owner, "Payroll secret: salary file locked?", "Locked again.", ["pay"], space=space
    )
    hidden_page = wiki.create_page(staff, "Payroll secret page", "", "Secret.", [], space=space)
    hidden_q.created_at = NOW - timedelta(hours=2)
    db.session.commit()

    # Unanswered queue: under 1 day (no answer), 1-7 days (answered, none accepted), older (no answer, and
    # one exactly 7 days old); solved and closed questions are not in it.
    fresh = make_question(title="Printer on floor two is offline?")
    fresh.created_at = NOW - timedelta(hours=3)
    answered = make_question(title="Outlook calendar does not sync?")
    make_answer(question=answered)
    answered.created_at = NOW - timedelta(days=3)
    old = make_question(title="Laptop fan is loud, normal?")
    old.created_at = NOW - timedelta(days=10)
    week_old = make_question(title="Teams camera not found?")
    week_old.created_at = NOW - timedelta(days=7)
    solved = make_question(title="Password expired, how to reset?")
    forum.accept_answer(make_answer(question=solved), solved.author)
    solved.created_at = NOW - timedelta(days=2)
    closed = make_question(title="Closed one?")
    closed.closed_at, closed.created_at = NOW, NOW - timedelta(days=2)

    # Ask-form visits. W0: 1 deflected, 1 posted. W1: left, answered, abandoned (no signal, hours old) and
    # one on Sunday 23:59 are deflected, 1 posted, 1 saw no suggestion. W2: Monday 00:00 posted, one open.
    visit(1, W0 + timedelta(days=1), left=W0 + timedelta(days=1, minutes=3))
    visit(2, W0 + timedelta(days=2), posted=W0 + timedelta(days=2, minutes=4))
    visit(3, W1 + timedelta(days=1), left=W1 + timedelta(days=1, minutes=1))
    visit(4, W1 + timedelta(days=2), answered=W1 + timedelta(days=2, minutes=1))
    visit(5, W1 + timedelta(days=3))
    visit(6, W1 + timedelta(days=4), posted=W1 + timedelta(days=4, minutes=9))
    visit(7, W1 + timedelta(days=4), shown=False, left=W1 + timedelta(days=4, minutes=2))
    visit(8, SUNDAY_LATE, left=SUNDAY_LATE + timedelta(seconds=30))
    visit(9, MONDAY, posted=MONDAY + timedelta(minutes=5))
    visit(10, NOW - timedelta(minutes=10))

    # Search page lookups. W0: 1 of 3 found nothing. W1: 2 of 4 (one on Sunday 23:59:59). W2: 1 of 2 (at
    # Monday 00:00), plus a similar-question lookup that found nothing (not a search-page lookup).
    search("vpn", 4, W0 + timedelta(days=1))
    search("printer", 2, W0 + timedelta(days=1))
    search("expense form", 0, W0 + timedelta(days=2), visitor="a")
    search("expense form", 0, W1 + timedelta(days=1), visitor="b")
    search("payroll salary", 0, MONDAY - timedelta(seconds=1), visitor="a")
    search("wifi", 3, W1 + timedelta(days=2))
    search("vpn", 5, W1 + timedelta(days=3))
    search("expense form", 0, MONDAY, visitor="c")
    search("teams", 1, MONDAY + timedelta(hours=1))
    search("payroll salary", 0, MONDAY + timedelta(hours=2), visitor="b", kind="similar")

    # Ratings. W0: 1 of 2 yes. W1: 3 of 4 yes. W2: 1 yes on a public page, 1 no on the restricted page.
    raters = [make_user() for _ in range(4)]
    guide = make_page(title="VPN guide", path="vpn-guide")
    outdated = make_page(title="Expense form guide", path="expense-guide")
    rate(raters[0], W0 + timedelta(days=1), True, question=answered)
    rate(raters[0], W0 + timedelta(days=3), False, page=outdated)
    rate(raters[1], W1 + timedelta(days=1), True, question=answered)
    rate(raters[2], W1 + timedelta(days=1), True, page=guide)
    rate(raters[1], SUNDAY_LATE, False, page=outdated)
    rate(raters[3], W1 + timedelta(days=5), True, page=outdated)
    rate(raters[2], MONDAY, False, page=hidden_page)
    rate(raters[3], MONDAY + timedelta(hours=5), True, page=guide)
    # Another "no" on the outdated page: it has 3 no, 1 yes in the period.
    rate(raters[2], W1 + timedelta(days=2), False, page=outdated)

    # Calls. W0: one from a thread, one with a topic. W1: "VPN token" twice (written two ways) and one from a
    # page. W2: one from the restricted thread (left out for outsiders), one with a topic on Monday 00:00.
    call(W0 + timedelta(days=1), question=answered)
    call(W0 + timedelta(days=2), topic="Printer driver")
    call(W1 + timedelta(days=1), topic="VPN token")
    call(SUNDAY_LATE, topic="vpn TOKEN")
    call(W1 + timedelta(days=2), page=guide)
    call(MONDAY + timedelta(hours=1), question=hidden_q)
    call(MONDAY, topic="=cmd|' /C calc'!A0")
    db.session.commit()
    return {"owner": owner, "space": space, "outdated": outdated, "guide": guide}


@pytest.fixture
def lead(app, make_user):
    return sign_in(app, make_user(role="lead"))


def chart_csv(client, chart: str, weeks: int = 4):
    return csv_rows(client.get(f"/insights/dashboard/{chart}.csv?weeks={weeks}"))


def week_rows(*rows):
    """CSV rows for the four weeks of the period, oldest first, the first of them empty."""
    starts = [MONDAY - timedelta(weeks=3), W0, W1, W2]
    return [
        [WEEK[start], start.date().isoformat(), *map(str, row)]
        for start, row in zip(starts, rows, strict=True)
    ]


def test_deflection_rate_per_week(world, lead):
    rows = chart_csv(lead, "deflection")

    assert rows[0] == [
        "Week",
        "Week starts (UTC)",
        "Deflected",
        "Posted anyway",
        "Deflection rate (per cent)",
    ]
    assert rows[1:] == week_rows((0, 0, 0.0), (1, 1, 50.0), (4, 1, 80.0), (0, 1, 0.0))


def test_searches_with_no_result_per_week(world, lead):
    rows = chart_csv(lead, "zero-results")

    assert rows[0] == [
        "Week",
        "Week starts (UTC)",
        "Found nothing",
        "Searches",
        "Share with no result (per cent)",
    ]
    assert rows[1:] == week_rows((0, 0, 0.0), (1, 3, 33.3), (2, 4, 50.0), (1, 2, 50.0))


def test_unanswered_questions_by_age(world, lead, app, make_user):
    rows = chart_csv(lead, "unanswered")

    assert rows == [
        ["Age", "No answer", "Answers, none accepted", "Total"],
        ["Under 1 day", "1", "0", "1"],
        ["1 to 7 days", "0", "1", "1"],
        ["Older than 7 days", "2", "0", "2"],
    ]
    # An admin (and a member) sees the restricted space's question too.
    admin_rows = chart_csv(sign_in(app, make_user(role="admin")), "unanswered")
    assert admin_rows[1] == ["Under 1 day", "2", "0", "2"]


def test_helpful_vote_ratio_per_week(world, lead, app, make_user):
    rows = chart_csv(lead, "helpful")

    assert rows[0] == ["Week", "Week starts (UTC)", "Yes", "Ratings", "Helpful (per cent)"]
    assert rows[1:] == week_rows((0, 0, 0.0), (1, 2, 50.0), (3, 5, 60.0), (1, 1, 100.0))
    admin_rows = chart_csv(sign_in(app, make_user(role="admin")), "helpful")
    assert admin_rows[-1][2:] == ["1", "2", "50.0"]


def test_calls_logged_per_week(world, lead, app, make_user):
    rows = chart_csv(lead, "calls")

    assert rows[0] == ["Week", "Week starts (UTC)", "From a thread or page", "Topic only", "Total"]
    assert rows[1:] == week_rows((0, 0, 0), (1, 1, 2), (1, 2, 3), (0, 1, 1))
    admin_rows = chart_csv(sign_in(app, make_user(role="admin")), "calls")
    assert admin_rows[-1][2:] == ["1", "1", "2"]


def test_the_week_boundary_is_monday_midnight_utc():
    sunday = MONDAY - timedelta(seconds=1)
    assert week_start(sunday) == MONDAY - timedelta(weeks=1)
    assert week_start(MONDAY) == week_start(MONDAY + timedelta(days=6, hours=23, minutes=59)) == MONDAY
    weeks = period_weeks(NOW, 12)
    assert len(weeks) == 12 and weeks[-1].start == MONDAY and weeks[0].start == MONDAY - timedelta(weeks=11)
    assert all(b.start - a.start == timedelta(weeks=1) for a, b in zip(weeks, weeks[1:], strict=False))


def test_the_page_shows_each_chart_with_its_numbers_and_csv_link(world, lead):
    body = lead.get("/insights?weeks=4").get_data(as_text=True)

    for chart in ("deflection", "zero-results", "unanswered", "helpful", "calls"):
        assert f'href="/insights/dashboard/{chart}.csv?weeks=4"' in body
    assert body.count("<svg") == 5 and body.count("<details") == 5
    assert body.count('role="img"') == 5 and body.count("<desc>") == 5
    assert f"<title>{WEEK[W1]}: 4 of 5 ask-form visits left without posting (80%)</title>" in body
    assert ">80.0</td>" in body  # the deflection table
    assert 'href="/insights/searches' in body  # the search log stays one click away


def test_the_period_selector_and_its_default(world, lead):
    assert len(chart_csv(lead, "deflection", weeks=26)) == 1 + 26
    assert len(csv_rows(lead.get("/insights/dashboard/calls.csv"))) == 1 + 12
    assert len(csv_rows(lead.get("/insights/dashboard/calls.csv?weeks=5"))) == 1 + 12
    body = lead.get("/insights?weeks=nonsense").get_data(as_text=True)
    assert '<option value="12" selected>' in body
    assert lead.get("/insights/dashboard/nothing.csv").status_code == 404


def test_what_to_write_next(world, lead):
    body = lead.get("/insights?weeks=4").get_data(as_text=True)
    zero = re.search(r'data-list="zero-queries">(.*?)</ol>', body, re.S).group(1)
    topics = re.search(r'data-list="call-topics">(.*?)</ol>', body, re.S).group(1)
    pages = re.search(r'data-list="worst-pages">(.*?)</ol>', body, re.S).group(1)

    # "expense form" found nothing for three different visits; "payroll salary" for two: not shown (k = 3).
    assert "expense form" in zero and "payroll" not in body.lower().split("what to write next")[1]
    # Call topics without a page, grouped by their normalised key, most calls first.
    assert topics.index("vpn TOKEN") < topics.index("Printer driver")
    assert 'vpn TOKEN</span> <span class="meta">2 calls' in topics and "=cmd|" in topics
    # Worst-rated pages: more "no" than "yes" in the period; the restricted page is left out.
    assert "Expense form guide" in pages and "1 yes, 3 no" in pages
    assert "VPN guide" not in pages and "Payroll secret" not in body


def test_a_page_written_from_a_call_topic_takes_it_off_the_list(world, app, make_user):
    admin = sign_in(app, make_user(role="admin"))
    body = admin.get("/insights?weeks=4").get_data(as_text=True)
    write = "/wiki/new?title=vpn+TOKEN&amp;call_topic=vpn+token"
    assert write in body
    form = admin.get(write.replace("&amp;", "&")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    response = admin.post(
        "/wiki/new",
        data={"title": "VPN token", "path": "vpn-token", "body": "Reset it in the portal.", "tags": "",
              "lang": "en", "summary": "", "call_topic": "vpn token", "csrf_token": token and token.group(1)},
    )  # fmt: skip
    assert response.status_code == 302
    topics = re.search(
        r'data-list="call-topics">(.*?)</ol>', admin.get("/insights?weeks=4").get_data(as_text=True), re.S
    )
    assert "vpn TOKEN" not in topics.group(1) and "Printer driver" in topics.group(1)


def test_what_to_write_next_covers_the_weeks_of_the_charts(world, lead):
    # Three people found nothing the Sunday before the 4-week period began: outside it, though within 28 days
    # of its last day.
    for visitor in "xyz":
        search("badge printer", 0, W0 - timedelta(weeks=1, minutes=1), visitor=visitor)
    db.session.commit()
    body = lead.get("/insights?weeks=4").get_data(as_text=True)
    zero = re.search(r'data-list="zero-queries">(.*?)</ol>', body, re.S).group(1)
    assert "expense form" in zero and "badge printer" not in zero
    assert "badge printer" in lead.get("/insights?weeks=12").get_data(as_text=True)


def test_the_k_threshold_is_the_search_logs_setting(world, app, lead):
    app.config["INSIGHTS_MIN_PEOPLE"] = 2
    body = lead.get("/insights?weeks=4").get_data(as_text=True)
    zero = re.search(r'data-list="zero-queries">(.*?)</ol>', body, re.S).group(1)
    assert "expense form" in zero and "payroll salary" in zero


def test_csv_cells_that_look_like_formulas_stay_text(world, app, make_user, lead):
    rows = chart_csv(lead, "calls")
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    # The topics' list is not exported, but headers and cells all pass the same helper.
    from helpdesk.insights.panels import Panel, panel_csv

    text = panel_csv(Panel("x", "t", "c", ["=SUM(A1)"], [["+1", "@me", "-2", "ok"]], charts.Markup("")))
    assert list(csv.reader(io.StringIO(text[1:]))) == [["'=SUM(A1)"], ["'+1", "'@me", "'-2", "ok"]]


@pytest.mark.parametrize("role, status", [("employee", 403), ("staff", 403), ("lead", 200), ("admin", 200)])
@pytest.mark.parametrize("url", ["/insights", "/insights/dashboard/deflection.csv"])
def test_only_leads_and_admins_see_the_dashboard(app, make_user, role, status, url):
    assert sign_in(app, make_user(role=role)).get(url).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/insights")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_nav_links_leads_to_the_dashboard(app, make_user, lead):
    assert 'href="/insights">Insights<' in lead.get("/").get_data(as_text=True)
    staff = sign_in(app, make_user(role="staff"))
    assert 'href="/insights"' not in staff.get("/").get_data(as_text=True)


def test_the_svg_has_no_inline_style_and_escapes_text(world, lead):
    body = lead.get("/insights").get_data(as_text=True)
    svgs = re.findall(r"<svg.*?</svg>", body, re.S)
    assert len(svgs) == 5 and not any("style=" in svg for svg in svgs)
    assert "style=" not in body

    svg = charts.bar_chart(
        '<script>alert("x")</script>', "a & b", ["<b>W1</b>"],
        [charts.Series('"><img src=x>', [3], ["</title><script>1</script>"])],
    )  # fmt: skip
    assert "<script>" not in svg and "<b>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg and "&lt;/title&gt;&lt;script&gt;" in svg and "a &amp; b" in svg
    hbar = charts.hbar_chart("t", "d", ["<i>old</i>"], [charts.Series("s", [2], ["<x>"])])
    assert "<i>" not in hbar and "&lt;i&gt;old&lt;/i&gt;" in hbar and "<title>&lt;x&gt;</title>" in hbar


def test_bars_are_scaled_to_their_values():
    svg = charts.bar_chart("t", "d", ["a", "b"], [charts.Series("s", [50, 100], ["x", "y"])], percent=True)
    heights = [float(h) for h in re.findall(r'<rect class="chart-bar[^"]*"[^>]*height="([\d.]+)"', svg)]
    assert len(heights) == 2 and heights[1] == pytest.approx(2 * heights[0])


def test_the_demo_fills_the_dashboard_once(app, runner, make_user):
    from sqlalchemy import func, select

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    counts = [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (SearchEvent, AskVisit, Rating, CallLog)
    ]
    assert all(counts)
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    again = [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (SearchEvent, AskVisit, Rating, CallLog)
    ]
    assert again == counts

    lead = sign_in(app, make_user(role="lead"))
    body = lead.get("/insights?weeks=4").get_data(as_text=True)
    zero = re.search(r'data-list="zero-queries">(.*?)</ol>', body, re.S).group(1)
    assert "parking permit" in zero
    assert re.search(r'data-list="call-topics">.*Parking permit for visitors', body, re.S)
    assert re.search(r'data-list="worst-pages">.*Printing on the follow-me printers', body, re.S)
    rows = csv_rows(lead.get("/insights/dashboard/deflection.csv?weeks=4"))
    assert sum(int(row[2]) for row in rows[1:]) > 0 and sum(int(row[3]) for row in rows[1:]) > 0


def test_the_demo_credits_its_threads_and_pages(app, runner, make_user):
    """On a fresh demo, searches opened results and the ask form was answered, so pages show what they helped
    and the search log does not call every query one whose results nobody opened."""
    from sqlalchemy import select

    from helpdesk.wiki.models import Page

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    vpn = db.session.scalar(select(Page).where(Page.external_id == "demo:page:vpn"))
    reader = sign_in(app, make_user())
    page = reader.get(f"/wiki/{vpn.path}").get_data(as_text=True)
    assert re.search(r"Helped \d+ searches", page)
    assert "people who were about to ask" in page
    lead = sign_in(app, make_user(role="lead"))
    log = lead.get("/insights/searches").get_data(as_text=True)
    unopened = log.split("Queries whose results nobody opened")[-1]
    assert '<th scope="row">vpn</th>' in log and '<th scope="row">vpn</th>' not in unopened


def test_the_dashboard_leads_on_to_the_queue_and_the_pages_due_for_review(app, make_user):
    """The unanswered chart and the worst-rated pages are summaries: a lead can open the lists behind them."""
    lead = sign_in(app, make_user(role="lead"))
    body = lead.get("/insights").get_data(as_text=True)
    unanswered = re.search(r'id="chart-unanswered".*?</section>', body, re.S).group(0)
    assert 'href="/queue"' in unanswered
    assert 'href="/wiki/-/review"' in body.split('id="write-next"')[1]
