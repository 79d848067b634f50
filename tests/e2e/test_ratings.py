""" "Did this answer your question?" in a real browser: Yes and No answer without a reload (under the real
Content-Security-Policy), the answer can be changed, and the counts follow."""

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PAGE_TITLE = "Printer on floor two prints blank pages"


@pytest.fixture(scope="module")
def printer_page(browser, live_server):
    """A wiki page written by staff through the wiki's own form; its path."""
    path = f"printing/blank-pages-{uuid.uuid4().hex[:6]}"
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        page = context.new_page()
        account = live_server.accounts["staff"]
        page.goto("/login")
        page.get_by_label("E-mail").fill(account.email)
        page.get_by_label("Password").fill(account.password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto("/wiki/new")
        page.get_by_label("Title").fill(PAGE_TITLE)
        page.get_by_label("Path").fill(path)
        page.get_by_label("Text (Markdown)").fill("Replace the toner cartridge, then print a test page.")
        page.get_by_role("button", name="Save page").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(PAGE_TITLE)
    finally:
        context.close()
    return path


def test_answering_and_changing_the_answer_without_a_reload(page, sign_in, printer_page):
    refused = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    sign_in("employee")
    page.goto(f"/wiki/{printer_page}")
    page.evaluate("window.stillTheSamePage = true")
    box = page.locator("[data-rating]")
    expect(box.get_by_role("heading")).to_have_text("Did this answer your question?")

    box.get_by_role("button", name="Yes").click()
    box = page.locator("[data-rating]")
    expect(box).to_contain_text("You said yes.")
    expect(box).to_contain_text("1 of 1 person found this helpful")
    expect(box.locator("[data-rating-message]")).to_have_text("Thanks for your feedback.")

    box.get_by_text("Change").click()
    box.get_by_role("button", name="No").click()
    box = page.locator("[data-rating]")
    expect(box).to_contain_text("You said no.")
    expect(box).to_contain_text("0 of 1 person found this helpful")
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
    assert not refused, refused

    page.reload()
    expect(page.locator("[data-rating]")).to_contain_text("You said no.")
