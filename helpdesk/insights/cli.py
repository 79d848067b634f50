"""``flask --app wsgi insights purge [--days N]``: delete search log rows and ask-form visits older than the
retention period."""

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from .services import purge_events

insights_cli = AppGroup("insights", help="Maintain the search log behind the leads' insights.")


@insights_cli.command("purge")
@click.option(
    "--days", type=click.IntRange(min=1), default=None,
    help="Keep this many days (default: HELPDESK_INSIGHTS_RETENTION_DAYS).",
)  # fmt: skip
def purge(days: int | None) -> None:
    """Delete search log rows and ask-form visits older than the retention period and print how many."""
    days = days or current_app.config["INSIGHTS_RETENTION_DAYS"]
    searches, visits = purge_events(days)
    db.session.commit()
    click.echo(f"Deleted {searches} search log rows older than {days} days.")
    click.echo(f"Deleted {visits} ask-form visits older than {days} days.")
