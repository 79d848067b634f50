"""The search log: one row per search or similar-question lookup, without who made it."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..utils import utcnow

QUERY_CHARS = 200


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
    opened_doc: Mapped[str | None] = mapped_column(String(40))
    opened_rank: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    session_key: Mapped[str] = mapped_column(String(64), index=True)

    def __repr__(self) -> str:
        return f"<SearchEvent {self.id} {self.kind} {self.query!r}>"
