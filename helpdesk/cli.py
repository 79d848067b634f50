"""Flask commands for operators: ``flask --app wsgi users|import|demo ...``."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from .auth.models import User
from .auth.services import (
    check_password_strength,
    create_user,
    deactivate_user,
    find_user_by_email,
    reactivate_user,
    set_role,
)
from .demo.cli import demo_cli
from .errors import UserError
from .extensions import db
from .import_cli import import_cli
from .search.cli import search_cli

users_cli = AppGroup("users", help="Create and list accounts, change roles, (de)activate, set passwords.")


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _read_password() -> str:
    """A password typed twice at a terminal, or the first line of standard input (for scripts)."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        _fail("No password given on standard input.")
    return password


def _user_or_fail(email: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        _fail(f"No account with the address {email}.")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's display name.")
@click.option("--role", default="employee", show_default=True, help="employee, staff, lead or admin.")
def users_create(email: str, name: str, role: str) -> None:
    """Create an account; the password is read from standard input (first line)."""
    password = _read_password()
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
    user = _user_or_fail(email)
    try:
        set_role(user, role)
        db.session.commit()
    except UserError as error:
        db.session.rollback()
        _fail(error.message)
    click.echo(f"{user.email} is now {user.role}.")


@users_cli.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Stop the account with EMAIL from signing in (what they wrote stays)."""
    user = _user_or_fail(email)
    try:
        deactivate_user(user)
        db.session.commit()
    except UserError as error:
        db.session.rollback()
        _fail(error.message)
    click.echo(f"{user.email} can no longer sign in.")


@users_cli.command("reactivate")
@click.argument("email")
def users_reactivate(email: str) -> None:
    """Let the deactivated account with EMAIL sign in again."""
    user = _user_or_fail(email)
    reactivate_user(user)
    db.session.commit()
    click.echo(f"{user.email} can sign in again.")


@users_cli.command("set-password")
@click.argument("email")
def users_set_password(email: str) -> None:
    """Set the password of the account with EMAIL, read from standard input (first line)."""
    user = _user_or_fail(email)
    password = _read_password()
    try:
        check_password_strength(password)
    except UserError as error:
        _fail(error.message)
    user.set_password(password)
    user.password_change_required = False
    db.session.commit()
    click.echo(f"The password of {user.email} is set.")


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(search_cli)
