"""The search page: threads and wiki pages in one list, with filters, facets, "did you mean" and pages.

``GET /search?q=&kind=&tag=&lang=&sort=relevance|date&page=``. A query the engine cannot run (too few letters,
an unknown ``kind:``, a page past the last one shown) still gets the page, with its message and the query as
typed, answered with HTTP 400.
"""

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask_login import current_user

from .. import permissions
from ..errors import UserError
from .query import search as run_search
from .widgets import hit_url

bp = Blueprint("search", __name__)

# The filters a search page keeps in its address, besides ``q`` and ``page``.
FILTERS = ("kind", "tag", "lang", "sort")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["hit_url"] = hit_url


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
    page = {"q": q, "filters": filters, "results": None, "error": None}
    if not q.strip():
        return render_template("search/search.html", **page)
    try:
        page["results"] = run_search(
            q,
            visible_spaces=permissions.visible_space_ids(current_user),
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
    return render_template("search/search.html", **page)
