"""Full-text search over forum threads and wiki pages: the only package that knows Whoosh.

The database is the source of truth; the index is derived from it and can always be rebuilt.

- ``models``: ``SearchChange``, the outbox table ``search_changes (seq, doc_id, at)``.
- ``outbox``: session listeners that append change rows in the changing transaction and drain after commit.
- ``analysis``, ``schema``: per-language stemmed fields plus language-neutral, accent-folded fields.
- ``documents``: rows -> documents (``question:12``, ``page:5``).
- ``store``: generations on disk, the cursor, locks, searchers reused between requests.
- ``indexer``: ``drain()``, ``rebuild()``, ``prune()``, ``status()``.
- ``cli``: ``flask search sync|rebuild|status``.
- ``query``: ``search(text, ...) -> SearchResults``; ``suggest``: ``similar(...)``, ``related(...)``.

Settings (in config.py, each read from the HELPDESK_ environment variable of the same name):
``SEARCH_INDEX_DIR``; ``SEARCH_CHANGE_RETENTION_DAYS`` (7): applied change rows older than this are pruned by
``flask search sync``; ``SEARCH_DRAIN_ON_COMMIT`` (true): try to update the index right after each commit;
``SEARCH_TIME_LIMIT`` (2.0 seconds): the longest one search may run before answering with what it has.
"""

from flask import Flask

from . import models  # noqa: F401  (registers the search_changes table with the metadata)
from .facets import FacetValue
from .hits import Hit
from .query import SearchResults, search
from .suggest import related, similar

__all__ = ["FacetValue", "Hit", "SearchResults", "init_app", "related", "search", "similar"]


def init_app(app: Flask) -> None:
    from .outbox import register

    register()
