"""The leads' dashboard (``/insights``): five charts with their numbers and CSV files, and what to write next.

For ``permissions.can_view_insights`` (leads and admins): others get 403, anonymous visitors are asked to sign
in. ``?weeks=4|12|26`` picks the period (default 12); anything else falls back to the default.
"""

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from .. import permissions
from ..security import require
from ..utils import utcnow
from . import dashboard, panels, queries
from .views import bp


def _weeks() -> int:
    weeks = request.args.get("weeks", type=int)
    return weeks if weeks in dashboard.PERIODS else dashboard.DEFAULT_WEEKS


def _search_log_days(weeks: int) -> int:
    """The search log page's period closest to (at least) the dashboard's."""
    days = 7 * weeks
    return next((period for period in queries.PERIODS if period >= days), queries.PERIODS[-1])


def _url_if_routed(endpoint: str, **values) -> str | None:
    """The address of another insights page, or None while that page is not part of the app."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


@bp.get("/insights")
def dashboard_page():
    """Deflection, searches with no result, the unanswered queue, helpful votes, calls; what to write next."""
    require(permissions.can_view_insights(current_user))
    weeks_count = _weeks()
    now = utcnow()
    weeks = dashboard.period_weeks(now, weeks_count)
    return render_template(
        "insights/dashboard.html",
        weeks_count=weeks_count,
        periods=dashboard.PERIODS,
        weeks=weeks,
        panels=panels.panels(current_user, weeks, now),
        min_people=current_app.config["INSIGHTS_MIN_PEOPLE"],
        zero_queries=dashboard.zero_result_queries(weeks, current_app.config["INSIGHTS_MIN_PEOPLE"]),
        call_topics=dashboard.call_topics_without_page(current_user, weeks),
        worst_pages=dashboard.worst_rated_pages(current_user, weeks),
        search_log_days=_search_log_days(weeks_count),
        calls_url=_url_if_routed("calls.topics", days=_search_log_days(weeks_count)),
        pages_url=_url_if_routed("ratings.worst_pages"),
    )


@bp.get("/insights/dashboard/<chart>.csv")
def dashboard_csv(chart: str):
    """One chart's numbers as a CSV file; 404 for a chart that does not exist."""
    require(permissions.can_view_insights(current_user))
    if chart not in panels.CHART_KEYS:
        abort(404)
    now = utcnow()
    weeks_count = _weeks()
    one = panels.panel(chart, current_user, dashboard.period_weeks(now, weeks_count), now)
    return Response(
        panels.panel_csv(one),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={chart}-{weeks_count}w-{now:%Y-%m-%d}.csv"},
    )
