"""The search page: threads and wiki pages in one list, with filters, facets, "did you mean" and pages.

``GET /search?q=&kind=&tag=&lang=&space=&sort=relevance|date&page=``. A query the engine cannot run (too few
letters, an unknown ``kind:``, a page past the last one shown) still gets the page, with its message and the
query as typed, answered with HTTP 400.
"""

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask_login import current_user

from .. import permissions
from ..errors import UserError
from ..insights.log import log_lookup, public_total
from .query import search as run_search
from .widgets import hit_space, hit_url, original_shown, space_for_key, visible_space_by_slug

bp = Blueprint("search", __name__)

# The filters a search page keeps in its address, besides ``q`` and ``page``. ``space`` is a space's address
# (slug); one the reader may not see (or that does not exist) is ignored.
FILTERS = ("kind", "tag", "lang", "sort", "space")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        hit_url=hit_url, hit_space=hit_space, original_shown=original_shown, space_for_key=space_for_key
    )


@bp.context_processor
def search_links():
    def search_url(**changes) -> str:
        """This search's address with ``changes`` applied (None removes a filter); back to the first page."""
        args = {name: request.args.get(name) for name in ("q", *FILTERS)}
        args.update(changes)
        return url_for("search.search", **{name: value for name, value in args.items() if value})

    return {"search_url": search_url}


@bp.get("/search")
def search():
    """Results for ``q`` as the reader may see them; an empty ``q`` shows the search form and its help."""
    q = request.args.get("q", "")
    filters = {name: request.args.get(name, "").strip() for name in FILTERS}
    space = visible_space_by_slug(filters["space"]) if filters["space"] else None
    page = {"q": q, "filters": filters, "space_filter": space, "results": None, "error": None}
    if not q.strip():
        return render_template("search/search.html", **page)
    try:
        page["results"] = run_search(
            q,
            visible_spaces=searched_spaces(space),
            kind=filters["kind"] or None,
            tag=filters["tag"] or None,
            lang=filters["lang"] or None,
            sort=filters["sort"] or "relevance",
            page=request.args.get("page") or 1,
            per_page=current_app.config["ITEMS_PER_PAGE"],
        )
    except UserError as error:
        page["error"] = error.message
        return render_template("search/search.html", **page), 400
    html = render_template("search/search.html", **page)
    log_lookup("search", q, public_total(page["results"]), filters["space"], space)
    return html


def searched_spaces(space=None):
    """The space ids a search covers: what the reader may see, or only ``space`` (one they may see)."""
    return permissions.visible_space_ids(current_user) if space is None else frozenset({space.id})
