"""The search outbox: one row per change to a searchable document, written in the changing transaction."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..utils import utcnow


class SearchChange(db.Model):
    """Document ``doc_id`` (``question:12``, ``page:5``) may have changed; drained in ``seq`` order.

    ``sqlite_autoincrement`` keeps SQLite from reusing a pruned ``seq``: an index's cursor only moves on.
    """

    __tablename__ = "search_changes"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<SearchChange {self.seq} {self.doc_id}>"
