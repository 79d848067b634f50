"""Whoosh queries built from parsed input, filters built on the server, and searches run under a time limit.

A word becomes an Or over every text field present in the index, each field analysing the word its own way
(stemmed per language, or neutral), with the field's boost; words are then combined with And (or with a
scaled Or when nothing has every word). Visibility and the other filters are sets of document numbers handed
to the collector, never text added to the query. The filter collector wraps the time-limit collector, so no
document outside the allowed set is ever collected, however the search ends.
"""

import heapq
import time
import weakref
from bisect import bisect_right
from collections import OrderedDict
from math import log
from operator import itemgetter

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.collectors import FilterCollector, TimeLimit, TimeLimitCollector
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, Every, Or, Phrase, Query, Term
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from .analysis import fold, neutral_stopwords
from .crossfield import K1 as CROSS_K1
from .crossfield import B as CROSS_B
from .crossfield import WordAcrossFields
from .schema import text_fields
from .scoring_stats import scored_doc_count

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


def _in_index(searcher, fieldname: str, term: str) -> bool:
    """Whether any document holds ``term`` in ``fieldname`` (a term no document holds matches nothing)."""
    return (fieldname, term.encode("utf-8")) in searcher.reader()


def _has_positions(searcher, fieldname: str) -> bool:
    return searcher.schema[fieldname].format.supports("positions")


def text_query(
    searcher, text: str, fields: dict[str, float], boost: float = 1.0, phrase: bool = False
) -> Query | None:
    """``text`` (a word, or a quoted phrase) in any of ``fields``; None when every field drops it.

    A quoted phrase is looked for only where word positions are kept (the neutral fields). Fields where the
    word (or a word of the phrase) is in no document are left out: they could match nothing, and each field
    left in costs time for every document matched.
    """
    subqueries, absent = [], []
    for fieldname, field_boost in fields.items():
        if phrase and not _has_positions(searcher, fieldname):
            continue
        terms = _analysed(searcher, fieldname, text)
        if len(terms) == 1:
            query = Term(fieldname, terms[0], boost=field_boost * boost)
        elif terms and _has_positions(searcher, fieldname):
            query = Phrase(fieldname, terms, boost=field_boost * boost)
        elif terms:  # a stemmed field keeps no positions: all the words, in any order
            query = And([Term(fieldname, t, boost=field_boost * boost) for t in terms])
        else:
            continue
        if all(_in_index(searcher, fieldname, term) for term in terms):
            subqueries.append(query)
        elif not absent:
            absent.append(query)
    if not subqueries:
        # A word no document holds still counts as a word of the query (it matches nothing).
        return absent[0] if absent else None
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


def _term_docs(searcher, term: Term) -> set[int]:
    """The (undeleted) documents holding ``term``, read straight from each segment's postings."""
    fieldname = term.fieldname
    text = term.text if isinstance(term.text, bytes) else searcher.schema[fieldname].to_bytes(term.text)
    found: set[int] = set()
    for reader, offset in searcher.reader().leaf_readers():
        if (fieldname, text) in reader:
            ids = reader.postings(fieldname, text).all_ids()
            found.update(ids if not offset else (docnum + offset for docnum in ids))
    return found


def matched_docs(searcher, query: Query | None) -> set[int]:
    """Every document ``query`` matches (None: every document), without scoring any: set operations over
    the terms' postings for And, Or and Term (what ``text_query`` and ``main_query`` build), Whoosh's
    matchers for the rest (phrases)."""
    if query is None:
        return docs(searcher, Every())
    if isinstance(query, Term):
        return _term_docs(searcher, query)
    if isinstance(query, Or):
        found: set[int] = set()
        for subquery in query.subqueries:
            found |= matched_docs(searcher, subquery)
        return found
    if isinstance(query, And):
        result: set[int] | None = None
        for subquery in query.subqueries:
            found = matched_docs(searcher, subquery)
            result = found if result is None else result & found
            if not result:
                return set()
        return result if result is not None else set()
    return docs(searcher, query)


def has_visible_match(searcher, query: Query, allow: set[int] | None, restrict: set[int]) -> bool:
    """Whether ``query`` matches at least one document in ``allow`` (None: any) and not in ``restrict``;
    stops at the first one."""
    for docnum in searcher.docs_for_query(query):
        if (allow is None or docnum in allow) and docnum not in restrict:
            return True
    return False


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


class Ranked:
    """The best documents of a query, as ``run()`` answers: ``top_n`` is ``[(score, docnum), ...]``, best
    first (ties: lower document number first, as Whoosh's collectors order them)."""

    def __init__(self, top_n: list[tuple[float, int]]):
        self.top_n = top_n

    def docs(self) -> set[int]:
        return {docnum for _, docnum in self.top_n}


class _Unsupported(Exception):
    """A query ``_rank`` does not score by itself (a phrase, a wildcard ...): Whoosh's collectors do it."""


def _term_scores(searcher, term: Term) -> dict[int, float]:
    """``{docnum: score}`` of one term, exactly as Whoosh's BM25F scorer and term matcher compute it."""
    fieldname = term.fieldname
    if fieldname not in searcher.schema:
        return {}
    text = term.text if isinstance(term.text, bytes) else searcher.schema[fieldname].to_bytes(term.text)
    boost = term.boost
    weighting = searcher.weighting
    scores: dict[int, float] = {}
    for subsearcher, offset in searcher.subsearchers or [(searcher, 0)]:
        reader = subsearcher.reader()
        if (fieldname, text) not in reader:
            continue
        scorer = weighting.scorer(subsearcher, fieldname, text)
        idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        lengths = _field_lengths(reader, fieldname)
        for docnum, tf in _postings(reader.postings(fieldname, text)):  # without deleted documents
            fl = lengths(docnum)
            # whoosh.scoring.bm25, then the term's boost (a WrappingMatcher), with the same operations.
            score = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
            scores[docnum + offset] = score * boost if boost != 1.0 else score
    return scores


def _postings(matcher):
    """``(docnum, weight)`` of each posting of a fresh term matcher; a whole block at a time when it is
    Whoosh's W3 block matcher (what ``matcher.id()``/``weight()``/``next()`` read, without a call each)."""
    deleted = None
    if type(matcher) is FilterMatcher and matcher._exclude:
        matcher, deleted = matcher.child, matcher._ids
    if type(matcher) is W3LeafMatcher:
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            items = zip(matcher._ids, matcher._weights, strict=True)
            yield from ((d, w) for d, w in items if d not in deleted) if deleted else items
            matcher._next_block()
        return
    while matcher.is_active():
        docnum = matcher.id()
        if not deleted or docnum not in deleted:
            yield docnum, matcher.weight()
        matcher.next()


# A segment's field lengths never change: (segment id, field) -> one length byte per document, kept while the
# segment lives.
_length_bytes: OrderedDict = OrderedDict()
_MAX_LENGTH_COLUMNS = 2048
# byte -> length, as doc_field_length(docnum, fieldname, default=1) answers (a missing length byte is 1).
_LENGTHS = [1] + [byte_to_length(lbyte) for lbyte in range(1, 256)]


def _field_lengths(reader, fieldname: str):
    """``docnum -> field length`` for one segment, as the BM25F scorer reads it."""
    try:
        key = (reader.segment().segment_id(), fieldname)
        raw = _length_bytes.get(key)
        if raw is None:
            column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            raw = b"" if column is None else column._dbfile.get(column._basepos, column._count)
            _length_bytes[key] = raw
            while len(_length_bytes) > _MAX_LENGTH_COLUMNS:
                _length_bytes.popitem(last=False)
    except AttributeError:  # not a W3 segment: ask the reader for each document
        return lambda docnum: reader.doc_field_length(docnum, fieldname, 1)
    size, table = len(raw), _LENGTHS
    return lambda docnum: table[raw[docnum]] if docnum < size else 1


def _word_across_fields_scores(searcher, query: WordAcrossFields) -> dict[int, float]:
    """``{docnum: score}`` of a ``crossfield.WordAcrossFields`` query, as its matcher scores each segment: the
    fields' weighted, length-normalised frequencies added up in the query's order, then saturated once."""
    schema = searcher.schema
    scores: dict[int, float] = {}
    for subsearcher, offset in searcher.subsearchers or [(searcher, 0)]:
        parent, reader = subsearcher.get_parent(), subsearcher.reader()
        frequencies: dict[int, float] = {}
        document_frequency = 0
        for term in query.subqueries:
            if term.fieldname not in schema or not schema[term.fieldname].scorable:
                continue
            text = schema[term.fieldname].to_bytes(term.text)
            if (term.fieldname, text) not in reader:
                continue
            document_frequency = max(document_frequency, parent.doc_frequency(term.fieldname, text))
            weight, average = term.boost, parent.avg_field_length(term.fieldname) or 1.0
            lengths = _field_lengths(reader, term.fieldname)
            for docnum, tf in _postings(reader.postings(term.fieldname, text)):
                part = weight * tf / ((1 - CROSS_B) + CROSS_B * lengths(docnum) / average)
                frequencies[docnum] = frequencies[docnum] + part if docnum in frequencies else 0 + part
        if not frequencies:
            continue
        scale = query.boost * (log(scored_doc_count(parent) / (document_frequency + 1)) + 1)
        for docnum, frequency in frequencies.items():
            scores[docnum + offset] = scale * frequency * (CROSS_K1 + 1) / (frequency + CROSS_K1)
    return scores


def _terms(query: Query) -> list[Term]:
    if isinstance(query, Term):
        return [query]
    return [term for subquery in query.subqueries for term in _terms(subquery)]


def _scores(searcher, query: Query, counting: bool, deadline: float):
    """``({docnum: score}, {docnum: matching terms} or None)`` of a tree of Term, And and Or, as Whoosh's
    matchers score it (sums over the terms that match; a scaled Or coordinates by the terms matched)."""
    if time.monotonic() > deadline:
        raise TimeLimit
    if type(query) is Term:
        scores = _term_scores(searcher, query)
        return scores, (dict.fromkeys(scores, 1) if counting else None)
    if type(query) is WordAcrossFields:
        if counting:
            raise _Unsupported
        return _word_across_fields_scores(searcher, query), None
    if type(query) not in (And, Or) or getattr(query, "minmatch", None):
        raise _Unsupported
    scaled = isinstance(query, Or) and bool(query.scale)
    parts = [_scores(searcher, sub, counting or scaled, deadline) for sub in query.subqueries]
    if not parts:
        return {}, ({} if counting else None)
    if isinstance(query, And):
        keys = set(parts[0][0]).intersection(*(part[0] for part in parts[1:]))
    else:
        keys = set().union(*(part[0] for part in parts))
    scores = {docnum: 0.0 for docnum in keys}
    counts = {docnum: 0 for docnum in keys} if (counting or scaled) else None
    for part_scores, part_counts in parts:
        for docnum, score in part_scores.items():
            if docnum in scores:
                scores[docnum] += score
                if counts is not None:
                    counts[docnum] += part_counts[docnum]
    if query.boost != 1.0:
        scores = {docnum: score * query.boost for docnum, score in scores.items()}
    if scaled:
        scores = _coordinated(searcher, query, scores, counts)
    return scores, counts


def _coordinated(searcher, query: Or, scores: dict[int, float], counts: dict[int, int]) -> dict[int, float]:
    """Whoosh's CoordMatcher: the query's terms held are counted; a document gains by the share of them it
    matches."""
    scale = query.scale
    terms = [
        (term.fieldname, searcher.schema[term.fieldname].to_bytes(term.text) if isinstance(term.text, str)
         else term.text)
        for term in _terms(query)
        if term.fieldname in searcher.schema
    ]  # fmt: skip
    segments = searcher.subsearchers or [(searcher, 0)]
    starts = [offset for _, offset in segments]
    # Over the whole index (terms that counted documents hold: scoring_stats), not per segment as Whoosh does:
    # which documents share a segment depends on writes and merges anywhere, a restricted space's too.
    held = [sum(1 for term in terms if searcher.doc_frequency(*term))] * len(segments)
    result = {}
    for docnum, score in scores.items():
        termcount = held[bisect_right(starts, docnum) - 1]
        if termcount == 0 or termcount == scale:
            result[docnum] = 0
        else:
            result[docnum] = (score + ((counts[docnum] - 1) / (termcount - scale) ** 2)) * (
                (termcount - 1) / termcount
            )
    return result


def _rank(searcher, query: Query, allow, restrict, limit: int | None, deadline: float):
    """The best ``limit`` (None: all) documents of ``query`` in ``allow`` and not in ``restrict``, scored
    term by term: each term's postings are read once, without Whoosh's tree of matchers, whose cost per
    document grows with the number of terms (a word is looked up in up to 13 fields)."""
    if not isinstance(searcher.weighting, BM25F) or searcher.weighting.use_final:
        raise _Unsupported
    scores, _ = _scores(searcher, query, False, deadline)
    docnums = scores.keys()
    if allow is not None or restrict:
        docnums = [
            docnum
            for docnum in docnums
            if (allow is None or docnum in allow) and not (restrict and docnum in restrict)
        ]
    return best(scores, docnums, limit)


def best(scores: dict[int, float], docnums, limit: int | None) -> list[tuple[float, int]]:
    """``[(score, docnum), ...]`` of the ``limit`` (None: all) best of ``docnums``, as Whoosh's collectors
    order them (highest score first; ties: lower document number first)."""
    items = ((docnum, scores[docnum]) for docnum in docnums)
    if limit is None:
        ranked = sorted(items, key=itemgetter(0))
        ranked.sort(key=itemgetter(1), reverse=True)
    else:
        ranked = heapq.nsmallest(limit, items, key=lambda item: (-item[1], item[0]))
    return [(score, docnum) for docnum, score in ranked]


def scored_docs(searcher, query: Query | None, time_limit: float) -> dict[int, float] | None:
    """``{docnum: score}`` of every document ``query`` matches, scored term by term as ``run()`` ranks
    them; None when that is not possible here (no query, a phrase, out of time): use ``matched_docs`` and
    ``run``."""
    if query is None or not isinstance(searcher.weighting, BM25F) or searcher.weighting.use_final:
        return None
    try:
        return _scores(searcher, query, False, time.monotonic() + time_limit)[0]
    except (_Unsupported, TimeLimit):
        return None


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

    Returns ``(results, timed_out)``: ``results.top_n`` is ``[(score, docnum), ...]``, best first (or by
    ``sortedby``), at most ``limit``. A query of terms (what ``text_query`` and ``main_query`` build) is
    scored term by term (``_rank``), anything else by Whoosh's collectors; the scores are the same. The
    caller must have answered "nothing" for an empty ``allow``: Whoosh reads an empty set as "no filter".
    """
    if allow is not None and not allow:
        raise ValueError("an empty allowed set must be answered before searching")
    deadline = time.monotonic() + time_limit
    if query is not None and sortedby is None:
        try:
            return Ranked(_rank(searcher, query, allow, restrict, limit, deadline)), False
        except (_Unsupported, TimeLimit):
            pass  # Whoosh's collectors rank it (out of time: with what they find before answering)
    base = searcher.collector(limit=limit, sortedby=sortedby, reverse=False)
    timed = DeadlineCollector(base, max(0.0, deadline - time.monotonic()))
    collector = FilterCollector(timed, allow=allow, restrict=restrict or None)
    timed_out = False
    try:
        searcher.search_with_collector(query if query is not None else Every(), collector)
    except TimeLimit:
        timed_out = True
    return collector.results(), timed_out
