"""A page's past: its revisions, the differences between any two, and reverting to an old one.

Routes hang off the ``/-/`` marker like the page actions in ``views.py`` (same blueprint).
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import UserError
from ..extensions import db
from ..markup import render
from ..permissions import can_edit_page
from ..security import require
from .diff import Version, page_diff
from .queries import get_page_or_404, get_revision_or_404, revisions, wikilink_resolver
from .services import revert_page
from .views import bp

# Revision 0 in a diff stands for "before the page existed", so the first revision can be compared too.
_NOTHING = Version("", "", "")


@bp.get("/<path:path>/-/history")
def history(path: str):
    """Every revision of a page, newest first, with a choice of two to compare; 404 if there is no page."""
    page = get_page_or_404(path, current_user)
    pagination = db.paginate(
        revisions(page),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template("wiki/history.html", page=page, pagination=pagination)


@bp.get("/<path:path>/-/diff")
def diff(path: str):
    """What changed between revisions ``?from=N`` and ``?to=M`` (default: the latest and the one before).

    404 if the page or either revision does not exist.
    """
    page = get_page_or_404(path, current_user)
    to_number = request.args.get("to", page.version, type=int)
    from_number = request.args.get("from", to_number - 1, type=int)
    if from_number < 0 or to_number < 0:
        abort(404)
    old = get_revision_or_404(page, from_number) if from_number else None
    new = get_revision_or_404(page, to_number) if to_number else None
    return render_template(
        "wiki/diff.html",
        page=page,
        old=old,
        new=new,
        from_number=from_number,
        to_number=to_number,
        diff=page_diff(Version.of(old) if old else _NOTHING, Version.of(new) if new else _NOTHING),
    )


@bp.get("/<path:path>/-/revisions/<int:number>")
def revision(path: str, number: int):
    """The page as revision ``number`` left it; 404 if the page or the revision does not exist."""
    page = get_page_or_404(path, current_user)
    old = get_revision_or_404(page, number)
    return render_template(
        "wiki/revision.html",
        page=page,
        revision=old,
        body_html=render(old.body, wikilinks=wikilink_resolver(page.space_id)),
    )


@bp.post("/<path:path>/-/revert/<int:number>")
def revert(path: str, number: int):
    """Make revision ``number`` the current text again, as a new revision (see ``can_edit_page``); 404 if
    there is none."""
    page = get_page_or_404(path, current_user)
    require(can_edit_page(current_user, page))
    old = get_revision_or_404(page, number)
    version_before = page.version
    try:
        reverted = revert_page(page, old, current_user)
    except UserError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("wiki.history", path=page.path))
    if reverted.number == version_before:
        flash(_("The page already reads like revision %(number)d: nothing to revert.", number=number), "info")
    else:
        db.session.commit()
        flash(_("Reverted to revision %(number)d.", number=number), "success")
    return redirect(url_for("wiki.page", path=page.path))
