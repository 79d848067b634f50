"""Throttling: failed sign-ins per account and per client address, and how fast new accounts may post.

Counters are kept by Flask-Limiter's storage (``RATELIMIT_STORAGE_URI``: memory for one process, Redis for
several). Only what should be slowed counts: a failed sign-in, a question or answer actually posted. A wrong
form (empty field, too long title) costs nothing.

Behind a reverse proxy the client address is the proxy's unless the app is wrapped in werkzeug's ProxyFix.
"""

import math
import time
from datetime import timedelta

from flask import Flask, Response, current_app, request
from flask_babel import ngettext
from flask_login import current_user
from limits import RateLimitItem, parse

from .errors import UserError, error_response
from .extensions import limiter
from .utils import utcnow

# POST endpoints that publish a question or an answer.
POSTING_ENDPOINTS = {"forum.ask", "forum.post_answer"}


class Throttled(UserError):
    status_code = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def _limit(setting: str) -> RateLimitItem:
    return parse(current_app.config[setting])


def _wait_seconds(item: RateLimitItem, *keys: str) -> int:
    reset_time = limiter.limiter.get_window_stats(item, *keys).reset_time
    return max(1, math.ceil(reset_time - time.time()))


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


# ---------------------------------------------------------------------------------------------------------
# Sign-in


def _login_keys(email: str | None) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    account = (email or "").strip().casefold()
    return [
        (_limit("LOGIN_LIMIT_PER_ACCOUNT"), ("login-account", account)),
        (_limit("LOGIN_LIMIT_PER_ADDRESS"), ("login-address", request.remote_addr or "unknown")),
    ]


def check_login_allowed(email: str | None) -> None:
    """Raise Throttled (429) when this e-mail address or this client has failed to sign in too often."""
    if not limiter.enabled:
        return
    for item, keys in _login_keys(email):
        if not limiter.limiter.test(item, *keys):
            wait = _wait_seconds(item, *keys)
            minutes = _minutes(wait)
            message = ngettext(
                "Too many failed sign-in attempts. Please wait %(num)d minute and try again, or ask an "
                "administrator for a new password.",
                "Too many failed sign-in attempts. Please wait %(num)d minutes and try again, or ask an "
                "administrator for a new password.",
                minutes,
            )
            raise Throttled(message, wait)


def login_failed(email: str | None) -> None:
    """Count a failed sign-in against the e-mail address typed and against the client address."""
    if not limiter.enabled:
        return
    for item, keys in _login_keys(email):
        limiter.limiter.hit(item, *keys)


def login_succeeded(email: str | None) -> None:
    """The account's own count starts again once the right password is given (the client's count stays)."""
    if not limiter.enabled:
        return
    item, keys = _login_keys(email)[0]
    limiter.limiter.clear(item, *keys)


# ---------------------------------------------------------------------------------------------------------
# Posting by new accounts


def _posting_limited(user) -> bool:
    if not limiter.enabled or not user.is_authenticated or user.is_staff:
        return False
    return user.created_at > utcnow() - timedelta(days=current_app.config["NEW_ACCOUNT_DAYS"])


def _is_posting() -> bool:
    return request.method == "POST" and request.endpoint in POSTING_ENDPOINTS


def check_posting_allowed() -> None:
    """Before a new account's question or answer: refuse with 429 once its posting limit is used up."""
    if not _is_posting() or not _posting_limited(current_user):
        return
    item = _limit("NEW_ACCOUNT_POST_LIMIT")
    keys = ("new-account-posts", str(current_user.id))
    if limiter.limiter.test(item, *keys):
        return
    wait = _wait_seconds(item, *keys)
    message = ngettext(
        "New accounts can post %(count)d questions and answers every %(window)d minutes. Please wait "
        "%(num)d minute, then go back and send it again: your text is still in the form.",
        "New accounts can post %(count)d questions and answers every %(window)d minutes. Please wait "
        "%(num)d minutes, then go back and send it again: your text is still in the form.",
        _minutes(wait),
        count=item.amount,
        window=_minutes(item.get_expiry()),
    )
    raise Throttled(message, wait)


def count_post(response: Response) -> Response:
    """After a question or answer was posted (the view redirects to it), count it."""
    if _is_posting() and response.status_code in (302, 303) and _posting_limited(current_user):
        item = _limit("NEW_ACCOUNT_POST_LIMIT")
        limiter.limiter.hit(item, "new-account-posts", str(current_user.id))
    return response


def _answer_throttled(error: Throttled):
    response, status = error_response(error.status_code, error.message)
    response = current_app.make_response((response, status))
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def init_app(app: Flask) -> None:
    limiter.init_app(app)
    app.register_error_handler(Throttled, _answer_throttled)
    app.before_request(check_posting_allowed)
    app.after_request(count_post)
