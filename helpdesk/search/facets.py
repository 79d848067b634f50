"""Facet counts (kind, tag, lang, space) over a set of matched document numbers.

Whoosh's overlapping facets re-read every tag's postings on every search. Instead each segment's values are
read once (segments never change, only their deletions do, and deleted documents never match) and kept
while the segment lives; a searcher's view is the segments' lists laid end to end.
"""

import threading
import weakref
from collections import Counter, OrderedDict
from itertools import chain
from typing import NamedTuple

FACET_FIELDS = ("kind", "tags", "lang", "space")
# The name a facet has in SearchResults.facets.
FACET_NAMES = {"kind": "kind", "tags": "tag", "lang": "lang", "space": "space"}
MAX_TAG_VALUES = 20
_MAX_SEGMENTS = 512

_segments: OrderedDict = OrderedDict()
_segments_lock = threading.Lock()
_views: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class FacetValue(NamedTuple):
    value: str
    count: int


def _segment_values(reader) -> dict[str, list]:
    segment = reader.segment() if reader.is_atomic() else None
    if segment is None:  # an empty index
        return {name: [] for name in FACET_FIELDS}
    key = segment.segment_id()
    with _segments_lock:
        cached = _segments.get(key)
        if cached is not None:
            _segments.move_to_end(key)
            return cached
    size = reader.doc_count_all()
    values: dict[str, list] = {}
    for fieldname in FACET_FIELDS:
        per_doc: list = [() for _ in range(size)] if fieldname == "tags" else [None] * size
        if fieldname in reader.indexed_field_names():
            for btext in reader.lexicon(fieldname):
                text = btext.decode("utf-8")
                for docnum in reader.postings(fieldname, btext).all_ids():
                    if fieldname == "tags":
                        per_doc[docnum] = (*per_doc[docnum], text)
                    else:
                        per_doc[docnum] = text
        values[fieldname] = per_doc
    with _segments_lock:
        _segments[key] = values
        while len(_segments) > _MAX_SEGMENTS:
            _segments.popitem(last=False)
    return values


def _view(searcher) -> dict[str, list]:
    view = _views.get(searcher)
    if view is None:
        view = {name: [] for name in FACET_FIELDS}
        for reader, offset in searcher.reader().leaf_readers():
            values = _segment_values(reader)
            for name in FACET_FIELDS:
                column = view[name]
                column.extend([() if name == "tags" else None] * (offset - len(column)))
                column.extend(values[name])
        _views[searcher] = view
    return view


def facet_counts(searcher, docnums) -> dict[str, list[FacetValue]]:
    """``{"kind": [...], "tag": [...], "lang": [...], "space": [...]}``, most frequent first, then by name."""
    view = _view(searcher)
    docnums = list(docnums)
    counters = {}
    for name in FACET_FIELDS:
        values = map(view[name].__getitem__, docnums)
        if name == "tags":
            counters[name] = Counter(chain.from_iterable(values))
        else:
            counters[name] = Counter(values)
            counters[name].pop(None, None)
            counters[name].pop("", None)
    result = {}
    for name, counter in counters.items():
        ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        if name == "tags":
            ordered = ordered[:MAX_TAG_VALUES]
        result[FACET_NAMES[name]] = [FacetValue(value, count) for value, count in ordered]
    return result
