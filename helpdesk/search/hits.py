"""One search result as the pages, the API and the ask form show it, built from stored fields only."""

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

from .highlight import TermMatcher, highlight_all, snippet


@dataclass
class Hit:
    """A question thread or a wiki page that matched.

    Link with ``url_for("forum.question", question_id=hit.id)`` when ``kind == "question"`` and
    ``url_for("wiki.page", path=hit.path)`` when ``kind == "page"``.
    """

    doc_id: str  # "question:12" / "page:5"
    kind: str  # "question" or "page"
    id: int  # Question.id or Page.id
    title: str
    title_html: Markup  # the title, escaped, with matched words in <mark>
    snippet_html: Markup  # a passage of the body (or accepted answer), escaped, matched words in <mark>
    score: float  # relevance (0.0 when sorted by date)
    path: str | None = None  # pages only
    external_id: str | None = None
    lang: str = ""
    space: str = ""
    tags: list[str] = field(default_factory=list)
    solved: bool = False  # questions: an answer is accepted
    closed: bool = False  # questions: closed (e.g. as a duplicate)
    duplicate_of: int | None = None  # questions: the id of the question this one duplicates
    votes: int = 0
    answer_count: int = 0
    created: datetime | None = None
    updated: datetime | None = None
    matched: list[str] = field(
        default_factory=list
    )  # the document's words that matched, for "why this result"


def make_hit(stored: dict, score: float, matcher: TermMatcher) -> Hit:
    lang = stored.get("lang") or None
    title = stored.get("title") or ""
    title_html, title_words = highlight_all(title, matcher, lang)
    snippet_html, snippet_words = snippet(
        [stored.get("summary", ""), stored.get("accepted_summary", "")], matcher, lang
    )
    matched = sorted({w.lower() for w in title_words | snippet_words})
    return Hit(
        doc_id=stored["id"],
        kind=stored["kind"],
        id=int(stored["obj_id"]),
        title=title,
        title_html=title_html,
        snippet_html=snippet_html,
        score=float(score or 0.0),
        path=stored.get("path") or None,
        external_id=stored.get("external_id") or None,
        lang=stored.get("lang") or "",
        space=stored.get("space") or "",
        tags=[t for t in (stored.get("tags") or "").split(",") if t],
        solved=bool(stored.get("solved")),
        closed=bool(stored.get("closed")),
        duplicate_of=stored.get("duplicate_of"),
        votes=int(stored.get("votes") or 0),
        answer_count=int(stored.get("answer_count") or 0),
        created=stored.get("created"),
        updated=stored.get("updated"),
        matched=matched,
    )
