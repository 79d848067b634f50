"""Named reads of wiki pages."""

from flask import abort, current_app, has_request_context, request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..markup import wiki_title_key
from ..permissions import can_view_content
from ..spaces.models import Space
from ..spaces.queries import visible_clause
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


# Reads that take ``viewer`` keep only pages of spaces that person may see (``visible_space_ids``), so a
# restricted page is never listed, counted, linked or redirected to for anyone else.


def page_by_title(title: str, viewer) -> Page | None:
    """The page titled ``title`` that ``viewer`` may see (the oldest, if several share the title)."""
    return db.session.scalar(
        select(Page)
        .where(Page.title_key == wiki_title_key(title), visible_clause(Page.space_id, viewer))
        .order_by(Page.id)
        .limit(1)
    )


def page_by_path(path: str) -> Page | None:
    """The page at ``path`` whoever may see it: for checks when saving, not for showing."""
    return db.session.scalar(select(Page).where(Page.path == path))


def visible_page_at(path: str, viewer) -> Page | None:
    """The page at ``path`` if ``viewer`` may see it; None both when there is none and when it is hidden."""
    page = page_by_path(path)
    return page if page is not None and can_view_content(viewer, page) else None


def get_page_or_404(path: str, viewer) -> Page:
    """The page at ``path``; 404 if there is none or ``viewer`` may not see its space (the same answer)."""
    page = visible_page_at(path, viewer)
    if page is None:
        abort(404)
    return page


def page_formerly_at(path: str, viewer) -> Page | None:
    """The page ``viewer`` may see that was last at ``path`` before being moved (old links, bookmarks)."""
    return db.session.scalar(
        select(Page)
        .join(PageRevision, PageRevision.page_id == Page.id)
        .where(PageRevision.path == path, Page.path != path, visible_clause(Page.space_id, viewer))
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


def link_target(title: str, space_id: int | None) -> Page | None:
    """The page a ``[[title]]`` link written in the space ``space_id`` leads to: one in the same space
    first, else one in a public space; never one in another restricted space (whether such a link looked
    existing or missing would tell who reads it that a locked page exists). The oldest wins a tie."""
    public = select(Space.id).where(Space.is_restricted.is_(False))
    in_reach = Page.space_id.in_(public)
    if space_id is not None:
        in_reach = in_reach | (Page.space_id == space_id)
    same_space_first = (Page.space_id == space_id).desc() if space_id is not None else Page.id
    return db.session.scalar(
        select(Page)
        .where(Page.title_key == wiki_title_key(title), in_reach)
        .order_by(same_space_first, Page.id)
        .limit(1)
    )


def wikilink_resolver(space_id: int | None):
    """A ``[[title]]`` resolver for text written in the space ``space_id``, to pass to
    ``markup.render(wikilinks=...)``: it answers the URL and existence of the linked page."""

    def resolve(title: str) -> tuple[str, bool]:
        page = link_target(title, space_id)
        if page is None:
            return _wiki_url("wiki.go", title=title), False
        return _wiki_url("wiki.page", path=page.path), True

    return resolve


def pages(viewer, order: str = "path", tag: str | None = None) -> Select:
    """The pages ``viewer`` may see in ``order`` (a key of PAGE_ORDERS); ``tag`` keeps those tagged so."""
    ordering = PAGE_ORDERS.get(order, PAGE_ORDERS["path"])
    if order == "path" and db.session.get_bind().dialect.name == "postgresql":
        ordering = (_TREE_KEY.collate("C"),)  # a language collation would ignore the blank
    stmt = select(Page).options(selectinload(Page.tags), selectinload(Page.space))
    stmt = stmt.where(visible_clause(Page.space_id, viewer))
    stmt = stmt.order_by(*ordering)
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


def linking_pages(title_key: str, viewer, exclude: Page | None = None) -> list[Page]:
    """Pages ``viewer`` may see whose text links to the title ``title_key`` (backlinks), by title."""
    stmt = (
        select(Page)
        .join(PageLink, PageLink.source_id == Page.id)
        .where(PageLink.target_key == title_key, visible_clause(Page.space_id, viewer))
        .order_by(Page.title_key, Page.id)
    )
    if exclude is not None:
        stmt = stmt.where(Page.id != exclude.id)
    return list(db.session.scalars(stmt))


def titles_at(paths: list[str], viewer) -> dict[str, str]:
    """Titles of the pages at ``paths`` that exist and ``viewer`` may see (for breadcrumbs), keyed by path."""
    if not paths:
        return {}
    rows = db.session.execute(
        select(Page.path, Page.title).where(Page.path.in_(paths), visible_clause(Page.space_id, viewer))
    )
    return {path: title for path, title in rows}
