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

from functools import cache, lru_cache

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
        | StopFilter(stoplist=stopwords_for_language(lang), minsize=1, maxsize=MAX_TERM_LENGTH)
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
