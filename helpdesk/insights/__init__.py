"""Insights for leads: the search log (what people look for, what finds nothing, what nobody opens)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import views
    from .cli import insights_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(insights_cli)
