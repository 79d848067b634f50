"""The index schema: one document per question thread (``question:12``) and per wiki page (``page:5``).

Text lives in "parts" (title, body, answers, accepted, extra). Each part has a language-neutral field named
after it (``title``; word positions kept, for phrases) and a stemmed field per language for the first four
(``title_sv``, ``title_en`` ...; no positions); a document fills the neutral fields and the fields of its own
language. ``accepted`` holds the accepted answer alone so it can be weighted above the other answers;
``extra`` holds tag words and a page's path words. ``grams`` holds the title and the start of the body cut
into letter pieces, for similar questions only (not for search(): pieces would match too loosely). ``spell``
is the vocabulary for "did you mean". Filters and
facets use the ID fields (kind, space, lang, tags); stored fields carry what a result line shows, including
short summaries, so results never re-read the database.

Bump SCHEMA_VERSION when fields change: the indexer then refuses to write into an older index and asks for
``flask search rebuild``.
"""

from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import (
    LANGUAGES,
    gram_analyzer,
    index_terms,
    language_analyzer,
    neutral_analyzer,
    spell_analyzer,
)

SCHEMA_VERSION = 3  # 3: documents carry their space id (migration 0002)

KINDS = ("question", "page")
# Query-time weight of each text part (BM25F sums the fields a word matches in).
PART_BOOSTS = {"title": 3.0, "accepted": 1.6, "extra": 1.5, "body": 1.0, "answers": 0.6}
LANGUAGE_PARTS = ("title", "body", "answers", "accepted")


def language_field(part: str, lang: str) -> str:
    return f"{part}_{lang}"


def text_fields() -> dict[str, float]:
    """Every field a free-text word is looked up in, with its boost."""
    fields = dict(PART_BOOSTS)
    for part in LANGUAGE_PARTS:
        for lang in LANGUAGES:
            fields[language_field(part, lang)] = PART_BOOSTS[part]
    return fields


def field_language(fieldname: str) -> str | None:
    """``"body_sv"`` -> ``"sv"``; neutral fields -> None."""
    part, _, lang = fieldname.rpartition("_")
    return lang if part in LANGUAGE_PARTS and lang in LANGUAGES else None


class IndexedText(TEXT):
    """A TEXT field that indexes a document's text through ``analysis.index_terms`` (each text split into
    words once for all its fields) instead of its analyser's token pipeline: the same terms, frequencies and
    positions. Its analyser still analyses queries. Segments pickle the schema, so this class must stay
    importable under this name."""

    def __init__(self, analysis: str, lang: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.analysis = analysis
        self.analysis_lang = lang

    def index(self, value, **kwargs):
        if not isinstance(value, str):
            return super().index(value, **kwargs)
        return index_terms(value, self.analysis, self.analysis_lang, self.format)


def build_schema() -> Schema:
    neutral = neutral_analyzer()
    fields = {
        "id": ID(stored=True, unique=True),
        "kind": ID(stored=True),
        "obj_id": STORED(),
        "external_id": ID(stored=True),
        "space": ID(stored=True),
        "lang": ID(stored=True),
        "tags": KEYWORD(stored=True, commas=True, lowercase=True),
        "path": ID(stored=True),
        "solved": BOOLEAN(stored=True),
        "closed": BOOLEAN(stored=True),
        "duplicate_of": STORED(),
        "votes": NUMERIC(int, bits=32, signed=True, stored=True, sortable=True),
        "answer_count": STORED(),
        "created": DATETIME(stored=True, sortable=True),
        "updated": DATETIME(stored=True, sortable=True),
        "summary": STORED(),
        "accepted_summary": STORED(),
        "spell": IndexedText("spell", analyzer=spell_analyzer(), phrase=False),
        # Title and body cut into letter pieces: only similar() looks here, for compounds and derived forms.
        "grams": IndexedText("grams", analyzer=gram_analyzer(), phrase=False),
    }
    for part in PART_BOOSTS:
        fields[part] = IndexedText("neutral", analyzer=neutral, stored=(part == "title"))
    for lang in LANGUAGES:
        analyzer = language_analyzer(lang)
        for part in LANGUAGE_PARTS:
            # No positions: phrases are matched in the neutral fields; this halves the stemmed fields' cost.
            fields[language_field(part, lang)] = IndexedText(
                "language", lang, analyzer=analyzer, phrase=False
            )
    return Schema(**fields)
