"""Analysers: how text becomes index terms, per language and language-neutral.

Each document is indexed twice: once in its own language's fields (lower case, that language's stop words,
its Snowball stemmer, then accents folded: "Skrivaren" -> "skriv") and once in language-neutral fields (lower
case, English and Swedish stop words, accents folded, no stemming: "Skrivaren" -> "skrivaren"). A query is run
through every field's analyser, so a word finds documents of any language, and stemmed matches in the
document's own language. Stemming comes before accent folding because the Swedish, German and Nordic stemmers
rely on å, ä, ö and ü. The ``grams`` analyser cuts the neutral words into pieces of four and five letters,
for similar questions only ("sjukvården" holds "vard"). The ``spell`` analyser keeps words as written (lower
case, accents kept): it is the vocabulary for "did you mean".
"""

import re
import threading
from collections import Counter, defaultdict
from functools import cache, lru_cache
from itertools import pairwise
from pickle import dumps

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint

# Languages with their own stemmed fields. A document in another language is indexed language-neutrally only.
LANGUAGES = ("en", "sv", "da", "no", "fi", "de")
# Stop words dropped from the neutral fields and from queries: the languages most people here write in.
NEUTRAL_STOP_LANGUAGES = ("en", "sv")
# Longer "words" are base64 blobs, hashes or paste accidents; they never help a search.
MAX_TERM_LENGTH = 60
# Letters per piece in the ``grams`` field (shortest, longest).
GRAM_SIZES = (4, 5)


@cache
def neutral_stopwords() -> frozenset[str]:
    words: set[str] = set()
    for lang in NEUTRAL_STOP_LANGUAGES:
        words |= set(stopwords_for_language(lang))
    return frozenset(words)


def fold(text: str) -> str:
    """Lower case without accents: ``"Försäkring"`` -> ``"forsakring"``."""
    return text.lower().translate(accent_map)


@cache
def language_stopwords(lang: str) -> frozenset[str]:
    return frozenset(stopwords_for_language(lang))


def neutral_analyzer():
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=neutral_stopwords(), minsize=1, maxsize=MAX_TERM_LENGTH)
        | CharsetFilter(accent_map)
    )


def language_analyzer(lang: str):
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=language_stopwords(lang), minsize=1, maxsize=MAX_TERM_LENGTH)
        | StemFilter(lang=lang)
        | CharsetFilter(accent_map)
    )


def gram_analyzer():
    """Neutral words cut into pieces of ``GRAM_SIZES`` letters, so that a word finds its compounds and
    derived forms ("vård" -> "sjukvården", "vaccinering" -> "vaccination"). A query keeps only the longest
    pieces (a word shorter than the longest piece is one piece)."""
    return neutral_analyzer() | NgramFilter(*GRAM_SIZES)


def spell_analyzer():
    return (
        RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=neutral_stopwords(), minsize=3, maxsize=30)
    )


@cache
def stemmer(lang: str):
    return stemmer_for_language(lang)


@lru_cache(maxsize=50_000)
def language_form(word: str, lang: str) -> str:
    """The term ``word`` (one lower-cased token) becomes in ``lang``'s fields."""
    return fold(stemmer(lang)(word.lower()))


_TOKENIZER = RegexTokenizer()


def tokens(text: str):
    """``(word, start, end)`` for each word of ``text``, as every analyser here splits it."""
    for token in _TOKENIZER(text, chars=True):
        yield token.text, token.startchar, token.endchar


# Indexing without Whoosh's token pipeline -------------------------------------------------------------------
#
# The analysers above run word by word through a chain of Python generators, once per field: a document's body
# was split into words four times (body, body_<lang>, spell, grams) and every word went through each filter.
# ``index_terms`` gives each field's terms in one go from a text split once (cached for the few texts of the
# document being indexed), with the same terms, frequencies and positions as the analysers: a test compares
# the two on real texts. Queries keep using the analysers (``field.process_text``).

# RegexTokenizer's default pattern, without its capturing group, so that ``findall`` returns whole words.
_WORD = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*")
_CACHE_LIMIT = 200_000
_local = threading.local()


def _lowered_words(text: str) -> list[str]:
    """``text``'s words, lower-cased; the last few texts' words are kept (a part fills two or more fields)."""
    recent = getattr(_local, "recent", None)
    if recent is None:
        recent = _local.recent = {}
    entry = recent.get(id(text))
    if entry is not None and entry[0] is text:
        return entry[1]
    words = [word.lower() for word in _WORD.findall(text)]
    if len(recent) >= 8:
        recent.clear()
    recent[id(text)] = (text, words)
    return words


_folded: dict[str, str] = {}


def _fold_word(word: str) -> str:
    """``word`` (lower case already) without accents, as ``CharsetFilter(accent_map)`` makes it."""
    folded = _folded.get(word)
    if folded is None:
        if len(_folded) > _CACHE_LIMIT:
            _folded.clear()
        folded = _folded[word] = word.translate(accent_map)
    return folded


_stemmed: dict[str, dict[str, str]] = {}


def _stem_fold(word: str, lang: str) -> str:
    """``StemFilter(lang=lang) | CharsetFilter(accent_map)`` of one lower-cased word."""
    forms = _stemmed.get(lang)
    if forms is None:
        forms = _stemmed[lang] = {}
    form = forms.get(word)
    if form is None:
        if len(forms) > _CACHE_LIMIT:
            forms.clear()
        form = forms[word] = _fold_word(stemmer(lang)(word))
    return form


@lru_cache(maxsize=100_000)
def _grams(term: str) -> tuple[str, ...]:
    """``NgramFilter(*GRAM_SIZES)`` of one word, in index mode: every piece of every size, left to right."""
    low, high = GRAM_SIZES
    return tuple(
        term[start : start + size]
        for start in range(len(term) - low + 1)
        for size in range(low, high + 1)
        if start + size <= len(term)
    )


def _neutral_positions(words: list[str]) -> dict[str, list[int]]:
    stops = neutral_stopwords()
    kept = [word for word in words if len(word) <= MAX_TERM_LENGTH and word not in stops]
    if not kept:
        return {}
    # StopFilter renumbers: the first word kept keeps its position, the next ones follow it without gaps.
    first = next(i for i, word in enumerate(words) if len(word) <= MAX_TERM_LENGTH and word not in stops)
    positions: dict[str, list[int]] = {}
    for offset, word in enumerate(kept, start=first):
        term = _folded.get(word) or _fold_word(word)
        found = positions.get(term)
        if found is None:
            positions[term] = [offset]
        else:
            found.append(offset)
    return positions


def _frequencies(words: list[str], analysis: str, lang: str | None) -> dict[str, int]:
    counts = Counter(words)
    freqs: dict[str, int] = defaultdict(int)
    if analysis == "language":
        stops = language_stopwords(lang)
        for word, count in counts.items():
            if len(word) <= MAX_TERM_LENGTH and word not in stops:
                freqs[_stem_fold(word, lang)] += count
    elif analysis == "spell":
        stops = neutral_stopwords()
        for word, count in counts.items():
            if 3 <= len(word) <= 30 and word not in stops:
                freqs[word] += count
    elif analysis == "grams":
        stops = neutral_stopwords()
        for word, count in counts.items():
            if len(word) <= MAX_TERM_LENGTH and word not in stops:
                for gram in _grams(_fold_word(word)):
                    freqs[gram] += count
    else:
        raise ValueError(analysis)
    return freqs


def index_terms(text: str, analysis: str, lang: str | None, field_format):
    """``(term bytes, frequency, weight, encoded value)`` for each distinct term of ``text``, as the field's
    analyser and Whoosh's ``Format.word_values`` give them. ``analysis``: "neutral" (with positions),
    "language" (stemmed in ``lang``), "spell" or "grams"."""
    boost = field_format.field_boost
    words = _lowered_words(text)
    if analysis == "neutral":
        return [
            (term.encode("utf-8"), len(positions), len(positions) * boost, _encode_positions(positions))
            for term, positions in _neutral_positions(words).items()
        ]
    return [
        (term.encode("utf-8"), freq, float(freq) * boost, pack_uint(freq))
        for term, freq in _frequencies(words, analysis, lang).items()
    ]


def _encode_positions(positions: list[int]) -> bytes:
    """``whoosh.formats.Positions.encode``: the count, then the pickled gaps between positions."""
    if len(positions) == 1:
        return pack_uint(1) + dumps(positions, 2)
    return pack_uint(len(positions)) + dumps([b - a for a, b in pairwise([0, *positions])], 2)
