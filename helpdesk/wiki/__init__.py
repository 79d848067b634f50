"""The Markdown wiki: pages with nested paths, revisions, diffs, reverts and links between pages."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import history, views  # noqa: F401 (history adds its routes to the views' blueprint)

    app.register_blueprint(views.bp, url_prefix="/wiki")
