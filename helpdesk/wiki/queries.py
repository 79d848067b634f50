"""Named reads of wiki pages."""

from flask import url_for
from sqlalchemy import select

from ..extensions import db
from ..markup import wiki_title_key
from .models import Page


def page_by_title(title: str) -> Page | None:
    """The page a ``[[title]]`` link points at (the oldest, if several share the title)."""
    return db.session.scalar(select(Page).where(Page.title_key == wiki_title_key(title)).order_by(Page.id).limit(1))


def resolve_wikilink(title: str) -> tuple[str, bool]:
    """URL and existence of the page a ``[[title]]`` link names; pass to ``markup.render(wikilinks=...)``."""
    page = page_by_title(title)
    if page is None:
        return url_for("wiki.go", title=title), False
    return url_for("wiki.page", path=page.path), True
