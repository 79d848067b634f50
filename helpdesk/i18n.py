"""Which language the interface speaks: the person's choice (the switch in the page), else the browser's."""

from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale

from .extensions import babel
from .security import safe_next_url

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    if not has_request_context():  # CLI commands, imports, tests of services: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = list(current_app.config["LANGUAGES"])
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.post("/language")
def set_language():
    """Remember the language picked in the page's switch, then go back where the person was."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next_url(request.form.get("next")) or url_for("forum.index"))


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)

    @app.context_processor
    def inject_languages():
        return {"languages": app.config["LANGUAGES"], "current_locale": str(get_locale())}
