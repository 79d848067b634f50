"""Pages of the forum: the lists, a thread, asking, answering, editing, history and tags.

The buttons on a thread (vote, accept, close, reopen) live in ``actions.py`` on the same blueprint.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..errors import UserError, show_error, wants_json
from ..extensions import db, login_manager
from ..insights import funnel
from ..insights.log import visit_key
from ..search.widgets import related_to, similar_to
from ..security import require
from ..spaces.queries import default_space, forget_visibility, spaces_visible_to
from . import queries, services
from .diff import line_diff
from .forms import AnswerForm, CloseForm, EditAnswerForm, EditQuestionForm, QuestionForm
from .models import Answer, Question

bp = Blueprint("forum", __name__)


# ---------------------------------------------------------------------------------------------------------
# Helpers shared with actions.py


@bp.app_template_global()
def question_url(question: Question, **kwargs) -> str:
    """The address of a thread, with its readable slug (``/questions/12/vpn-drops``)."""
    return url_for("forum.question", question_id=question.id, slug=question.slug, **kwargs)


@bp.app_template_global()
def answer_anchor(answer: Answer) -> str:
    return f"answer-{answer.id}"


def me():
    """The signed-in User itself (not the proxy), to hand to services."""
    return current_user._get_current_object()


def require_action(allowed: bool, back: str) -> None:
    """Like ``security.require`` for buttons: anonymous visitors sign in and come back to ``back`` (not to a
    POST-only address); scripts asking for JSON get a 401 body."""
    if allowed:
        return
    if not current_user.is_authenticated:
        if wants_json():
            raise UserError(_("Please sign in first."), 401)
        flash(str(login_manager.login_message), login_manager.login_message_category)
        abort(redirect(url_for("auth.login", next=back)))
    abort(403)


def _form_status(form) -> int:
    return 200 if not form.is_submitted() else 400


def render_thread(question: Question, answer_form=None, close_form=None, status: int = 200):
    return render_template(
        "forum/question.html",
        question=question,
        answers=queries.answers_for(question),
        votes=queries.votes_by(current_user, question),
        duplicates=queries.duplicates_of(question, current_user),
        original=queries.visible_original(question, current_user),
        answer_form=answer_form or AnswerForm(formdata=None),
        close_form=close_form or CloseForm(formdata=None),
        related=related_to(question),
    ), status


def _paginate(stmt):
    page = queries.page_number(request.args.get("page"))
    return db.paginate(stmt, page=page, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=True)


# ---------------------------------------------------------------------------------------------------------
# Lists


@bp.get("/")
def index():
    """Questions, newest first; ``?tab=unanswered`` shows those without an answer."""
    tab = "unanswered" if request.args.get("tab") == "unanswered" else "newest"
    return _question_list(tab)


@bp.get("/unanswered")
def unanswered():
    return _question_list("unanswered")


def _question_list(tab: str):
    stmt = (
        queries.unanswered_questions(current_user)
        if tab == "unanswered"
        else queries.newest_questions(current_user)
    )
    return render_template("forum/index.html", tab=tab, results=_paginate(stmt))


@bp.get("/tags")
def tags():
    return render_template("forum/tags.html", tags=queries.tags_with_counts(current_user))


@bp.get("/tags/<name>")
def tag(name: str):
    """Questions and wiki pages with one tag; 404 for a tag nobody uses."""
    tag = queries.tag_by_name(name, current_user)
    if tag is None:
        abort(404)
    if tag.name != name:
        return redirect(url_for("forum.tag", name=tag.name, **request.args.to_dict()))
    results = _paginate(queries.questions_tagged(tag, current_user))
    return render_template(
        "forum/tag.html", tag=tag, results=results, pages=queries.pages_tagged(tag, current_user)
    )


# ---------------------------------------------------------------------------------------------------------
# A thread, asking and answering


@bp.get("/questions/<int:question_id>")
@bp.get("/questions/<int:question_id>/<slug>")
def question(question_id: int, slug: str | None = None):
    """A question with its answers (the accepted one first); 404 if there is no such question."""
    return render_thread(queries.get_question_or_404(question_id, current_user))


@bp.get("/answers/<int:answer_id>")
def answer(answer_id: int):
    """An answer's own address: its place in the thread."""
    answer = queries.get_answer_or_404(answer_id, current_user)
    return redirect(question_url(answer.question, _anchor=answer_anchor(answer)))


@bp.route("/questions/ask", methods=["GET", "POST"])
def ask():
    """The ask form (``?title=...&tags=...`` fill it in); anonymous visitors are sent to sign in first."""
    require(permissions.can_ask(current_user))
    spaces = _postable_spaces()
    require(bool(spaces))
    form = QuestionForm(spaces=spaces)
    if request.method == "GET":
        form.title.data = request.args.get("title", "")[:1000]
        form.tags.data = request.args.get("tags", "")[:1000]
        form.space.data = request.args.get("space")
    if not any(s.slug == form.space.data for s in spaces) and request.method == "GET" or not form.space.data:
        form.space.data = spaces[0].slug  # the default space (or ?space=<slug> from a space's home page)
    into_restricted = any(s.slug == form.space.data and s.is_restricted for s in spaces)
    if form.validate_on_submit():
        space = next(s for s in spaces if s.slug == form.space.data)
        try:
            question = services.ask_question(
                me(), form.title.data, form.body.data, form.tags.data, form.lang.data, space=space
            )
        except UserError as error:
            db.session.rollback()  # nothing of the refused question stays (the page below commits its visit)
            show_error(form, error)
            return _ask_page(form, into_restricted, error.status_code)
        funnel.record_posted(form.visit.data, visit_key(), question)
        db.session.commit()
        flash(_("Your question is posted. You will find answers here."), "success")
        return redirect(question_url(question))
    return _ask_page(form, into_restricted, _form_status(form))


def _postable_spaces() -> list:
    """The spaces the asker may post in (see ``permissions.can_post_in``), the default space first."""
    default_space()  # made on first use where the database was built without migrations (tests),
    forget_visibility()  # so visibility answered before then is asked again
    return [s for s in spaces_visible_to(current_user) if permissions.can_post_in(current_user, s)]


def _ask_page(form, into_restricted: bool, status: int):
    """The ask form with the threads and pages that may already answer what is typed (also without JS), and
    its visit in the deflection funnel (none when the form is set to post into a restricted space)."""
    visit = funnel.form_visit(form.visit.data, visit_key(), into_restricted)
    form.visit.data = visit.token if visit else ""
    db.session.commit()
    return render_template(
        "forum/ask.html", form=form, suggestions=similar_to(form.title.data, form.body.data)
    ), status


@bp.post("/questions/<int:question_id>/answers")
def post_answer(question_id: int):
    """Add an answer; on bad input the thread comes back with the text kept."""
    question = queries.get_question_or_404(question_id, current_user)
    back = question_url(question, _anchor="answer-form")
    # Signed in is enough here: the service refuses a closed question with its own clear message.
    require_action(current_user.is_authenticated, back)
    form = AnswerForm()
    if not form.validate_on_submit():
        return render_thread(question, answer_form=form, status=400)
    try:
        answer = services.answer_question(question, me(), form.body.data)
    except UserError as error:
        show_error(form, error)
        return render_thread(question, answer_form=form, status=error.status_code)
    db.session.commit()
    flash(_("Thank you: your answer is posted."), "success")
    return redirect(question_url(question, _anchor=answer_anchor(answer)))


# ---------------------------------------------------------------------------------------------------------
# Editing


def _edit_conflict(form, post) -> bool:
    """True (with a message on the form) when someone saved a newer version since the editor opened it."""
    latest = queries.latest_revision_number(post)
    started_from = (form.base_revision.data or "").strip()
    if not started_from or started_from == str(latest):
        return False
    form.base_revision.data = str(latest)
    form.form_errors.append(
        _(
            "Someone else saved a new version while you were editing. Your text is kept below: compare it "
            "with the current version, then save again."
        )
    )
    return True


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(question_id: int):
    """Edit a question (its author or staff; others get 403)."""
    question = queries.get_question_or_404(question_id, current_user)
    require(permissions.can_edit_post(current_user, question))
    form = EditQuestionForm()
    if request.method == "GET":
        form.title.data, form.body.data, form.lang.data = question.title, question.body, question.lang
        form.tags.data = ", ".join(tag.name for tag in question.tags)
        form.base_revision.data = str(queries.latest_revision_number(question))
    elif form.validate_on_submit():
        if _edit_conflict(form, question):
            return render_template("forum/edit_question.html", form=form, question=question), 409
        try:
            services.edit_question(
                question, me(), form.title.data, form.body.data, form.tags.data, form.summary.data,
                lang=form.lang.data,
            )  # fmt: skip
        except UserError as error:
            show_error(form, error)
            return render_template(
                "forum/edit_question.html", form=form, question=question
            ), error.status_code
        db.session.commit()
        flash(_("Your changes are saved."), "success")
        return redirect(question_url(question))
    return render_template("forum/edit_question.html", form=form, question=question), _form_status(form)


@bp.route("/answers/<int:answer_id>/edit", methods=["GET", "POST"])
def edit_answer(answer_id: int):
    """Edit an answer (its author or staff; others get 403)."""
    answer = queries.get_answer_or_404(answer_id, current_user)
    require(permissions.can_edit_post(current_user, answer))
    form = EditAnswerForm()
    if request.method == "GET":
        form.body.data = answer.body
        form.base_revision.data = str(queries.latest_revision_number(answer))
    elif form.validate_on_submit():
        if _edit_conflict(form, answer):
            return render_template("forum/edit_answer.html", form=form, answer=answer), 409
        try:
            services.edit_answer(answer, me(), form.body.data, form.summary.data)
        except UserError as error:
            show_error(form, error)
            return render_template("forum/edit_answer.html", form=form, answer=answer), error.status_code
        db.session.commit()
        flash(_("Your changes are saved."), "success")
        return redirect(question_url(answer.question, _anchor=answer_anchor(answer)))
    return render_template("forum/edit_answer.html", form=form, answer=answer), _form_status(form)


# ---------------------------------------------------------------------------------------------------------
# History


@bp.get("/questions/<int:question_id>/history")
def question_history(question_id: int):
    question = queries.get_question_or_404(question_id, current_user)
    return render_template(
        "forum/history.html",
        question=question,
        post=question,
        is_question=True,
        revisions=queries.revisions_of(question),
    )


@bp.get("/answers/<int:answer_id>/history")
def answer_history(answer_id: int):
    answer = queries.get_answer_or_404(answer_id, current_user)
    return render_template(
        "forum/history.html",
        question=answer.question,
        post=answer,
        is_question=False,
        revisions=queries.revisions_of(answer),
    )


def _revision_page(question: Question, post: Question | Answer, number: int):
    revision = queries.revision_of(post, number)
    if revision is None:
        abort(404)
    previous = queries.revision_of(post, number - 1) if number > 1 else None
    return render_template(
        "forum/revision.html",
        question=question,
        post=post,
        is_question=isinstance(post, Question),
        revision=revision,
        previous=previous,
        diff=line_diff(previous.body, revision.body) if previous else None,
        latest=queries.latest_revision_number(post),
    )


@bp.get("/questions/<int:question_id>/revisions/<int:number>")
def question_revision(question_id: int, number: int):
    """One saved version of a question, with what changed since the one before."""
    question = queries.get_question_or_404(question_id, current_user)
    return _revision_page(question, question, number)


@bp.get("/answers/<int:answer_id>/revisions/<int:number>")
def answer_revision(answer_id: int, number: int):
    """One saved version of an answer, with what changed since the one before."""
    answer = queries.get_answer_or_404(answer_id, current_user)
    return _revision_page(answer.question, answer, number)
