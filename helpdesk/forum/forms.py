"""Forms of the forum. They carry what people typed; the services check it (one place for the rules)."""

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField


def _content_language_choices() -> list[tuple[str, str]]:
    return list(current_app.config["CONTENT_LANGUAGES"].items())


def default_content_language() -> str:
    """The interface language when posts can be written in it, else the site's default."""
    languages = current_app.config["CONTENT_LANGUAGES"]
    locale = str(get_locale() or "")
    if locale in languages:
        return locale
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    return default if default in languages else next(iter(languages))


class QuestionForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Your question"))
    tags = StringField(_l("Tags"))
    lang = SelectField(_l("Written in"))
    # Where the question goes: one of ``spaces`` (the spaces the asker may post in), by slug.
    space = SelectField(_l("Space"))
    # The ask form's visit in the deflection funnel (``insights.funnel``), so posting marks it posted.
    visit = HiddenField()

    def __init__(self, *args, spaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lang.choices = _content_language_choices()
        if not self.lang.data:
            self.lang.data = default_content_language()
        if self.space is not None:
            self.space.choices = [(space.slug, space.name) for space in spaces]


class EditQuestionForm(QuestionForm):
    body = TextAreaField(_l("Question"))
    space = None  # moving a question between spaces is done elsewhere
    visit = None
    summary = StringField(_l("Edit summary"))
    # The revision the editor started from: a save on top of someone else's newer version is a conflict.
    base_revision = HiddenField()


class AnswerForm(FlaskForm):
    body = TextAreaField(_l("Your answer"))


class EditAnswerForm(AnswerForm):
    body = TextAreaField(_l("Answer"))
    summary = StringField(_l("Edit summary"))
    base_revision = HiddenField()


class CloseForm(FlaskForm):
    # A question (number or address) or a wiki page (address or title) that answers this one.
    original = StringField(_l("Original question or wiki page"))
