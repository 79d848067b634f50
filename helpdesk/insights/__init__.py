"""Insights for leads: the search log (what people look for, what finds nothing, what nobody opens)."""

from flask import Flask


def init_app(app: Flask) -> None:
    # dashboard_views adds the dashboard's routes to views.bp
    from . import call_views, dashboard_views, funnel_views, rating_views, views  # noqa: F401
    from .cli import insights_cli
    from .credit import credit_of

    app.register_blueprint(views.bp)
    app.register_blueprint(funnel_views.bp)
    app.register_blueprint(rating_views.bp)
    app.register_blueprint(call_views.bp)
    app.cli.add_command(insights_cli)
    app.add_template_global(credit_of)  # "Helped 12 searches" on threads and pages
