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
from ..insights.calls import link_topic_to_page
from ..markup import render, wiki_title_key
from ..permissions import can_create_page_in, can_curate_page, can_delete_page, can_edit_page, can_view_space
from ..search.widgets import related_to
from ..security import require
from ..spaces.queries import default_space, forget_visibility, space_by_slug, spaces_visible_to
from ..tags import normalize_tag, parse_tags
from ..utils import clean_line, clean_text
from . import curation
from .diff import Version, page_diff
from .errors import EditConflict, PageFieldError
from .forms import CurationForm, NewPageForm, PageForm
from .paths import SPACES_SEGMENT, PathError, ancestors, normalize_path
from .queries import (
    PAGE_ORDERS,
    get_page_or_404,
    latest_revision,
    linking_pages,
    page_by_title,
    page_formerly_at,
    pages,
    revision_by_number,
    titles_at,
    visible_page_at,
    wikilink_resolver,
)
from .services import create_page, delete_page, edit_page

bp = Blueprint("wiki", __name__)


@bp.context_processor
def breadcrumbs_helper():
    def wiki_breadcrumbs(path: str) -> list[tuple[str, str]]:
        """The sections above ``path`` as (address, title of the page there or the section's name); the
        ``spaces/<slug>`` prefix of a space's pages leads to the space's home page, named by the space."""
        parents = ancestors(path)
        titles = titles_at(parents, current_user)
        crumbs = []
        for parent in parents:
            segments = parent.split("/")
            if segments[0] == SPACES_SEGMENT and len(segments) <= 2:
                space = space_by_slug(segments[1]) if len(segments) == 2 else None
                if space is not None and can_view_space(current_user, space):
                    crumbs.append((url_for("spaces.space", space_slug=space.slug), space.name))
                continue
            crumbs.append((url_for("wiki.page", path=parent), titles.get(parent) or segments[-1]))
        return crumbs

    return {"wiki_breadcrumbs": wiki_breadcrumbs}


@bp.get("/")
def index():
    """All pages, by section (path), by title or most recently changed first; ``?tag=`` narrows the list."""
    order = request.args.get("sort", "path")
    if order not in PAGE_ORDERS:
        order = "path"
    tag = normalize_tag(request.args.get("tag", "")) or None
    pagination = db.paginate(
        pages(current_user, order, tag),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "wiki/index.html",
        pagination=pagination,
        order=order,
        tag=tag,
        may_write=bool(_writable_spaces()),
    )


def _writable_spaces() -> list:
    """The spaces the reader may write pages in (see ``permissions.can_create_page_in``), default first."""
    default_space()  # made on first use where the database was built without migrations (tests),
    forget_visibility()  # so visibility answered before then is asked again
    return [space for space in spaces_visible_to(current_user) if can_create_page_in(current_user, space)]


def _space_of_path(path: str | None):
    """The space whose prefix ``spaces/<slug>/`` starts ``path``, if any (whoever may see it)."""
    segments = (path or "").strip("/").split("/")
    if len(segments) > 2 and segments[0] == SPACES_SEGMENT:
        return space_by_slug(segments[1])
    return None


def _may_create_at(path: str | None) -> bool:
    """May the reader create a page at ``path``? The same answer for a restricted space they cannot see as
    for a space that does not exist."""
    if not path:
        return False
    space = _space_of_path(path)
    if space is None:
        if path.split("/")[0] == SPACES_SEGMENT:
            return False
        space = default_space()
        forget_visibility()  # it may have been made just now (a database built without migrations)
    return can_create_page_in(current_user, space)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Write a new page in a space the writer may write in (see ``permissions.can_create_page_in``).
    ``?title=``, ``?path=`` and ``?space=<slug>`` fill in the form (links to missing pages do)."""
    spaces = _writable_spaces()
    require(bool(spaces))
    form = NewPageForm(spaces=spaces)
    source = curation.answer_to_promote(
        form.source_answer.data if request.method == "POST" else request.args.get("answer"), current_user
    )
    if request.method == "GET":
        form.title.data = clean_line(request.args.get("title", ""))[:300]
        form.path.data = clean_line(request.args.get("path", ""))[:300]
        locale = str(get_locale())
        form.lang.data = locale if locale in current_app.config["CONTENT_LANGUAGES"] else "en"
        form.space.data = request.args.get("space") or getattr(_space_of_path(form.path.data), "slug", None)
        form.call_topic.data = clean_line(request.args.get("call_topic", ""))[:300]
        if source is not None:
            _fill_from_answer(form, source)
    if not any(s.slug == form.space.data for s in spaces) and request.method == "GET" or not form.space.data:
        form.space.data = spaces[0].slug  # the default space (or ?space=<slug> from a space's home page)
    space = next((s for s in spaces if s.slug == form.space.data), spaces[0])
    space_id = space.id  # kept for the form if saving fails and the session is rolled back
    if not form.validate_on_submit():
        return _form(form, status=400 if form.errors else 200, space_id=space_id)
    if request.form.get("preview"):
        return _form(form, preview=True, space_id=space_id)
    try:
        page = create_page(
            current_user,
            form.title.data,
            form.path.data,
            form.body.data,
            form.tags.data or "",
            summary=form.summary.data or "",
            lang=form.lang.data,
            space=space,
        )
        if source is not None:
            curation.record_promotion(page, source, current_user)
        if form.call_topic.data:
            link_topic_to_page(form.call_topic.data, page)  # those calls now have a page
    except UserError as error:
        db.session.rollback()
        return _form_error(form, error, space_id=space_id)
    db.session.commit()
    flash(_("The page “%(title)s” is created.", title=page.title), "success")
    return redirect(url_for("wiki.page", path=page.path))


def _fill_from_answer(form: NewPageForm, answer) -> None:
    """The new-page form for an accepted answer: its question's title, tags and space, the answer's text."""
    question = answer.question
    form.title.data = question.title
    thread_url = url_for("forum.question", question_id=question.id, slug=question.slug)
    form.body.data = curation.promoted_body(answer, thread_url)
    form.tags.data = " ".join(tag.name for tag in question.tags)
    form.lang.data = question.lang if question.lang in current_app.config["CONTENT_LANGUAGES"] else "en"
    form.space.data = question.space.slug
    form.source_answer.data = str(answer.id)


@bp.get("/go/<path:title>")
def go(title: str):
    """The page titled ``title`` (where ``[[title]]`` links lead), or a 404 page offering to write it."""
    page = page_by_title(title, current_user)
    if page is not None:
        return redirect(url_for("wiki.page", path=page.path))
    title = clean_line(title)[:300]
    linking = linking_pages(wiki_title_key(title), current_user)
    return render_template(
        "wiki/missing.html", title=title, linking=linking, may_write=bool(_writable_spaces())
    ), 404


@bp.get("/<path:path>")
def page(path: str):
    """A page; 404 if no page the reader may see has this path (the same page whether there is none or it
    is in a space they cannot see). Paths typed in another case, or of moved pages, redirect."""
    found = visible_page_at(path, current_user)
    if found is None:
        return _redirect_to_page_once_at(path)
    return render_page(found)


def render_page(page, curation_form: CurationForm | None = None, status: int = 200):
    """A page with its sidebar; ``curation_form`` is the owner / review-by form as typed (after an error)."""
    return render_template(
        "wiki/page.html",
        page=page,
        latest=latest_revision(page),
        backlinks=linking_pages(page.title_key, current_user, exclude=page),
        related=related_to(page),
        source_question=curation.source_question(page, current_user),
        curation_form=curation_form or curation_form_for(page),
        review_due=curation.is_due(page),
    ), status


def curation_form_for(page) -> CurationForm | None:
    """The owner / review-by form filled from ``page``, for those who may curate it (else None)."""
    if not can_curate_page(current_user, page):
        return None
    form = CurationForm(formdata=None, owners=curation.possible_owners())
    form.owner.data = str(page.owner_id or "")
    form.review_by.data = page.review_by.isoformat() if page.review_by else ""
    return form


def _redirect_to_page_once_at(path: str):
    try:
        canonical = normalize_path(path, in_space=True)
    except PathError:
        canonical = None
    found = visible_page_at(canonical, current_user) if canonical else None
    if found is None and canonical:
        found = page_formerly_at(canonical, current_user)
        if found is not None:
            flash(_("This page has moved to a new address: update your bookmarks and links."), "info")
    if found is None:
        return render_template(
            "wiki/not_found.html", path=canonical, may_create=_may_create_at(canonical)
        ), 404
    return redirect(url_for("wiki.page", path=found.path), 301 if found.path == canonical else 302)


@bp.route("/<path:path>/-/edit", methods=["GET", "POST"])
def edit(path: str):
    """Edit a page (see ``can_edit_page``); 404 if there is none. A save over someone else's newer one shows
    both diffs."""
    page = get_page_or_404(path, current_user)
    require(can_edit_page(current_user, page))
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
    """Delete a page with its history (see ``can_delete_page``); 404 if there is none."""
    page = get_page_or_404(path, current_user)
    require(can_delete_page(current_user, page))
    title = page.title
    delete_page(page)
    db.session.commit()
    flash(_("The page “%(title)s” is deleted.", title=title), "success")
    return redirect(url_for("wiki.index"))


def _form(form: PageForm, page=None, *, status: int = 200, preview: bool = False, space_id=None, **context):
    """The page form; a preview's links resolve as they will in the page's space."""
    space_id = page.space_id if page is not None else space_id
    preview_html = render(form.body.data or "", wikilinks=wikilink_resolver(space_id)) if preview else None
    return (
        render_template("wiki/form.html", form=form, page=page, preview_html=preview_html, **context),
        status,
    )


def _form_error(form: PageForm, error: UserError, page=None, space_id=None):
    """The form again, with what was typed and the message next to the field it is about."""
    field = getattr(form, error.field, None) if isinstance(error, PageFieldError) else None
    if field is not None:
        field.errors = [*field.errors, error.message]
        return _form(form, page, status=error.status_code, space_id=space_id)
    return _form(form, page, status=error.status_code, error_message=error.message, space_id=space_id)


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
