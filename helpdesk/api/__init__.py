"""The read-only JSON API (``/api/v1``) and the OpenSearch description that lets browsers search here."""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import opensearch, views

    app.register_blueprint(views.bp)
    app.register_blueprint(opensearch.bp)
