"""One word looked up in several fields and scored once (BM25F), for similar questions.

The index holds each text part twice (language-neutral and stemmed) and a question in several parts (title,
body, answers ...). Whoosh's BM25F scores every field on its own and adds the scores up, so a word found in
four fields counts about four times, and a document holding one of a short question's words everywhere beats
one that holds all of them. ``WordAcrossFields`` adds the word's weighted, length-normalised frequencies over
the fields first and saturates the sum once (BM25F as Robertson and Zaragoza define it): a word counts at most
once, with one inverse document frequency, and the documents holding most of the question's words come first.

similar() uses it for a title asked alone. With a body (20 and more words) it does worse than adding the
fields' scores (bench/quality.py, SemEval rerank MAP 73.67 -> 70.68): there a word found in a thread's title,
body and answers is evidence the thread is about it.
"""

from math import log

from whoosh.matching import Matcher, NullMatcher
from whoosh.query import Term
from whoosh.query.compound import CompoundQuery
from whoosh.reading import TermNotFound

from .scoring_stats import scored_doc_count

K1 = 1.2
B = 0.75


class WordAcrossFields(CompoundQuery):
    """A word in any of ``terms`` (Term queries, one per field; each Term's boost is its field's weight),
    scored ``boost * idf * f * (K1 + 1) / (f + K1)`` where ``f`` sums the fields' length-normalised term
    frequencies times their weights, and ``idf`` is that of the field where the word is commonest."""

    JOINT = " | "

    def __init__(self, terms: list[Term], boost: float = 1.0):
        if not all(isinstance(term, Term) for term in terms):
            raise TypeError("WordAcrossFields takes Term queries")
        super().__init__(list(terms), boost=boost)

    def normalize(self):
        return self

    def apply(self, fn):
        return self.__class__([fn(q) for q in self.subqueries], boost=self.boost)

    def matcher(self, searcher, context=None):
        parent = searcher.get_parent()
        reader = searcher.reader()
        parts, frequency = [], 0
        for term in self.subqueries:
            if term.fieldname not in searcher.schema or not searcher.schema[term.fieldname].scorable:
                continue
            field = searcher.schema[term.fieldname]
            text = field.to_bytes(term.text)
            if (term.fieldname, text) not in reader:
                continue
            frequency = max(frequency, parent.doc_frequency(term.fieldname, text))
            try:
                postings = reader.postings(term.fieldname, text)
            except TermNotFound:
                continue
            if not postings.is_active():
                continue
            average = parent.avg_field_length(term.fieldname) or 1.0
            parts.append(_Part(postings, reader, term.fieldname, term.boost, average))
        if not parts:
            return NullMatcher()
        idf = log(scored_doc_count(parent) / (frequency + 1)) + 1
        return _WordMatcher(parts, self.boost * idf)


class _Part:
    __slots__ = ("postings", "reader", "fieldname", "weight", "average")

    def __init__(self, postings, reader, fieldname: str, weight: float, average: float):
        self.postings, self.reader, self.fieldname = postings, reader, fieldname
        self.weight, self.average = weight, average

    def copy(self):
        return _Part(self.postings.copy(), self.reader, self.fieldname, self.weight, self.average)

    def frequency(self) -> float:
        """This field's weighted, length-normalised term frequency in the current document."""
        length = self.reader.doc_field_length(self.postings.id(), self.fieldname, 1)
        return self.weight * self.postings.weight() / ((1 - B) + B * length / self.average)


class _WordMatcher(Matcher):
    """The union of one word's postings in several fields, each document scored once."""

    def __init__(self, parts: list[_Part], scale: float):
        self._parts = parts
        self._scale = scale

    def _active(self):
        return [part for part in self._parts if part.postings.is_active()]

    def is_active(self):
        return any(part.postings.is_active() for part in self._parts)

    def id(self):
        return min(part.postings.id() for part in self._active())

    def next(self):
        current = self.id()
        for part in self._active():
            if part.postings.id() == current:
                part.postings.next()
        return False

    def skip_to(self, target):
        for part in self._active():
            if part.postings.id() < target:
                part.postings.skip_to(target)
        return False

    def _current(self):
        current = self.id()
        return [part for part in self._active() if part.postings.id() == current]

    def weight(self):
        return sum(part.postings.weight() for part in self._current())

    def score(self):
        frequency = sum(part.frequency() for part in self._current())
        return self._scale * frequency * (K1 + 1) / (frequency + K1)

    def supports(self, astype):
        return False

    def supports_block_quality(self):
        return False

    def max_quality(self):
        return self._scale * (K1 + 1)

    def copy(self):
        return _WordMatcher([part.copy() for part in self._parts], self._scale)

    def replace(self, minquality=0):
        if not self.is_active():
            return NullMatcher()
        return self

    def children(self):
        return [part.postings for part in self._parts]

    def depth(self):
        return 1
