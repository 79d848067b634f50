"""The search log and the leads' page: k people before a query shows, nothing from restricted spaces, the
click-through, the purge and who may read it."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.forum.services import ask_question
from helpdesk.insights import services
from helpdesk.insights.models import SearchEvent
from helpdesk.spaces.services import create_space
from helpdesk.utils import utcnow
from tests.conftest import PASSWORD


def events() -> list[SearchEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(SearchEvent).order_by(SearchEvent.id)))


def signed_in(app, user):
    """A client of its own (its own session, so its own visit) signed in as ``user``."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def printer(make_question):
    return make_question(title="Printer on floor 3 jams every morning", body="Paper jam in tray two.")


@pytest.fixture
def lead(app, make_user):
    return signed_in(app, make_user(role="lead"))


def listed(client, days: int = 30) -> str:
    response = client.get(f"/insights/searches?days={days}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_query_shows_only_once_k_different_people_made_it(app, make_user, printer, lead):
    people = [signed_in(app, make_user()) for _ in range(3)]
    for client in people[:2]:
        assert client.get("/search?q=Printer   JAMS").status_code == 200
        assert client.get("/search?q=zqxnothinghere").status_code == 200
    page = listed(lead)
    assert "printer jams" not in page and "zqxnothinghere" not in page  # two people: not yet

    people[2].get("/search?q=printer jams")
    people[2].get("/search?q=ZQXnothinghere")
    page = listed(lead)
    assert re.search(r"<th scope=\"row\">printer jams</th>\s*<td>3</td>\s*<td>3</td>", page)
    zero = page.split("Queries that found nothing")[1].split("Queries whose results nobody opened")[0]
    assert "zqxnothinghere" in zero and "printer jams" not in zero
    assert 'href="/wiki/new?title=zqxnothinghere"' in zero  # a lead curates the wiki: one click to write it


def test_the_threshold_is_a_setting(app, make_user, printer, lead):
    app.config["INSIGHTS_MIN_PEOPLE"] = 2
    for _ in range(2):
        signed_in(app, make_user()).get("/search?q=printer")
    assert '<th scope="row">printer</th>' in listed(lead)


def test_the_same_visit_repeating_a_query_counts_once(app, make_user, printer, make_question, lead):
    for n in range(25):
        make_question(title=f"Printer question {n}")
    client = signed_in(app, make_user())
    client.get("/search?q=printer")
    client.get("/search?q=printer&page=2")
    client.get("/search?q=printer&sort=date")
    client.get("/api/v1/search?q=Printer")
    assert [(e.kind, e.query) for e in events()] == [("search", "printer")]


def test_similar_lookups_while_typing_are_one_event(app, make_user, printer):
    client = signed_in(app, make_user())
    for typed in ("Prin", "Printer ja", "Printer jams on floor"):
        assert (
            client.get("/api/v1/similar", query_string={"title": typed, "body": "secret body"}).status_code
            == 200
        )
    client.get("/api/v1/similar", query_string={"title": "VPN drops"})
    logged = [(e.kind, e.query) for e in events()]
    assert logged == [("similar", "printer jams on floor"), ("similar", "vpn drops")]
    assert all("secret" not in e.query for e in events())


def test_nothing_typed_inside_a_restricted_space_is_logged(app, make_user, printer):
    admin, member = make_user(role="admin"), make_user()
    secret = create_space("Client team", admin, restricted=True, owners=[member])
    ask_question(member, "Printer for client reports", "Which printer?", ["printer"], space=secret)
    public = create_space("Facilities", admin)
    db.session.commit()
    client = signed_in(app, member)
    for url in (
        f"/search?q=printer&space={secret.slug}",
        f"/api/v1/search?q=printer&space={secret.slug}",
        f"/api/v1/similar?title=printer+for+client+acme&space={secret.slug}",
        "/search?q=printer&space=no-such-space",
    ):
        assert client.get(url).status_code == 200, url
    assert events() == []
    client.get(f"/search?q=printer&space={public.slug}")  # a public space's filter is logged
    assert [e.query for e in events()] == ["printer"]


def test_counts_kept_are_those_of_public_results_only(app, make_user, make_question, lead):
    """A member finds restricted content; the lead, who is not a member, must not learn that from the log."""
    admin, member = make_user(role="admin"), make_user()
    secret = create_space("Client team", admin, restricted=True, owners=[member])
    ask_question(member, "Zanzibar account reconciliation", "Steps for Zanzibar.", ["finance"], space=secret)
    db.session.commit()
    for person in [member] + [make_user() for _ in range(2)]:
        client = signed_in(app, person)
        assert client.get("/search?q=zanzibar").status_code == 200
        assert client.get("/api/v1/search?q=zanzibar+reconciliation").status_code == 200
        assert client.get("/api/v1/similar?title=zanzibar+account").status_code == 200
    logged = [(e.kind, e.query, e.result_count) for e in events()]
    assert len(logged) == 9
    assert {count for _, _, count in logged} == {0}
    assert "zanzibar" in zero_result_section(listed(lead))


def zero_result_section(html: str) -> str:
    start = html.index("Queries that found nothing")
    return html[start : html.index("Queries whose results nobody opened")]


def test_the_visit_key_is_pseudonymous(app, make_user, printer):
    user = make_user()
    signed_in(app, user).get("/search?q=printer")
    signed_in(app, user).get("/search?q=printer")  # another visit of the same person
    keys = [e.session_key for e in events()]
    assert len(keys) == 2 and keys[0] != keys[1]
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) and str(user.id) != key for key in keys)


def test_a_broken_log_never_breaks_search(app, make_user, printer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record_lookup", broken)
    client = signed_in(app, make_user())
    response = client.get("/search?q=printer")
    assert response.status_code == 200 and "on floor 3 jams" in response.get_data(as_text=True)
    assert client.get("/api/v1/similar?title=printer").status_code == 200
    assert events() == []


def test_opening_a_result_is_recorded_and_leads_to_it(app, make_user, printer):
    client = signed_in(app, make_user())
    html = client.get("/search?q=printer").get_data(as_text=True)
    link = re.search(r'<h2><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith("/search/open?")
    response = client.get(link)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/questions/{printer.id}/{printer.slug}")
    [event] = events()
    assert (event.opened_rank, event.opened_doc) == (1, f"question:{printer.id}")


@pytest.mark.parametrize(
    "query",
    [
        "doc=question:{id}&rank=1&q=x&next=https://evil.example/",
        "doc=question:{id}&rank=" + "0" * 5000 + "1&q=printer",
        "doc=https://evil.example/&rank=1",
        "doc=//evil.example&rank=1",
        "doc=question:999999&rank=1",
        "doc=question:{id}/../../x&rank=1",
        "doc=page:{id}&rank=1",
        "doc=question:{secret}&rank=1",
        "rank=1",
    ],
)
def test_the_click_through_is_no_open_redirect_and_hides_restricted_items(app, make_user, printer, query):
    admin = make_user(role="admin")
    secret = create_space("Hidden team", admin, restricted=True)
    hidden = ask_question(admin, "Hidden printer", "Secret.", ["printer"], space=secret)
    db.session.commit()
    client = signed_in(app, make_user())
    response = client.get("/search/open?" + query.format(id=printer.id, secret=hidden.id))
    location = response.headers.get("Location", "")
    assert "evil" not in location
    if query.startswith("doc=question:{id}&"):
        assert response.status_code == 302 and location.endswith(f"/questions/{printer.id}/{printer.slug}")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role, status", [("employee", 403), ("staff", 403), ("lead", 200), ("admin", 200)])
def test_only_leads_and_admins_read_the_insights(app, make_user, role, status):
    client = signed_in(app, make_user(role=role))
    assert client.get("/insights/searches").status_code == status
    menu = 'href="/insights"' in client.get("/").get_data(as_text=True)  # the dashboard, which links here
    assert menu == (status == 200)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/insights/searches")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_period_falls_back_to_thirty_days(lead):
    for days in ("5", "x", "9" * 5000):
        assert lead.get(f"/insights/searches?days={days}").status_code == 200


def test_the_period_leaves_out_older_searches(app, lead):
    for n in range(3):
        db.session.add(SearchEvent(kind="search", query="old printer", result_count=0, session_key=f"k{n}",
                                   created_at=utcnow() - timedelta(days=20)))  # fmt: skip
    db.session.commit()
    assert "old printer" in listed(lead, 30)
    assert "old printer" not in listed(lead, 7)


def test_purge_deletes_events_older_than_the_retention(app, runner):
    now = utcnow()
    for age in (1, 50, 95, 400):
        db.session.add(SearchEvent(kind="search", query=f"age {age}", result_count=1, session_key="k",
                                   created_at=now - timedelta(days=age)))  # fmt: skip
    db.session.commit()
    result = runner.invoke(args=["insights", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 search log rows older than 90 days." in result.output
    assert [e.query for e in events()] == ["age 1", "age 50"]
    result = runner.invoke(args=["insights", "purge", "--days", "10"])
    assert "Deleted 1 " in result.output and [e.query for e in events()] == ["age 1"]
    assert runner.invoke(args=["insights", "purge", "--days", "0"]).exit_code != 0
    assert db.session.scalar(select(func.count(SearchEvent.id))) == 1


def test_purge_deletes_ask_form_visits_older_than_the_retention(app, runner):
    from helpdesk.insights.models import AskVisit

    now = utcnow()
    for age in (1, 95):
        db.session.add(AskVisit(token=f"{age:032x}", session_key="k", started_at=now - timedelta(days=age),
                                shown_at=now - timedelta(days=age)))  # fmt: skip
    db.session.commit()
    result = runner.invoke(args=["insights", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 ask-form visits older than 90 days." in result.output
    assert [v.token for v in db.session.scalars(select(AskVisit))] == [f"{1:032x}"]


def test_opening_an_ask_form_suggestion_is_recorded(app, make_user, printer, lead):
    people = [signed_in(app, make_user()) for _ in range(3)]
    for client in people:
        client.get("/api/v1/similar", query_string={"title": "Printer jams"})
    assert "printer jams" in listed(lead).split("Queries whose results nobody opened")[1]

    url = f"/search/open?kind=similar&doc=question:{printer.id}&rank=1&q=Printer+jams"
    assert people[0].get(url).headers["Location"].endswith(f"/questions/{printer.id}/{printer.slug}")
    assert [(e.opened_rank, e.opened_doc) for e in events()][0] == (1, f"question:{printer.id}")
    assert "printer jams" not in listed(lead).split("Queries whose results nobody opened")[1]
