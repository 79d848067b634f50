""" "I read this out on a call" in a real browser: one click logs the call without a reload (under the real
Content-Security-Policy) and the button says how many calls the page has answered."""

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_one_click_logs_a_call_without_a_reload(page, sign_in):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    sign_in("staff")
    title = f"Teams camera stays black {uuid.uuid4().hex[:6]}"
    page.goto("/wiki/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Text (Markdown)").fill(
        "Close every other program that uses the camera, then restart Teams."
    )
    page.get_by_role("button", name="Save page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    page.evaluate("window.stillTheSamePage = true")
    button = page.get_by_role("button", name="I read this out on a call")
    button.click()
    expect(page.locator("[data-call-button]")).to_have_text("Logged (1 call)")
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
    assert not refused, refused

    page.reload()
    expect(page.locator("[data-call-count]")).to_have_text("Read out on 1 call")
