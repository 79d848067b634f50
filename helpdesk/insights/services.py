"""Verbs on the search log: record a lookup, record the result opened, purge old rows. They flush, never
commit."""

from datetime import timedelta

from sqlalchemy import delete, select

from ..extensions import db
from ..utils import clean_line, utcnow
from .models import QUERY_CHARS, AskVisit, SearchEvent

KINDS = ("search", "similar")
# Within one visit the same query is one event: its page 2, another sort order or filter is not a new search.
SAME_VISIT = timedelta(minutes=30)
# The ask form looks up as the title is typed; a lookup that extends (or shortens) the one just before it is
# the same question still being written, so it updates that event instead of adding one per keystroke.
STILL_TYPING = timedelta(minutes=10)


def normalise_query(text: str | None) -> str:
    """Lower case, blanks collapsed, cut to ``QUERY_CHARS`` characters."""
    return clean_line(text).lower()[:QUERY_CHARS].strip()


def latest_event(session_key: str, kind: str, since) -> SearchEvent | None:
    return db.session.scalar(
        select(SearchEvent)
        .where(
            SearchEvent.session_key == session_key, SearchEvent.kind == kind, SearchEvent.created_at >= since
        )
        .order_by(SearchEvent.created_at.desc(), SearchEvent.id.desc())
        .limit(1)
    )


def record_lookup(kind: str, text: str, result_count: int, session_key: str) -> SearchEvent | None:
    """Log one search (``kind`` "search") or similar-question lookup ("similar"); None when nothing is new."""
    if kind not in KINDS:
        raise ValueError(kind)
    query = normalise_query(text)
    if not query:
        return None
    now = utcnow()
    if kind == "search":
        repeated = db.session.scalar(
            select(SearchEvent)
            .where(
                SearchEvent.session_key == session_key,
                SearchEvent.kind == kind,
                SearchEvent.query == query,
                SearchEvent.created_at >= now - SAME_VISIT,
            )
            .limit(1)
        )
        if repeated is not None:
            return None
    else:
        last = latest_event(session_key, kind, now - STILL_TYPING)
        if last is not None and last.opened_rank is None and _same_question(last.query, query):
            last.query, last.result_count, last.created_at = query, result_count, now
            db.session.flush()
            return last
    event = SearchEvent(
        kind=kind, query=query, result_count=result_count, session_key=session_key, created_at=now
    )
    db.session.add(event)
    db.session.flush()
    return event


def _same_question(before: str, now: str) -> bool:
    return now.startswith(before) or before.startswith(now)


def record_open(kind: str, text: str, session_key: str, rank: int, doc_id: str | None) -> SearchEvent | None:
    """Note that result ``rank`` (``doc_id``, or None to keep it unnamed) of this visit's latest lookup of
    ``text`` was opened; the first opening counts. None when there is no such lookup."""
    query = normalise_query(text)
    candidates = select(SearchEvent).where(
        SearchEvent.session_key == session_key,
        SearchEvent.kind == kind,
        SearchEvent.created_at >= utcnow() - SAME_VISIT,
    )
    if kind == "search":
        candidates = candidates.where(SearchEvent.query == query)
    event = db.session.scalar(
        candidates.order_by(SearchEvent.created_at.desc(), SearchEvent.id.desc()).limit(1)
    )
    if event is None or (kind == "similar" and not _same_question(event.query, query)):
        return None
    if event.opened_rank is None:
        event.opened_rank, event.opened_doc = rank, doc_id
        db.session.flush()
    return event


def purge_events(older_than_days: int) -> tuple[int, int]:
    """Delete the search log rows and the ask-form visits (the funnel's log, keyed by visit like searches)
    older than ``older_than_days`` days; how many of each were deleted."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    searches = db.session.execute(delete(SearchEvent).where(SearchEvent.created_at < cutoff))
    visits = db.session.execute(delete(AskVisit).where(AskVisit.started_at < cutoff))
    db.session.flush()
    return searches.rowcount or 0, visits.rowcount or 0
