"""``flask --app wsgi demo load [--if-empty]``: fill a fresh database with demo content and a demo admin."""

import click
from flask.cli import AppGroup

from ..auth.services import find_user_by_email
from ..errors import UserError
from ..extensions import db
from .people import DEMO_ADMIN_EMAIL
from .services import create_demo_admin, database_is_empty, load_demo_content

demo_cli = AppGroup("demo", help="Demo content to try the app with.")


@demo_cli.command("load")
@click.option(
    "--if-empty", is_flag=True, help="Do nothing when the database already has questions or wiki pages."
)
def demo_load(if_empty: bool) -> None:
    """Add demo people, wiki pages and forum threads (what was loaded before is skipped).

    On an empty database this also makes the demo admin, admin@helpdesk.local, and prints its password once.
    """
    empty = database_is_empty()
    if if_empty and not empty:
        click.echo("The database already has questions or wiki pages: no demo content loaded.")
        return
    try:
        result = load_demo_content()
        admin = create_demo_admin() if empty else None
        admin_existed = admin is None and find_user_by_email(DEMO_ADMIN_EMAIL) is not None
        db.session.commit()
    except UserError as error:
        db.session.rollback()
        raise click.ClickException(f"The demo content could not be loaded: {error.message}") from None

    if result.pages or result.questions:
        click.echo(
            f"Demo content loaded: {result.pages} wiki pages, {result.questions} questions, "
            f"{result.answers} answers, {result.votes} votes, {result.people} new people."
        )
    else:
        click.echo("The demo content is loaded already: nothing added.")

    if admin is not None:
        user, password = admin
        click.echo("")
        click.echo(f"Sign in as {user.email} with password: {password}")
        click.echo("Note it now: it is shown only this once.")
    elif admin_existed:
        click.echo(
            f"The demo admin {DEMO_ADMIN_EMAIL} exists already and keeps its password (it is not shown "
            f"again). To give it a new one: flask --app wsgi users set-password {DEMO_ADMIN_EMAIL}"
        )
    else:
        click.echo(
            "No demo admin was made because the database was not empty. To make an admin: "
            "flask --app wsgi users create EMAIL --name NAME --role admin"
        )
