"""The unanswered queue's pages: the list, its CSV export and the "I'm on it" buttons (forum blueprint).

Everything here is for ``permissions.can_use_queue`` (staff, leads, admins): others get 403, anonymous
visitors are asked to sign in. A refused claim answers 409 with the reason (a page, or JSON for scripts).
"""

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..errors import UserError, wants_json
from ..extensions import db
from ..security import require, safe_next_url
from ..spaces.queries import space_by_slug, spaces_visible_to
from ..utils import utcnow
from . import queries, queue
from .views import _paginate, bp, me, require_action


def _filters() -> queue.QueueFilter:
    """The queue's filters from the address; a space the reader may not see is ignored like an unknown one."""
    space = None
    slug = request.args.get("space", "").strip()
    if slug:
        found = space_by_slug(slug[:64])
        if found is not None and permissions.can_view_space(current_user, found):
            space = found
    age = request.args.get("age")
    return queue.QueueFilter(
        tag=queue.parse_tag(request.args.get("tag")),
        space=space,
        age=age if age in queue.BUCKET_KEYS else None,
    )


def _queue_page(status: int = 200):
    filters = _filters()
    now = utcnow()
    results = _paginate(queue.queue_questions(current_user, filters, now))
    return render_template(
        "forum/queue.html",
        results=results,
        filters=filters,
        counts=queue.bucket_counts(current_user, filters, now),
        buckets=queue.BUCKETS,
        claims=queue.claims_for(results.items),
        spaces=spaces_visible_to(current_user),
        now=now,
        age_bucket=queue.age_bucket,
        is_current=queue.is_current,
        claim_hours=queue.CLAIM_HOURS,
    ), status


@bp.get("/queue")
def queue_list():
    """Open questions without an accepted answer, oldest first, by age bucket; ``?tag=``, ``?space=``,
    ``?age=day|week|older`` narrow it. 403 for people who are not staff, leads or admins."""
    require(permissions.can_use_queue(current_user))
    return _queue_page()


@bp.get("/queue.csv")
def queue_csv():
    """The filtered queue (every page of it) as a CSV file."""
    require(permissions.can_use_queue(current_user))
    filters = _filters()
    now = utcnow()
    questions = list(db.session.scalars(queue.queue_questions(current_user, filters, now)))
    return Response(
        queue.queue_csv(questions, now),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=queue-{now:%Y-%m-%d}.csv"},
    )


def _back() -> str:
    return safe_next_url(request.form.get("next")) or url_for("forum.queue_list")


def _refused(error: UserError):
    db.session.rollback()
    if wants_json():
        raise error
    flash(error.message, "error")
    return _queue_page(error.status_code)


@bp.post("/questions/<int:question_id>/claim")
def claim_question(question_id: int):
    """Say "I'm on it" for a question; 409 while someone else's claim holds or when it is closed or solved."""
    back = _back()
    require_action(permissions.can_use_queue(current_user), back)
    question = queries.get_question_or_404(question_id, current_user)
    try:
        claim = queue.claim_question(question, me())
    except UserError as error:
        return _refused(error)
    db.session.commit()
    if wants_json():
        return jsonify({"question": question.id, "claimed_by": claim.user_id})
    flash(_("You are on it: the others see your name on this question."), "success")
    return redirect(back)


@bp.post("/questions/<int:question_id>/unclaim")
def unclaim_question(question_id: int):
    """Release a claim: its maker or staff; 409 when nobody has claimed the question."""
    back = _back()
    require_action(permissions.can_use_queue(current_user), back)
    question = queries.get_question_or_404(question_id, current_user)
    claim = queue.claim_of(question)
    if claim is None:
        return _refused(UserError(_("Nobody is on this question."), 409))
    require(permissions.can_release_claim(current_user, claim))
    queue.release_claim(claim)
    db.session.commit()
    if wants_json():
        return jsonify({"question": question.id, "claimed_by": None})
    flash(_("The question is free again for anyone to take."), "success")
    return redirect(back)
