"""Flask commands for operators: ``flask --app wsgi users|import|demo ...``."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from .auth.models import User
from .auth.services import create_user, find_user_by_email, set_role
from .demo.cli import demo_cli
from .errors import UserError
from .extensions import db
from .import_cli import import_cli

users_cli = AppGroup("users", help="Create and list accounts, change roles.")


def _fail(message: str) -> None:
    raise click.ClickException(message)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's display name.")
@click.option("--role", default="employee", show_default=True, help="employee, staff, lead or admin.")
def users_create(email: str, name: str, role: str) -> None:
    """Create an account; the password is read from standard input (first line)."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        _fail("No password given on standard input.")
    try:
        user = create_user(email, name, role, password)
        db.session.commit()
    except UserError as error:
        db.session.rollback()
        _fail(error.message)
    click.echo(f"Created {user.email} ({user.role}).")


@users_cli.command("list")
def users_list() -> None:
    """Print every account: id, e-mail, role, name."""
    for user in db.session.scalars(db.select(User).order_by(User.id)):
        state = "" if user.active else "  (inactive)"
        click.echo(f"{user.id:>5}  {user.email:<40} {user.role:<9} {user.name}{state}")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role")
def users_set_role(email: str, role: str) -> None:
    """Change the role of the account with EMAIL to ROLE."""
    user = find_user_by_email(email)
    if user is None:
        _fail(f"No account with the address {email}.")
    try:
        set_role(user, role)
        db.session.commit()
    except UserError as error:
        db.session.rollback()
        _fail(error.message)
    click.echo(f"{user.email} is now {user.role}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(demo_cli)
