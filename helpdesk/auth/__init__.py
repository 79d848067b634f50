"""People: accounts, roles, sign-in, profiles and the admin's list of users."""

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db, login_manager

# What someone who must replace a one-time password may still reach before doing so.
_ALLOWED_BEFORE_PASSWORD_CHANGE = frozenset(
    {"auth.change_password", "auth.logout", "static", "i18n.set_language"}
)


def init_app(app: Flask) -> None:
    from . import admin, views  # noqa: F401 (admin adds its routes to views.bp)
    from .forms import role_label
    from .models import User

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # Drops the session when it is reused from another address/browser, against stolen cookies.
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None

    @app.before_request
    def require_own_password():
        """Someone signed in with a one-time password chooses their own before doing anything else."""
        if request.endpoint is None or request.endpoint in _ALLOWED_BEFORE_PASSWORD_CHANGE:
            return None
        if current_user.is_authenticated and current_user.password_change_required:
            return redirect(
                url_for("auth.change_password", next=request.full_path if request.method == "GET" else None)
            )
        return None

    app.add_template_filter(role_label, "role_label")
    app.register_blueprint(views.bp)
