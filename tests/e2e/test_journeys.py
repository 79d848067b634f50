"""What people do, in a real browser against the real app: ask, answer, accept; edit a page, see a diff."""

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_ask_answer_accept(browser, live_server):
    title = f"Printer on floor 3 prints blank pages {uuid.uuid4().hex[:6]}"
    asker = browser.new_context(base_url=live_server.url, locale="en-GB")
    helper = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        page = asker.new_page()
        _sign_in(page, live_server.accounts["employee"])
        page.goto("/questions/ask")
        page.get_by_label("Title").fill(title)
        page.get_by_label("Your question").fill(
            "Every job comes out **blank**. I replaced the toner already."
        )
        page.get_by_label("Tags").fill("printer, floor-3")
        page.get_by_role("button", name="Post your question").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.locator(".markdown strong")).to_have_text("blank")
        question_url = page.url

        other = helper.new_page()
        _sign_in(other, live_server.accounts["colleague"])
        other.goto(question_url)
        other.get_by_label("Your answer").fill("Run the *cleaning cycle* from the printer's menu.")
        other.get_by_role("button", name="Post your answer").click()
        expect(other.get_by_text("Run the cleaning cycle from the printer's menu.")).to_be_visible()
        # Only the asker (or staff) may accept.
        expect(other.get_by_role("button", name=re.compile("Accept this answer"))).to_have_count(0)

        page.reload()
        page.get_by_role("button", name=re.compile("Accept this answer")).click()
        expect(page.get_by_text("Accepted answer")).to_be_visible()
        page.goto("/")
        row = page.locator("li", has_text=title)
        expect(row.get_by_text("Solved")).to_be_visible()
    finally:
        asker.close()
        helper.close()


def test_staff_edits_a_wiki_page_and_sees_the_diff(page, sign_in):
    sign_in("staff")
    page.goto("/wiki/new")
    page.get_by_label("Title").fill("Connecting to the VPN")
    page.get_by_label("Path").fill(f"network/vpn-{uuid.uuid4().hex[:6]}")
    page.get_by_label("Text (Markdown)").fill("Open the VPN client and choose **Stockholm**.")
    page.get_by_role("button", name="Save page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connecting to the VPN")

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Text (Markdown)").fill("Open the VPN client and choose **Göteborg**.")
    page.get_by_label("Summary of your change").fill("The Stockholm gateway is retired")
    page.get_by_role("button", name="Save page").click()
    expect(page.locator(".markdown strong")).to_have_text("Göteborg")

    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("The Stockholm gateway is retired")).to_be_visible()
    page.get_by_role("button", name="Compare the selected revisions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Changes to")
    expect(page.locator("del", has_text="Stockholm").first).to_be_visible()
    expect(page.locator("ins", has_text="Göteborg").first).to_be_visible()


def test_an_employee_cannot_edit_the_wiki(page, sign_in):
    sign_in("employee")
    response = page.goto("/wiki/new")
    assert response.status == 403


def _sign_in(page, account):
    page.goto("/login")
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
