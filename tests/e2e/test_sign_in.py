import pytest

pytestmark = pytest.mark.e2e


def test_sign_in_and_out(page, sign_in):
    account = sign_in("employee")
    assert page.get_by_text(f"Welcome, {account.name}.").is_visible()
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_text("You are signed out.").is_visible()


def test_wrong_password_is_refused_with_a_message(page, live_server):
    page.goto("/login")
    page.get_by_label("E-mail").fill(live_server.accounts["employee"].email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("That e-mail and password do not match an account.").is_visible()
