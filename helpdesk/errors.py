"""Errors people can cause, and how they are answered: a message on the page or a 4xx JSON body."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db


class UserError(Exception):
    """A request that cannot be carried out for a reason the user should read (never a 500)."""

    status_code = 400

    def __init__(self, message: str, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class Conflict(UserError):
    status_code = 409


def show_error(form, error: UserError) -> None:
    """Undo the refused change and put its message next to the field it is about (``error.field``), or above
    the form, which is then shown again with what was typed."""
    db.session.rollback()
    field = getattr(error, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def wants_json() -> bool:
    """True for API calls and for scripts that ask for JSON rather than a page."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, message: str):
    if wants_json():
        return jsonify({"error": message, "status": status}), status
    return render_template("errors/error.html", status=status, message=message), status


def _http_message(error: HTTPException) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in to continue."),
        403: _("You do not have permission to do that."),
        404: _("There is nothing at this address."),
        405: _("That action is not allowed here."),
        413: _("What you sent is too large. Shorten the text or attach less, then try again."),
        429: _("Too many requests. Please wait a moment and try again."),
    }
    return messages.get(error.code or 500, error.description or _("Something went wrong."))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(UserError)
    def handle_user_error(error: UserError):
        return error_response(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        message = _(
            "This form has expired or did not come from this site, so nothing was saved. Go back, reload the "
            "page and send it again."
        )
        return error_response(400, message)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return error_response(error.code, _http_message(error))

    @app.errorhandler(500)
    def handle_server_error(error):
        return error_response(500, _("Something went wrong on our side. Please try again in a moment."))
