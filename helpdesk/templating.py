"""What every template can use: permission predicates, dates in the reader's language, pagination links."""

from datetime import datetime

from flask import Flask, request, url_for
from flask_babel import format_datetime, format_timedelta

from . import permissions
from .utils import utcnow


def time_ago(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_timedelta(value - utcnow(), add_direction=True, granularity="minute")


def url_for_page(page: int) -> str:
    """The current URL with ``page`` replaced, for pagination links."""
    args = request.args.to_dict()
    args.update(request.view_args or {})
    args["page"] = page
    return url_for(request.endpoint, **args)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(permissions.TEMPLATE_PREDICATES)
    app.jinja_env.globals["url_for_page"] = url_for_page
    app.jinja_env.filters["time_ago"] = time_ago
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else ""
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
