"""The ask form's deflection funnel: one ``AskVisit`` per showing of the form, and the steps its script
reports (suggestions shown, one opened, "this answered my question", left without posting) or the ask view
notes (posted).

Each step keeps the time it first happened. Steps naming a token that is unknown, or that belongs to another
visit key (another browser session), are ignored without a word, so a script cannot learn or touch other
visits. Nothing from restricted spaces is kept: a visit whose question goes into a restricted space is
deleted, and a document opened or named as the answer is kept only when it lies in a public space. The verbs
flush, never commit. ``funnel_counts`` counts every step over a period; the dashboard's weekly deflection
chart (``dashboard.deflection_by_week``) counts with the same two ``AskVisit`` clauses.
"""

import re
import secrets
from datetime import datetime

from sqlalchemy import case, func, select

from ..extensions import db
from ..forum.models import Question
from ..search.documents import parse_doc_id
from ..spaces.models import Space
from ..spaces.queries import public_space_ids
from ..utils import clean_line, utcnow
from ..wiki.models import Page
from .models import AskVisit

# What the ask form's script may report; "posted" is noted by the ask view itself, with the question.
SCRIPT_STEPS = ("shown", "opened", "answered", "left")
STEPS = (*SCRIPT_STEPS, "posted")
TOKEN_CHARS = 32
_TOKEN = re.compile(rf"[0-9a-f]{{{TOKEN_CHARS}}}")  # what start_visit hands out; anything else names no visit


def start_visit(session_key: str) -> AskVisit:
    """A new visit to the ask form, with a random token for its script."""
    visit = AskVisit(token=secrets.token_hex(TOKEN_CHARS // 2), session_key=session_key, started_at=utcnow())
    db.session.add(visit)
    db.session.flush()
    return visit


def find_visit(token: str | None, session_key: str) -> AskVisit | None:
    """This visit key's visit with ``token``; None for a token unknown or another visit key's alike."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    return db.session.scalar(
        select(AskVisit).where(AskVisit.token == token, AskVisit.session_key == session_key)
    )


def discard_visit(visit: AskVisit | None) -> None:
    """Forget a visit entirely (its question goes into a restricted space)."""
    if visit is not None:
        db.session.delete(visit)
        db.session.flush()


def form_visit(token: str | None, session_key: str, into_restricted: bool) -> AskVisit | None:
    """The visit the ask form being shown belongs to: the one named by ``token`` (the form coming back), else
    a new one. None, and the named one deleted, when the form is set to post into a restricted space."""
    visit = find_visit(token, session_key)
    if into_restricted:
        discard_visit(visit)
        return None
    return visit or start_visit(session_key)


def public_doc(doc: str | None) -> str | None:
    """``doc`` ("question:12", "page:3", as search documents are named) when it is a thread or page in a
    public space; None for anything else (malformed, missing, or in a restricted space)."""
    parsed = parse_doc_id(doc)
    if parsed is None:
        return None
    kind, number = parsed
    model = Question if kind == "question" else Page
    space_id = db.session.scalar(select(model.space_id).where(model.id == number))
    return f"{kind}:{number}" if space_id is not None and space_id in public_space_ids() else None


def _restricted_or_unknown(space_slug: str | None) -> bool:
    if not space_slug:
        return False
    if space_slug != clean_line(space_slug):  # control characters (NUL): no space has such an address
        return True
    space = db.session.scalar(select(Space).where(Space.slug == space_slug[:200]))
    return space is None or space.is_restricted


def record_step(
    token: str | None, session_key: str, step: str, doc: str | None = None, space_slug: str | None = None
) -> AskVisit | None:
    """Note a step the ask form's script reports (one of ``SCRIPT_STEPS``); None when it was ignored.

    ``doc``: the suggestion opened or named as the answer. ``space_slug``: the space the form is set to post
    into; a restricted one (or one that does not exist) deletes the visit. "opened" and "answered" imply the
    suggestions were shown. A visit that posted ignores "left" (posting wins).
    """
    if step not in SCRIPT_STEPS:
        raise ValueError(step)
    visit = find_visit(token, session_key)
    if visit is None:
        return None
    if _restricted_or_unknown(space_slug):
        discard_visit(visit)
        return None
    now = utcnow()
    if step in ("shown", "opened", "answered") and visit.shown_at is None:
        visit.shown_at = now
    if step == "opened" and visit.opened_at is None:
        visit.opened_at, visit.opened_doc = now, public_doc(doc)
    elif step == "answered" and visit.answered_at is None:
        visit.answered_at, visit.answered_doc = now, public_doc(doc)
    elif step == "left" and visit.left_at is None and visit.posted_at is None:
        visit.left_at = now
    db.session.flush()
    return visit


def record_posted(token: str | None, session_key: str, question: Question) -> AskVisit | None:
    """The visit's question was posted (call in the transaction that adds it). Posting wins over leaving; a
    question in a restricted space deletes the visit. None when there is no such visit or it was deleted."""
    visit = find_visit(token, session_key)
    if visit is None:
        return None
    if question.space_id not in public_space_ids():
        discard_visit(visit)
        return None
    if visit.posted_at is None:
        visit.posted_at, visit.question_id, visit.left_at = utcnow(), question.id, None
    db.session.flush()
    return visit


def funnel_counts(since: datetime, until: datetime, now: datetime | None = None) -> dict[str, int]:
    """The funnel of the visits started in [``since``, ``until``): how many visits, how many reached each
    step, and how many count as deflected (as of ``now``, default: now) and not deflected (``AskVisit``)."""
    now = now or utcnow()

    def counted(clause):
        return func.coalesce(func.sum(case((clause, 1), else_=0)), 0)

    stmt = select(
        func.count(AskVisit.id),
        func.count(AskVisit.shown_at),
        func.count(AskVisit.opened_at),
        func.count(AskVisit.answered_at),
        func.count(AskVisit.left_at),
        func.count(AskVisit.posted_at),
        counted(AskVisit.deflected_clause(now)),
        counted(AskVisit.not_deflected_clause()),
    ).where(AskVisit.started_at >= since, AskVisit.started_at < until)
    names = ("visits", "shown", "opened", "answered", "left", "posted", "deflected", "not_deflected")
    return dict(zip(names, (int(value or 0) for value in db.session.execute(stmt).one()), strict=True))
