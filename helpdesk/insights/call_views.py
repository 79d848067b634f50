"""Logging phone calls: "I read this out on a call" on threads and pages, the "Log a call" page (``/calls``)
and the leads' list of call topics without a page (``/insights/calls``).

Logging is for ``permissions.can_log_call`` (staff, leads, admins): others get 403, anonymous visitors are
asked to sign in. A thread or page the caller may not see answers 404 exactly like a missing one. The
buttons answer with a flash and a redirect back, or ``201 {"calls": n, "message": ...}`` to fetch().
"""

from datetime import timedelta

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_timezone, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField

from .. import permissions
from ..errors import wants_json
from ..extensions import db
from ..forum.queries import get_question_or_404
from ..forum.views import me, require_action
from ..search.widgets import similar_to
from ..security import require, safe_next_url
from ..utils import utcnow
from ..wiki.queries import get_page_or_404
from . import calls
from .queries import PERIODS

bp = Blueprint("calls", __name__)

DEFAULT_PERIOD = 30
MATCHES_SHOWN = 5


class CallTopicForm(FlaskForm):
    """The topic of a call no page fits; ``calls.clean_topic`` checks it (the form only carries it)."""

    topic = StringField(_l("What was the call about?"))


@bp.app_template_global()
def calls_logged_on(question=None, page=None) -> int:
    """How many calls were answered with this thread or page (shown to those who may log calls)."""
    return calls.calls_on(question=question, page=page)


def _back(default: str) -> str:
    return safe_next_url(request.form.get("next")) or default


def _logged(count: int, back: str):
    message = ngettext("Logged (%(num)d call)", "Logged (%(num)d calls)", count)
    if wants_json():
        return jsonify({"calls": count, "message": message}), 201
    flash(_("Call logged."), "success")
    return redirect(back)


@bp.post("/questions/<int:question_id>/call")
def log_question_call(question_id: int):
    """Log "I read this thread out on a call"; 404 for a thread missing or hidden alike."""
    back = _back(url_for("forum.question", question_id=question_id))
    require_action(permissions.can_log_call(current_user), back)
    question = get_question_or_404(question_id, current_user)
    calls.log_call(me(), question=question)
    db.session.commit()
    return _logged(calls.calls_on(question=question), back)


@bp.post("/wiki/<path:path>/-/call")
def log_page_call(path: str):
    """Log "I read this page out on a call"; 404 for a page missing or hidden alike."""
    back = _back(url_for("wiki.page", path=path))
    require_action(permissions.can_log_call(current_user), back)
    page = get_page_or_404(path, current_user)
    calls.log_call(me(), page=page)
    db.session.commit()
    return _logged(calls.calls_on(page=page), back)


def _log_page(form: CallTopicForm, status: int = 200, matches=None):
    since = calls.day_start(utcnow(), get_timezone())
    return render_template(
        "insights/log_call.html",
        form=form,
        matches=matches,
        today=calls.calls_by(me(), since),
    ), status


@bp.route("/calls", methods=["GET", "POST"])
def log():
    """A call no page fits, logged with a short topic; "Look for a page first" shows pages and threads that
    may fit instead. The form comes back with the text kept and a message when the topic is refused."""
    require(permissions.can_log_call(current_user))
    form = CallTopicForm()
    if not form.validate_on_submit():
        return _log_page(form, 400 if request.method == "POST" else 200)
    try:
        topic = calls.clean_topic(form.topic.data)
    except calls.TopicError as error:
        form.topic.errors = [error.message]
        return _log_page(form, error.status_code)
    if request.form.get("check"):
        form.topic.data = topic
        return _log_page(form, matches=similar_to(topic, limit=MATCHES_SHOWN))
    calls.log_call(me(), topic=topic)
    db.session.commit()
    flash(_("Call logged."), "success")
    return redirect(url_for("calls.log"))


@bp.get("/insights/calls")
def topics():
    """Call topics without a page over the last 7, 30 or 90 days, and calls per week (leads and admins)."""
    require(permissions.can_view_insights(current_user))
    days = request.args.get("days", type=int)
    days = days if days in PERIODS else DEFAULT_PERIOD
    until = utcnow()
    since = until - timedelta(days=days)
    return render_template(
        "insights/calls.html",
        days=days,
        periods=PERIODS,
        topics=calls.topics_without_page(current_user, since, until),
        weeks=calls.calls_per_week(current_user, since, until),
        list_length=calls.LIST_LENGTH,
    )
