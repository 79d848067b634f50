"""Whoosh queries built from parsed input, filters built on the server, and searches run under a time limit.

A word becomes an Or over every text field present in the index, each field analysing the word its own way
(stemmed per language, or neutral), with the field's boost; words are then combined with And (or with a
scaled Or when nothing has every word). Visibility and the other filters are sets of document numbers handed
to the collector, never text added to the query. The filter collector wraps the time-limit collector, so no
document outside the allowed set is ever collected, however the search ends.
"""

import time
import weakref
from collections import OrderedDict

from whoosh.collectors import FilterCollector, TimeLimit, TimeLimitCollector
from whoosh.query import And, Every, Or, Phrase, Query, Term

from .analysis import fold, neutral_stopwords
from .schema import text_fields

# Per-searcher caches (visible document sets, indexed field names); a refreshed searcher starts afresh.
_caches: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_MAX_CACHED_FILTERS = 64


class DeadlineCollector(TimeLimitCollector):
    """Whoosh's time-limit collector without its timer thread and SIGALRM (neither is safe in a web worker).

    Checks the clock every few documents, both while matching and while collecting.
    """

    CHECK_EVERY = 64

    def __init__(self, child, timelimit: float):
        super().__init__(child, timelimit, use_alarm=False)

    def prepare(self, top_searcher, q, context):
        self.child.prepare(top_searcher, q, context)
        self.timedout = False
        self.deadline = time.monotonic() + self.timelimit
        self._seen = 0

    def _tick(self):
        self._seen += 1
        if self._seen % self.CHECK_EVERY == 0 and time.monotonic() > self.deadline:
            self.timedout = True
            raise TimeLimit

    def matches(self):
        for docnum in self.child.matches():
            self._tick()
            yield docnum

    def collect(self, sub_docnum):
        self._tick()
        return self.child.collect(sub_docnum)

    def collect_matches(self):
        for docnum in self.matches():
            self.child.collect(docnum)

    def finish(self):
        self.child.finish()


def _cache(searcher) -> dict:
    cache = _caches.get(searcher)
    if cache is None:
        cache = _caches[searcher] = {"filters": OrderedDict()}
    return cache


def present_fields(searcher) -> dict[str, float]:
    """The text fields (with boosts) that hold at least one term: no time spent on empty languages."""
    cache = _cache(searcher)
    if "fields" not in cache:
        indexed = set(searcher.reader().indexed_field_names())
        cache["fields"] = {name: boost for name, boost in text_fields().items() if name in indexed}
    return cache["fields"]


def _analysed(searcher, fieldname: str, text: str) -> list[str]:
    return list(searcher.schema[fieldname].process_text(text, mode="query"))


def _has_positions(searcher, fieldname: str) -> bool:
    return searcher.schema[fieldname].format.supports("positions")


def text_query(
    searcher, text: str, fields: dict[str, float], boost: float = 1.0, phrase: bool = False
) -> Query | None:
    """``text`` (a word, or a quoted phrase) in any of ``fields``; None when every field drops it.

    A quoted phrase is looked for only where word positions are kept (the neutral fields).
    """
    subqueries = []
    for fieldname, field_boost in fields.items():
        if phrase and not _has_positions(searcher, fieldname):
            continue
        terms = _analysed(searcher, fieldname, text)
        if len(terms) == 1:
            subqueries.append(Term(fieldname, terms[0], boost=field_boost * boost))
        elif terms and _has_positions(searcher, fieldname):
            subqueries.append(Phrase(fieldname, terms, boost=field_boost * boost))
        elif terms:  # a stemmed field keeps no positions: all the words, in any order
            subqueries.append(And([Term(fieldname, t, boost=field_boost * boost) for t in terms]))
    if not subqueries:
        return None
    return subqueries[0] if len(subqueries) == 1 else Or(subqueries)


def is_stopword(word: str) -> bool:
    return fold(word) in neutral_stopwords() or word.lower() in neutral_stopwords()


def content_words(words: list[str]) -> list[str]:
    """``words`` without common words ("how", "the", "och") unless nothing else is left."""
    kept = [word for word in words if not is_stopword(word)]
    return kept or words


def main_query(searcher, words: list[str], phrases: list[str], relaxed: bool = False) -> Query | None:
    """All the words and phrases (any of them, scaled by how many match, when ``relaxed``)."""
    fields = present_fields(searcher)
    if words and not phrases and all(is_stopword(word) for word in words):
        return None  # "how to", "the och": nothing to look for
    clauses = [q for q in (text_query(searcher, w, fields) for w in content_words(words)) if q is not None]
    clauses += [q for q in (text_query(searcher, p, fields, phrase=True) for p in phrases) if q is not None]
    if not clauses:
        return None
    if len(clauses) == 1:
        return clauses[0]
    return Or(clauses, scale=0.9) if relaxed else And(clauses)


def docs(searcher, query: Query) -> set[int]:
    return set(searcher.docs_for_query(query))


def visible_docs(searcher, visible_spaces) -> set[int] | None:
    """Document numbers in the spaces given (None: no restriction; keys compare as text), cached."""
    if visible_spaces is None:
        return None
    key = frozenset(str(space) for space in visible_spaces)
    filters = _cache(searcher)["filters"]
    if key not in filters:
        filters[key] = docs(searcher, Or([Term("space", s) for s in sorted(key)])) if key else set()
        while len(filters) > _MAX_CACHED_FILTERS:
            filters.popitem(last=False)
    filters.move_to_end(key)
    return filters[key]


def restrict_to(allowed: set[int] | None, more: set[int]) -> set[int]:
    return more if allowed is None else allowed & more


def run(
    searcher,
    query: Query | None,
    *,
    allow: set[int] | None,
    restrict: set[int] | None,
    time_limit: float,
    sortedby=None,
    limit: int | None = None,
):
    """Run ``query`` (None: every document) over ``allow`` (None: all) minus ``restrict``.

    Returns ``(whoosh Results, timed_out)``. The caller must have answered "nothing" for an empty ``allow``:
    Whoosh reads an empty set as "no filter".
    """
    if allow is not None and not allow:
        raise ValueError("an empty allowed set must be answered before searching")
    base = searcher.collector(limit=limit, sortedby=sortedby, reverse=False)
    timed = DeadlineCollector(base, time_limit)
    collector = FilterCollector(timed, allow=allow, restrict=restrict or None)
    timed_out = False
    try:
        searcher.search_with_collector(query if query is not None else Every(), collector)
    except TimeLimit:
        timed_out = True
    return collector.results(), timed_out
