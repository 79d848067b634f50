"""Signing in and out, choosing a password, and profiles: what a person has shared.

The admin's pages for accounts live in ``admin.py`` on the same blueprint.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import permissions, throttle
from ..errors import UserError
from ..extensions import db
from ..forum.queries import answers_by, questions_by
from ..insights.credit import credit_for_person
from ..security import require, safe_next_url
from . import queries, services
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)

# How many of each kind of contribution the profile shows before its "see all" link.
PROFILE_LIST_SIZE = 5


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("forum.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200
    try:
        throttle.check_login_allowed(form.email.data)
        user = services.check_credentials(form.email.data, form.password.data)
    except UserError as error:
        if error.status_code == 401:  # a wrong password counts; a deactivated account was named correctly
            throttle.login_failed(form.email.data)
        flash(error.message, "error")
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, throttle.Throttled) else {}
        return render_template("auth/login.html", form=form), error.status_code, headers
    throttle.login_succeeded(form.email.data)
    # A fresh session on sign-in, so a session id planted before it is worth nothing (session fixation).
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user, remember=form.remember.data)
    next_url = safe_next_url(form.next.data)
    if user.password_change_required:
        flash(_("Welcome, %(name)s. Please choose your own password now.", name=user.name), "info")
        return redirect(url_for("auth.change_password", next=next_url))
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(next_url or url_for("forum.index"))


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("forum.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Choose a new password (required after an admin handed out a one-time password)."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _password_page(form, 400 if request.method == "POST" else 200)
    user = current_user._get_current_object()
    try:
        services.change_password(user, form.current_password.data, form.new_password.data)
    except services.InvalidField as error:
        db.session.rollback()
        form[error.field].errors = [*form[error.field].errors, error.message]
        return _password_page(form, error.status_code)
    db.session.commit()
    flash(_("Your password is changed."), "success")
    return redirect(safe_next_url(request.args.get("next")) or url_for("auth.profile", user_id=user.id))


def _password_page(form: ChangePasswordForm, status: int):
    html = render_template(
        "auth/change_password.html", form=form, min_password_length=services.MIN_PASSWORD_LENGTH
    )
    return html, status


@bp.get("/users/<int:user_id>")
def profile(user_id: int):
    """A person's name, role and what they have shared; 404 for unknown or deactivated accounts."""
    user = queries.get_active_user_or_404(user_id)
    require(permissions.can_view_profile(current_user, user))
    return render_template(
        "auth/profile.html",
        user=user,
        member_since=format_date(user.created_at, "long"),
        counts=queries.profile_counts(user, current_user),
        credit=credit_for_person(user, current_user),
        questions=db.session.scalars(questions_by(user, current_user).limit(PROFILE_LIST_SIZE))
        .unique()
        .all(),
        answers=db.session.scalars(answers_by(user, current_user).limit(PROFILE_LIST_SIZE)).unique().all(),
        revisions=db.session.scalars(queries.pages_edited_by(user, current_user).limit(PROFILE_LIST_SIZE))
        .unique()
        .all(),
    )


@bp.get("/users/<int:user_id>/questions")
def profile_questions(user_id: int):
    """Every question a person asked, newest first, a page at a time."""
    return _profile_list(user_id, "questions", questions_by, _("Questions by %(name)s"))


@bp.get("/users/<int:user_id>/answers")
def profile_answers(user_id: int):
    """Every answer a person wrote, newest first, a page at a time."""
    return _profile_list(user_id, "answers", answers_by, _("Answers by %(name)s"))


@bp.get("/users/<int:user_id>/pages")
def profile_pages(user_id: int):
    """Every wiki page a person wrote or edited, most recently edited first, a page at a time."""
    return _profile_list(user_id, "pages", queries.pages_edited_by, _("Wiki pages edited by %(name)s"))


def _profile_list(user_id: int, section: str, read, heading: str):
    """``heading`` is a translated text with a ``%(name)s`` placeholder for the person's name."""
    user = queries.get_active_user_or_404(user_id)
    require(permissions.can_view_profile(current_user, user))
    results = db.paginate(
        read(user, current_user), page=_page_number(), per_page=current_app.config["ITEMS_PER_PAGE"]
    )
    return render_template(
        "auth/profile_list.html",
        user=user,
        section=section,
        results=results,
        heading=heading % {"name": user.name},
    )


def _page_number() -> int:
    """``?page=``, or 404 for nonsense (so a huge number never reaches the database as an offset)."""
    arg = request.args.get("page", "")
    if arg == "":
        return 1
    if not (arg.isascii() and arg.isdigit() and len(arg) <= 6) or int(arg) < 1:
        abort(404)
    return int(arg)
