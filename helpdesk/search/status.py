"""``status()``: what ``flask search status`` prints about the live index and the changes waiting for it."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh.query import Term

from ..extensions import db
from .indexer import MAX_GAPS, current_store
from .models import SearchChange
from .schema import SCHEMA_VERSION
from .store import Cursor


@dataclass
class IndexStatus:
    location: str
    generation: str | None
    documents: int
    questions: int
    pages: int
    last_seq: int
    pending: int
    oldest_pending: datetime | None
    gaps: int
    schema: int | None
    synced_at: datetime | None

    @property
    def needs_rebuild(self) -> bool:
        return self.generation is None or self.schema != SCHEMA_VERSION


def status() -> IndexStatus:
    """What ``flask search status`` prints: the index's size and position, and the work waiting for it."""
    store = current_store()
    generation = store.current_generation()
    cursor = store.read_cursor(generation) if generation else Cursor(seq=0, schema=None)
    documents = questions = pages = 0
    if generation is not None:
        with store.open_index(generation).searcher() as searcher:
            documents = searcher.doc_count()
            questions = sum(1 for _ in searcher.docs_for_query(Term("kind", "question")))
            pages = sum(1 for _ in searcher.docs_for_query(Term("kind", "page")))
    with Session(db.engine) as session:
        waiting = SearchChange.seq > cursor.seq
        if cursor.gaps:
            waiting = waiting | SearchChange.seq.in_([int(seq) for seq in cursor.gaps][:MAX_GAPS])
        pending = session.scalar(select(func.count()).select_from(SearchChange).where(waiting)) or 0
        oldest = session.scalar(select(func.min(SearchChange.at)).where(waiting))
    synced = datetime.fromtimestamp(cursor.synced_at).astimezone() if cursor.synced_at else None
    return IndexStatus(
        location=str(store.root.resolve()),
        generation=generation.name if generation else None,
        documents=documents,
        questions=questions,
        pages=pages,
        last_seq=cursor.seq,
        pending=pending,
        oldest_pending=oldest,
        gaps=len(cursor.gaps),
        schema=cursor.schema,
        synced_at=synced,
    )
