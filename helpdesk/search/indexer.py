"""Applying the change log to the index: drain, rebuild, prune, status.

``drain()`` reads the change rows after the generation's cursor, plus the seqs that were missing last time
("gaps": a transaction that took its seq earlier but committed later, or one that rolled back), reloads each
distinct document from the database and updates or deletes it, then records the new cursor. A document is
always rebuilt whole from the current rows, so applying a change twice is harmless, and a crash between the
index commit and the cursor write only means a little work is done again. A gap is re-checked on every drain
until it is found or is ``GAP_TIMEOUT`` seconds old.

``rebuild()`` fills a fresh generation from the database and publishes it atomically, with its cursor at the
highest seq seen before it started; the drain that follows applies everything that changed meanwhile.
"""

import logging
import marshal
import time
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from whoosh import multiproc
from whoosh.writing import PostingPool, SegmentWriter

from ..extensions import db
from ..forum.models import Question
from ..utils import utcnow
from ..wiki.models import Page
from .codec import IndexCodec
from .documents import iter_documents, load_documents
from .models import SearchChange
from .schema import SCHEMA_VERSION
from .store import Cursor, IndexStore, acquire

log = logging.getLogger(__name__)

CHANGE_BATCH = 2000
# Commit the index (and move the cursor) after this many documents while working through a large backlog.
DOCS_PER_COMMIT = 5000
# How long a missing seq is looked for again; longer than any transaction should stay open.
GAP_TIMEOUT = 15 * 60
MAX_GAPS = 10_000
# A rebuild looks this far below its starting seq for transactions that were still open when it began.
REBUILD_GAP_WINDOW = 1000
WRITER_MEMORY_MB = 256
# Writers leave segments as separate files (compound=False): Whoosh opens a compound segment by copying each
# of its parts into memory, which made every commit and every searcher reopen cost ~150 ms at 7,000 documents.


class IndexOutdated(Exception):
    """The live index was built with another schema version: ``flask search rebuild`` replaces it."""


class RebuildRunning(Exception):
    """Another process is rebuilding this index directory."""


@dataclass
class DrainResult:
    changes: int = 0  # change rows read
    documents: int = 0  # documents updated or deleted
    seq: int = 0  # the cursor afterwards
    skipped: bool = False  # another process held the lock: it will apply the changes, or the next drain will
    rebuilt: bool = False  # there was no index (or the change log was reset), so one was built


@dataclass
class RebuildResult:
    documents: int
    seq: int
    seconds: float
    generation: str
    drain: DrainResult


def current_store() -> IndexStore:
    return IndexStore(current_app.config["SEARCH_INDEX_DIR"])


def _max_seq(session: Session) -> int:
    return session.scalar(select(func.max(SearchChange.seq))) or 0


def drain(wait: float = 0.0, max_build: int | None = None) -> DrainResult:
    """Apply pending changes to the live index. ``wait``: seconds to wait for another writer (0: don't wait).

    When there is no index yet (or the change log restarted below its cursor) one is built from the database;
    with ``max_build``, only if the database holds at most that many threads and pages (a request should not
    spend minutes on it: ``flask search rebuild`` does). Raises IndexOutdated when the live index has another
    schema version.
    """
    store = current_store()
    generation = store.current_generation()
    if generation is None:
        return _build_first(wait, max_build)
    lock = store.sync_lock(generation)
    if not acquire(lock, wait):
        return DrainResult(skipped=True)
    try:
        cursor = store.read_cursor(generation)
        if cursor.schema != SCHEMA_VERSION:
            raise IndexOutdated(f"index schema {cursor.schema}, code schema {SCHEMA_VERSION}")
        with Session(db.engine) as session:
            if _max_seq(session) < cursor.seq:
                log.warning("The search change log restarted below the index cursor; rebuilding the index.")
                reset = True
            else:
                reset = False
                result = _apply_changes(session, store, generation, cursor)
    finally:
        lock.release()
    if reset:
        return _build_first(wait, max_build, force=True)
    return result


def _searchable_rows() -> int:
    with Session(db.engine) as session:
        questions = session.scalar(select(func.count()).select_from(Question)) or 0
        return questions + (session.scalar(select(func.count()).select_from(Page)) or 0)


def _build_first(wait: float, max_build: int | None, force: bool = False) -> DrainResult:
    if max_build is not None and _searchable_rows() > max_build:
        log.warning("There is no up-to-date search index; run: flask search rebuild")
        return DrainResult(skipped=True)
    try:
        built = rebuild(wait=wait, only_if_missing=not force)
    except RebuildRunning:
        return DrainResult(skipped=True)
    if built is None:  # someone else built it meanwhile
        return drain(wait)
    return DrainResult(documents=built.documents, seq=built.drain.seq, rebuilt=True)


def _apply_changes(session: Session, store: IndexStore, generation, cursor: Cursor) -> DrainResult:
    now = time.time()
    gaps = dict(cursor.gaps)
    doc_ids: set[str] = set()
    result = DrainResult(seq=cursor.seq)
    pending_ix = []  # opened lazily: most drains after a commit have one or two documents

    def flush_documents():
        if not doc_ids:
            return
        documents = load_documents(session, doc_ids)
        session.rollback()  # end the read transaction before the slow part (SQLite writers wait for readers)
        session.expunge_all()
        if not pending_ix:
            pending_ix.append(store.open_index(generation))
        writer = pending_ix[0].writer(
            timeout=10.0, limitmb=WRITER_MEMORY_MB, compound=False, codec=IndexCodec()
        )
        try:
            for doc_id, document in documents.items():
                if document is None:
                    writer.delete_by_term("id", doc_id)
                else:
                    writer.update_document(**document)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        result.documents += len(documents)
        doc_ids.clear()

    gap_seqs = sorted(int(seq) for seq in gaps)
    for start in range(0, len(gap_seqs), 500):
        chunk = gap_seqs[start : start + 500]
        for seq, doc_id in session.execute(
            select(SearchChange.seq, SearchChange.doc_id).where(SearchChange.seq.in_(chunk))
        ):
            gaps.pop(str(seq), None)
            doc_ids.add(doc_id)
            result.changes += 1

    last = cursor.seq
    while True:
        rows = session.execute(
            select(SearchChange.seq, SearchChange.doc_id)
            .where(SearchChange.seq > last)
            .order_by(SearchChange.seq)
            .limit(CHANGE_BATCH)
        ).all()
        for seq, doc_id in rows:
            for missing in range(max(last + 1, seq - MAX_GAPS), seq):
                gaps.setdefault(str(missing), now)
            last = seq
            doc_ids.add(doc_id)
        result.changes += len(rows)
        if len(rows) < CHANGE_BATCH:
            break
        if len(doc_ids) >= DOCS_PER_COMMIT:
            flush_documents()
            store.write_cursor(generation, Cursor(seq=last, gaps=gaps, synced_at=time.time()))

    flush_documents()
    live_gaps = {seq: first for seq, first in gaps.items() if now - first < GAP_TIMEOUT}
    if len(live_gaps) > MAX_GAPS:
        live_gaps = dict(sorted(live_gaps.items(), key=lambda item: int(item[0]))[-MAX_GAPS:])
    store.write_cursor(generation, Cursor(seq=last, gaps=live_gaps, synced_at=time.time()))
    result.seq = last
    return result


def rebuild(wait: float = 0.0, procs: int = 1, only_if_missing: bool = False) -> RebuildResult | None:
    """Build a fresh generation from the database, publish it, then drain what changed meanwhile.

    Searches keep answering from the old generation until the new one is published. Raises RebuildRunning
    when another rebuild holds the lock for longer than ``wait`` seconds. With ``only_if_missing``, returns
    None without building when a live index exists.
    """
    store = current_store()
    lock = store.rebuild_lock()
    if not acquire(lock, wait):
        raise RebuildRunning()
    started = time.monotonic()
    try:
        if only_if_missing and store.current_generation() is not None:
            return None
        with Session(db.engine) as session:
            start_seq = _max_seq(session)
            gaps = _recent_gaps(session, start_seq)
            generation = store.new_generation()
            try:
                count = _fill(store, generation, session, start_seq, gaps, procs)
            except BaseException:
                store.discard(generation)
                raise
        store.write_cursor(generation, Cursor(seq=start_seq, gaps=gaps, synced_at=time.time()))
        store.publish(generation)
    finally:
        lock.release()
    caught_up = drain(wait=max(wait, 10.0))
    return RebuildResult(count, start_seq, time.monotonic() - started, generation.name, caught_up)


def _recent_gaps(session: Session, start_seq: int) -> dict[str, float]:
    present = set(
        session.scalars(select(SearchChange.seq).where(SearchChange.seq > start_seq - REBUILD_GAP_WINDOW))
    )
    low = max(1, start_seq - REBUILD_GAP_WINDOW + 1)
    now = time.time()
    return {str(seq): now for seq in range(low, start_seq + 1) if seq not in present}


class _PostingPool(PostingPool):
    """Whoosh's pool of postings waiting to be sorted, spilling each sorted run to disk as chunks of
    ``CHUNK`` postings (one ``marshal`` call each) instead of one pickle call per posting, and reading them
    back the same way: the same postings in the same order. A 10,000-document rebuild spills ~6 million
    postings, and pickling them one by one took a fifth of its time."""

    CHUNK = 20_000

    def _write_run(self, f, items):
        items = iter(items)
        try:
            while chunk := list(islice(items, self.CHUNK)):
                marshal.dump(chunk, f)
        finally:
            f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


class _SegmentWriter(SegmentWriter):
    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        # Replace the (still empty) pool.
        self.pool = _PostingPool(self._tempstorage, self.newsegment, limitmb=kwargs.get("limitmb", 128))


class _SubWriterTask(multiproc.SubWriterTask):
    def run(self):
        # This runs in the indexing process (forked for this task): its writer gets the faster pool too.
        multiproc.SegmentWriter = _SegmentWriter
        super().run()


class _MultiSegmentWriter(multiproc.MpWriter):
    """Whoosh's multiprocessing writer (one segment per indexing process) whose processes use
    ``_PostingPool``."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, multisegment=True, **kwargs)

    def _new_task(self):
        task = _SubWriterTask(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment
        )
        self.tasks.append(task)
        task.start()
        return task


def _fill(store: IndexStore, generation, session: Session, start_seq: int, gaps: dict, procs: int) -> int:
    ix = store.create_index(generation, Cursor(seq=start_seq, gaps=gaps))
    options = {"limitmb": WRITER_MEMORY_MB, "compound": False, "codec": IndexCodec()}
    writer = _MultiSegmentWriter(ix, procs=procs, **options) if procs > 1 else _SegmentWriter(ix, **options)
    count = 0
    try:
        for document in iter_documents(session):
            writer.add_document(**document)
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


def prune(retention_days: int | None = None) -> int:
    """Delete change rows the live index has applied and that are older than the retention period.

    The newest row is always kept, so the sequence never restarts below a cursor. Returns the number deleted.
    """
    if retention_days is None:
        retention_days = current_app.config["SEARCH_CHANGE_RETENTION_DAYS"]
    store = current_store()
    generation = store.current_generation()
    if generation is None:
        return 0
    cursor = store.read_cursor(generation)
    keep_from = min([cursor.seq] + [int(seq) for seq in cursor.gaps])
    with Session(db.engine) as session:
        newest = _max_seq(session)
        result = session.execute(
            delete(SearchChange).where(
                SearchChange.seq <= keep_from,
                SearchChange.seq < newest,
                SearchChange.at < utcnow() - timedelta(days=retention_days),
            )
        )
        session.commit()
        return result.rowcount or 0
