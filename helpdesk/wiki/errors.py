"""Errors an editor of the wiki can cause, each answered with a message on the form (never a 500)."""

from flask_babel import gettext as _

from ..errors import Conflict, UserError


class PageFieldError(UserError):
    """Input one field of the page form cannot take; the form shows ``message`` next to ``field``."""

    def __init__(self, field: str, message: str, status_code: int | None = None):
        super().__init__(message, status_code)
        self.field = field


class EditConflict(Conflict):
    """Someone saved the page after the editor opened it; ``current_revision`` is what they saved."""

    def __init__(self, current_revision):
        super().__init__(
            _(
                "Someone else saved this page while you were editing it (revision %(number)d, by %(name)s). "
                "Nothing you typed is lost: compare it with the current version below, then save again.",
                number=current_revision.number,
                name=current_revision.author.name,
            )
        )
        self.current_revision = current_revision
