"""Reading and writing wiki pages.

Addresses: a page lives at ``/wiki/<path>``, and paths nest (``/wiki/network/vpn/setup``). Actions on a page
come after a ``/-/`` marker (``/wiki/network/vpn/-/edit``, ``.../-/history``), a segment no page path can
have, so a page whose path ends in "edit" or "history" is still just a page. ``/wiki/new`` and
``/wiki/go/<title>`` are safe because their first segments are reserved (``paths.RESERVED_FIRST_SEGMENTS``).
Revision history, diffs and reverts are in ``history.py``.
"""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import UserError
from ..extensions import db
from ..markup import render, wiki_title_key
from ..permissions import can_delete_page, can_edit_wiki
from ..search.widgets import related_to
from ..security import require
from ..tags import normalize_tag, parse_tags
from ..utils import clean_line, clean_text
from .diff import Version, page_diff
from .errors import EditConflict, PageFieldError
from .forms import PageForm
from .paths import PathError, ancestors, normalize_path
from .queries import (
    PAGE_ORDERS,
    get_page_or_404,
    latest_revision,
    linking_pages,
    page_by_path,
    page_by_title,
    page_formerly_at,
    pages,
    resolve_wikilink,
    revision_by_number,
    titles_at,
)
from .services import create_page, delete_page, edit_page

bp = Blueprint("wiki", __name__)


@bp.context_processor
def breadcrumbs_helper():
    def wiki_breadcrumbs(path: str) -> list[tuple[str, str | None]]:
        """The sections above ``path`` as (path, title of the page there or None)."""
        parents = ancestors(path)
        titles = titles_at(parents)
        return [(parent, titles.get(parent)) for parent in parents]

    return {"wiki_breadcrumbs": wiki_breadcrumbs}


@bp.get("/")
def index():
    """All pages, by section (path), by title or most recently changed first; ``?tag=`` narrows the list."""
    order = request.args.get("sort", "path")
    if order not in PAGE_ORDERS:
        order = "path"
    tag = normalize_tag(request.args.get("tag", "")) or None
    pagination = db.paginate(
        pages(order, tag),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template("wiki/index.html", pagination=pagination, order=order, tag=tag)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Write a new page (staff). ``?title=`` and ``?path=`` fill in the form (links to missing pages do)."""
    require(can_edit_wiki(current_user))
    form = PageForm()
    if request.method == "GET":
        form.title.data = clean_line(request.args.get("title", ""))[:300]
        form.path.data = clean_line(request.args.get("path", ""))[:300]
        locale = str(get_locale())
        form.lang.data = locale if locale in current_app.config["CONTENT_LANGUAGES"] else "en"
    if not form.validate_on_submit():
        return _form(form, status=400 if form.errors else 200)
    if request.form.get("preview"):
        return _form(form, preview=True)
    try:
        page = create_page(
            current_user,
            form.title.data,
            form.path.data,
            form.body.data,
            form.tags.data or "",
            summary=form.summary.data or "",
            lang=form.lang.data,
        )
    except UserError as error:
        db.session.rollback()
        return _form_error(form, error)
    db.session.commit()
    flash(_("The page “%(title)s” is created.", title=page.title), "success")
    return redirect(url_for("wiki.page", path=page.path))


@bp.get("/go/<path:title>")
def go(title: str):
    """The page titled ``title`` (where ``[[title]]`` links lead), or a 404 page offering to write it."""
    page = page_by_title(title)
    if page is not None:
        return redirect(url_for("wiki.page", path=page.path))
    title = clean_line(title)[:300]
    linking = linking_pages(wiki_title_key(title))
    return render_template("wiki/missing.html", title=title, linking=linking), 404


@bp.get("/<path:path>")
def page(path: str):
    """A page; 404 if no page has this path. Paths typed in another case, or of moved pages, redirect."""
    found = page_by_path(path)
    if found is None:
        return _redirect_to_page_once_at(path)
    return render_template(
        "wiki/page.html",
        page=found,
        latest=latest_revision(found),
        backlinks=linking_pages(found.title_key, exclude=found),
        related=related_to(found),
    )


def _redirect_to_page_once_at(path: str):
    try:
        canonical = normalize_path(path)
    except PathError:
        canonical = None
    found = page_by_path(canonical) if canonical else None
    if found is None and canonical:
        found = page_formerly_at(canonical)
        if found is not None:
            flash(_("This page has moved to a new address: update your bookmarks and links."), "info")
    if found is None:
        return render_template("wiki/not_found.html", path=canonical), 404
    return redirect(url_for("wiki.page", path=found.path), 301 if found.path == canonical else 302)


@bp.route("/<path:path>/-/edit", methods=["GET", "POST"])
def edit(path: str):
    """Edit a page (staff); 404 if there is none. A save over someone else's newer one shows both diffs."""
    page = get_page_or_404(path)
    require(can_edit_wiki(current_user))
    form = PageForm()
    if request.method == "GET":
        form.title.data, form.path.data, form.body.data = page.title, page.path, page.body
        form.tags.data = " ".join(tag.name for tag in page.tags)
        form.lang.data, form.base_version.data = page.lang, page.version
    if not form.validate_on_submit():
        return _form(form, page, status=400 if form.errors else 200)
    if request.form.get("preview"):
        return _form(form, page, preview=True)
    base_version = form.base_version_number()
    try:
        revision = edit_page(
            page,
            current_user,
            title=form.title.data,
            path=form.path.data,
            body=form.body.data,
            tags=form.tags.data or "",
            summary=form.summary.data or "",
            base_version=base_version,
            lang=form.lang.data,
        )
    except EditConflict as conflict:
        db.session.rollback()
        return _conflict_form(form, page, conflict)
    except UserError as error:
        db.session.rollback()
        return _form_error(form, error, page)
    if revision.number == base_version:
        flash(_("You changed nothing, so no new revision was saved."), "info")
    else:
        db.session.commit()
        flash(_("Saved as revision %(number)d.", number=revision.number), "success")
    return redirect(url_for("wiki.page", path=page.path))


@bp.post("/<path:path>/-/delete")
def delete(path: str):
    """Delete a page with its history (staff); 404 if there is none."""
    page = get_page_or_404(path)
    require(can_delete_page(current_user, page))
    title = page.title
    delete_page(page)
    db.session.commit()
    flash(_("The page “%(title)s” is deleted.", title=title), "success")
    return redirect(url_for("wiki.index"))


def _form(form: PageForm, page=None, *, status: int = 200, preview: bool = False, **context):
    preview_html = render(form.body.data or "", wikilinks=resolve_wikilink) if preview else None
    return (
        render_template("wiki/form.html", form=form, page=page, preview_html=preview_html, **context),
        status,
    )


def _form_error(form: PageForm, error: UserError, page=None):
    """The form again, with what was typed and the message next to the field it is about."""
    field = getattr(form, error.field, None) if isinstance(error, PageFieldError) else None
    if field is not None:
        field.errors = [*field.errors, error.message]
        return _form(form, page, status=error.status_code)
    return _form(form, page, status=error.status_code, error_message=error.message)


def _conflict_form(form: PageForm, page, conflict: EditConflict):
    """The form again after an edit conflict: the editor's text, what changed meanwhile, how theirs differs.

    The form now names the current version, so saving again (after merging) goes through.
    """
    current = conflict.current_revision
    base = revision_by_number(page, form.base_version_number())
    typed = Version(
        clean_line(form.title.data),
        clean_line(form.path.data) or current.path,
        clean_text(form.body.data),
        tuple(sorted(parse_tags(form.tags.data or "", max_tags=10**6, max_length=10**6))),
    )
    form.base_version.data = current.number
    return _form(
        form,
        page,
        status=409,
        error_message=conflict.message,
        conflict_base=base,
        conflict_current=current,
        changes_since=page_diff(Version.of(base), Version.of(current)) if base is not None else None,
        yours_vs_current=page_diff(Version.of(current), typed),
    )
