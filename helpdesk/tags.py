"""Tags shared by questions and wiki pages: one vocabulary, normalised the same way everywhere."""

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import Column, ForeignKey, String, Table, select
from sqlalchemy.orm import Mapped, mapped_column

from .errors import UserError
from .extensions import db

_TAG_CHARS = re.compile(r"[^\w+#.-]+")


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.name}>"


question_tags = Table(
    "question_tags",
    db.metadata,
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)

page_tags = Table(
    "page_tags",
    db.metadata,
    Column("page_id", ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


def normalize_tag(raw: str) -> str:
    """``"  VPN Client "`` -> ``"vpn-client"``: lower case, hyphens between words, any letters kept."""
    text = unicodedata.normalize("NFC", raw).strip().lower()
    return _TAG_CHARS.sub("-", text).strip("-.")


def parse_tags(raw: str | list[str], max_tags: int = 8, max_length: int = 40) -> list[str]:
    """Split a comma- or space-separated tag field into distinct normalised names, in the order given.

    Raises UserError when there are too many tags or one is too long.
    """
    items = raw if isinstance(raw, list) else re.split(r"[,\s]+", raw or "")
    names: list[str] = []
    for item in items:
        name = normalize_tag(item)
        if not name or name in names:
            continue
        if len(name) > max_length:
            raise UserError(
                _("A tag may be at most %(n)d characters long: “%(tag)s”.", n=max_length, tag=name[:60])
            )
        names.append(name)
    if len(names) > max_tags:
        raise UserError(_("Use at most %(n)d tags.", n=max_tags))
    return names


def get_or_create_tags(names: list[str]) -> list[Tag]:
    """The Tag rows for ``names`` (already normalised), creating the missing ones; flushes, never commits."""
    if not names:
        return []
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
            existing[name] = tag
        tags.append(tag)
    db.session.flush()
    return tags
