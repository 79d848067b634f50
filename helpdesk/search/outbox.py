"""The outbox: a flush that changes searchable rows appends ``search_changes`` rows in the same transaction.

A rollback takes the rows with it; a flush before the commit is recorded even if nothing else happens; nothing
is lost when the process dies right after the commit, because ``flask search sync`` (or the next drain in any
process) applies whatever the index has not seen. After a commit that recorded changes, the committing process
tries a drain at once, without waiting for the index lock; failures are logged, never raised into the request.

Tracked: Question, Answer (its question's document), Page, Vote (the voted post's thread), tag changes of a
question or page, and a renamed or deleted Tag (every document carrying it). Not tracked, by their nature:
bulk ``update()``/``delete()`` statements and rows changed by database cascades alone; run ``flask search
sync`` after a script that bypasses the ORM this way, or ``flask search rebuild`` after a restore.
"""

import logging

from flask import current_app, has_app_context
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..forum.models import Answer, Question, Vote
from ..tags import Tag, page_tags, question_tags
from ..utils import utcnow
from ..wiki.models import Page
from .models import SearchChange

log = logging.getLogger(__name__)

# With no index yet, a commit builds one only for a database this small (a fresh install, a test); a larger
# one waits for `flask search rebuild`, rather than holding up somebody's request for minutes.
AUTO_BUILD_LIMIT = 2000
_PENDING = "search_changes_pending"
_TAG_DOCS = "search_tag_docs"


def _history_values(obj, attribute: str) -> set:
    history = inspect(obj).attrs[attribute].history
    return {value for value in (*history.added, *history.deleted, *history.unchanged) if value is not None}


def _doc_ids_for(obj, connection) -> set[str]:
    if isinstance(obj, Question):
        return {f"question:{obj.id}"}
    if isinstance(obj, Page):
        return {f"page:{obj.id}"}
    if isinstance(obj, Answer):
        return {f"question:{qid}" for qid in _history_values(obj, "question_id")}
    if isinstance(obj, Vote):
        if obj.question_id is not None:
            return {f"question:{obj.question_id}"}
        if obj.answer_id is not None:
            qid = connection.scalar(select(Answer.question_id).where(Answer.id == obj.answer_id))
            return {f"question:{qid}"} if qid is not None else set()
    return set()


def _docs_with_tag(connection, tag_id: int) -> set[str]:
    questions = connection.scalars(
        select(question_tags.c.question_id).where(question_tags.c.tag_id == tag_id)
    )
    pages = connection.scalars(select(page_tags.c.page_id).where(page_tags.c.tag_id == tag_id))
    return {f"question:{qid}" for qid in questions} | {f"page:{pid}" for pid in pages}


def before_flush(session: Session, flush_context, instances) -> None:
    """A deleted or renamed tag: find its documents while the association rows still exist."""
    tags = [obj for obj in session.deleted if isinstance(obj, Tag)]
    tags += [
        obj for obj in session.dirty if isinstance(obj, Tag) and inspect(obj).attrs.name.history.has_changes()
    ]
    tags = [tag for tag in tags if tag.id is not None]
    if tags:
        connection = session.connection()
        found = session.info.setdefault(_TAG_DOCS, set())
        for tag in tags:
            found |= _docs_with_tag(connection, tag.id)


def after_flush(session: Session, flush_context) -> None:
    """Append one change row per distinct document this flush touched (same connection, same transaction)."""
    connection = session.connection()
    doc_ids: set[str] = session.info.pop(_TAG_DOCS, set())
    for obj in session.new:
        doc_ids |= _doc_ids_for(obj, connection)
    for obj in session.deleted:
        doc_ids |= _doc_ids_for(obj, connection)
    for obj in session.dirty:
        if isinstance(obj, (Question, Answer, Page, Vote)) and session.is_modified(obj):
            doc_ids |= _doc_ids_for(obj, connection)
    if not doc_ids:
        return
    now = utcnow()
    connection.execute(
        insert(SearchChange.__table__), [{"doc_id": doc_id, "at": now} for doc_id in sorted(doc_ids)]
    )
    session.info[_PENDING] = True


def after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: the changes are not visible to other connections yet
    if not session.info.pop(_PENDING, False) or not has_app_context():
        return
    if not current_app.config.get("SEARCH_DRAIN_ON_COMMIT", True):
        return
    from .indexer import drain

    try:
        drain(wait=0.0, max_build=AUTO_BUILD_LIMIT)
    except Exception:
        # The change rows are committed: `flask search sync` or the next drain applies them.
        log.exception("Updating the search index after a commit failed; the changes stay queued.")


def after_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        return  # only a savepoint: rows flushed before it are still on their way to the commit
    session.info.pop(_PENDING, None)
    session.info.pop(_TAG_DOCS, None)


_LISTENERS = (
    ("before_flush", before_flush),
    ("after_flush", after_flush),
    ("after_commit", after_commit),
    ("after_rollback", after_rollback),
)


def register() -> None:
    """Listen on db.session's Session class, once per process however many apps are created."""
    for name, listener in _LISTENERS:
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
