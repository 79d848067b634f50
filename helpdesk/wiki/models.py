from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..extensions import db
from ..spaces.models import Space
from ..tags import Tag, page_tags
from ..utils import utcnow


class Page(db.Model):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The space whose readers may see the page. Pages of any space but the default one live under
    # "spaces/<space slug>/", so a path never tells one space's page from another's.
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    # Nested, lower-case, slash-separated: "network/vpn/setup". Unique.
    path: Mapped[str] = mapped_column(String(300), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    # casefolded title: what a [[Page title]] link is matched against
    title_key: Mapped[str] = mapped_column(String(300), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(8), default="en")
    # Number of the current revision; an edit names the version it started from (edit conflicts).
    version: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Curation: who keeps the page true, and by when it should next be checked.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    review_by: Mapped[date | None] = mapped_column(index=True)
    reviewed_at: Mapped[datetime | None]
    # A page promoted from an accepted answer names it; an edit of that answer later sets source_changed_at
    # (the page is flagged for review until it is marked reviewed).
    source_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", ondelete="SET NULL"), index=True
    )
    source_changed_at: Mapped[datetime | None]

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    space: Mapped[Space] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=page_tags, order_by=Tag.name)
    revisions: Mapped[list["PageRevision"]] = relationship(
        back_populates="page", cascade="all, delete-orphan", order_by="PageRevision.number"
    )
    outgoing_links: Mapped[list["PageLink"]] = relationship(
        back_populates="source", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Page {self.path}>"


class PageRevision(db.Model):
    __tablename__ = "page_revisions"
    __table_args__ = (UniqueConstraint("page_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    page: Mapped[Page] = relationship(back_populates="revisions")
    author: Mapped[User] = relationship()


class PageLink(db.Model):
    """A ``[[Title]]`` link from one page's current body to the page titled so (which may not exist yet)."""

    __tablename__ = "page_links"
    __table_args__ = (UniqueConstraint("source_id", "target_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    target_key: Mapped[str] = mapped_column(String(300), index=True)
    target_title: Mapped[str] = mapped_column(String(300))

    source: Mapped[Page] = relationship(back_populates="outgoing_links")
