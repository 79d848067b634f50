"""The search box's little language, parsed by hand so that no input can reach Whoosh's own query parser.

Understood: words; ``"quoted phrases"`` (an unclosed quote runs to the end); ``-word`` and ``-"phrase"`` to
exclude; ``tag:vpn``, ``is:solved``, ``is:unsolved``, ``kind:question``, ``kind:page``, ``lang:sv`` (each may
be negated: ``-tag:printer``). Nothing else is an operator: ``AND``/``OR``/``NOT``, brackets, ``*`` and other
punctuation are ignored, and ``other:field`` is read as the two words. The text is cleaned of control
characters and cut to ``MAX_QUERY_CHARS`` before parsing (parse time grows with token length), and a query
must hold at least ``MIN_LITERAL_CHARS`` letters or digits (or name a tag), else ``UserError``.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from flask_babel import gettext as _

from ..errors import UserError
from ..tags import normalize_tag
from ..utils import clean_line
from .analysis import LANGUAGES

MAX_QUERY_CHARS = 300
MAX_WORDS = 24
MIN_LITERAL_CHARS = 2
FIELDS = ("tag", "is", "kind", "lang")
KIND_NAMES = {
    "question": "question",
    "questions": "question",
    "page": "page",
    "pages": "page",
    "wiki": "page",
}
_IGNORED_WORDS = {"AND", "OR", "NOT"}
_TOKEN = re.compile(
    r"""(?P<neg>-)?(?:
        (?P<field>[^\W\d_]+):(?:"(?P<fphrase>[^"]*)"?|(?P<fvalue>[^\s"]*))
      | "(?P<phrase>[^"]*)"?
      | (?P<word>[^\s"]+)
    )""",
    re.X,
)
_NOT_LITERAL = re.compile(r"[^\w]+|_+")


@dataclass
class ParsedQuery:
    """What a query string asks for. ``parts`` keeps the query's own spelling, for "did you mean"."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    excluded_tags: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    excluded_kinds: set[str] = field(default_factory=set)
    langs: set[str] = field(default_factory=set)
    excluded_langs: set[str] = field(default_factory=set)
    solved: bool | None = None
    truncated: bool = False
    text: str = ""
    # ("word", index into words) or ("raw", text): the query again, so one word can be swapped for another.
    parts: list[tuple[str, str | int]] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases)

    def with_words(self, replacements: dict[int, str]) -> str:
        """The query string with ``words[i]`` replaced by ``replacements[i]``."""
        out = []
        for kind, value in self.parts:
            out.append(replacements.get(value, self.words[value]) if kind == "word" else value)
        return " ".join(out)


def _literal(text: str) -> str:
    return _NOT_LITERAL.sub("", text)


def content_languages() -> set[str]:
    if has_app_context():
        return set(current_app.config.get("CONTENT_LANGUAGES") or LANGUAGES)
    return set(LANGUAGES)


def _cut(text: str) -> tuple[str, bool]:
    if len(text) <= MAX_QUERY_CHARS:
        return text, False
    cut = text[:MAX_QUERY_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_QUERY_CHARS // 2 else cut).strip(), True


def parse_query(text: str | None) -> ParsedQuery:
    """Parse what someone typed. Raises UserError (with a message to show) for a query that cannot be run."""
    text = unicodedata.normalize("NFKC", clean_line(text or ""))
    text, truncated = _cut(text)
    parsed = ParsedQuery(truncated=truncated, text=text)
    for match in _TOKEN.finditer(text):
        if len(parsed.words) + len(parsed.phrases) + len(parsed.excluded) >= MAX_WORDS:
            parsed.truncated = True
            break
        negated = bool(match["neg"])
        name = (match["field"] or "").lower()
        if name in FIELDS:
            _add_filter(
                parsed, name, match["fphrase"] if match["fphrase"] is not None else match["fvalue"], negated
            )
            parsed.parts.append(("raw", match.group(0)))
        elif match["field"]:
            # Not a field people may search: read "space:locked" as the words "space" and "locked".
            _add_words(parsed, f"{match['field']} {match['fphrase'] or match['fvalue'] or ''}", negated)
        elif match["phrase"] is not None:
            phrase = " ".join(match["phrase"].split())
            if _literal(phrase):
                (parsed.excluded if negated else parsed.phrases).append(phrase)
                parsed.parts.append(("raw", f'{"-" if negated else ""}"{phrase}"'))
        else:
            _add_words(parsed, match["word"], negated)
    _check(parsed)
    return parsed


def _add_words(parsed: ParsedQuery, raw: str, negated: bool) -> None:
    for word in raw.split():
        if word in _IGNORED_WORDS:
            continue
        word = word.strip("+*?()[]{}<>!^~=&|\\;,.:'`").replace("*", "").replace("?", "")
        if not _literal(word):
            continue
        if negated:
            parsed.excluded.append(word)
            parsed.parts.append(("raw", f"-{word}"))
        else:
            parsed.parts.append(("word", len(parsed.words)))
            parsed.words.append(word)


def _add_filter(parsed: ParsedQuery, name: str, value: str, negated: bool) -> None:
    value = (value or "").strip()
    if name == "tag":
        tag = normalize_tag(value)
        if tag:
            (parsed.excluded_tags if negated else parsed.tags).append(tag)
    elif name == "is":
        wanted = {"solved": True, "unsolved": False, "open": False}.get(value.lower())
        if wanted is None:
            raise UserError(_("“is:” can be followed by solved or unsolved."), 422)
        parsed.solved = (not wanted) if negated else wanted
    elif name == "kind":
        kind = KIND_NAMES.get(value.lower())
        if kind is None:
            raise UserError(_("“kind:” can be followed by question or page."), 422)
        (parsed.excluded_kinds if negated else parsed.kinds).add(kind)
    elif name == "lang":
        lang = value.lower()
        if lang not in content_languages():
            choices = ", ".join(sorted(content_languages()))
            raise UserError(_("“lang:” can be followed by one of: %(choices)s.", choices=choices), 422)
        (parsed.excluded_langs if negated else parsed.langs).add(lang)


def _check(parsed: ParsedQuery) -> None:
    literal = "".join(_literal(t) for t in parsed.words + parsed.phrases)
    if len(literal) < MIN_LITERAL_CHARS and not parsed.tags:
        raise UserError(
            _(
                "Type at least %(n)d letters or digits to search (a tag like tag:vpn also works).",
                n=MIN_LITERAL_CHARS,
            ),
            422,
        )
