"""People: accounts, roles, sign-in, profiles and the admin's list of users."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager


def init_app(app: Flask) -> None:
    from . import views
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

    app.register_blueprint(views.bp)
