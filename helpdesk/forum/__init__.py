"""The Q&A forum: questions, answers, votes, accepted answers and duplicates."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import actions, views  # noqa: F401 (actions adds the buttons' routes to views.bp)

    app.register_blueprint(views.bp)
