"""The Q&A forum: questions, answers, votes, accepted answers and duplicates."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import views

    app.register_blueprint(views.bp)
