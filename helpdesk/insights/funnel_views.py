"""The ask form's script reports the steps of its visit here (see ``funnel.py``).

``POST /ask/visits/<token>/steps`` takes JSON ``{"step": "shown|opened|answered|left", "doc": "page:3",
"space": "<address>"}`` with the X-CSRFToken header, or the same fields as a form body with ``csrf_token``
(``navigator.sendBeacon`` cannot set headers; it sends "left" as the page goes away). It answers 204, also for
a token that is unknown or belongs to another visit (ignored, so nothing can be learnt about other visits),
400 with ``{"error": ...}`` for an unknown step and 401 for visitors who are not signed in.
"""

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..extensions import db
from . import funnel
from .log import visit_key

bp = Blueprint("funnel", __name__)

_MAX_FIELD_CHARS = 200


def _field(data, name: str) -> str | None:
    value = data.get(name)
    return value[:_MAX_FIELD_CHARS] if isinstance(value, str) and value else None


def _refuse(message: str, status: int):
    return jsonify({"error": message, "status": status}), status


@bp.post("/ask/visits/<token>/steps")
def ask_step(token: str):
    """Note one step of this visit to the ask form; 204 even when the token names no visit of this session."""
    if not permissions.can_ask(current_user):
        return _refuse(_("Please sign in first."), 401)
    data = request.get_json(silent=True) if request.is_json else request.form
    data = data if hasattr(data, "get") else {}
    step = _field(data, "step")
    if step not in funnel.SCRIPT_STEPS:
        steps = ", ".join(funnel.SCRIPT_STEPS)
        return _refuse(
            _("Unknown step “%(step)s”: send one of %(steps)s.", step=step or "", steps=steps), 400
        )
    funnel.record_step(token, visit_key(), step, doc=_field(data, "doc"), space_slug=_field(data, "space"))
    db.session.commit()
    return "", 204
