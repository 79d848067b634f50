"""Highlights: the words of a stored text that a query matched, wrapped in <mark>, as safe HTML.

A word matches when its neutral form (lower case, accents folded) is a neutral-field term of the query, or
when its stem in the document's language is a term of that language's fields, so "skrivaren" is marked for
a search on "skrivare" in a Swedish document. Text is escaped piece by piece; only the <mark> tags are ours.
"""

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .analysis import LANGUAGES, fold, language_form, tokens
from .schema import PART_BOOSTS, field_language

SNIPPET_CHARS = 240
_LEAD = 50  # characters of context shown before the first highlighted word


@dataclass
class TermMatcher:
    neutral: set[str] = field(default_factory=set)
    by_lang: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_terms(cls, terms) -> "TermMatcher":
        """From a query's ``all_terms()``: ``(fieldname, text)`` pairs."""
        matcher = cls()
        for fieldname, text in terms:
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            lang = field_language(fieldname)
            if lang:
                matcher.by_lang.setdefault(lang, set()).add(text)
            elif fieldname in PART_BOOSTS:
                matcher.neutral.add(text)
        return matcher

    def __bool__(self) -> bool:
        return bool(self.neutral or self.by_lang)

    def matches(self, word: str, lang: str | None) -> bool:
        low = word.lower()
        if fold(low) in self.neutral:
            return True
        stems = self.by_lang.get(lang) if lang in LANGUAGES else None
        return bool(stems) and language_form(low, lang) in stems


def _spans(text: str, matcher: TermMatcher, lang: str | None) -> list[tuple[int, int]]:
    if not matcher or not text:
        return []
    return [(start, end) for word, start, end in tokens(text) if matcher.matches(word, lang)]


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> Markup:
    pieces = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(str(escape(text[position:span_start])))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(str(escape(text[position:end])))
    pieces.append("…" if end < len(text) else "")
    return Markup("".join(pieces))


def highlight_all(text: str, matcher: TermMatcher, lang: str | None) -> tuple[Markup, set[str]]:
    """The whole of ``text`` with matched words marked, and the matched words themselves."""
    spans = _spans(text, matcher, lang)
    return _render(text, spans, 0, len(text)), {text[a:b] for a, b in spans}


def _best_window(text: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    if len(text) <= size:
        return 0, len(text)
    best_start, best_count = 0, -1
    for span_start, _ in spans or [(0, 0)]:
        start = max(0, span_start - _LEAD)
        count = sum(1 for a, b in spans if a >= start and b <= start + size)
        if count > best_count:
            best_start, best_count = start, count
    start = best_start
    if start > 0:
        space = text.find(" ", start, start + _LEAD)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start + size // 2, end)
        end = space if space != -1 else end
    return start, end


def snippet(texts: list[str], matcher: TermMatcher, lang: str | None, size: int = SNIPPET_CHARS):
    """The best ``size``-character passage among ``texts`` (the one with most matches; else the first).

    Returns ``(Markup, matched words)``.
    """
    best_text, best_spans = "", []
    for text in texts:
        if not text:
            continue
        spans = _spans(text, matcher, lang)
        if not best_text or len(spans) > len(best_spans):
            best_text, best_spans = text, spans
    if not best_text:
        return Markup(""), set()
    flat = " ".join(best_text.split())
    if flat != best_text:
        best_spans = _spans(flat, matcher, lang)
    start, end = _best_window(flat, best_spans, size)
    return _render(flat, best_spans, start, end), {
        flat[a:b] for a, b in best_spans if a >= start and b <= end
    }
