"""The JSON API, version 1: search, and the threads and pages like a question being typed. Read-only.

``GET /api/v1/search?q=&kind=&tag=&lang=&space=&page=&per_page=`` (``space``: a space's address) and
``GET /api/v1/similar?title=&body=&limit=&space=`` (``space``: where the question is being written; it
only decides whether the lookup is logged, see ``helpdesk.insights.log``) both answer ``{"total": N,
"results": [{"kind", "id", "external_id", "title", "url", "snippet", "score", "solved", "lang", "space"},
...]}``: ``url`` is the path of the thread or page, ``snippet`` HTML (escaped text with ``<mark>`` around
matched words), ``external_id`` the id a record was imported with (else null), ``space`` the name of the
space it is in. Any bad parameter answers 400 with ``{"error": "..."}``. Results are limited by
``visible_space_ids(current_user)``, exactly as on the search page; a ``space`` the reader may not see is
ignored like one that does not exist. Only GET routes: CSRF protection does not apply to them.
"""

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..errors import UserError
from ..insights.log import log_lookup, public_hits, public_total
from ..search import search, similar
from ..search.hits import Hit
from ..search.parser import MAX_QUERY_CHARS
from ..search.query import MAX_PER_PAGE
from ..search.suggest import MAX_BODY_CHARS, MAX_LIMIT, MAX_TITLE_CHARS
from ..search.views import searched_spaces
from ..search.widgets import hit_space, hit_url, visible_space_by_slug

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_SIMILAR_LIMIT = 5
# Longer than any page number or count anyone means; int() of thousands of digits is slow, then refused.
_MAX_DIGITS = 9


def hit_json(hit: Hit) -> dict:
    return {
        "kind": hit.kind,
        "id": hit.id,
        "external_id": hit.external_id,
        "title": hit.title,
        "url": hit_url(hit),
        "snippet": str(hit.snippet_html),
        "score": round(float(hit.score), 4),
        "solved": bool(hit.solved),
        "lang": hit.lang or "",
        "space": getattr(hit_space(hit), "name", None),
    }


def _results(hits: list[Hit], total: int):
    return jsonify({"total": total, "results": [hit_json(hit) for hit in hits]})


def _count(name: str, default: int, highest: int | None = None) -> int:
    """A whole-number parameter from 1 (to ``highest``); UserError (400) for anything else."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= _MAX_DIGITS else 0
    if highest is None and number < 1:
        raise UserError(_("“%(name)s” must be a whole number, 1 or more.", name=name), 400)
    if highest is not None and not 1 <= number <= highest:
        raise UserError(
            _("“%(name)s” must be a whole number from 1 to %(highest)d.", name=name, highest=highest), 400
        )
    return number


def _text(name: str, longest: int, required: bool = False) -> str:
    value = request.args.get(name, "")
    if required and not value.strip():
        raise UserError(_("The parameter “%(name)s” is missing or empty.", name=name), 400)
    if len(value) > longest:
        raise UserError(
            _("“%(name)s” is too long: at most %(longest)d characters.", name=name, longest=longest), 400
        )
    return value


@bp.get("/search")
def search_endpoint():
    """Threads and wiki pages matching ``q`` (the search box's syntax), best first, one page at a time."""
    q = _text("q", MAX_QUERY_CHARS, required=True)
    kind = _text("kind", 20).strip()
    tag = _text("tag", current_app.config["MAX_TAG_LENGTH"]).strip()
    lang = _text("lang", 20).strip()
    per_page = _count("per_page", current_app.config["ITEMS_PER_PAGE"], MAX_PER_PAGE)
    page = _count("page", 1)
    space_asked = _text("space", 64).strip() or None
    space = visible_space_by_slug(space_asked)
    try:
        results = search(
            q,
            visible_spaces=searched_spaces(space),
            kind=kind or None,
            tag=tag or None,
            lang=lang or None,
            page=page,
            per_page=per_page,
        )
    except UserError as error:
        raise UserError(error.message, 400) from error
    log_lookup("search", q, public_total(results), space_asked, space)
    return _results(results.hits, results.total)


@bp.get("/similar")
def similar_endpoint():
    """Threads and pages most like a question with this ``title`` (and ``body``): what the ask form shows."""
    title = _text("title", MAX_TITLE_CHARS, required=True)
    body = _text("body", MAX_BODY_CHARS)
    limit = _count("limit", DEFAULT_SIMILAR_LIMIT, MAX_LIMIT)
    # ``space``: where the question is being written (the ask form sends it); it only decides logging.
    space_asked = _text("space", 64).strip() or None
    hits = similar(title, body, visible_spaces=permissions.visible_space_ids(current_user), limit=limit)
    log_lookup("similar", title, public_hits(hits), space_asked, visible_space_by_slug(space_asked))
    return _results(hits, len(hits))
