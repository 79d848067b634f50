"""The Content-Security-Policy in a real browser: the main pages and their scripts run, nothing refused."""

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

BLOCKED = re.compile(r"Refused to|Content Security Policy|Content-Security-Policy", re.I)


def _watch(page, complaints: list[str]) -> None:
    """Collect every console message about a blocked resource, and every script error."""
    page.on("console", lambda message: BLOCKED.search(message.text) and complaints.append(message.text))
    page.on("pageerror", lambda error: complaints.append(f"script error: {error}"))


def _sign_in(page, account) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_main_pages_run_under_the_policy_with_nothing_refused(browser, live_server):
    marker = uuid.uuid4().hex[:6]
    title = f"Projector in room Tellus shows no picture {marker}"
    complaints: list[str] = []
    admin_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    voter_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        page = admin_context.new_page()
        page.set_default_timeout(10_000)
        _watch(page, complaints)

        response = page.goto("/")
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        _sign_in(page, live_server.accounts["admin"])
        expect(page.get_by_role("heading", level=1)).to_be_visible()

        # Wiki: a new page, then its edit form.
        page.goto("/wiki/new")
        page.get_by_label("Title").fill(f"Projector in Tellus {marker}")
        page.get_by_label("Path").fill(f"rooms/tellus-projector-{marker}")
        page.get_by_label("Text (Markdown)").fill(
            "Press **Source** on the remote until the picture shows. ![logo](https://example.com/logo.png)"
        )
        page.get_by_role("button", name="Save page").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Projector in Tellus {marker}")
        page.get_by_role("link", name="Edit").click()
        expect(page.get_by_label("Text (Markdown)")).to_be_visible()

        # Ask, with suggestions fetched by ask.js while typing.
        page.goto("/questions/ask")
        page.get_by_label("Title").fill(f"Projector Tellus picture {marker}")
        expect(page.locator("[data-similar-list] li").first).to_be_visible()
        page.get_by_label("Title").fill(title)
        page.get_by_label("Your question").fill("The projector is on but the wall stays blue.")
        page.get_by_label("Tags").fill("projector")
        page.get_by_role("button", name="Post your question").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        question_url = page.url

        page.goto(f"/search?q=projector+{marker}")
        expect(page.get_by_role("link", name=title)).to_be_visible()
        page.goto("/admin/users")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        # The language switch submits itself from app.js.
        page.get_by_label("Language").select_option("sv")
        expect(page.locator("html")).to_have_attribute("lang", "sv")

        # A vote sent by forum.js with fetch() and the CSRF header, without reloading the page.
        voter = voter_context.new_page()
        voter.set_default_timeout(10_000)
        _watch(voter, complaints)
        _sign_in(voter, live_server.accounts["colleague"])
        voter.goto(question_url)
        voter.evaluate("window.stillTheSamePage = true")
        voter.locator("form[data-vote-form]").first.get_by_role("button", name="Vote up").click()
        expect(voter.locator("[data-score]").first).to_have_text("1")
        assert voter.evaluate("window.stillTheSamePage") is True
    finally:
        admin_context.close()
        voter_context.close()
    assert complaints == []
