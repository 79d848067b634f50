"""Verbs on accounts. They flush, never commit: the caller commits once."""

import secrets
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import UserError
from ..extensions import db
from ..utils import clean_line
from .models import Role, User

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 500


class InvalidField(UserError):
    """A UserError about one field of a form, so the view can show it next to that field."""

    def __init__(self, field: str, message: str, status_code: int = 400):
        super().__init__(message, status_code)
        self.field = field


def normalize_email(email: str) -> str:
    return clean_line(email).lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def parse_role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise UserError(
            _("Unknown role “%(role)s”. Choose one of: %(choices)s.", role=role, choices=choices)
        ) from None


def create_user(email: str, name: str, role: str | Role = Role.EMPLOYEE, password: str | None = None) -> User:
    """Add an account. ``password=None`` makes an account that cannot sign in (e.g. the importer)."""
    email = normalize_email(email)
    name = clean_line(name)
    if "@" not in email or len(email) > 254 or " " in email:
        raise InvalidField("email", _("“%(email)s” is not an e-mail address.", email=email))
    if not name:
        raise InvalidField("name", _("A name is required."))
    if len(name) > 120:
        raise InvalidField("name", _("A name may be at most %(n)d characters long.", n=120))
    try:
        role = parse_role(str(role))
    except UserError as error:
        raise InvalidField("role", error.message) from None
    if find_user_by_email(email) is not None:
        raise InvalidField(
            "email", _("An account with the address %(email)s exists already.", email=email), 409
        )
    user = User(email=email, name=name, role=role.value)
    if password is not None:
        try:
            check_password_strength(password)
        except UserError as error:
            raise InvalidField("password", error.message) from None
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def create_user_with_one_time_password(email: str, name: str, role: str | Role) -> tuple[User, str]:
    """Add an account with a generated password for an admin to pass on; it must be changed at first sign-in.

    Returns the user and the password in clear, which is not kept anywhere (only its hash is stored).
    """
    password = generate_one_time_password()
    user = create_user(email, name, role, password)
    user.password_change_required = True
    db.session.flush()
    return user, password


def reset_password(user: User) -> str:
    """Give ``user`` a generated one-time password; returns it in clear, to be shown once."""
    password = generate_one_time_password()
    user.set_password(password)
    user.password_change_required = True
    db.session.flush()
    return password


def generate_one_time_password() -> str:
    # 15 random bytes: 20 URL-safe characters, no look-alike trouble with quotes or spaces.
    return secrets.token_urlsafe(15)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(_("A password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(_("A password may be at most %(n)d characters long.", n=MAX_PASSWORD_LENGTH))


def change_password(user: User, current: str, new: str) -> None:
    """Set a password ``user`` chose, after checking the current one; clears a pending one-time password."""
    if not user.check_password(current):
        raise InvalidField("current_password", _("Your current password is not right."))
    if new == current:
        raise InvalidField("new_password", _("Choose a password different from the current one."))
    try:
        check_password_strength(new)
    except UserError as error:
        raise InvalidField("new_password", error.message) from None
    user.set_password(new)
    user.password_change_required = False
    db.session.flush()


def active_admins() -> list[User]:
    """Active administrators, locked for the rest of the transaction so two demotions cannot both pass."""
    stmt = select(User).where(User.role == Role.ADMIN.value, User.active.is_(True)).with_for_update()
    return list(db.session.scalars(stmt))


def _is_last_admin(user: User) -> bool:
    return user.role == Role.ADMIN and user.active and [a.id for a in active_admins()] == [user.id]


def set_role(user: User, role: str | Role) -> None:
    """Give ``user`` another role. The last active administrator cannot lose the role (nobody could manage
    accounts any more)."""
    new_role = parse_role(str(role))
    if new_role != Role.ADMIN and _is_last_admin(user):
        raise UserError(
            _(
                "%(name)s is the last administrator. Make someone else an administrator first.",
                name=user.name,
            ),
            409,
        )
    user.role = new_role.value
    db.session.flush()


def deactivate_user(user: User, by: User | None = None) -> None:
    """Stop ``user`` from signing in (their posts stay). Nobody deactivates themselves or the last admin."""
    if by is not None and by.id == user.id:
        raise UserError(_("You cannot deactivate your own account."), 409)
    if _is_last_admin(user):
        raise UserError(
            _("%(name)s is the last administrator and cannot be deactivated.", name=user.name),
            409,
        )
    user.active = False
    db.session.flush()


def reactivate_user(user: User) -> None:
    """Let a deactivated account sign in again."""
    user.active = True
    db.session.flush()


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password anyone has")


def check_credentials(email: str, password: str) -> User:
    """The account with this e-mail and password; UserError (401) if they do not match, (403) if the account
    is deactivated. A deactivated account is only named to someone who knows its password."""
    user = find_user_by_email(email) if email else None
    if user is None or not user.password_hash:
        # Hash anyway, so the response time does not tell which addresses have accounts.
        check_password_hash(_dummy_hash(), password or "")
        raise UserError(_("That e-mail and password do not match an account."), 401)
    if not user.check_password(password):
        raise UserError(_("That e-mail and password do not match an account."), 401)
    if not user.active:
        raise UserError(_("This account has been deactivated. Ask an administrator to reactivate it."), 403)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None."""
    try:
        return check_credentials(email, password)
    except UserError:
        return None
