"""Hooks the search views call to log a lookup or an opened result. Logging never breaks search: any error
is rolled back and written to the app's log.

What is logged: each query of the search page and of ``/api/v1/search``, and each similar-question lookup
(``/api/v1/similar``, which the ask form calls as a title is typed; its title only, never its body). What is
not: a lookup whose space context is not a public space the reader may see, i.e. a search filtered with
``?space=`` to a restricted space (or to a space that is hidden or does not exist, which behaves alike), or a
similar-question lookup for a question being written into such a space (the ask form sends its space).
A result opened is named only when it lies in a public space; in a restricted one only its rank is kept.
The result count kept is that of results in public spaces (``public_total``, ``public_hits``): a member's
search finds restricted content too, and leads who are not members must not learn from "zero results" or
not that it exists.
"""

import hashlib
import hmac
import secrets

from flask import current_app, session

from ..extensions import db
from ..spaces.queries import public_space_ids
from . import services

_SESSION_FIELD = "insights_visit"


def visit_key() -> str:
    """The pseudonymous key of this visit: an HMAC, keyed with the app's secret, of a random id kept in the
    session. It names neither the person nor their address."""
    visit = session.get(_SESSION_FIELD)
    if not isinstance(visit, str) or not visit:
        visit = session[_SESSION_FIELD] = secrets.token_hex(16)
    secret = current_app.secret_key
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, visit.encode(), hashlib.sha256).hexdigest()


def _public_keys() -> set[str]:
    return {str(space_id) for space_id in public_space_ids()}


def public_total(results) -> int:
    """How many of a search's matches lie in public spaces (from its space facet, which counts them all)."""
    public = _public_keys()
    return sum(value.count for value in results.facets.get("space", ()) if value.value in public)


def public_hits(hits) -> int:
    """How many of ``hits`` (similar questions) lie in public spaces."""
    public = _public_keys()
    return sum(1 for hit in hits if hit.space in public)


def loggable_context(space_asked: str | None, space) -> bool:
    """May a lookup be logged? Only when it names no space, or a public space (``space``: the one the reader
    may see at that address, else None)."""
    if not (space_asked or "").strip():
        return True
    return space is not None and not space.is_restricted


def log_lookup(kind: str, text: str, result_count: int, space_asked: str | None = None, space=None) -> None:
    """Log a search or similar lookup (see the module's description for what is left out)."""
    if not loggable_context(space_asked, space):
        return
    try:
        services.record_lookup(kind, text, result_count, visit_key())
        db.session.commit()
    except Exception:  # noqa: BLE001 (the search itself must answer)
        db.session.rollback()
        current_app.logger.exception("search log: could not record a %s lookup", kind)


def log_open(kind: str, text: str, rank: int, doc_id: str | None) -> None:
    """Note the result a visitor opened from this visit's lookup of ``text``."""
    try:
        services.record_open(kind, text, visit_key(), rank, doc_id)
        db.session.commit()
    except Exception:  # noqa: BLE001 (opening the result must work)
        db.session.rollback()
        current_app.logger.exception("search log: could not record an opened result")
