"""The Q&A forum: questions, answers, votes, accepted answers and duplicates."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import actions, queue_views, views  # noqa: F401 (actions and queue_views add routes to views.bp)

    app.register_blueprint(views.bp)
