from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class PageForm(FlaskForm):
    """A wiki page as its editor types it; the service checks the rules, the form only the shapes."""

    title = StringField(_l("Title"), validators=[DataRequired(_l("A title is required.")), Length(max=300)])
    path = StringField(_l("Path"), validators=[Optional(), Length(max=300)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[DataRequired(_l("Write the text of the page."))])
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=500)])
    lang = SelectField(_l("Language of the page"))
    summary = StringField(_l("Summary of your change"), validators=[Optional(), Length(max=300)])
    base_version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang.choices = dict(current_app.config["CONTENT_LANGUAGES"])  # {value: label}

    def base_version_number(self) -> int:
        """The version the editor started from; -1 when the form lost it (then any save is a conflict)."""
        try:
            return int(self.base_version.data)
        except (TypeError, ValueError):
            return -1


class NewPageForm(PageForm):
    """A new page also says which space it goes to (``choices``: the spaces the writer may write in)."""

    space = SelectField(_l("Space"))
    # The accepted answer the page is made from (``?answer=`` on the thread's "Turn into a wiki page").
    source_answer = HiddenField()
    # The call topic the page is written for (``?call_topic=`` from the leads' list of call topics).
    call_topic = HiddenField()

    def __init__(self, *args, spaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.space.choices = [(space.slug, space.name) for space in spaces]


class CurationForm(FlaskForm):
    """Who keeps a page true and by when it should next be checked; the view checks the values."""

    # Choices: "" (nobody) and the ids of ``curation.possible_owners()``; an id not offered is refused with
    # the service's message rather than WTForms' own.
    owner = SelectField(_l("Owner"), validate_choice=False)
    review_by = StringField(_l("Review by"))

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner.choices = [("", _l("Nobody"))] + [(str(user.id), user.name) for user in owners]
