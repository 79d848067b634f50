import re
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..spaces.models import Space
from ..tags import Tag, question_tags
from ..utils import utcnow

_SLUG_JUNK = re.compile(r"[^\w]+")
# Words used by the forum's own addresses (/questions/<id>/edit ...): a question titled "Edit" gets no slug.
_RESERVED_SLUGS = frozenset({"edit", "history", "vote", "close", "reopen", "answers", "revisions"})


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(8), default="en")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The space whose readers may see the thread (answers go with their question).
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Last time anything happened on the thread (asked, answered, edited): the order of "active" lists.
    activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    score: Mapped[int] = mapped_column(default=0)
    answer_count: Mapped[int] = mapped_column(default=0, index=True)
    is_solved: Mapped[bool] = mapped_column(default=False)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    # Closed as answered by a wiki page (instead of by another question).
    duplicate_of_page_id: Mapped[int | None] = mapped_column(
        ForeignKey("pages.id", ondelete="SET NULL", use_alter=True), index=True
    )
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The id a record was imported with, so a second import updates rather than duplicates.
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    space: Mapped[Space] = relationship()
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    duplicate_of: Mapped["Question | None"] = relationship(remote_side=[id])
    tags: Mapped[list[Tag]] = relationship(secondary=question_tags, order_by=Tag.name)
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="Answer.id"
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def accepted_answer(self) -> "Answer | None":
        return next((a for a in self.answers if a.is_accepted), None)

    @property
    def slug(self) -> str | None:
        """The title as a readable URL segment ("vpn-drops-every-hour"); None if nothing readable is left."""
        slug = _SLUG_JUNK.sub("-", (self.title or "").lower()).strip("-_")[:80].rstrip("-_")
        return slug if slug and slug not in _RESERVED_SLUGS else None

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.title[:30]!r}>"


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (
        # At most one accepted answer per question, even when two people accept at the same moment.
        Index(
            "ix_answers_one_accepted",
            "question_id",
            unique=True,
            sqlite_where=text("is_accepted"),
            postgresql_where=text("is_accepted"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    score: Mapped[int] = mapped_column(default=0)
    is_accepted: Mapped[bool] = mapped_column(default=False)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)

    question: Mapped[Question] = relationship(back_populates="answers")
    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Answer {self.id} on {self.question_id}>"


class Vote(db.Model):
    """One person's up (+1) or down (-1) vote on a question or an answer (exactly one of the two)."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("user_id", "question_id"),
        UniqueConstraint("user_id", "answer_id"),
        CheckConstraint("(question_id IS NULL) <> (answer_id IS NULL)", name="one_target"),
        CheckConstraint("value IN (-1, 1)", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    value: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostRevision(db.Model):
    """A saved state of a question (title, body, tags) or an answer (body), with who saved it and when.

    Revision 1 is the post as first written; every edit adds one.
    """

    __tablename__ = "post_revisions"
    __table_args__ = (
        CheckConstraint("(question_id IS NULL) <> (answer_id IS NULL)", name="one_target"),
        Index("ix_post_revisions_question_number", "question_id", "number"),
        Index("ix_post_revisions_answer_number", "answer_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()


class QuestionClaim(db.Model):
    """Someone on the unanswered queue said "I'm on it" for a question, so others leave it to them.

    One claim per question; a claim older than ``queue.CLAIM_HOURS`` may be taken over by someone else.
    """

    __tablename__ = "question_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
