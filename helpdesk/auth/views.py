from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..security import safe_next_url
from .forms import LoginForm
from .services import authenticate

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("forum.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("That e-mail and password do not match an account."), "error")
            return render_template("auth/login.html", form=form), 401
        # A fresh session on sign-in, so a session id planted before it is worth nothing (session fixation).
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        login_user(user, remember=form.remember.data)
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        return redirect(safe_next_url(form.next.data) or url_for("forum.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("forum.index"))


@bp.get("/users/<int:user_id>")
def profile(user_id: int):
    """What a person has shared (placeholder until the profile lands)."""
    from flask import abort

    abort(404)


@bp.get("/admin/users")
def admin_users():
    """The admin's list of accounts (placeholder until it lands)."""
    from flask import abort

    abort(404)
