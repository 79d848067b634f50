"""``flask --app wsgi spaces ...``: create spaces and manage their members from the command line.

Changes made here are written to the audit log with no actor (shown as "operator"). Every error exits with a
message and a non-zero status.
"""

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..auth.models import User
from ..auth.services import find_user_by_email
from ..errors import UserError
from ..extensions import db
from . import services
from .models import MemberRole, Membership, Space

spaces_cli = AppGroup("spaces", help="Create spaces, set member caps, add and remove members.")


def find_space(name: str) -> Space | None:
    """The space whose address is ``name``, or else the one called ``name`` (any case). Two spaces may share
    a name (names are unique only among the spaces one person can see): then the address is asked for."""
    name = name.strip()
    by_address = db.session.scalar(select(Space).where(Space.slug == name.lower()))
    if by_address is not None:
        return by_address
    named = list(db.session.scalars(select(Space).where(func.lower(Space.name) == name.lower())))
    if len(named) > 1:
        addresses = ", ".join(space.slug for space in named)
        raise click.ClickException(
            f"Several spaces are called {name!r}: give the address instead ({addresses})."
        )
    return named[0] if named else None


def space_or_fail(name: str) -> Space:
    space = find_space(name)
    if space is None:
        raise click.ClickException(f"No space named {name!r}. See: flask --app wsgi spaces list")
    return space


def _user_or_fail(email: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(
            f"No account with the address {email}. Create it first with: flask users create"
        )
    return user


def _commit_or_fail(change) -> None:
    """Run ``change`` (a service call) and commit, or roll back and exit with the service's message."""
    try:
        change()
        db.session.commit()
    except UserError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None


@spaces_cli.command("create")
@click.argument("name")
@click.option("--restricted", is_flag=True, help="Only members see the space (default: public).")
@click.option("--cap", type=click.IntRange(min=1), help="Most members the space may have.")
@click.option("--owner", "owners", metavar="EMAIL", multiple=True, help="An owner (repeat for several).")
@click.option("--description", default="", help="What the space is for.")
def spaces_create(
    name: str, restricted: bool, cap: int | None, owners: tuple[str, ...], description: str
) -> None:
    """Create a space called NAME; its address is derived from the name."""
    people = [_user_or_fail(email) for email in owners]
    if restricted and not people:
        click.echo(
            "Note: a restricted space without owners is managed by admins only (add one with --owner)."
        )
    created: list[Space] = []
    _commit_or_fail(
        lambda: created.append(
            services.create_space(
                name, None, restricted=restricted, member_cap=cap, description=description, owners=people
            )
        )
    )
    space = created[0]
    kind = "restricted" if space.is_restricted else "public"
    click.echo(f"Created the {kind} space {space.name!r} at /spaces/{space.slug}.")


@spaces_cli.command("add-member")
@click.argument("name")
@click.argument("email")
@click.option("--owner", is_flag=True, help="Make the person an owner.")
def spaces_add_member(name: str, email: str, owner: bool) -> None:
    """Add the account with EMAIL to the space NAME (refused when the space is full)."""
    space, user = space_or_fail(name), _user_or_fail(email)
    existing = db.session.scalar(
        select(Membership).where(Membership.space_id == space.id, Membership.user_id == user.id)
    )
    role = MemberRole.OWNER if owner else MemberRole.MEMBER
    if existing is not None and owner and not existing.is_owner:
        _commit_or_fail(lambda: services.set_role(space, user, role, None))
        click.echo(f"{user.email} is now an owner of {space.name!r}.")
        return
    _commit_or_fail(lambda: services.add_member(space, user, None, role=role))
    click.echo(f"Added {user.email} to {space.name!r} as {role}.")


@spaces_cli.command("remove-member")
@click.argument("name")
@click.argument("email")
def spaces_remove_member(name: str, email: str) -> None:
    """Take the account with EMAIL out of the space NAME (the last owner stays)."""
    space, user = space_or_fail(name), _user_or_fail(email)
    _commit_or_fail(lambda: services.remove_member(space, user, None))
    click.echo(f"Removed {user.email} from {space.name!r}.")


@spaces_cli.command("set-role")
@click.argument("name")
@click.argument("email")
@click.argument("role", type=click.Choice(MemberRole.ALL))
def spaces_set_role(name: str, email: str, role: str) -> None:
    """Make a member of the space NAME an owner, or an owner a member."""
    space, user = space_or_fail(name), _user_or_fail(email)
    _commit_or_fail(lambda: services.set_role(space, user, role, None))
    click.echo(f"{user.email} is now {role} of {space.name!r}.")


@spaces_cli.command("set-cap")
@click.argument("name")
@click.argument("cap")
def spaces_set_cap(name: str, cap: str) -> None:
    """Set the member cap of the space NAME to CAP (a number, or "none" for no cap)."""
    space = space_or_fail(name)
    value = None if cap.strip().lower() in {"none", "0", ""} else cap
    _commit_or_fail(lambda: services.set_member_cap(space, value, None))
    click.echo(f"Member cap of {space.name!r}: {space.member_cap or 'none'}.")


@spaces_cli.command("list")
def spaces_list() -> None:
    """Print every space: address, kind, members (and cap), review due, name."""
    for space in db.session.scalars(select(Space).order_by(Space.name)):
        count = services.member_count(space)
        kind = "default" if space.is_default else ("restricted" if space.is_restricted else "public")
        members = f"{count}/{space.member_cap}" if space.member_cap else str(count)
        due = "  (review due)" if services.review_due(space) else ""
        click.echo(f"{space.slug:<30} {kind:<10} {members:>7} members  {space.name}{due}")


@spaces_cli.command("members")
@click.argument("name")
def spaces_members(name: str) -> None:
    """Print the members of the space NAME: e-mail, role, name."""
    space = space_or_fail(name)
    for membership in space.memberships:
        click.echo(f"{membership.user.email:<40} {membership.role:<6} {membership.user.name}")
