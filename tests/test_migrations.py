"""The migrations build exactly the schema the models describe, on SQLite and (when configured) PostgreSQL."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from helpdesk import PROJECT_DIR, create_app
from helpdesk.extensions import db

TEST_DATABASE_URL = os.environ.get("HELPDESK_TEST_DATABASE_URL")

MIGRATIONS = str(PROJECT_DIR / "migrations")


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database: a SQLite file, or a throw-away PostgreSQL database beside the test one."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"helpdesk_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(tmp_path, empty_database_url):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "SECRET_KEY": "x",
            "INSTANCE_DIR": str(tmp_path),
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        }
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
        assert diff == [], f"models and migrations differ: {diff}"

        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def _insert(conn, table_name: str, **values) -> int:
    """Insert a row, filling the columns the test does not care about with plain values of their type."""
    from datetime import datetime

    from sqlalchemy import Boolean, Date, DateTime, Integer, MetaData, Table

    table = Table(table_name, MetaData(), autoload_with=conn)
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key:
            continue
        if isinstance(column.type, DateTime | Date):
            row[column.name] = datetime(2026, 1, 1)
        elif isinstance(column.type, Boolean):
            row[column.name] = False
        elif isinstance(column.type, Integer):
            row[column.name] = 0
        else:
            row[column.name] = "x"
    return conn.execute(table.insert().values(**row)).inserted_primary_key[0]


def test_pages_written_before_curation_get_their_writer_as_owner_and_a_review_date(
    tmp_path, empty_database_url
):
    from datetime import date, datetime

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "SECRET_KEY": "x",
            "INSTANCE_DIR": str(tmp_path),
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        }
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0004")
        with db.engine.begin() as conn:
            writer = _insert(conn, "users", email="writer@example.com", name="Writer")
            _insert(
                conn, "pages", path="vpn", title="VPN", title_key="vpn", space_id=1, created_by_id=writer,
                updated_at=datetime(2026, 3, 1, 12, 0),
            )  # fmt: skip
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            owner, review_by = conn.execute(text("SELECT owner_id, review_by FROM pages")).one()
        assert owner == writer
        assert review_by in (date(2026, 8, 28), "2026-08-28")  # 180 days after its last change
        downgrade(directory=MIGRATIONS, revision="base")
        db.engine.dispose()
