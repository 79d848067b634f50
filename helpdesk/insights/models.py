"""What leads measure: the search log (one row per search or similar-question lookup, without who made it),
the ask form's deflection funnel, "Did this answer your question?" ratings and phone calls logged."""

from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint, and_, or_
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..utils import utcnow

QUERY_CHARS = 200
TOPIC_CHARS = 200


class SearchEvent(db.Model):
    """A query as typed (normalised), how many results it found and which one, if any, was opened.

    ``session_key`` is an HMAC of a random id kept in the visitor's session, keyed with the app's secret: it
    tells visits apart (for "at least k people") without naming the person, their account or their address.
    """

    __tablename__ = "search_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "search" or "similar"
    query: Mapped[str] = mapped_column(String(QUERY_CHARS))
    result_count: Mapped[int] = mapped_column(Integer)
    opened_doc: Mapped[str | None] = mapped_column(String(40), index=True)  # credit per thread/page
    opened_rank: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    session_key: Mapped[str] = mapped_column(String(64), index=True)

    def __repr__(self) -> str:
        return f"<SearchEvent {self.id} {self.kind} {self.query!r}>"


# How long an ask-form visit that saw suggestions may stay open before, not having posted, it counts as
# deflected even though its "left" signal never arrived (a closed laptop, a crashed tab).
ABANDONED_AFTER = timedelta(hours=1)


class AskVisit(db.Model):
    """One visit to the ask form and what the similar-question suggestions did for it: the deflection funnel.

    The form is handed ``token`` when it is shown; its script reports the steps by it. Each step keeps the
    time it first happened. ``opened_doc``/``answered_doc`` name a search document ("question:12", "page:3")
    only when it lies in a public space. Visits writing into a restricted space are not kept at all.

    Deflected: suggestions were shown and nothing was posted, and the visit ended (left, or pressed "this
    answered my question", or is older than ``ABANDONED_AFTER``). Not deflected: suggestions were shown and
    the question was posted anyway. Visits that saw no suggestion count neither way.
    """

    __tablename__ = "ask_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    session_key: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    shown_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    opened_doc: Mapped[str | None] = mapped_column(String(40), index=True)
    answered_at: Mapped[datetime | None]
    answered_doc: Mapped[str | None] = mapped_column(String(40), index=True)
    left_at: Mapped[datetime | None]
    posted_at: Mapped[datetime | None]
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))

    @classmethod
    def deflected_clause(cls, now: datetime):
        """SQL: this visit counts as deflected (as of ``now``)."""
        return and_(
            cls.shown_at.is_not(None),
            cls.posted_at.is_(None),
            or_(
                cls.left_at.is_not(None), cls.answered_at.is_not(None), cls.started_at < now - ABANDONED_AFTER
            ),
        )

    @classmethod
    def not_deflected_clause(cls):
        """SQL: suggestions were shown and the question was posted anyway."""
        return and_(cls.shown_at.is_not(None), cls.posted_at.is_not(None))

    def __repr__(self) -> str:
        return f"<AskVisit {self.id}>"


class Rating(db.Model):
    """ "Did this answer your question?" on a thread or a page: one yes or no per person (a second answer
    replaces the first)."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("user_id", "question_id"),
        UniqueConstraint("user_id", "page_id"),
        CheckConstraint("(question_id IS NULL) <> (page_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    helpful: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Rating {self.id} {'yes' if self.helpful else 'no'}>"


class CallLog(db.Model):
    """A phone call the helpdesk answered: from a thread or page ("I read this out on a call"), or with a
    short topic when no page fits. ``topic_key`` is the topic normalised (lower case, blanks collapsed), so
    calls about the same thing group together."""

    __tablename__ = "call_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"), index=True)
    topic: Mapped[str | None] = mapped_column(String(TOPIC_CHARS))
    topic_key: Mapped[str | None] = mapped_column(String(TOPIC_CHARS), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<CallLog {self.id}>"
