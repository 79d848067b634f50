"""Small guards shared by views: redirects that stay on this site, and permission checks."""

from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user

from .extensions import login_manager


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return None
    return target


def require(allowed: bool) -> None:
    """Stop the request unless ``allowed``: anonymous visitors are sent to sign in, others get 403."""
    if allowed:
        return
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    abort(403)
