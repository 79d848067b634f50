"""The leads' page of searches (``/insights/searches``) and the click-through of search results.

``GET /search/open?doc=question:12&rank=3&q=...`` notes that the visitor opened result 3 of their search for
``q`` and redirects to that thread's or page's own address, built here: never to an address from the request.
A document that does not exist and one the visitor may not see both answer 404.
"""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from .. import permissions
from ..extensions import db
from ..forum.models import Question
from ..search.documents import parse_doc_id
from ..security import require
from ..spaces.models import Space
from ..wiki.models import Page
from . import queries
from .log import log_open
from .services import KINDS

bp = Blueprint("insights", __name__)

DEFAULT_PERIOD = 30
_MAX_RANK = 10_000


@bp.app_template_global()
def search_open_url(hit, rank: int, query: str, kind: str = "search") -> str:
    """The address of a search hit through the click-through, which notes the opening then redirects."""
    return url_for("insights.open_result", doc=hit.doc_id, rank=rank, q=query, kind=kind)


@bp.get("/search/open")
def open_result():
    """Note the opened result, then redirect to it; 404 for a document missing or not visible alike."""
    parsed = parse_doc_id(request.args.get("doc", ""))
    if parsed is None:
        abort(404)
    kind, number = parsed
    item = db.session.get(Question if kind == "question" else Page, number)
    if item is None or not permissions.can_view_content(current_user, item):
        abort(404)
    rank = request.args.get("rank", "")
    lookup = request.args.get("kind", "search")
    if (
        rank.isascii()
        and rank.isdigit()
        and len(rank) <= 5
        and 1 <= int(rank) <= _MAX_RANK
        and lookup in KINDS
    ):
        space = db.session.get(Space, item.space_id)
        named = None if space is None or space.is_restricted else f"{kind}:{number}"
        log_open(lookup, request.args.get("q", ""), int(rank), named)
    if kind == "question":
        return redirect(url_for("forum.question", question_id=item.id, slug=item.slug))
    return redirect(url_for("wiki.page", path=item.path))


@bp.get("/insights/searches")
def searches():
    """Top queries, queries that found nothing and queries whose results nobody opened (leads and admins)."""
    require(permissions.can_view_insights(current_user))
    days = request.args.get("days", type=int)
    days = days if days in queries.PERIODS else DEFAULT_PERIOD
    min_people = current_app.config["INSIGHTS_MIN_PEOPLE"]
    return render_template(
        "insights/searches.html",
        days=days,
        periods=queries.PERIODS,
        min_people=min_people,
        top=queries.top_queries(days, min_people),
        zero=queries.zero_result_queries(days, min_people),
        unopened=queries.unopened_queries(days, min_people),
    )
