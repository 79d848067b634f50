"""Scoring statistics without the documents of restricted spaces: hidden content never moves a public result.

All documents share one index, and BM25F scores a document with statistics over the collection: how many
documents hold a term (idf), how many documents there are, how long a field is on average. Counted over the
whole index, a restricted space's documents would change the scores, order and cut-offs of public results,
and an outsider comparing results could tell that hidden content with some word exists.
``PublicStatsSearcher`` answers those statistics for the live documents outside restricted spaces only, and
for everyone: a member's own restricted documents are scored with the same public statistics, so no
statistic depends on restricted content at all, nor one restricted space on another.

Left out is X: the documents of restricted spaces (R; the ``space`` field holds the space id) and the deleted
documents. Whoosh counts a deleted document until its segment is merged; a public document re-indexed because
of something done in a restricted space (a public thread closed as a duplicate of a hidden one) would leave a
deleted copy that moves every score, and when a merge drops deleted copies would depend on hidden writes too.
The answers are Whoosh's counts minus X's share: a term's document frequency minus its postings in X (skipping
the postings to each document of X, or reading them when they are the shorter side), the document count
minus |X| (``scored_doc_count``; Whoosh's ``doc_count_all()`` stays as it is, its matchers size document sets
with it). Field lengths are summed from the per-document length bytes (the lengths the scorer reads for each
document) rather than taken from the segments' exact totals, which cannot be reduced by X's lengths exactly;
a segment's sums are kept while the segment lives. Everything is cached on the searcher (reused between
requests, replaced when the index changes) for the restricted set it was computed for; a space made restricted
or public starts afresh. With no restricted space and no deleted document nothing is read.

``searcher_for`` (store.py) opens searchers of this class, with ``PublicBM25F`` (Whoosh's BM25F, its idf over
``scored_doc_count``), and hands them each request's restricted spaces (``with_public_statistics``). Whoosh's
scorers, ``matching`` and ``crossfield`` read the statistics from the top searcher (``get_parent()``);
``suggest`` (key terms, compound splits) and ``spelling`` (the order of candidates) ask it too.
"""

from bisect import bisect_right
from collections import Counter, OrderedDict
from math import log

from flask import has_app_context
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

SPACE_FIELD = "space"
# byte -> length, as the length column stores a document's field length (0: the document lacks the field).
_LENGTHS = [0] + [byte_to_length(lbyte) for lbyte in range(1, 256)]
# (segment id, field) -> sum of the segment's per-document lengths (deleted documents included); segments
# never change, so their sums are kept while they may still be read.
_segment_sums: OrderedDict = OrderedDict()
_MAX_SEGMENT_SUMS = 4096


class _Restricted:
    """X for one searcher and one set of restricted spaces, and the statistics read of it so far: the
    documents of restricted spaces (R) and the deleted documents."""

    __slots__ = ("leaves", "count", "live", "terms", "lengths")

    def __init__(self, searcher: Searcher, spaces: frozenset[str]):
        field = searcher.schema[SPACE_FIELD] if SPACE_FIELD in searcher.schema.names() else None
        # [(leaf reader, offset, sorted local document numbers in X)]
        self.leaves: list = []
        self.live = 0  # documents of R not deleted
        for reader, offset in searcher.reader().leaf_readers():
            local: set[int] = set()
            for space in spaces if field is not None else ():
                text = field.to_bytes(space)
                if (SPACE_FIELD, text) in reader:
                    local.update(_raw_postings(reader, SPACE_FIELD, text).all_ids())
            if reader.has_deletions():
                deleted = (
                    set(reader.deleted_docs_set)
                    if hasattr(reader, "deleted_docs_set")
                    else {docnum for docnum in range(reader.doc_count_all()) if reader.is_deleted(docnum)}
                )
                self.live += len(local - deleted)
                local |= deleted
            else:
                self.live += len(local)
            self.leaves.append((reader, offset, sorted(local)))
        self.count = sum(len(docnums) for _, _, docnums in self.leaves)
        self.terms: dict = {}  # (field, bytes, weights) -> documents of X holding the term (or its frequency)
        self.lengths: dict = {}  # field -> sum of X's lengths

    def term(self, fieldname: str, text: bytes, weights: bool = False) -> float:
        """How many documents of X hold the term (``weights``: how often, all told)."""
        key = (fieldname, text, weights)
        found = self.terms.get(key)
        if found is None:
            found = 0
            for reader, _, docnums in self.leaves:
                if docnums and (fieldname, text) in reader:
                    postings = reader.doc_frequency(fieldname, text)
                    matcher = _raw_postings(reader, fieldname, text)
                    found += _postings_in(matcher, docnums, postings, weights)
            self.terms[key] = found
        return found

    def length(self, fieldname: str) -> int:
        if fieldname not in self.lengths:
            total = 0
            for reader, _, docnums in self.leaves:
                raw = _length_bytes(reader, fieldname) if docnums else b""
                if raw is None:  # not a W3 segment: ask the reader for each document
                    total += sum(reader.doc_field_length(docnum, fieldname, 0) for docnum in docnums)
                else:
                    size = len(raw)
                    total += sum(_LENGTHS[raw[docnum]] for docnum in docnums if docnum < size)
            self.lengths[fieldname] = total
        return self.lengths[fieldname]


def _raw_postings(reader, fieldname: str, text: bytes):
    """The term's postings in one segment, deleted documents included (as Whoosh's counts include them)."""
    matcher = reader.postings(fieldname, text)
    return matcher.child if type(matcher) is FilterMatcher and matcher._exclude else matcher


def _postings_in(matcher, docnums: list[int], postings: int, weights: bool) -> float:
    """How many of ``docnums`` (sorted) a term's postings (``postings`` long) hold, or (``weights``) their
    summed weights. Whoosh's W3 block matcher: only the blocks whose range of ids holds one of ``docnums``
    are decoded (a block's header names its last id), each at once; other matchers: skipping to each of
    ``docnums`` when they are much fewer than the postings, else reading the postings."""
    wanted = set(docnums)
    if type(matcher) is W3LeafMatcher:
        found, last = 0, -1
        while matcher.is_active():
            block_last = matcher.block_max_id()
            if bisect_right(docnums, block_last) > bisect_right(docnums, last):
                matcher._read_ids()
                if weights:
                    matcher._read_weights()
                    pairs = zip(matcher._ids, matcher._weights, strict=True)
                    found += sum(weight for docnum, weight in pairs if docnum in wanted)
                else:
                    found += len(wanted.intersection(matcher._ids))
            last = block_last
            matcher._next_block()
        return found
    if not weights and len(docnums) * 8 >= postings:
        return len(wanted.intersection(matcher.all_ids()))
    found = 0
    for docnum in docnums:
        if not matcher.is_active():
            break
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                break
        if matcher.id() == docnum:
            found += matcher.weight() if weights else 1
    return found


def _length_bytes(reader, fieldname: str) -> bytes | None:
    """One length byte per document of the segment (b"" when no document has the field); None when the
    segment is not Whoosh's W3 format."""
    try:
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    except AttributeError:
        return None
    return b"" if column is None else column._dbfile.get(column._basepos, column._count)


def _segment_length(reader, fieldname: str) -> int:
    """The sum of one segment's per-document lengths of ``fieldname`` (deleted documents included)."""
    try:
        key = (reader.segment().segment_id(), fieldname)
    except AttributeError:
        key = None
    total = _segment_sums.get(key) if key is not None else None
    if total is None:
        raw = _length_bytes(reader, fieldname)
        if raw is None:
            total = sum(
                reader.doc_field_length(docnum, fieldname, 0) for docnum in range(reader.doc_count_all())
            )
        else:
            total = sum(_LENGTHS[lbyte] * count for lbyte, count in Counter(raw).items())
        if key is not None:
            _segment_sums[key] = total
            while len(_segment_sums) > _MAX_SEGMENT_SUMS:
                _segment_sums.popitem(last=False)
    return total


class PublicStatsSearcher(Searcher):
    """A Whoosh searcher whose collection statistics leave out the documents of restricted spaces.

    Only the top searcher answers them (a multi-segment searcher's subsearchers keep their segment's own
    counts, and Whoosh's scorers ask their parent, this one). Call ``restrict_statistics()`` with the
    restricted space ids before scoring; until then nothing is left out.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._restricted_spaces: frozenset[str] = frozenset()
        self._restricted: _Restricted | None = None
        self._field_sums: dict[str, int] = {}
        self._deletions = self.parent is None and self.ixreader.has_deletions()
        if self.parent is None:
            # Whoosh copies these from the reader onto the instance; the methods below answer instead.
            del self.doc_frequency, self.frequency

    def restrict_statistics(self, space_ids) -> None:
        """Leave the documents of these spaces out of every statistic from now on."""
        spaces = frozenset(str(space) for space in space_ids)
        if spaces != self._restricted_spaces:
            self._restricted_spaces = spaces
            self._restricted = None
            self._idf_cache.clear()  # shared with the subsearchers

    def _r(self) -> _Restricted | None:
        if not self._restricted_spaces and not self._deletions:
            return None
        if self._restricted is None:
            self._restricted = _Restricted(self, self._restricted_spaces)
        return self._restricted if self._restricted.count else None

    def _term_in_r(self, fieldname: str, text, weights: bool = False) -> float:
        restricted = self._r()
        if restricted is None or fieldname not in self.schema:
            return 0
        if isinstance(text, str):
            text = self.schema[fieldname].to_bytes(text)
        return restricted.term(fieldname, text, weights)

    def doc_frequency(self, fieldname, text):
        frequency = self.ixreader.doc_frequency(fieldname, text)
        return frequency - self._term_in_r(fieldname, text) if frequency else 0

    def frequency(self, fieldname, text):
        frequency = self.ixreader.frequency(fieldname, text)
        return frequency - self._term_in_r(fieldname, text, weights=True) if frequency else 0

    def scored_doc_count(self) -> int:
        """How many documents the statistics count: live documents outside restricted spaces. (Whoosh's
        ``doc_count_all()``, which its matchers use to size document sets, is left as it is.)"""
        if self.parent is not None:
            return self.get_parent().scored_doc_count()
        restricted = self._r()
        return self._doccount - (restricted.count if restricted else 0)

    def field_length(self, fieldname):
        if self.parent is not None:
            return self.get_parent().field_length(fieldname)
        total = self._field_sums.get(fieldname)
        if total is None:
            total = self._field_sums[fieldname] = sum(
                _segment_length(reader, fieldname) for reader, _ in self.ixreader.leaf_readers()
            )
        restricted = self._r()
        return total - restricted.length(fieldname) if restricted else total

    def avg_field_length(self, fieldname, default=None):
        if self.parent is not None:
            return super().avg_field_length(fieldname, default)
        if not self.schema[fieldname].scorable:
            return default
        return self.field_length(fieldname) / (self.scored_doc_count() or 1)


class PublicBM25F(BM25F):
    """Whoosh's BM25F, its idf over the documents the statistics count (``scored_doc_count``)."""

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        return log(scored_doc_count(parent) / (parent.doc_frequency(fieldname, text) + 1)) + 1


def scored_doc_count(searcher) -> int:
    """The number of documents an idf divides: ``searcher.scored_doc_count()``, or Whoosh's count for a
    searcher of another class; at least 1 (a term of deleted documents only is still looked up)."""
    counted = getattr(searcher, "scored_doc_count", None)
    return max(1, counted() if counted is not None else searcher.doc_count_all())


def open_searcher(ix) -> PublicStatsSearcher:
    """A searcher over ``ix`` whose statistics can leave restricted spaces out (as ``Index.searcher()``)."""
    return PublicStatsSearcher(ix.reader(), fromindex=ix, weighting=PublicBM25F())


def with_public_statistics(searcher):
    """``searcher``, its statistics leaving out the spaces restricted now (a searcher of another class, or no
    application to ask, as it is)."""
    if isinstance(searcher, PublicStatsSearcher) and has_app_context():
        from ..spaces.queries import restricted_space_ids  # spaces' models import the app's areas

        searcher.restrict_statistics(restricted_space_ids())
    return searcher
