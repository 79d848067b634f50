"""Fixtures: a fresh app, database and index directory per test, and factories that build real rows.

Set HELPDESK_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1/test) to run the whole suite on
PostgreSQL; otherwise every test gets its own SQLite file.
"""

import contextvars
import itertools
import os
import shutil

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from helpdesk import create_app
from helpdesk.extensions import db

TEST_DATABASE_URL = os.environ.get("HELPDESK_TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def _settings(tmp_path, database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SEARCH_INDEX_DIR": str(tmp_path / "search_index"),
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "helpdesk.test",
        # Real hashes with few rounds: scrypt's 0.15 s per person would dominate the run.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The ``app`` fixture keeps an app context open for the test's own code; without this, requests would share
    its ``g`` (the signed-in user, the locale) and its database session. After each request the test's session
    forgets what it had loaded, so the test reads what the request saved.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # already isolated (a redirect being followed)
            return super().open(*args, **kwargs)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def _schema_template(tmp_path_factory):
    """Build the schema once: a SQLite file to copy per test, or the PostgreSQL tables (emptied per test)."""
    base = tmp_path_factory.mktemp("schema")
    url = TEST_DATABASE_URL or f"sqlite:///{base / 'template.db'}"
    app = create_app(_settings(base, url))
    with app.app_context():
        if TEST_DATABASE_URL:
            # Whatever an earlier run of older code left (tables, constraints the models no longer name) goes:
            # drop_all() would only drop what today's models describe, and trip over what they do not.
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.create_all()
        db.engine.dispose()
    return base / "template.db"


@pytest.fixture
def app(tmp_path, _schema_template):
    if TEST_DATABASE_URL:
        url = TEST_DATABASE_URL
    else:
        shutil.copy(_schema_template, tmp_path / "test.db")
        url = f"sqlite:///{tmp_path / 'test.db'}"
    app = create_app(_settings(tmp_path, url))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        if TEST_DATABASE_URL:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
            db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """``make_user(role="staff")`` -> a committed User whose password is ``PASSWORD``."""
    from helpdesk.auth.services import create_user

    def make(
        role: str = "employee", email: str | None = None, name: str | None = None, password: str = PASSWORD
    ):
        n = next(_counter)
        user = create_user(email or f"person{n}@bank.example", name or f"Person {n}", role, password)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as ``user``."""

    def sign_in(user, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return sign_in


@pytest.fixture
def make_question(app, make_user):
    """``make_question(author=None, title=..., body=..., tags=[...])`` -> a committed Question."""
    from helpdesk.forum.services import ask_question

    def make(
        author=None,
        title: str | None = None,
        body: str = "It does not work. What should I do?",
        tags: list[str] | None = None,
        lang: str = "en",
    ):
        n = next(_counter)
        question = ask_question(
            author or make_user(),
            title or f"How do I fix problem number {n}?",
            body,
            tags if tags is not None else ["general"],
            lang=lang,
        )
        db.session.commit()
        return question

    return make


@pytest.fixture
def make_answer(app, make_user, make_question):
    """``make_answer(question=None, author=None, body=...)`` -> a committed Answer."""
    from helpdesk.forum.services import answer_question

    def make(question=None, author=None, body: str = "Restart it and try again."):
        answer = answer_question(question or make_question(), author or make_user(), body)
        db.session.commit()
        return answer

    return make


@pytest.fixture
def make_page(app, make_user):
    """``make_page(title=..., path=..., body=...)`` -> a committed wiki Page, written by staff by default."""
    from helpdesk.wiki.services import create_page

    def make(
        title: str | None = None,
        path: str | None = None,
        body: str = "Some useful text.",
        tags: list[str] | None = None,
        author=None,
        lang: str = "en",
    ):
        n = next(_counter)
        page = create_page(
            author or make_user(role="staff"),
            title or f"Page {n}",
            path or f"page-{n}",
            body,
            tags or [],
            summary="Created",
            lang=lang,
        )
        db.session.commit()
        return page

    return make
