"""Configuration read from HELPDESK_* environment variables, with safe defaults for a laptop.

Every setting is listed in README.md. Nothing secret lives in this file: when HELPDESK_SECRET_KEY is unset
the app generates a key once and keeps it in ``instance/secret_key``.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("HELPDESK_INSTANCE_DIR", BASE_DIR / "instance"))


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SQLALCHEMY_DATABASE_URI = (
        os.environ.get("HELPDESK_DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'helpdesk.db'}"
    )
    SEARCH_INDEX_DIR = os.environ.get("HELPDESK_SEARCH_INDEX_DIR") or str(BASE_DIR / "search_index")
    # None means: generate once and keep under instance/ (see helpdesk.secret_key).
    SECRET_KEY = os.environ.get("HELPDESK_SECRET_KEY") or None
    INSTANCE_DIR = str(INSTANCE_DIR)

    # Requests larger than this are refused with 413 and a clear message.
    MAX_CONTENT_LENGTH = _int("HELPDESK_MAX_REQUEST_BYTES", 2 * 1024 * 1024)
    MAX_TITLE_LENGTH = _int("HELPDESK_MAX_TITLE_LENGTH", 200)
    MAX_BODY_LENGTH = _int("HELPDESK_MAX_BODY_LENGTH", 100_000)
    MAX_TAGS = _int("HELPDESK_MAX_TAGS", 8)
    MAX_TAG_LENGTH = _int("HELPDESK_MAX_TAG_LENGTH", 40)
    ITEMS_PER_PAGE = _int("HELPDESK_ITEMS_PER_PAGE", 20)

    # Search (helpdesk/search): applied outbox rows older than this are pruned by `flask search sync`;
    # whether each commit tries to update the index at once; the longest one search may run, in seconds.
    SEARCH_CHANGE_RETENTION_DAYS = _int("HELPDESK_SEARCH_CHANGE_RETENTION_DAYS", 7)
    SEARCH_DRAIN_ON_COMMIT = _bool("HELPDESK_SEARCH_DRAIN_ON_COMMIT", True)
    SEARCH_TIME_LIMIT = float(os.environ.get("HELPDESK_SEARCH_TIME_LIMIT") or 2.0)

    # Insights (helpdesk/insights): a query is shown to leads once this many distinct visits made it (people
    # type names into search boxes); search log rows older than this many days go with `flask insights purge`.
    INSIGHTS_MIN_PEOPLE = _int("HELPDESK_INSIGHTS_MIN_PEOPLE", 3)
    INSIGHTS_RETENTION_DAYS = _int("HELPDESK_INSIGHTS_RETENTION_DAYS", 90)

    # Wiki curation (helpdesk/wiki/curation.py): a new page, and a page marked reviewed, is due for review
    # again this many days later.
    PAGE_REVIEW_DAYS = _int("HELPDESK_PAGE_REVIEW_DAYS", 180)

    LANGUAGES = {"en": "English", "sv": "Svenska"}
    BABEL_DEFAULT_LOCALE = os.environ.get("HELPDESK_DEFAULT_LOCALE", "en")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("HELPDESK_TIMEZONE", "Europe/Stockholm")
    # Languages a post may be written in (kept on every question and page; the search index stems by it).
    CONTENT_LANGUAGES = {
        "en": "English",
        "sv": "Svenska",
        "da": "Dansk",
        "no": "Norsk",
        "fi": "Suomi",
        "de": "Deutsch",
    }

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("HELPDESK_SECURE_COOKIES", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("HELPDESK_SECURE_COOKIES", False)
    WTF_CSRF_TIME_LIMIT = None

    # Throttling (helpdesk/throttle.py). Counters live here: "memory://" is one process only; with several
    # web processes use Redis, e.g. redis://127.0.0.1:6379/0, so they all count together.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("HELPDESK_RATELIMIT_STORAGE_URI") or "memory://"
    # Failed sign-ins allowed per e-mail address typed, and per client address, before sign-in waits.
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("HELPDESK_LOGIN_LIMIT_PER_ACCOUNT") or "10 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("HELPDESK_LOGIN_LIMIT_PER_ADDRESS") or "30 per 15 minutes"
    # Accounts younger than this many days (staff excepted) may post this many questions and answers.
    NEW_ACCOUNT_DAYS = _int("HELPDESK_NEW_ACCOUNT_DAYS", 7)
    NEW_ACCOUNT_POST_LIMIT = os.environ.get("HELPDESK_NEW_ACCOUNT_POST_LIMIT") or "5 per 10 minutes"

    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (helpdesk/proxy.py).
    TRUSTED_PROXIES = _int("HELPDESK_TRUSTED_PROXIES", 0)

    # werkzeug's method string; tests use a cheaper one, production keeps scrypt.
    PASSWORD_HASH_METHOD = "scrypt"

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
