"""The Markdown wiki: pages with nested paths, revisions, diffs, reverts and links between pages."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import curation_views, history, views  # noqa: F401 (both add their routes to the views' blueprint)

    app.register_blueprint(views.bp, url_prefix="/wiki")
