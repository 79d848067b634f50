"""``search(text, ...) -> SearchResults``: what the search page and the JSON API call.

Flow: parse (``parser``, never Whoosh's parser) -> documents the user may see (``visible_spaces``) and the
filters asked for, as sets of document numbers -> BM25F over every field the words can be in -> if no document
has every word, the same words combined with a scaled Or (``relaxed``) -> hits of the page asked for, with
highlights from stored text -> facet counts over all matched, visible documents -> "did you mean" when there
are few results or only some of the words matched. Everything runs on a searcher reused between requests,
under ``SEARCH_TIME_LIMIT``. Errors a user can cause raise ``UserError`` with a message to show; nothing else
does.
"""

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from whoosh.query import Or, Term
from whoosh.sorting import FieldFacet

from ..errors import UserError
from ..tags import normalize_tag
from .facets import FacetValue, facet_counts
from .highlight import TermMatcher
from .hits import Hit, make_hit
from .indexer import current_store
from .matching import (
    best,
    docs,
    main_query,
    matched_docs,
    present_fields,
    restrict_to,
    run,
    scored_docs,
    text_query,
    visible_docs,
)
from .parser import ParsedQuery, content_languages, parse_query
from .schema import KINDS
from .spelling import did_you_mean
from .store import searcher_for

SORTS = ("relevance", "date")
MAX_PER_PAGE = 100
# Nobody reads result 1,001; deep pages cost as much as all the pages before them.
MAX_RESULT_WINDOW = 1000
SUGGEST_BELOW = 3


def _empty_facets() -> dict[str, list[FacetValue]]:
    return {"kind": [], "tag": [], "lang": [], "space": []}


@dataclass
class SearchResults:
    """One page of results; ``facets`` and ``total`` cover every matched document the user may see."""

    query: str  # the query as searched (cleaned, perhaps cut: see ``truncated``)
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    # {"kind"|"tag"|"lang"|"space": [FacetValue(value, count), ...]}, most frequent first
    facets: dict[str, list[FacetValue]] = field(default_factory=_empty_facets)
    suggestion: str | None = None  # a corrected query that finds visible documents ("did you mean")
    relaxed: bool = False  # no document had every word: these have some of them
    truncated: bool = False  # the query was longer than the parser takes and was cut
    timed_out: bool = False  # the time limit was reached: results are partial

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, MAX_RESULT_WINDOW) // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


_SOLVED_WORDS = {"true": True, "1": True, "yes": True, "solved": True,
                 "false": False, "0": False, "no": False, "unsolved": False}  # fmt: skip


def _solved(value) -> bool | None:
    """``solved`` as given by a caller: a bool, None, or the text of a URL parameter ("" means not given)."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if not text:
        return None
    if text not in _SOLVED_WORDS:
        raise UserError(_("“solved” can be true or false."), 422)
    return _SOLVED_WORDS[text]


def _validated(kind, lang, sort, page, per_page) -> tuple[int, int]:
    if kind is not None and kind not in KINDS:
        raise UserError(_("Unknown kind of result: choose question or page."), 422)
    if lang is not None and lang not in content_languages():
        raise UserError(_("Unknown language."), 422)
    if sort not in SORTS:
        raise UserError(_("Results can be sorted by relevance or by date."), 422)
    try:
        page, per_page = max(1, int(page)), min(max(1, int(per_page)), MAX_PER_PAGE)
    except (TypeError, ValueError):
        raise UserError(_("The page number must be a whole number."), 422) from None
    if page * per_page > MAX_RESULT_WINDOW + per_page:
        raise UserError(
            _(
                "Only the first %(n)d results can be shown. Add words to narrow the search.",
                n=MAX_RESULT_WINDOW,
            ),
            422,
        )
    return page, per_page


def _allowed(searcher, parsed: ParsedQuery, visible_spaces, kind, tag, lang, solved) -> set[int] | None:
    allowed = visible_docs(searcher, visible_spaces)
    kinds = set(parsed.kinds) | ({kind} if kind else set())
    langs = set(parsed.langs) | ({lang} if lang else set())
    tags = list(parsed.tags) + ([normalize_tag(tag)] if tag and normalize_tag(tag) else [])
    if solved is None:
        solved = parsed.solved
    for values, fieldname in ((kinds, "kind"), (langs, "lang")):
        for value in values:  # two different kinds (or languages) asked for at once: nothing has both
            allowed = restrict_to(allowed, docs(searcher, Term(fieldname, value)))
    for name in tags:
        allowed = restrict_to(allowed, docs(searcher, Term("tags", name)))
    if solved is not None:
        allowed = restrict_to(allowed, docs(searcher, Term("solved", bool(solved))))
    return allowed


def _restricted(searcher, parsed: ParsedQuery) -> set[int]:
    clauses = [
        text_query(searcher, text, present_fields(searcher), phrase=" " in text) for text in parsed.excluded
    ]
    clauses += [Term("tags", name) for name in parsed.excluded_tags]
    clauses += [Term("kind", value) for value in parsed.excluded_kinds]
    clauses += [Term("lang", value) for value in parsed.excluded_langs]
    clauses = [clause for clause in clauses if clause is not None]
    return docs(searcher, Or(clauses)) if clauses else set()


def _visible(matched: set[int], allowed: set[int] | None, restricted: set[int]) -> set[int]:
    if allowed is not None:
        matched &= allowed
    return matched - restricted if restricted else matched


def search(
    text: str,
    *,
    visible_spaces=None,
    kind: str | None = None,
    tag: str | None = None,
    lang: str | None = None,
    solved: bool | str | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
) -> SearchResults:
    """Search questions and wiki pages. ``visible_spaces``: None (no restriction) or the space keys to show.

    ``kind``/``tag``/``lang``/``solved`` narrow the results like ``kind:``, ``tag:``, ``lang:``, ``is:`` in
    the text. Raises UserError for input that cannot be searched (too few letters, an unknown ``kind:`` ...).
    """
    parsed = parse_query(text)
    # An empty form field ("") means "not given".
    kind, tag, lang, sort = kind or None, tag or None, lang or None, sort or "relevance"
    solved = _solved(solved)
    page, per_page = _validated(kind, lang, sort, page, per_page)
    results = SearchResults(
        query=parsed.text, page=page, per_page=per_page, sort=sort, truncated=parsed.truncated
    )
    searcher = searcher_for(current_store())
    if searcher is None:
        return results
    query = main_query(searcher, parsed.words, parsed.phrases)
    if query is None and parsed.has_text and not present_fields(searcher):
        return results  # an index without any text yet
    if query is None and parsed.has_text:
        raise UserError(
            _("Add a more specific word: very common words like “the” or “och” are not searched."), 422
        )
    allowed = _allowed(searcher, parsed, visible_spaces, kind, tag, lang, solved)
    if allowed is not None and not allowed:
        return results
    restricted = _restricted(searcher, parsed)
    by_date = sort == "date" or query is None
    time_limit = current_app.config["SEARCH_TIME_LIMIT"]
    # Scoring every match costs little more than finding it: one pass gives the total, facets and page.
    scores = None if by_date else scored_docs(searcher, query, time_limit)
    found = set(scores) if scores is not None else matched_docs(searcher, query)
    matched = _visible(found, allowed, restricted)
    if not matched and query is not None and len(parsed.words) + len(parsed.phrases) > 1:
        relaxed = main_query(searcher, parsed.words, parsed.phrases, relaxed=True)
        scores = None if by_date else scored_docs(searcher, relaxed, time_limit)
        found = set(scores) if scores is not None else matched_docs(searcher, relaxed)
        matched = _visible(found, allowed, restricted)
        results.relaxed, query = bool(matched), relaxed
    results.total = len(matched)
    timed_out = False
    first = (page - 1) * per_page
    if first < len(matched):
        # Only the documents up to this page are ranked.
        if scores is not None:
            top_n = best(scores, matched, first + per_page)
        else:
            found, timed_out = run(
                searcher,
                query,
                allow=matched,
                restrict=None,
                time_limit=time_limit,
                sortedby=FieldFacet("updated", reverse=True) if by_date else None,
                limit=first + per_page,
            )
            top_n = found.top_n
        matcher = TermMatcher.from_terms(query.all_terms() if query is not None else ())
        for score, docnum in top_n[first:]:
            stored = searcher.stored_fields(docnum)
            results.hits.append(make_hit(stored, 0.0 if by_date else score, matcher))
    results.timed_out = timed_out
    results.facets = facet_counts(searcher, matched)
    if (results.total < SUGGEST_BELOW or results.relaxed) and parsed.words and not timed_out:
        results.suggestion = did_you_mean(searcher, parsed, allowed, restricted)
    return results
