"""End-to-end fixtures: the real app under gunicorn, set up by its own CLI, driven by headless Chromium.

Chromium comes from Debian (`apt-get install chromium`); Playwright only drives it (no `playwright install`).
Without Chromium these tests are skipped, unless HELPDESK_REQUIRE_E2E is set (CI), where they fail.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HELPDESK_CHROMIUM", "/usr/bin/chromium")
PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class Account:
    email: str
    name: str
    role: str
    password: str


@dataclass
class LiveServer:
    url: str
    env: dict
    accounts: dict[str, Account]

    def flask(self, *args: str, input: str | None = None) -> str:
        """Run a ``flask --app wsgi`` command against the live server's database."""
        result = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args], cwd=PROJECT_DIR, env=self.env, input=input,
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr + result.stdout
        return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("the server did not start in time")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "HELPDESK_DATABASE_URL": f"sqlite:///{base / 'helpdesk.db'}",
        "HELPDESK_SEARCH_INDEX_DIR": str(base / "search_index"),
        "HELPDESK_INSTANCE_DIR": str(base / "instance"),
        "HELPDESK_SECRET_KEY": secrets.token_hex(32),
    }
    env.pop("HELPDESK_TEST_DATABASE_URL", None)
    server = LiveServer(url="", env=env, accounts={})
    server.flask("db", "upgrade")
    for role in ("employee", "staff", "admin"):
        account = Account(f"{role}@bank.example", f"E2E {role.title()}", role, secrets.token_urlsafe(16))
        server.flask("users", "create", account.email, "--name", account.name, "--role", role,
                     input=account.password + "\n")
        server.accounts[role] = account
    # A second employee, to answer the first one's question.
    other = Account("colleague@bank.example", "E2E Colleague", "employee", secrets.token_urlsafe(16))
    server.flask("users", "create", other.email, "--name", other.name, input=other.password + "\n")
    server.accounts["colleague"] = other

    port = _free_port()
    log_path = base / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"],
            cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        try:
            _wait_for(port, process)
        except RuntimeError as error:
            raise RuntimeError(f"{error}:\n{log_path.read_text()[-3000:]}") from None
        server.url = f"http://127.0.0.1:{port}"
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("HELPDESK_REQUIRE_E2E"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page, live_server):
    """``sign_in("staff")`` signs the browser in as that account through the real form."""

    def do(who: str) -> Account:
        account = live_server.accounts[who]
        page.goto("/login")
        page.get_by_label("E-mail").fill(account.email)
        page.get_by_label("Password").fill(account.password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        return account

    return do
