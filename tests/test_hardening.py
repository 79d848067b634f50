"""Hardening: security headers on every response, CSRF refusals and tokens, redirects that stay on this site,
and size limits that answer with a message."""

import re

import pytest

from helpdesk.extensions import db
from helpdesk.security import safe_next_url
from tests.conftest import PASSWORD
from tests.test_routes import _urls, seeded  # noqa: F401 (seeded is a fixture)

CSRF_MESSAGE = "This form has expired or did not come from this site"
TOO_LARGE = "What you sent is too large"
THREE_MB = "x" * (3 * 1024 * 1024)


def text_of(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------------
# Headers


@pytest.mark.parametrize(
    "url", ["/", "/login", "/wiki/", "/search?q=vpn", "/no-such-page", "/api/v1/none", "/static/css/app.css"]
)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    response.close()
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' https:"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_error_pages_carry_the_headers_too(client):
    response = client.post("/login", data={"email": "a@b.c", "password": THREE_MB})
    assert response.status_code == 413
    assert "Content-Security-Policy" in response.headers


def test_hsts_only_over_https(client, app):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://helpdesk.test")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_when_https_is_declared_by_the_secure_cookies_setting(client, app):
    # Behind a TLS-terminating proxy the request itself looks like plain http.
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "max-age=31536000" in client.get("/login").headers["Strict-Transport-Security"]


def test_session_cookie_is_httponly_and_lax(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_secure_cookies_setting_marks_the_session_cookie_secure(client, app, make_user):
    app.config["SESSION_COOKIE_SECURE"] = True
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           base_url="https://helpdesk.test")
    assert "; Secure" in response.headers["Set-Cookie"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), 'style="" attribute'),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_pages_have_nothing_the_policy_would_block(app, seeded, make_user, client):  # noqa: F811
    admin = make_user(role="admin")
    client.post("/login", data={"email": admin.email, "password": PASSWORD})
    for _rule, url in _urls(app, seeded, "GET"):
        response = client.get(url)
        if response.mimetype != "text/html":
            response.close()
            continue
        page = text_of(response)
        for pattern, what in INLINE:
            assert not pattern.search(page), f"{url} has an {what}: {pattern.search(page).group(0)}"
        db.session.rollback()


def test_scripts_use_no_eval_and_set_no_inline_style():
    from pathlib import Path

    for path in (Path(__file__).parents[1] / "helpdesk" / "static" / "js").glob("*.js"):
        source = path.read_text()
        banned_calls = ("eval(", "new Function", ".style.", 'setAttribute("style"', "innerHTML",
                        "javascript:")
        for banned in banned_calls:
            assert banned not in source, f"{path.name} uses {banned}"


# ---------------------------------------------------------------------------------------------------------
# Redirects after signing in


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "/\t/evil.example",
     "/\n/evil.example", "HTTPS://evil.example", "///evil.example"],
)
def test_next_never_leaves_the_site(client, make_user, target):
    assert safe_next_url(target) is None
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# ---------------------------------------------------------------------------------------------------------
# CSRF


@pytest.fixture
def csrf_on(app):
    """The app as in production: every POST needs the session's CSRF token."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def token_of(client, url: str = "/") -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)">', text_of(client.get(url)))
    assert match, "the page has no csrf-token meta tag"
    return match.group(1)


def _signed_in(app, make_user, role: str):
    client = app.test_client()
    if role != "anonymous":
        user = make_user(role=role)
        token = token_of(client, "/login")
        form = {"email": user.email, "password": PASSWORD, "csrf_token": token}
        response = client.post("/login", data=form)
        assert response.status_code == 302, text_of(response)[:300]
    return client


@pytest.mark.parametrize("role", ["anonymous", "employee", "admin"])
def test_every_action_without_a_token_is_refused_with_a_message(csrf_on, seeded, make_user, role):  # noqa: F811
    client = _signed_in(csrf_on, make_user, role)
    actions = _urls(csrf_on, seeded, "POST")
    assert len(actions) > 10
    for rule, url in actions:
        form = {"body": "Something", "title": "Something to say", "value": "up"}
        response = client.post(url, data=form)
        assert response.status_code == 400, f"POST {url} ({rule}) as {role}: {response.status_code}"
        assert CSRF_MESSAGE in text_of(response), url
        json_response = client.post(url, json={"value": "up"}, headers={"Accept": "application/json"})
        assert json_response.status_code == 400, url
        assert CSRF_MESSAGE in json_response.get_json()["error"], url
        db.session.rollback()


def test_a_wrong_token_is_refused(csrf_on, seeded, make_user):  # noqa: F811
    client = _signed_in(csrf_on, make_user, "employee")
    response = client.post(f"/questions/{seeded['question_id']}/answers",
                           data={"body": "Restart the router.", "csrf_token": "forged"})
    assert response.status_code == 400
    assert CSRF_MESSAGE in text_of(response)


def test_a_token_from_another_session_is_refused(csrf_on, seeded, make_user):  # noqa: F811
    other = _signed_in(csrf_on, make_user, "employee")
    stolen = token_of(other)
    client = _signed_in(csrf_on, make_user, "employee")
    response = client.post(f"/questions/{seeded['question_id']}/answers",
                           data={"body": "Restart the router.", "csrf_token": stolen})
    assert response.status_code == 400


def test_a_form_with_its_token_works(csrf_on, seeded, make_user):  # noqa: F811
    from helpdesk.forum.models import Answer

    client = _signed_in(csrf_on, make_user, "employee")
    question_url = f"/questions/{seeded['question_id']}"
    page = text_of(client.get(question_url, follow_redirects=True))
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    form = {"body": "Turn it off and on.", "csrf_token": token}
    response = client.post(f"{question_url}/answers", data=form)
    assert response.status_code == 302
    assert db.session.scalars(db.select(Answer).filter_by(body="Turn it off and on.")).one()


def test_over_https_the_same_site_referer_is_needed_too(csrf_on, seeded, make_user):  # noqa: F811
    """Flask-WTF checks the Referer over HTTPS; Referrer-Policy: same-origin keeps it on the site's posts."""
    client = csrf_on.test_client()
    user = make_user()
    token = token_of(client, "/login")
    form = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    refused = client.post("/login", data=form, base_url="https://helpdesk.test")
    assert refused.status_code == 400
    assert CSRF_MESSAGE in text_of(refused)
    accepted = client.post("/login", data=form, base_url="https://helpdesk.test",
                           headers={"Referer": "https://helpdesk.test/login"})
    assert accepted.status_code == 302


def test_the_vote_fetch_sends_the_token_from_the_meta_tag(csrf_on, seeded, make_user):  # noqa: F811
    """forum.js posts votes with fetch() and an X-CSRFToken header read from <meta name="csrf-token">."""
    client = _signed_in(csrf_on, make_user, "employee")
    question = client.get(f"/questions/{seeded['question_id']}", follow_redirects=True)
    token = token_of(client, question.request.path)
    url = f"/questions/{seeded['question_id']}/vote"
    refused = client.post(url, data={"value": "up"}, headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert CSRF_MESSAGE in refused.get_json()["error"]
    headers = {"Accept": "application/json", "X-CSRFToken": token}
    accepted = client.post(url, data={"value": "up"}, headers=headers)
    assert accepted.status_code == 200, text_of(accepted)[:300]
    assert accepted.get_json()["score"] == 1


@pytest.mark.parametrize("script", ["forum.js", "rating.js", "call.js", "ask.js"])
def test_scripts_that_post_send_the_csrf_header(script):
    from pathlib import Path

    folder = Path(__file__).parents[1] / "helpdesk" / "static" / "js"
    source, shared = (folder / script).read_text(), (folder / "app.js").read_text()
    # Through app.js's postForJson(), or (the ask form's JSON steps) with the token read by app.js.
    assert "window.helpdesk.postForJson" in source or '"X-CSRFToken": csrfToken()' in source
    assert '"X-CSRFToken": window.helpdesk.csrfToken()' in shared and "meta[name=csrf-token]" in shared


# ---------------------------------------------------------------------------------------------------------
# Size limits


@pytest.fixture
def staff_client(client, make_user, login):
    login(make_user(role="staff"))
    return client


@pytest.mark.parametrize("path", ["/questions/ask", "/wiki/new", "/wiki/{path}/-/edit"])
def test_three_megabytes_to_a_form_is_413_with_a_message(staff_client, make_page, path):
    page = make_page(path="network/vpn")
    url = path.format(path=page.path)
    response = staff_client.post(url, data={"title": "Big", "body": THREE_MB})
    assert response.status_code == 413
    assert TOO_LARGE in text_of(response)
    assert "<main" in text_of(response)  # a page, with the site around it


@pytest.mark.parametrize("path", ["/questions/ask", "/wiki/{path}/-/edit"])
def test_three_megabytes_from_a_json_client_is_413_json(staff_client, make_page, path):
    page = make_page(path="network/vpn")
    url = path.format(path=page.path)
    response = staff_client.post(url, data={"title": "Big", "body": THREE_MB},
                                 headers={"Accept": "application/json"})
    assert response.status_code == 413
    assert TOO_LARGE in response.get_json()["error"]
    assert response.get_json()["status"] == 413


def test_too_long_body_on_the_ask_form_says_so_and_keeps_the_text(staff_client, app):
    body = "y" * (app.config["MAX_BODY_LENGTH"] + 1)
    response = staff_client.post("/questions/ask", data={"title": "Printer on floor 3 jams", "body": body,
                                                         "tags": "printer", "lang": "en"})
    assert response.status_code in (400, 422)
    page = text_of(response)
    assert "Printer on floor 3 jams" in page
    assert re.search(r"(too long|at most|characters)", page, re.I)


def test_too_long_search_query_is_cut_with_a_message(client):
    response = client.get("/search", query_string={"q": "vpn " * 2000})
    assert response.status_code == 200
    assert "Your search was long, so only its beginning was used" in text_of(response)
