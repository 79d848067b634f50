""" "Did this answer your question?" under threads and wiki pages, and the leads' list of worst-rated pages.

``POST /questions/<id>/rating`` and ``POST /wiki/<path>/-/rating`` take ``helpful=yes|no``. A form gets a
redirect back with a flashed thanks; a script (``Accept: application/json``) gets ``{"yes", "no", "mine"}``
and the widget's new HTML. A thread or page that does not exist and one the visitor may not see both answer
404; anonymous visitors are sent to sign in (401 for scripts).
"""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..errors import UserError, wants_json
from ..extensions import db
from ..forum.models import Question
from ..forum.queries import get_question_or_404
from ..forum.views import me, question_url, require_action
from ..security import require
from ..wiki.models import Page
from ..wiki.queries import get_page_or_404
from . import ratings

bp = Blueprint("ratings", __name__)

_ANSWERS = {"yes": True, "no": False}
WORST_PAGES_LIMIT = 50


def _said(helpful: bool | None) -> str | None:
    return None if helpful is None else ("yes" if helpful else "no")


@bp.app_template_global()
def rating_box(question: Question | None = None, page: Page | None = None) -> dict:
    """What the widget under a thread or page shows: where to post, the counts and the reader's answer."""
    target = {"question": question} if question is not None else {"page": page}
    if question is not None:
        action, back = url_for("ratings.rate_question", question_id=question.id), question_url(question)
    else:
        action, back = url_for("ratings.rate_page", path=page.path), url_for("wiki.page", path=page.path)
    yes, no, mine = ratings.rating_summary(current_user, **target)
    return {
        "action": action,
        "back": back,
        "yes": yes,
        "no": no,
        "total": yes + no,
        "mine": _said(mine),
        "may_rate": permissions.can_rate(current_user, question or page),
    }


@bp.post("/questions/<int:question_id>/rating")
def rate_question(question_id: int):
    """Answer "Did this answer your question?" on a thread; 404 if it is missing or hidden."""
    question = get_question_or_404(question_id, current_user)
    return _rate(question, {"question": question}, question_url(question, _anchor="rating"))


@bp.post("/wiki/<path:path>/-/rating")
def rate_page(path: str):
    """Answer "Did this answer your question?" on a wiki page; 404 if it is missing or hidden."""
    page = get_page_or_404(path, current_user)
    return _rate(page, {"page": page}, url_for("wiki.page", path=page.path, _anchor="rating"))


def _rate(item, target: dict, back: str):
    require_action(permissions.can_rate(current_user, item), back)
    raw = request.form.get("helpful", "").strip().lower()
    if raw not in _ANSWERS:
        error = UserError(_("Answer yes or no."))
        if wants_json():
            raise error
        flash(error.message, "error")
        return redirect(back)
    ratings.rate(me(), _ANSWERS[raw], **target)
    db.session.commit()
    if wants_json():
        box = rating_box(**target)
        html = render_template("insights/_rating.html", rating=box, rating_fragment=True)
        thanks = _("Thanks for your feedback.")
        return jsonify(yes=box["yes"], no=box["no"], mine=raw, html=html, message=thanks)
    flash(_("Thanks for your feedback."), "success")
    return redirect(back)


@bp.get("/insights/pages")
def worst_pages():
    """The wiki pages whose readers most often said they did not get their answer (leads and admins)."""
    require(permissions.can_view_insights(current_user))
    return render_template(
        "insights/pages.html",
        rows=ratings.worst_rated_pages(current_user, limit=WORST_PAGES_LIMIT),
        format_percent=format_percent,
    )
