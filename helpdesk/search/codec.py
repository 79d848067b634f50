"""The index's on-disk format: Whoosh's W3 codec with two costs of writing a segment removed.

Same postings, same statistics, same scores; only how a segment is written changes:

- Short posting lists (a word in a few documents: most words of an index) are kept inside the term's entry
  ("inlined") instead of in a compressed block of the postings file. W3 was meant to do this, but its
  ``inlinelimit`` path is broken in whoosh-reloaded 2.7.5 (it calls a method that does not exist), so it ships
  with a limit that never inlines. Readers already understand inlined postings (``W3Codec.postings_reader``).
- Writing postings looks up the document's field length once per posting; W3 reads it back from the segment's
  length file each time. Here each field's lengths are read once into a list.

Segments record their codec (pickled by class name), so this class must stay importable under this name.
"""

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3FieldWriter, W3PostingsWriter, _lenfield
from whoosh.util.numeric import byte_to_length

# Posting lists with at most this many documents are inlined into the term index.
INLINE_LIMIT = 16
_MISSING = object()


class IndexCodec(W3Codec):
    def __init__(self, blocklimit=128, compression=3, inlinelimit=INLINE_LIMIT):
        # W3's own inlining (inlinelimit > 1) crashes; the postings writer below does it instead.
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=1)
        self._inline_limit = inlinelimit

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=getattr(self, "_inline_limit", 1),
        )


class _PostingsWriter(W3PostingsWriter):
    def __init__(self, dbfile, blocklimit, byteids=False, compression=3, inlinelimit=1):
        super().__init__(dbfile, blocklimit, byteids=byteids, compression=compression, inlinelimit=1)
        self._inline_limit = inlinelimit

    def finish_postings(self):
        count = len(self)
        if self._byteids or self.written() or not 0 < count <= self._inline_limit:
            return super().finish_postings()
        if len(self._values) not in (0, count):  # values for some postings only: leave it to W3's blocks
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)
        # A format without values (frequency only) still gets one empty value per posting: Whoosh's
        # ListMatcher answers "" (a str) for missing values, which a merge would then refuse to write.
        terminfo.set_inlined(self._ids, self._weights, self._values or [b""] * count)
        self._terminfo = None
        return terminfo


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        super().add_postings(schema, _CachedLengths(lengths) if lengths else None, items)


class _CachedLengths:
    """``doc_field_length`` of a per-document reader, each field's whole length column read once."""

    def __init__(self, reader):
        self._reader = reader
        self._columns: dict = {}

    def _column(self, fieldname: str):
        column = self._columns.get(fieldname, _MISSING)
        if column is _MISSING:
            lengths = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if lengths is None:
                column = None
            else:
                column = [
                    byte_to_length(lbyte) if lbyte else None
                    for lbyte in (lengths[docnum] for docnum in range(self._reader.doc_count_all()))
                ]
            self._columns[fieldname] = column
        return column

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        column = self._column(fieldname)
        if column is None:
            return default
        if docnum < len(column):
            return column[docnum]
        return self._reader.doc_field_length(docnum, fieldname, default)
