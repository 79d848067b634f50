"""Deflection in a real browser: what is typed into the ask form finds the wiki page that answers it, before
anything is posted, and "This answered my question" is counted in the funnel; the search box in the header
finds the page too."""

import re
import sqlite3
import uuid
from contextlib import closing

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PAGE_TITLE = "Badge reader at the garage door rejects my access card"


@pytest.fixture(scope="module")
def badge_page(browser, live_server):
    """A wiki page written by staff through the wiki's own form; its path."""
    path = f"facilities/garage-badge-{uuid.uuid4().hex[:6]}"
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        page = context.new_page()
        _sign_in(page, live_server.accounts["staff"])
        page.goto("/wiki/new")
        page.get_by_label("Title").fill(PAGE_TITLE)
        page.get_by_label("Path").fill(path)
        page.get_by_label("Text (Markdown)").fill(
            "Hold the card flat against the reader for two seconds. If the light stays red, the card's "
            "garage access has expired: ask reception to renew it."
        )
        page.get_by_role("button", name="Save page").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(PAGE_TITLE)
    finally:
        context.close()
    return path


def test_a_similar_page_appears_while_typing_and_answers_the_question(page, sign_in, badge_page):
    sign_in("employee")
    page.goto("/questions/ask")
    page.evaluate("window.stillTheSamePage = true")
    region = page.locator("[data-similar]")
    expect(region).to_have_attribute("data-endpoint", "/api/v1/similar")

    page.get_by_label("Title").press_sequentially("Garage badge reader rejects my card", delay=30)
    suggestion = region.locator("[data-similar-item]", has_text=PAGE_TITLE)
    expect(suggestion).to_be_visible()
    expect(suggestion.locator("mark").first).to_be_visible()  # why it matched
    expect(suggestion.get_by_text("Wiki page")).to_be_visible()
    expect(region.locator("[aria-live=polite]")).to_contain_text("Similar questions and wiki pages:")
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
    expect(page.get_by_label("Title")).to_have_value("Garage badge reader rejects my card")

    suggestion.get_by_role("link", name=PAGE_TITLE).click()
    page.wait_for_url(re.compile(re.escape(f"/wiki/{badge_page}")))
    expect(page.get_by_role("heading", level=1)).to_have_text(PAGE_TITLE)


def test_this_answered_my_question_thanks_and_counts_the_visit_as_deflected(
    page, sign_in, badge_page, live_server
):
    sign_in("employee")
    page.goto("/questions/ask")
    token = page.locator("form[data-ask-form]").get_attribute("data-ask-visit")
    assert token and re.fullmatch(r"[0-9a-f]{32}", token)

    page.get_by_label("Title").press_sequentially("Garage badge reader rejects my card", delay=30)
    suggestion = page.locator("[data-similar-item]", has_text=PAGE_TITLE)
    expect(suggestion).to_be_visible()
    suggestion.get_by_role("button", name="This answered my question").click()
    expect(suggestion.get_by_role("status")).to_have_text("Glad that helped – no need to post.")
    expect(suggestion.get_by_role("button", name="This answered my question")).to_have_count(0)
    assert page.url.endswith("/questions/ask")  # no need to go anywhere

    visit = _ask_visit(live_server, token)
    assert visit["shown_at"] and visit["answered_at"] and visit["posted_at"] is None  # deflected
    assert visit["answered_doc"] == f"page:{_page_id(live_server, badge_page)}"


def test_posting_after_seeing_suggestions_still_works(page, sign_in, badge_page):
    sign_in("employee")
    page.goto("/questions/ask")
    title = f"Garage badge reader rejects my new card {uuid.uuid4().hex[:4]}"
    page.get_by_label("Title").press_sequentially(title, delay=10)
    expect(page.locator("[data-similar-item]", has_text=PAGE_TITLE)).to_be_visible()
    page.get_by_label("Your question").fill("Reception renewed it yesterday and it still fails.")
    page.get_by_role("button", name="Post your question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_the_search_box_in_the_header_finds_the_page(page, sign_in, badge_page):
    sign_in("employee")
    page.goto("/")
    box = page.get_by_role("search", name="Search the helpdesk").get_by_role("searchbox")
    box.fill("garage badge reader")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=garage\+badge\+reader"))
    result = page.locator(".search-results").get_by_role("link", name=PAGE_TITLE)
    expect(result).to_be_visible()
    expect(result.locator("mark").first).to_be_visible()
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PAGE_TITLE)


def _database(live_server) -> sqlite3.Connection:
    connection = sqlite3.connect(live_server.env["HELPDESK_DATABASE_URL"].removeprefix("sqlite:///"))
    connection.row_factory = sqlite3.Row
    return connection


def _ask_visit(live_server, token: str) -> dict:
    with closing(_database(live_server)) as connection:
        row = connection.execute("SELECT * FROM ask_visits WHERE token = ?", (token,)).fetchone()
    assert row is not None, "the visit was not kept"
    return dict(row)


def _page_id(live_server, path: str) -> int:
    with closing(_database(live_server)) as connection:
        return connection.execute("SELECT id FROM pages WHERE path = ?", (path,)).fetchone()[0]


def _sign_in(page, account):
    page.goto("/login")
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
