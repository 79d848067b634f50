"""helpdesk: a Q&A forum and a Markdown wiki behind one full-text index."""

from pathlib import Path

from flask import Flask

from . import (  # noqa: F401 (models: all tables)
    api,
    auth,
    cli,
    errors,
    forum,
    headers,
    i18n,
    insights,
    models,
    proxy,
    routing,
    search,
    secret_key,
    spaces,
    templating,
    throttle,
    wiki,
)
from .extensions import csrf, db, login_manager, migrate
from .search import views as search_views

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app. ``overrides`` replaces settings from config.py (tests pass their own database)."""
    app = Flask(
        __name__, template_folder=str(PROJECT_DIR / "templates"), instance_path=_instance_path(overrides)
    )
    load_config(app, overrides)
    routing.init_app(app)
    secret_key.ensure(app)
    init_extensions(app)
    proxy.init_app(app)
    headers.init_app(app)
    throttle.init_app(app)
    search.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    auth.init_app(app)
    forum.init_app(app)
    wiki.init_app(app)
    spaces.init_app(app)
    search_views.init_app(app)
    api.init_app(app)
    insights.init_app(app)
    errors.register_error_handlers(app)
    cli.init_app(app)
    return app


def _instance_path(overrides: dict | None) -> str:
    from config import Config

    return str((overrides or {}).get("INSTANCE_DIR") or Config.INSTANCE_DIR)


def load_config(app: Flask, overrides: dict | None) -> None:
    app.config.from_object("config.Config")
    if overrides:
        app.config.update(overrides)


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
