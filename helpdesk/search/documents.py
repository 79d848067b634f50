"""Rows -> index documents, always rebuilt whole from the current rows, so applying twice is harmless.

``load_documents(session, doc_ids)`` answers ``{doc_id: fields or None}``: None means the row is gone and the
document must be deleted. ``iter_documents(session)`` streams every document, for a rebuild.
"""

import re
from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..forum.models import Question
from ..utils import parse_id
from ..wiki.models import Page
from .analysis import LANGUAGES
from .schema import LANGUAGE_PARTS, language_field

SUMMARY_CHARS = 1000
SPELL_CHARS = 3000
# The start of a body says what it is about: its letter pieces find as much as those of the first 2,000
# characters, 500 find less (bench/quality.py).
GRAM_CHARS = 1000
# A thread with hundreds of answers should not become a megabyte document; the first answers count most.
MAX_ANSWER_CHARS = 60_000
BATCH = 500

_FENCE = re.compile(r"^\s*(```|~~~)[^\n]*$", re.M)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_WIKILINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LINE_MARK = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+|\|)", re.M)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`+|~~)")
_TABLE_RULE = re.compile(r"^[\s|:-]+$", re.M)
_BLANKS = re.compile(r"[ \t]+")


def plain_text(markdown_text: str | None) -> str:
    """Markdown source -> plain text for indexing and summaries (code is kept: error codes matter)."""
    text = markdown_text or ""
    text = _FENCE.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _TABLE_RULE.sub("", text)
    text = _LINE_MARK.sub("", text)
    text = _EMPHASIS.sub("", text).replace("|", " ")
    return "\n".join(_BLANKS.sub(" ", line).strip() for line in text.splitlines() if line.strip())


def _spell_text(*parts: str) -> str:
    """The words "did you mean" draws on: titles and the start of bodies, where words are spelt best."""
    return "\n".join(part[:SPELL_CHARS] for part in parts)


def _gram_text(title: str, body: str) -> str:
    """What the ``grams`` field cuts into letter pieces: the title and the start of the body."""
    return f"{title}\n{body[:GRAM_CHARS]}"


def _summary(text: str) -> str:
    return text[:SUMMARY_CHARS]


def _add_text(doc: dict, part: str, text: str, lang: str | None) -> None:
    if not text:
        return
    doc[part] = text
    if lang and part in LANGUAGE_PARTS:
        doc[language_field(part, lang)] = text


def _words(value: str) -> str:
    return re.sub(r"[/_.-]+", " ", value)


def doc_id(item: Question | Page) -> str:
    """The document id of a thread or page: "question:12", "page:3" (read back with ``parse_doc_id``)."""
    return f"{'question' if isinstance(item, Question) else 'page'}:{item.id}"


def question_document(question: Question) -> dict:
    lang = question.lang if question.lang in LANGUAGES else None
    accepted = question.accepted_answer
    body = plain_text(question.body)
    accepted_text = plain_text(accepted.body) if accepted else ""
    others = "\n\n".join(plain_text(a.body) for a in question.answers if a is not accepted)[:MAX_ANSWER_CHARS]
    tags = [tag.name for tag in question.tags]
    doc = {
        "id": doc_id(question),
        "kind": "question",
        "obj_id": question.id,
        "external_id": question.external_id or "",
        "space": str(question.space_id),
        "lang": question.lang or "",
        "tags": ",".join(tags),
        "solved": bool(question.is_solved or accepted is not None),
        "closed": question.closed_at is not None,
        "duplicate_of": question.duplicate_of_id,
        "votes": question.score or 0,
        "answer_count": len(question.answers),
        "created": question.created_at,
        "updated": max(d for d in (question.updated_at, question.activity_at, question.created_at) if d),
        "summary": _summary(body),
        "accepted_summary": _summary(accepted_text),
        "spell": _spell_text(question.title, body, accepted_text),
        "grams": _gram_text(question.title, body),
    }
    _add_text(doc, "title", question.title, lang)
    _add_text(doc, "body", body, lang)
    _add_text(doc, "accepted", accepted_text, lang)
    _add_text(doc, "answers", others, lang)
    _add_text(doc, "extra", _words(" ".join(tags)), lang)
    return doc


def page_document(page: Page) -> dict:
    lang = page.lang if page.lang in LANGUAGES else None
    body = plain_text(page.body)
    tags = [tag.name for tag in page.tags]
    doc = {
        "id": doc_id(page),
        "kind": "page",
        "obj_id": page.id,
        "external_id": page.external_id or "",
        "space": str(page.space_id),
        "lang": page.lang or "",
        "tags": ",".join(tags),
        "path": page.path,
        "solved": False,
        "closed": False,
        "votes": 0,
        "answer_count": 0,
        "created": page.created_at,
        "updated": page.updated_at or page.created_at,
        "summary": _summary(body),
        "accepted_summary": "",
        "spell": _spell_text(page.title, body),
        "grams": _gram_text(page.title, body),
    }
    _add_text(doc, "title", page.title, lang)
    _add_text(doc, "body", body, lang)
    _add_text(doc, "extra", _words(" ".join(tags + [page.path])), lang)
    return doc


def parse_doc_id(doc_id: str) -> tuple[str, int] | None:
    """``"question:12"`` -> ``("question", 12)``; None for anything else (also "question:012", a number no row
    can have, or something that is not text). The one reader of document ids: the search log, the ask form's
    funnel and the index all use it."""
    if not isinstance(doc_id, str):
        return None
    kind, _, number = doc_id.partition(":")
    parsed = parse_id(number)
    if kind not in ("question", "page") or parsed is None or str(parsed) != number:
        return None
    return kind, parsed


def _questions(session: Session, ids: Iterable[int]) -> Iterator[Question]:
    stmt = (
        select(Question)
        .where(Question.id.in_(list(ids)))
        .options(selectinload(Question.answers), selectinload(Question.tags))
    )
    yield from session.scalars(stmt)


def _pages(session: Session, ids: Iterable[int]) -> Iterator[Page]:
    yield from session.scalars(select(Page).where(Page.id.in_(list(ids))).options(selectinload(Page.tags)))


def load_documents(session: Session, doc_ids: Iterable[str]) -> dict[str, dict | None]:
    """The current document for each id, or None where the row no longer exists (or the id is unknown)."""
    wanted: dict[str, list[int]] = {"question": [], "page": []}
    result: dict[str, dict | None] = {}
    for doc_id in doc_ids:
        result[doc_id] = None
        parsed = parse_doc_id(doc_id)
        if parsed:
            wanted[parsed[0]].append(parsed[1])
    for start in range(0, len(wanted["question"]), BATCH):
        for question in _questions(session, wanted["question"][start : start + BATCH]):
            result[f"question:{question.id}"] = question_document(question)
    for start in range(0, len(wanted["page"]), BATCH):
        for page in _pages(session, wanted["page"][start : start + BATCH]):
            result[f"page:{page.id}"] = page_document(page)
    return result


def iter_documents(session: Session) -> Iterator[dict]:
    """Every question thread and wiki page as a document, read in batches by id."""
    for model, load, make in ((Question, _questions, question_document), (Page, _pages, page_document)):
        last_id = 0
        while True:
            ids = list(
                session.scalars(select(model.id).where(model.id > last_id).order_by(model.id).limit(BATCH))
            )
            if not ids:
                break
            for row in load(session, ids):
                yield make(row)
            last_id = ids[-1]
            session.rollback()  # no transaction held open across a long rebuild
            session.expunge_all()
