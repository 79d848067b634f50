"""Verbs on accounts. They flush, never commit: the caller commits once."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import UserError
from ..extensions import db
from ..utils import clean_line
from .models import Role, User

MIN_PASSWORD_LENGTH = 10


def normalize_email(email: str) -> str:
    return clean_line(email).lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def parse_role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise UserError(_("Unknown role “%(role)s”. Choose one of: %(choices)s.", role=role, choices=choices))


def create_user(email: str, name: str, role: str | Role = Role.EMPLOYEE, password: str | None = None) -> User:
    """Add an account. ``password=None`` makes an account that cannot sign in (e.g. the importer)."""
    email = normalize_email(email)
    name = clean_line(name)
    if "@" not in email or len(email) > 254 or " " in email:
        raise UserError(_("“%(email)s” is not an e-mail address.", email=email))
    if not name:
        raise UserError(_("A name is required."))
    if len(name) > 120:
        raise UserError(_("A name may be at most %(n)d characters long.", n=120))
    if find_user_by_email(email) is not None:
        raise UserError(_("An account with the address %(email)s exists already.", email=email), 409)
    user = User(email=email, name=name, role=parse_role(str(role)).value)
    if password is not None:
        check_password_strength(password)
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(_("A password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH))


def set_role(user: User, role: str | Role) -> None:
    user.role = parse_role(str(role)).value
    db.session.flush()


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None."""
    user = find_user_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user
