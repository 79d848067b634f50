"""Forms of the spaces pages. They carry what people typed; the services check it (one place for rules)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from .models import MemberRole

ROLE_LABELS = {MemberRole.MEMBER: _l("Member"), MemberRole.OWNER: _l("Owner")}
ROLE_CHOICES = list(ROLE_LABELS.items())
_ROLE_SELECT_CHOICES = [SelectChoice(value, label) for value, label in ROLE_CHOICES]


class SpaceForm(FlaskForm):
    name = StringField(_l("Name"))
    description = TextAreaField(_l("What the space is for"))
    restricted = BooleanField(_l("Restricted: only members see the space and its content"))
    member_cap = StringField(_l("Member cap (empty: none)"))
    review_interval_days = StringField(_l("Review the member list every (days)"), default="90")


class SpaceSettingsForm(SpaceForm):
    """What an administrator changes on an existing space (its address stays)."""


class AddMemberForm(FlaskForm):
    email = StringField(_l("E-mail of the person to add"))
    role = SelectField(_l("As"), choices=_ROLE_SELECT_CHOICES, default=MemberRole.MEMBER)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_ROLE_SELECT_CHOICES)


class JoinForm(FlaskForm):
    message = TextAreaField(_l("Why you would like to join (optional)"))


class MoveForm(FlaskForm):
    target = SelectField(_l("Move to the space"), coerce=str)


class SiteSettingsForm(FlaskForm):
    anonymous_read = BooleanField(_l("Visitors who are not signed in may read the public spaces"))
