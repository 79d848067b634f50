"""The unanswered queue for staff and leads: open questions without an accepted answer, oldest first.

Reads (the queue, its age buckets, who claimed what, the CSV export) and the two verbs on it: claiming a
question ("I'm on it") and releasing the claim. Every read keeps only the questions the reader may see
(``visible_clause``). A claim lasts ``CLAIM_HOURS``: after that someone else may take the question over.
Solved and closed questions leave the queue, and their claims with them (a claim is never shown there).
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..errors import Conflict
from ..extensions import db
from ..spaces.models import Space
from ..spaces.queries import visible_clause
from ..tags import Tag, normalize_tag, question_tags
from ..utils import utcnow
from .models import Question, QuestionClaim

CLAIM_HOURS = 24

# Age buckets, youngest first: (key, label). A question exactly one day old is in "1 to 7 days"; exactly
# seven days old, in "older".
BUCKETS = (
    ("day", lazy_gettext("Under 1 day")),
    ("week", lazy_gettext("1 to 7 days")),
    ("older", lazy_gettext("Older than 7 days")),
)
BUCKET_KEYS = tuple(key for key, _label in BUCKETS)


@dataclass(frozen=True)
class QueueFilter:
    """What the queue is narrowed to: a tag name, a space the reader may see, an age bucket (all optional)."""

    tag: str | None = None
    space: Space | None = None
    age: str | None = None


def age_bucket(created_at: datetime, now: datetime) -> str:
    age = now - created_at
    if age < timedelta(days=1):
        return "day"
    if age < timedelta(days=7):
        return "week"
    return "older"


def bucket_label(key: str) -> str:
    return str(dict(BUCKETS)[key])


def _bucket_bounds(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=1), now - timedelta(days=7)


def age_bucket_clause(now: datetime):
    """SQL: the age bucket ("day", "week", "older") of a question as of ``now``, as ``age_bucket``."""
    day_ago, week_ago = _bucket_bounds(now)
    return case(
        (Question.created_at > day_ago, "day"), (Question.created_at > week_ago, "week"), else_="older"
    )


def open_questions(viewer, filters: QueueFilter) -> Select:
    """The queue before the age filter: open, unsolved, visible, narrowed by tag and space."""
    stmt = select(Question).where(
        Question.closed_at.is_(None),
        Question.is_solved.is_(False),
        visible_clause(Question.space_id, viewer),
    )
    if filters.space is not None:
        stmt = stmt.where(Question.space_id == filters.space.id)
    if filters.tag:
        tagged = (
            select(question_tags.c.question_id)
            .join(Tag, Tag.id == question_tags.c.tag_id)
            .where(Tag.name == filters.tag)
        )
        stmt = stmt.where(Question.id.in_(tagged))
    return stmt


def queue_questions(viewer, filters: QueueFilter, now: datetime | None = None) -> Select:
    """The queue, oldest question first, with author, space and tags loaded for the rows."""
    stmt = open_questions(viewer, filters)
    if filters.age in BUCKET_KEYS:
        day_ago, week_ago = _bucket_bounds(now or utcnow())
        stmt = stmt.where(
            {
                "day": Question.created_at > day_ago,
                "week": and_(Question.created_at <= day_ago, Question.created_at > week_ago),
                "older": Question.created_at <= week_ago,
            }[filters.age]
        )
    return stmt.order_by(Question.created_at, Question.id).options(
        joinedload(Question.author), joinedload(Question.space), selectinload(Question.tags)
    )


def bucket_counts(viewer, filters: QueueFilter, now: datetime | None = None) -> dict[str, int]:
    """How many queued questions (tag and space filters applied, not the age filter) fall in each bucket."""
    bucket = age_bucket_clause(now or utcnow())
    inner = open_questions(viewer, filters).with_only_columns(bucket.label("bucket")).subquery()
    rows = db.session.execute(select(inner.c.bucket, func.count()).group_by(inner.c.bucket))
    counts = dict.fromkeys(BUCKET_KEYS, 0)
    counts.update({key: n for key, n in rows})
    return counts


def claims_for(questions: list[Question]) -> dict[int, QuestionClaim]:
    """The claims on ``questions``, by question id, with the claimer loaded."""
    ids = [q.id for q in questions]
    if not ids:
        return {}
    stmt = (
        select(QuestionClaim)
        .where(QuestionClaim.question_id.in_(ids))
        .options(joinedload(QuestionClaim.user))
    )
    return {claim.question_id: claim for claim in db.session.scalars(stmt)}


def claim_of(question: Question) -> QuestionClaim | None:
    return db.session.scalar(select(QuestionClaim).where(QuestionClaim.question_id == question.id))


def is_current(claim: QuestionClaim | None, now: datetime | None = None) -> bool:
    """A claim holds for ``CLAIM_HOURS``; an older one may be taken over."""
    return claim is not None and (now or utcnow()) - claim.claimed_at < timedelta(hours=CLAIM_HOURS)


def parse_tag(raw: str | None) -> str | None:
    """The ``?tag=`` filter as a tag name, or None when it is empty."""
    name = normalize_tag(raw or "")[:40]
    return name or None


# ---------------------------------------------------------------------------------------------------------
# Verbs


def claim_question(question: Question, by: User, now: datetime | None = None) -> QuestionClaim:
    """``by`` is on it. Refused (409) while someone else's claim holds, or when the question is closed or
    solved; claiming again refreshes your own claim; a stale claim of someone else's is taken over."""
    now = now or utcnow()
    if question.is_closed:
        raise Conflict(_("This question is closed, so it is not in the queue."))
    if question.is_solved:
        raise Conflict(_("This question already has an accepted answer."))
    claim = claim_of(question)
    if claim is not None and claim.user_id != by.id and is_current(claim, now):
        raise Conflict(
            _("%(name)s is already on this question. Pick another one, or ask them.", name=claim.user.name)
        )
    if claim is None:
        claim = QuestionClaim(question_id=question.id, user_id=by.id, claimed_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(claim)
                db.session.flush()
        except IntegrityError:
            # Someone claimed it in the same moment.
            raise Conflict(_("Someone else has just claimed this question. Pick another one.")) from None
    else:
        claim.user_id, claim.claimed_at = by.id, now
        db.session.flush()
    return claim


def release_claim(claim: QuestionClaim) -> None:
    db.session.delete(claim)
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# CSV

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def queue_csv(questions: list[Question], now: datetime) -> str:
    """The queue as CSV (UTF-8 with a byte-order mark, so Excel reads the letters right)."""
    claims = claims_for(questions)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Id"), _("Title"), _("Address"), _("Space"), _("Tags"), _("Asked at (UTC)"), _("Age"),
            _("Answers"), _("Claimed by"),
        ]
    )  # fmt: skip
    for q in questions:
        claim = claims.get(q.id)
        writer.writerow(
            _cell(value)
            for value in (
                q.id,
                q.title,
                url_for("forum.question", question_id=q.id, slug=q.slug, _external=True),
                q.space.name,
                " ".join(tag.name for tag in q.tags),
                q.created_at.isoformat(sep=" ", timespec="seconds"),
                bucket_label(age_bucket(q.created_at, now)),
                q.answer_count,
                claim.user.name if is_current(claim, now) else "",
            )
        )
    return "\ufeff" + out.getvalue()
