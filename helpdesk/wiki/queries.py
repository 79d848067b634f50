"""Named reads of wiki pages."""

from flask import abort, current_app, has_request_context, request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..markup import wiki_title_key
from ..tags import Tag
from .models import Page, PageLink, PageRevision

# Sections first, then what is under them: "/" read as a blank sorts "vpn/setup" before "vpn-2" byte-wise.
_TREE_KEY = func.replace(Page.path, "/", " ")

# How the list of all pages may be ordered: by section (path), by title, or most recently changed first.
PAGE_ORDERS = {
    "path": (_TREE_KEY,),
    "title": (Page.title_key, Page.id),
    "recent": (Page.updated_at.desc(), Page.id.desc()),
}


def page_by_title(title: str) -> Page | None:
    """The page a ``[[title]]`` link points at (the oldest, if several share the title)."""
    return db.session.scalar(
        select(Page).where(Page.title_key == wiki_title_key(title)).order_by(Page.id).limit(1)
    )


def page_by_path(path: str) -> Page | None:
    return db.session.scalar(select(Page).where(Page.path == path))


def get_page_or_404(path: str) -> Page:
    """The page at ``path``; 404 if there is none."""
    page = page_by_path(path)
    if page is None:
        abort(404)
    return page


def page_formerly_at(path: str) -> Page | None:
    """The page that was last at ``path`` before being moved (for old links and bookmarks), if any."""
    return db.session.scalar(
        select(Page)
        .join(PageRevision, PageRevision.page_id == Page.id)
        .where(PageRevision.path == path, Page.path != path)
        .order_by(PageRevision.created_at.desc(), PageRevision.id.desc())
        .limit(1)
    )


def _wiki_url(endpoint: str, **values) -> str:
    """A site-relative URL, also outside a request (imports, CLI), where ``url_for`` needs SERVER_NAME.

    Stored HTML must not depend on where it was rendered, so it never holds scheme or host.
    """
    script_root = request.script_root if has_request_context() else current_app.config["APPLICATION_ROOT"]
    adapter = current_app.url_map.bind("localhost", script_name=script_root or "/")
    return adapter.build(endpoint, values)


def resolve_wikilink(title: str) -> tuple[str, bool]:
    """URL and existence of the page a ``[[title]]`` link names; pass to ``markup.render(wikilinks=...)``."""
    page = page_by_title(title)
    if page is None:
        return _wiki_url("wiki.go", title=title), False
    return _wiki_url("wiki.page", path=page.path), True


def pages(order: str = "path", tag: str | None = None) -> Select:
    """All pages in ``order`` (a key of PAGE_ORDERS), optionally only those tagged ``tag``."""
    ordering = PAGE_ORDERS.get(order, PAGE_ORDERS["path"])
    if order == "path" and db.session.get_bind().dialect.name == "postgresql":
        ordering = (_TREE_KEY.collate("C"),)  # a language collation would ignore the blank
    stmt = select(Page).options(selectinload(Page.tags)).order_by(*ordering)
    if tag:
        stmt = stmt.where(Page.tags.any(Tag.name == tag))
    return stmt


def latest_revision(page: Page) -> PageRevision | None:
    return db.session.scalar(
        select(PageRevision)
        .where(PageRevision.page_id == page.id)
        .order_by(PageRevision.number.desc())
        .limit(1)
    )


def revision_by_number(page: Page, number: int) -> PageRevision | None:
    return db.session.scalar(
        select(PageRevision).where(PageRevision.page_id == page.id, PageRevision.number == number)
    )


def get_revision_or_404(page: Page, number: int) -> PageRevision:
    """Revision ``number`` of ``page``; 404 if it has none by that number."""
    revision = revision_by_number(page, number)
    if revision is None:
        abort(404)
    return revision


def revisions(page: Page) -> Select:
    """A page's revisions, newest first."""
    return (
        select(PageRevision)
        .options(selectinload(PageRevision.author))
        .where(PageRevision.page_id == page.id)
        .order_by(PageRevision.number.desc())
    )


def linking_pages(title_key: str, exclude: Page | None = None) -> list[Page]:
    """Pages whose text links to the title ``title_key`` (backlinks), by title."""
    stmt = (
        select(Page)
        .join(PageLink, PageLink.source_id == Page.id)
        .where(PageLink.target_key == title_key)
        .order_by(Page.title_key, Page.id)
    )
    if exclude is not None:
        stmt = stmt.where(Page.id != exclude.id)
    return list(db.session.scalars(stmt))


def titles_at(paths: list[str]) -> dict[str, str]:
    """Titles of the pages at ``paths`` that exist (for breadcrumbs), keyed by path."""
    if not paths:
        return {}
    rows = db.session.execute(select(Page.path, Page.title).where(Page.path.in_(paths)))
    return {path: title for path, title in rows}
