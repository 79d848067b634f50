"""Insights for leads: the search log (what people look for, what finds nothing, what nobody opens)."""

from flask import Flask


def init_app(app: Flask) -> None:
    # dashboard_views adds the dashboard's routes to views.bp
    from . import dashboard_views, views  # noqa: F401
    from .cli import insights_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(insights_cli)
