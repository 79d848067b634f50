from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from .models import Role

# What each role is called on screen.
ROLE_LABELS = {
    Role.EMPLOYEE.value: _l("Employee"),
    Role.STAFF.value: _l("Staff"),
    Role.LEAD.value: _l("Lead"),
    Role.ADMIN.value: _l("Administrator"),
}
ROLE_CHOICES = list(ROLE_LABELS.items())
_ROLE_SELECT_CHOICES = [SelectChoice(value, label) for value, label in ROLE_CHOICES]


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])
    remember = BooleanField(_l("Keep me signed in"))
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=500)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=500)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )


class CreateUserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=_ROLE_SELECT_CHOICES, default=Role.EMPLOYEE.value)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_ROLE_SELECT_CHOICES)
