"""Where the index lives on disk, its cursor, its locks, and searchers kept open between requests.

Layout of ``SEARCH_INDEX_DIR``::

    CURRENT              the name of the live generation (a one-line file, replaced atomically)
    REBUILD.lock         held while ``flask search rebuild`` runs
    gen-<ms>-<pid>/      one Whoosh index: segments, plus
        cursor.json      last applied change ``seq``, unseen seqs below it ("gaps"), schema version
        SYNC.lock        held by whoever drains into this generation

A rebuild fills a new generation beside the live one and then replaces CURRENT, so searches keep answering
from the old generation meanwhile. Every writer of a generation holds its SYNC lock for the whole drain (index
commit and cursor write together), so the cursor never claims more than the index holds. Searchers are kept
per thread (Whoosh readers share file handles) and reopened when the index or CURRENT changes.
"""

import atexit
import json
import logging
import os
import shutil
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError
from whoosh.util.filelock import FileLock

from .schema import SCHEMA_VERSION, build_schema
from .scoring_stats import open_searcher, with_public_statistics

log = logging.getLogger(__name__)

POINTER = "CURRENT"
CURSOR = "cursor.json"
SYNC_LOCK = "SYNC.lock"
REBUILD_LOCK = "REBUILD.lock"
# Generations kept besides the live one, so a process that just read CURRENT can still open what it named.
KEEP_OLD_GENERATIONS = 1
_SEARCHERS_PER_THREAD = 4


@dataclass
class Cursor:
    """How far a generation has applied the change log."""

    seq: int = 0
    # seq (as str) -> first time (epoch s) a lower seq was missing: a transaction still open, or rolled back.
    gaps: dict[str, float] = field(default_factory=dict)
    schema: int = SCHEMA_VERSION
    synced_at: float | None = None

    def to_json(self) -> str:
        return json.dumps(
            {"seq": self.seq, "gaps": self.gaps, "schema": self.schema, "synced_at": self.synced_at}, indent=1
        )


class IndexStore:
    """One index directory (``SEARCH_INDEX_DIR``) and its generations."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # Generations -------------------------------------------------------------------------------------------

    def current_generation(self) -> Path | None:
        """The live generation's directory, or None before the first build."""
        try:
            name = (self.root / POINTER).read_text().strip()
        except FileNotFoundError:
            return None
        path = self.root / name
        return path if name and (path / CURSOR).exists() else None

    def new_generation(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"gen-{time.time_ns() // 1_000_000:015d}-{os.getpid()}"
        path.mkdir()
        return path

    def create_index(self, path: Path, cursor: Cursor):
        ix = whoosh_index.create_in(str(path), build_schema())
        self.write_cursor(path, cursor)
        return ix

    def publish(self, path: Path) -> None:
        """Make ``path`` the live generation (an atomic rename); remove all but the previous generation."""
        _write_atomically(self.root / POINTER, path.name + "\n")
        generations = sorted(p for p in self.root.glob("gen-*") if p.is_dir() and p != path)
        for old in generations[: max(0, len(generations) - KEEP_OLD_GENERATIONS)]:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self, path: Path) -> None:
        shutil.rmtree(path, ignore_errors=True)

    @staticmethod
    def open_index(path: Path):
        return whoosh_index.open_dir(str(path))

    # Cursor ------------------------------------------------------------------------------------------------

    @staticmethod
    def read_cursor(path: Path) -> Cursor:
        """The generation's cursor; an unreadable one reads as schema 0, which asks for a rebuild."""
        try:
            data = json.loads((path / CURSOR).read_text())
            return Cursor(
                seq=int(data.get("seq", 0)),
                gaps={str(k): float(v) for k, v in (data.get("gaps") or {}).items()},
                schema=int(data.get("schema", 0)),
                synced_at=data.get("synced_at"),
            )
        except (OSError, ValueError, TypeError, AttributeError):
            log.warning("The search index cursor %s cannot be read; run flask search rebuild.", path / CURSOR)
            return Cursor(seq=0, schema=0)

    @staticmethod
    def write_cursor(path: Path, cursor: Cursor) -> None:
        _write_atomically(path / CURSOR, cursor.to_json())

    # Locks -------------------------------------------------------------------------------------------------

    @staticmethod
    def sync_lock(path: Path) -> FileLock:
        return FileLock(str(path / SYNC_LOCK))

    def rebuild_lock(self) -> FileLock:
        self.root.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.root / REBUILD_LOCK))


def acquire(lock: FileLock, wait: float = 0.0) -> bool:
    """Take ``lock``, waiting up to ``wait`` seconds (0: give up at once if someone else holds it)."""
    deadline = time.monotonic() + wait
    while True:
        if lock.acquire(blocking=False):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _write_atomically(target: Path, content: str) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)


# Searchers kept open between requests -----------------------------------------------------------------------

_local = threading.local()
# Every searcher kept open by any thread, so they can all be closed when the process exits.
_open_searchers: "weakref.WeakSet" = weakref.WeakSet()


@atexit.register
def close_cached_searchers() -> None:
    """Close the searchers kept between requests (they reopen on the next search)."""
    for searcher in list(_open_searchers):
        searcher.close()
    _open_searchers.clear()
    cache = getattr(_local, "searchers", None)
    if cache is not None:
        cache.clear()


def searcher_for(store: IndexStore):
    """A searcher over the live generation, reused by this thread and refreshed when the index changed.

    Returns None when no index has been built yet. Callers must not close it.
    """
    generation = store.current_generation()
    if generation is None:
        return None
    cache: OrderedDict = getattr(_local, "searchers", None)
    if cache is None:
        cache = _local.searchers = OrderedDict()
    key = str(store.root.resolve())
    entry = cache.get(key)
    if entry is not None and entry[0] != generation:
        entry[1].close()
        entry = None
    if entry is None:
        try:
            searcher = open_searcher(IndexStore.open_index(generation))
        except (OSError, EmptyIndexError):
            # A rebuild removed the generation between reading CURRENT and opening it: read CURRENT again.
            generation = store.current_generation()
            if generation is None:
                return None
            searcher = open_searcher(IndexStore.open_index(generation))
    else:
        searcher = entry[1]
        if not searcher.up_to_date():
            # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it re-adds the old segments without their new
            # deletions, so every replaced document comes back (measured: 1 document, refreshed count 2).
            searcher.close()
            searcher = open_searcher(IndexStore.open_index(generation))
    _open_searchers.add(searcher)
    cache[key] = (generation, searcher)
    cache.move_to_end(key)
    while len(cache) > _SEARCHERS_PER_THREAD:
        _, (_, evicted) = cache.popitem(last=False)
        evicted.close()
    return with_public_statistics(searcher)  # scores never count restricted spaces' documents
