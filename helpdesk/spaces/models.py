"""Spaces: every question and wiki page belongs to one. A public space is read by everyone who may read the
site; a restricted space only by its members (and admins). Membership changes are written to an audit log.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..utils import utcnow

DEFAULT_REVIEW_DAYS = 90


class MemberRole:
    OWNER = "owner"
    MEMBER = "member"
    ALL = (OWNER, MEMBER)


class Space(db.Model):
    __tablename__ = "spaces"
    __table_args__ = (
        # Exactly one default space (where content goes when no space is named).
        Index(
            "ix_spaces_one_default",
            "is_default",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower-case ASCII, fixed at creation: addresses (/spaces/<slug>, wiki paths spaces/<slug>/...) stay.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    # Unique among the spaces a person can see, not in the database: a hidden space's name must not block
    # (and so reveal itself to) someone creating a space that happens to share it.
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_restricted: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Most members (owners included) a restricted space may have; None: no cap.
    member_cap: Mapped[int | None]
    review_interval_days: Mapped[int] = mapped_column(default=DEFAULT_REVIEW_DAYS)
    # When the owners last confirmed the member list (creation counts as a review).
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="space", cascade="all, delete-orphan", order_by="Membership.id"
    )

    def __repr__(self) -> str:
        return f"<Space {self.slug}>"


class Membership(db.Model):
    __tablename__ = "space_memberships"
    __table_args__ = (UniqueConstraint("space_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default=MemberRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    space: Mapped[Space] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])

    @property
    def is_owner(self) -> bool:
        return self.role == MemberRole.OWNER


class JoinRequest(db.Model):
    """Someone who knows a space's address asks to join; an owner approves or rejects."""

    __tablename__ = "space_join_requests"

    PENDING, APPROVED, REJECTED, WITHDRAWN = "pending", "approved", "rejected", "withdrawn"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    space: Mapped[Space] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class SpaceAuditEntry(db.Model):
    """One membership (or space setting) change: who did what to whom, when. Admins read these."""

    __tablename__ = "space_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="SET NULL"), index=True)
    # The space's name when the entry was written (kept if the space is renamed).
    space_name: Mapped[str] = mapped_column(String(120))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: an operator's command
    action: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    space: Mapped[Space | None] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])


class SiteSetting(db.Model):
    """Site-wide settings an admin changes at run time (``anonymous_read`` ...), as text."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))
