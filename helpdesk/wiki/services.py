"""Verbs on wiki pages: create, edit, revert, delete. They flush, never commit: the caller commits once.

Every save writes a PageRevision, renders ``body_html``, rewrites the page's PageLink rows, and re-renders the
pages whose ``[[links]]`` name this page's old or new title, so links to missing pages stay marked as missing.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..auth.models import User
from ..errors import UserError
from ..extensions import db
from ..markup import extract_wikilinks, render, wiki_title_key
from ..spaces.models import Space
from ..spaces.queries import default_space
from ..tags import get_or_create_tags, parse_tags
from ..utils import clean_line, clean_text, utcnow
from .curation import next_review_date
from .errors import EditConflict, PageFieldError
from .models import Page, PageLink, PageRevision
from .paths import RESERVED_FIRST_SEGMENTS, slugify, space_path, space_prefix
from .queries import latest_revision, page_by_path, wikilink_resolver

__all__ = ["EditConflict", "PageFieldError", "create_page", "delete_page", "edit_page", "revert_page"]

MAX_SUMMARY_LENGTH = 300


@dataclass(frozen=True)
class _Fields:
    """A page's content as a revision records it, cleaned and checked."""

    title: str
    path: str
    body: str
    tag_names: tuple[str, ...]  # sorted
    lang: str

    @classmethod
    def of(cls, page: Page) -> "_Fields":
        return cls(page.title, page.path, page.body, tuple(sorted(t.name for t in page.tags)), page.lang)


def create_page(
    author: User,
    title: str,
    path: str | None,
    body: str,
    tags: list[str] | str,
    summary: str = "",
    lang: str = "en",
    space: Space | None = None,
) -> Page:
    """Add a page and its first revision to ``space`` (the default space when None). An empty ``path`` is
    derived from the title (see ``paths.slugify``); in any space but the default one the path is placed
    under ``spaces/<slug>/`` (see ``paths.space_path``).

    The writer owns the page; it is due for review ``HELPDESK_PAGE_REVIEW_DAYS`` from today.
    Raises PageFieldError for bad input (409 when the path is taken).
    """
    space = space or default_space()
    fields = _clean(title, path, body, tags, lang, space=space)
    now = utcnow()
    page = Page(
        created_by=author,
        created_at=now,
        version=0,
        space_id=space.id,
        owner=author,  # the writer keeps it true until someone else takes it over
        review_by=next_review_date(),
    )
    db.session.add(page)
    _save(page, author, fields, _clean_summary(summary), now)
    return page


def edit_page(
    page: Page,
    editor: User,
    *,
    title: str,
    path: str | None,
    body: str,
    tags: list[str] | str,
    summary: str,
    base_version: int,
    lang: str | None = None,
) -> PageRevision:
    """Save a new revision of ``page``; ``base_version`` is the version the editor started from.

    An empty ``path`` or ``lang`` keeps the current one. Raises EditConflict when the page has moved on since
    ``base_version``. When nothing differs from the current version no revision is written and the current
    revision is returned (its number is still ``base_version``).
    """
    if base_version != page.version:
        raise EditConflict(latest_revision(page))
    fields = _clean(title, path, body, tags, lang or page.lang, page=page)
    summary = _clean_summary(summary)
    if fields == _Fields.of(page):
        return latest_revision(page) or _save(page, editor, fields, summary, utcnow())
    _claim_next_version(page, base_version)
    return _save(page, editor, fields, summary, utcnow())


def revert_page(page: Page, revision: PageRevision, editor: User) -> PageRevision:
    """A new revision restoring the title, path, body and tags of ``revision`` (an older one of ``page``).

    When the page already reads like ``revision`` nothing is written and the current revision is returned.
    """
    if revision.page_id != page.id:
        raise UserError(_("That revision belongs to another page."), 404)
    fields = _clean(revision.title, revision.path, revision.body, revision.tags, page.lang, page=page)
    if fields == _Fields.of(page):
        return latest_revision(page)
    _claim_next_version(page, page.version)
    summary = _("Reverted to revision %(number)d", number=revision.number)
    return _save(page, editor, fields, summary, utcnow())


def delete_page(page: Page) -> None:
    """Remove a page with its revisions; links to it from other pages turn into links to a missing page."""
    title_key = page.title_key
    db.session.delete(page)
    db.session.flush()
    _rerender_linking_pages({title_key})


def _clean(
    title: str,
    path: str | None,
    body: str,
    tags: list[str] | str,
    lang: str,
    page: Page | None = None,
    space: Space | None = None,
) -> _Fields:
    config = current_app.config
    title = clean_line(title)
    if not title:
        raise PageFieldError("title", _("A title is required."))
    if len(title) > config["MAX_TITLE_LENGTH"]:
        raise PageFieldError(
            "title", _("A title may be at most %(n)d characters long.", n=config["MAX_TITLE_LENGTH"])
        )
    space = space or (page.space if page is not None else default_space())
    path = clean_line(path)
    if not path:
        path = page.path if page is not None else _derived_path(title)
    path = space_path(space, path)
    body = clean_text(body)
    if not body:
        raise PageFieldError("body", _("Write the text of the page."))
    if len(body) > config["MAX_BODY_LENGTH"]:
        raise PageFieldError(
            "body", _("The text may be at most %(n)d characters long.", n=config["MAX_BODY_LENGTH"])
        )
    try:
        tag_names = parse_tags(tags, config["MAX_TAGS"], config["MAX_TAG_LENGTH"])
    except UserError as error:
        raise PageFieldError("tags", error.message) from error
    if lang not in config["CONTENT_LANGUAGES"]:
        raise PageFieldError("lang", _("Choose one of the languages in the list."))
    _refuse_taken_path(path, page)
    return _Fields(title, path, body, tuple(sorted(tag_names)), lang)


def _refuse_taken_path(path: str, page: Page | None) -> None:
    """PageFieldError (409) when another page than ``page`` is at ``path``. Every path of a space starts
    with that space's own prefix, so the other page is in the same space: naming it tells nothing new."""
    other = page_by_path(path)
    if other is not None and other is not page:
        raise PageFieldError(
            "path",
            _(
                "There is already a page at “%(path)s” (“%(title)s”). Choose another path.",
                path=path,
                title=other.title,
            ),
            409,
        )


def _derived_path(title: str) -> str:
    slug = slugify(title)
    # A title such as "New" would otherwise give a path the wiki's own routes use.
    return f"{slug}-page" if slug in RESERVED_FIRST_SEGMENTS else slug


def _clean_summary(summary: str) -> str:
    summary = clean_line(summary)
    if len(summary) > MAX_SUMMARY_LENGTH:
        raise PageFieldError(
            "summary", _("A summary may be at most %(n)d characters long.", n=MAX_SUMMARY_LENGTH)
        )
    return summary


def _claim_next_version(page: Page, base_version: int) -> None:
    """Move the stored version on from ``base_version``, or raise EditConflict if a save got there first.

    The conditional UPDATE closes the gap between checking ``page.version`` and saving: of two people saving
    at the same moment, the database lets exactly one through.
    """
    claimed = db.session.execute(
        update(Page)
        .where(Page.id == page.id, Page.version == base_version)
        .values(version=base_version + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.refresh(page)
        raise EditConflict(latest_revision(page))


def _save(page: Page, editor: User, fields: _Fields, summary: str, now: datetime) -> PageRevision:
    old_key, old_path = page.title_key, page.path
    page.title = fields.title
    page.title_key = wiki_title_key(fields.title)
    page.path = fields.path
    page.body = fields.body
    page.lang = fields.lang
    page.tags = get_or_create_tags(list(fields.tag_names))
    page.version = (page.version or 0) + 1
    page.updated_at = now
    db.session.flush()  # so links resolve against this page's new title and path
    page.body_html = render(fields.body, wikilinks=wikilink_resolver(page.space_id))
    _rewrite_links(page)
    revision = PageRevision(
        page=page,
        number=page.version,
        title=fields.title,
        path=fields.path,
        body=fields.body,
        tags=" ".join(fields.tag_names),
        summary=summary,
        author=editor,
        created_at=now,
    )
    db.session.add(revision)
    if old_key != page.title_key or old_path != page.path:
        _rerender_linking_pages({page.title_key, old_key} - {None}, exclude=page)
    db.session.flush()
    return revision


def _rewrite_links(page: Page) -> None:
    """Make the page's PageLink rows match the ``[[links]]`` in its current body."""
    wanted = {wiki_title_key(title): title for title in extract_wikilinks(page.body)}
    for link in list(page.outgoing_links):
        if link.target_key in wanted:
            link.target_title = wanted.pop(link.target_key)
        else:
            page.outgoing_links.remove(link)
    page.outgoing_links.extend(PageLink(target_key=key, target_title=title) for key, title in wanted.items())


def _rerender_linking_pages(title_keys: set[str], exclude: Page | None = None) -> None:
    """Render again the pages linking to ``title_keys``: whether those links' pages exist has changed."""
    stmt = select(Page).where(
        Page.id.in_(select(PageLink.source_id).where(PageLink.target_key.in_(title_keys)))
    )
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(Page.id != exclude.id)
    for linking in db.session.scalars(stmt):
        linking.body_html = render(linking.body, wikilinks=wikilink_resolver(linking.space_id))


def move_page_to_space(page: Page, space: Space, editor: User) -> PageRevision:
    """Put ``page`` in ``space``: its path moves under the space's prefix (``spaces/<slug>/``, or none for the
    default space), written as a new revision. Raises PageFieldError (409) when that path is taken."""
    old_prefix = space_prefix(page.space)
    relative = page.path[len(old_prefix) :] if old_prefix and page.path.startswith(old_prefix) else page.path
    fields = _Fields.of(page)
    path = space_path(space, relative)
    _refuse_taken_path(path, page)
    page.space_id = space.id
    page.space = space
    _claim_next_version(page, page.version)
    summary = _("Moved to the space “%(name)s”", name=space.name)
    return _save(page, editor, replace(fields, path=path), summary[:MAX_SUMMARY_LENGTH], utcnow())
