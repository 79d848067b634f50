"""Curating the wiki: the review list, a page's owner and review-by date, "Mark reviewed" (wiki blueprint).

The list is for ``permissions.can_review_pages`` (staff, leads, admins); a page's buttons for
``permissions.can_curate_page``. A page the reader may not see answers 404 exactly like a missing one.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import User
from ..errors import UserError, show_error
from ..extensions import db
from ..permissions import can_curate_page, can_review_pages
from ..security import require
from ..utils import parse_id
from . import curation
from .forms import CurationForm
from .queries import get_page_or_404
from .views import bp, render_page


@bp.app_template_global()
def wiki_links(question) -> curation.ThreadLinks:
    """For a thread's page: the wiki pages made from its answers or that it is closed against, as far as the
    reader may see them."""
    return curation.thread_links(question, current_user)


@bp.get("/-/review")
def review():
    """Pages due for a look: past their review-by date, rated unhelpful, or whose source answer changed;
    ``?mine=1`` keeps the reader's own. 403 for people who are not staff, leads or admins."""
    require(can_review_pages(current_user))
    mine = request.args.get("mine") == "1"
    owner = current_user._get_current_object() if mine else None
    return render_template(
        "wiki/review.html",
        mine=mine,
        overdue=curation.pages_past_review_date(current_user, owner),
        unhelpful=curation.pages_rated_unhelpful(current_user, owner),
        changed=curation.pages_with_changed_source(current_user, owner),
    )


@bp.post("/<path:path>/-/curation")
def set_curation(path: str):
    """Set a page's owner and review-by date (see ``can_curate_page``); bad input shows the page again with
    what was typed."""
    page = get_page_or_404(path, current_user)
    require(can_curate_page(current_user, page))
    form = CurationForm(owners=curation.possible_owners())
    try:
        if not form.validate_on_submit():
            raise UserError(_("The request could not be understood."))
        owner = _owner(form.owner.data)
        review_by = curation.parse_review_date(form.review_by.data)
        curation.set_owner_and_review_date(page, owner, review_by)
    except UserError as error:
        show_error(form, error)
        return render_page(page, curation_form=form, status=error.status_code)
    db.session.commit()
    flash(_("The owner and the review-by date are saved."), "success")
    return redirect(url_for("wiki.page", path=page.path))


def _owner(raw: str | None) -> User | None:
    """The person chosen as owner ("" is nobody); UserError for anyone not offered in the list."""
    if not raw:
        return None
    owner_id = parse_id(raw)
    owner = db.session.get(User, owner_id) if owner_id is not None else None
    if owner is None:
        raise UserError(_("Choose one of the people in the list."))
    return owner


@bp.post("/<path:path>/-/reviewed")
def mark_reviewed(path: str):
    """Mark a page reviewed (see ``can_curate_page``): due again after the review period, flag cleared.
    ``back=review`` returns to the review list (``mine=1`` kept), else to the page."""
    page = get_page_or_404(path, current_user)
    require(can_curate_page(current_user, page))
    curation.mark_reviewed(page)
    db.session.commit()
    flash(
        _(
            "“%(title)s” is marked reviewed; next review by %(date)s.",
            title=page.title,
            date=page.review_by.isoformat(),
        ),
        "success",
    )
    if request.form.get("back") == "review":
        return redirect(url_for("wiki.review", mine=request.form.get("mine") or None))
    return redirect(url_for("wiki.page", path=page.path))
