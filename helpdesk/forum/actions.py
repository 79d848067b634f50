"""The buttons on a thread: vote, accept, close as duplicate, reopen.

Each answers a form with a redirect and a flashed message, and a script (``Accept: application/json``) with
JSON: ``{"score": n}`` and the like, or ``{"error": ...}`` with a 4xx status.
"""

from flask import flash, jsonify, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..errors import UserError, show_error, wants_json
from ..extensions import db
from ..wiki import curation
from . import queries, services
from .forms import CloseForm
from .models import Answer, Question
from .views import answer_anchor, bp, me, question_url, render_thread, require_action

_VOTE_VALUES = {"up": 1, "down": -1}


def _field(name: str) -> str:
    """A value from the posted form, or from a JSON body sent by a script."""
    if request.is_json:
        data = request.get_json(silent=True)
        return str(data.get(name, "")) if isinstance(data, dict) else ""
    return request.form.get(name, "")


def _failed(error: UserError, back: str):
    """A refused button: JSON answers through the global handler, a page gets the message flashed."""
    db.session.rollback()
    if wants_json():
        raise error
    flash(error.message, "error")
    return redirect(back)


def _done(message: str, back: str, **payload):
    if wants_json():
        return jsonify(payload)
    flash(message, "success")
    return redirect(back)


def _post_url(post: Question | Answer) -> str:
    if isinstance(post, Question):
        return question_url(post, _anchor="question")
    return question_url(post.question, _anchor=answer_anchor(post))


# ---------------------------------------------------------------------------------------------------------
# Votes


@bp.post("/questions/<int:question_id>/vote")
def vote_question(question_id: int):
    """Vote a question up or down (``value=up|down``); 403 on your own post, 409 for the same vote twice."""
    return _vote(queries.get_question_or_404(question_id, current_user))


@bp.post("/answers/<int:answer_id>/vote")
def vote_answer(answer_id: int):
    """Vote an answer up or down (``value=up|down``); 403 on your own post, 409 for the same vote twice."""
    return _vote(queries.get_answer_or_404(answer_id, current_user))


def _vote(post: Question | Answer):
    back = _post_url(post)
    # Signed in is enough to get here: the service says why a vote on your own post is refused.
    require_action(current_user.is_authenticated, back)
    raw = _field("value").strip().lower()
    try:
        if raw not in _VOTE_VALUES:
            raise UserError(_("A vote is either up or down."))
        score = services.vote(me(), post, _VOTE_VALUES[raw])
    except UserError as error:
        return _failed(error, back)
    db.session.commit()
    message = _("Thank you: your vote is counted.")
    return _done(message, back, score=score, vote=raw)


# ---------------------------------------------------------------------------------------------------------
# Accepting


@bp.post("/answers/<int:answer_id>/accept")
def accept(answer_id: int):
    """Mark an answer as the one that solved the question (the asker or staff; others get 403)."""
    answer = queries.get_answer_or_404(answer_id, current_user)
    back = _post_url(answer)
    require_action(permissions.can_accept_answer(current_user, answer), back)
    try:
        services.accept_answer(answer, me())
    except UserError as error:
        return _failed(error, back)
    db.session.commit()
    return _done(
        _("Answer accepted: the question is marked as solved."), back, accepted=True, answer_id=answer.id
    )


@bp.post("/answers/<int:answer_id>/unaccept")
def unaccept(answer_id: int):
    """Take the accepted mark off an answer (the asker or staff)."""
    answer = queries.get_answer_or_404(answer_id, current_user)
    back = _post_url(answer)
    require_action(permissions.can_accept_answer(current_user, answer), back)
    try:
        services.unaccept_answer(answer, me())
    except UserError as error:
        return _failed(error, back)
    db.session.commit()
    message = _("The answer is no longer marked as accepted.")
    return _done(message, back, accepted=False, answer_id=answer.id)


# ---------------------------------------------------------------------------------------------------------
# Closing and reopening


@bp.post("/questions/<int:question_id>/close")
def close(question_id: int):
    """Close a question as a duplicate of another, named by number or address, or as answered by a wiki
    page, named by address or title (staff; others get 403)."""
    question = queries.get_question_or_404(question_id, current_user)
    back = question_url(question)
    require_action(permissions.can_close_question(current_user, question), back)
    form = CloseForm()
    if not form.validate_on_submit():
        if wants_json():
            raise UserError(_("The request could not be understood."))
        return render_thread(question, close_form=form, status=400)
    try:
        original_id = queries.question_id_from_reference(form.original.data)
        page = curation.page_from_reference(form.original.data, current_user) if original_id is None else None
        if page is not None:
            curation.close_against_page(question, page, me())
            db.session.commit()
            message = _("Closed: the wiki page “%(title)s” answers it.", title=page.title)
            return _done(message, back, closed=True, duplicate_of_page=page.id)
        if original_id is None:
            raise services.InvalidField(
                "original",
                _(
                    "Give the number or the address of the original question, or the address or the title of "
                    "a wiki page."
                ),
            )
        original = db.session.get(Question, original_id)
        if original is not None and not permissions.can_view_content(current_user, original):
            original = None  # as if there were no such question: its title must not come back
        services.close_as_duplicate(question, original, me())
    except UserError as error:
        if wants_json():
            db.session.rollback()
            raise
        show_error(form, error)
        return render_thread(question, close_form=form, status=error.status_code)
    db.session.commit()
    message = _("Closed as a duplicate of “%(title)s”.", title=original.title)
    return _done(message, back, closed=True, duplicate_of=original.id)


@bp.post("/questions/<int:question_id>/reopen")
def reopen(question_id: int):
    """Open a closed question again (staff; others get 403)."""
    question = queries.get_question_or_404(question_id, current_user)
    back = question_url(question)
    require_action(permissions.can_close_question(current_user, question), back)
    try:
        services.reopen_question(question, me())
    except UserError as error:
        return _failed(error, back)
    db.session.commit()
    return _done(_("The question is open again."), back, closed=False)
