"""Address converters: ``<int:...>`` in a route names a row id, so it takes at most ``utils.MAX_ID`` (the
largest value of a database ``integer``). A longer number answers 404 like any id that names nothing, instead
of reaching the database, which PostgreSQL would refuse with an error."""

from flask import Flask
from werkzeug.routing import IntegerConverter

from .utils import MAX_ID


class IdConverter(IntegerConverter):
    def __init__(
        self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID, signed=False
    ):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Before any route is added."""
    app.url_map.converters["int"] = IdConverter
