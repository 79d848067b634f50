"""Pages of spaces: the list, a space's home, members and join requests for owners, settings for admins,
moving a question or wiki page, and the admin's audit log and site settings.

A restricted space is invisible to everyone but its members and admins: every address under /spaces/<slug>
answers them exactly the 404 of an address where no space exists, and the join page reads the same for any
address.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import permissions
from ..auth.services import find_user_by_email
from ..errors import UserError, show_error, wants_json
from ..extensions import db, login_manager
from ..security import require
from . import queries, services
from .forms import (
    ROLE_CHOICES,
    AddMemberForm,
    JoinForm,
    MoveForm,
    RoleForm,
    SiteSettingsForm,
    SpaceForm,
    SpaceSettingsForm,
)
from .models import MemberRole, Membership, Space

bp = Blueprint("spaces", __name__)

# Endpoints an anonymous visitor reaches even when the site setting asks everyone to sign in.
OPEN_ENDPOINTS = frozenset(
    {"static", "auth.login", "auth.logout", "i18n.set_language", "opensearch.description"}
)


def me():
    return current_user._get_current_object()


def _space_or_404(slug: str) -> Space:
    """The space at ``slug`` if ``current_user`` may see it; otherwise the same 404 as for no space at all."""
    space = queries.space_by_slug(slug)
    if space is None or not permissions.can_view_space(current_user, space):
        abort(404)
    return space


def _refuse(message: str, status: int, back: str):
    """A button's action was refused: say why on the page it came from (or in JSON for scripts)."""
    db.session.rollback()
    if wants_json():
        raise UserError(message, status)
    flash(message, "error")
    return redirect(back, code=303)


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        abort(404)
    return int(raw)


@bp.app_template_global()
def space_review_due(space: Space) -> bool:
    return services.review_due(space)


def _action_labels() -> dict[str, str]:
    A = services.Action
    return {
        A.CREATED: _("created the space"),
        A.SETTINGS: _("changed the settings"),
        A.CAP: _("changed the member cap"),
        A.ADDED: _("added a member"),
        A.REMOVED: _("removed a member"),
        A.ROLE: _("changed a role"),
        A.LEFT: _("left"),
        A.REQUESTED: _("asked to join"),
        A.APPROVED: _("let in (request approved)"),
        A.REJECTED: _("rejected a request to join"),
        A.REVIEWED: _("confirmed the member list"),
        A.QUESTION_MOVED: _("moved a question"),
        A.PAGE_MOVED: _("moved a wiki page"),
    }


@bp.app_template_global()
def audit_action_label(action: str) -> str:
    return _action_labels().get(action, action)


@bp.app_template_global()
def move_targets(user, item) -> list[Space]:
    """The spaces ``user`` may move ``item`` (a question or page) to: empty when they may move it nowhere."""
    if not (permissions.is_staff(user) or permissions.can_manage_space(user, item.space)):
        return []
    return [
        space
        for space in queries.spaces_visible_to(user)
        if space.id != item.space_id and permissions.can_move_content(user, item.space, space)
    ]


# ---------------------------------------------------------------------------------------------------------
# Anonymous visitors when the site asks everyone to sign in


def require_sign_in_when_closed():
    """Before every request: with ``anonymous_read`` off, anonymous visitors are sent to sign in (the
    sign-in page, static files, the language switch and the OpenSearch description stay open)."""
    if request.endpoint is None or request.endpoint in OPEN_ENDPOINTS:
        return None
    if current_user.is_authenticated or permissions.can_read_site(current_user):
        return None
    if wants_json():
        raise UserError(_("Please sign in first."), 401)
    return login_manager.unauthorized()


# ---------------------------------------------------------------------------------------------------------
# The list and a space's home


@bp.get("/spaces")
def index():
    """The spaces the visitor may see: public ones and their own restricted ones (admins: all)."""
    spaces = queries.spaces_visible_to(current_user)
    return render_template(
        "spaces/index.html",
        spaces=spaces,
        counts={space.id: services.member_count(space) for space in spaces},
        mine={m.space_id: m for m in _my_memberships()},
    )


def _my_memberships() -> list[Membership]:
    if not current_user.is_authenticated:
        return []
    return list(db.session.scalars(db.select(Membership).where(Membership.user_id == current_user.id)))


@bp.route("/spaces/new", methods=["GET", "POST"])
def new():
    """Staff create a space; they become its first owner."""
    require(permissions.can_create_space(current_user))
    form = SpaceForm()
    if not form.is_submitted():
        return render_template("spaces/new.html", form=form)
    try:
        space = services.create_space(
            form.name.data,
            me(),
            restricted=form.restricted.data,
            member_cap=form.member_cap.data if permissions.is_admin(current_user) else None,
            description=form.description.data,
            owners=[me()],
            review_interval_days=form.review_interval_days.data or 90,
        )
    except UserError as error:
        show_error(form, error)
        return render_template("spaces/new.html", form=form), error.status_code
    db.session.commit()
    flash(_("The space “%(name)s” is created.", name=space.name), "success")
    return redirect(url_for("spaces.space", space_slug=space.slug))


@bp.get("/spaces/<space_slug>")
def space(space_slug: str):
    """A space's home: what it is for, its recent questions and pages, its members (for members)."""
    space = _space_or_404(space_slug)
    membership = queries.membership(space, current_user)
    show_members = membership is not None or permissions.can_manage_space(current_user, space)
    questions, pages = queries.content_counts(space)
    return render_template(
        "spaces/space.html",
        space=space,
        membership=membership,
        members=space.memberships if show_members else [],
        show_members=show_members,
        member_count=services.member_count(space),
        questions=queries.recent_questions(space),
        pages=queries.recent_pages(space),
        question_count=questions,
        page_count=pages,
        waiting=len(queries.pending_requests(space))
        if permissions.can_manage_space(current_user, space)
        else 0,
    )


# ---------------------------------------------------------------------------------------------------------
# Members, for owners and admins


def _managed_space_or_404(slug: str) -> Space:
    """A space ``current_user`` manages; 404 when they cannot see it, 403 when they see but do not own it."""
    space = _space_or_404(slug)
    require(permissions.can_manage_space(current_user, space))
    return space


def _members_page(space: Space, add_form: AddMemberForm | None = None, status: int = 200):
    return render_template(
        "spaces/members.html",
        space=space,
        members=space.memberships,
        member_count=services.member_count(space),
        requests=queries.pending_requests(space),
        add_form=add_form or AddMemberForm(formdata=None),
        role_choices=ROLE_CHOICES,
        review_due=services.review_due(space),
        review_due_at=services.review_due_at(space),
    ), status


@bp.get("/spaces/<space_slug>/members")
def members(space_slug: str):
    return _members_page(_managed_space_or_404(space_slug))


@bp.post("/spaces/<space_slug>/members")
def add_member(space_slug: str):
    """Add a person by e-mail (refused with a message naming the cap when the space is full)."""
    space = _managed_space_or_404(space_slug)
    form = AddMemberForm()
    email = (form.email.data or "").strip()
    user = find_user_by_email(email) if email else None
    if user is None:
        message = (
            _("Write the e-mail of a person with an account.")
            if not email
            else _("No account has the e-mail address %(email)s.", email=email[:254])
        )
        form.email.errors = [message]
        return _members_page(space, form, 400)
    if form.role.data not in MemberRole.ALL:
        form.role.errors = [_("Choose owner or member.")]
        return _members_page(space, form, 400)
    try:
        services.add_member(space, user, me(), role=form.role.data)
    except UserError as error:
        show_error(form, error)
        return _members_page(space, form, error.status_code)
    db.session.commit()
    flash(_("%(name)s is now a member of “%(space)s”.", name=user.name, space=space.name), "success")
    return redirect(url_for("spaces.members", space_slug=space.slug), code=303)


def _member_or_404(space: Space, user_id: int) -> Membership:
    found = db.session.scalar(
        db.select(Membership).where(Membership.space_id == space.id, Membership.user_id == user_id)
    )
    if found is None:
        abort(404)
    return found


@bp.post("/spaces/<space_slug>/members/<int:user_id>/remove")
def remove_member(space_slug: str, user_id: int):
    space = _managed_space_or_404(space_slug)
    member = _member_or_404(space, user_id)
    back = url_for("spaces.members", space_slug=space.slug)
    name = member.user.name
    try:
        services.remove_member(space, member.user, me())
    except UserError as error:
        return _refuse(error.message, error.status_code, back)
    db.session.commit()
    flash(_("%(name)s is no longer a member of “%(space)s”.", name=name, space=space.name), "success")
    if not permissions.can_view_space(current_user, space):
        return redirect(url_for("spaces.index"), code=303)
    return redirect(back, code=303)


@bp.post("/spaces/<space_slug>/members/<int:user_id>/role")
def set_role(space_slug: str, user_id: int):
    space = _managed_space_or_404(space_slug)
    member = _member_or_404(space, user_id)
    back = url_for("spaces.members", space_slug=space.slug)
    form = RoleForm()
    if form.role.data not in MemberRole.ALL:
        return _refuse(_("Choose owner or member."), 400, back)
    try:
        services.set_role(space, member.user, form.role.data, me())
    except UserError as error:
        return _refuse(error.message, error.status_code, back)
    db.session.commit()
    if form.role.data == "owner":
        flash(
            _("%(name)s is now an owner of “%(space)s”.", name=member.user.name, space=space.name), "success"
        )
    else:
        flash(
            _("%(name)s is now a member of “%(space)s”.", name=member.user.name, space=space.name), "success"
        )
    if not permissions.can_manage_space(current_user, space):
        return redirect(url_for("spaces.space", space_slug=space.slug), code=303)
    return redirect(back, code=303)


@bp.post("/spaces/<space_slug>/requests/<int:request_id>/approve")
def approve_request(space_slug: str, request_id: int):
    """Let the person in (refused with a message naming the cap when the space is full)."""
    return _decide_request(space_slug, request_id, "approve")


@bp.post("/spaces/<space_slug>/requests/<int:request_id>/reject")
def reject_request(space_slug: str, request_id: int):
    return _decide_request(space_slug, request_id, "reject")


def _decide_request(space_slug: str, request_id: int, decision: str):
    space = _managed_space_or_404(space_slug)
    join_request = queries.join_request(space, request_id)
    if join_request is None:
        abort(404)
    back = url_for("spaces.members", space_slug=space.slug)
    name = join_request.user.name
    try:
        if decision == "approve":
            services.approve_request(join_request, me())
        else:
            services.reject_request(join_request, me())
    except UserError as error:
        return _refuse(error.message, error.status_code, back)
    db.session.commit()
    if decision == "approve":
        flash(_("%(name)s is now a member of “%(space)s”.", name=name, space=space.name), "success")
    else:
        flash(_("The request of %(name)s is rejected.", name=name), "success")
    return redirect(back, code=303)


@bp.post("/spaces/<space_slug>/review")
def confirm_review(space_slug: str):
    """The owner has checked the member list: the next review is one interval away."""
    space = _managed_space_or_404(space_slug)
    services.confirm_review(space, me())
    db.session.commit()
    flash(_("Thank you: the member list is confirmed."), "success")
    return redirect(url_for("spaces.members", space_slug=space.slug), code=303)


# ---------------------------------------------------------------------------------------------------------
# Joining and leaving


@bp.route("/spaces/<space_slug>/join", methods=["GET", "POST"])
def join(space_slug: str):
    """Ask to join a restricted space. The page and the answer are the same for every address, whether a
    space lives there or not, so asking reveals nothing."""
    require(current_user.is_authenticated)
    form = JoinForm()
    if request.method == "POST":
        space = queries.space_by_slug(space_slug)
        if space is not None and permissions.can_request_to_join(current_user, space):
            services.request_to_join(space, me(), form.message.data or "")
            db.session.commit()
        flash(
            _(
                "Thank you. If this space exists and you are not a member yet, its owners will see your "
                "request."
            ),
            "success",
        )
        return redirect(url_for("spaces.join", space_slug=space_slug), code=303)
    return render_template("spaces/join.html", form=form, space_slug=space_slug)


@bp.post("/spaces/<space_slug>/leave")
def leave(space_slug: str):
    space = _space_or_404(space_slug)
    back = url_for("spaces.space", space_slug=space.slug)
    require(permissions.can_leave_space(current_user, space))
    try:
        services.leave(space, me())
    except UserError as error:
        return _refuse(error.message, error.status_code, back)
    db.session.commit()
    flash(_("You have left “%(space)s”.", space=space.name), "success")
    if permissions.can_view_space(current_user, space):
        return redirect(back, code=303)
    return redirect(url_for("spaces.index"), code=303)


# ---------------------------------------------------------------------------------------------------------
# Settings, for admins


@bp.route("/spaces/<space_slug>/settings", methods=["GET", "POST"])
def settings(space_slug: str):
    space = _space_or_404(space_slug)
    require(permissions.can_set_member_cap(current_user, space))
    form = SpaceSettingsForm(obj=space if request.method == "GET" else None)
    if request.method == "GET":
        form.restricted.data = space.is_restricted
        form.member_cap.data = "" if space.member_cap is None else str(space.member_cap)
        form.review_interval_days.data = str(space.review_interval_days)
        return render_template("spaces/settings.html", space=space, form=form)
    try:
        services.update_space(
            space,
            me(),
            name=form.name.data,
            description=form.description.data,
            # The default space has no such box: it stays public.
            restricted=None if space.is_default else form.restricted.data,
            review_interval_days=form.review_interval_days.data,
        )
        services.set_member_cap(space, form.member_cap.data, me())
    except UserError as error:
        show_error(form, error)
        return render_template("spaces/settings.html", space=space, form=form), error.status_code
    db.session.commit()
    flash(_("The settings of “%(space)s” are saved.", space=space.name), "success")
    return redirect(url_for("spaces.space", space_slug=space.slug), code=303)


# ---------------------------------------------------------------------------------------------------------
# Moving content


def _move(item, kind: str, back: str):
    """The move form of a question or page (``kind``), and moving it on POST."""
    targets = move_targets(current_user, item)
    require(bool(targets))
    form = MoveForm()
    form.target.choices = [SelectChoice(str(space.id), space.name) for space in targets]
    status = 200
    if request.method == "POST":
        chosen = next((space for space in targets if str(space.id) == form.target.data), None)
        if chosen is None:
            form.target.errors = [_("Choose one of the spaces in the list.")]
            status = 400
        else:
            try:
                if kind == "question":
                    services.move_question(item, chosen, me())
                else:
                    services.move_page(item, chosen, me())
            except UserError as error:
                show_error(form, error)
                status = error.status_code
            else:
                db.session.commit()
                flash(_("Moved to “%(space)s”.", space=chosen.name), "success")
                return None
    return render_template("spaces/move.html", form=form, item=item, kind=kind, back=back), status


@bp.route("/questions/<int:question_id>/move", methods=["GET", "POST"])
def move_question(question_id: int):
    """Move a thread to another space (staff who see both, or owners of both); 404 for a hidden thread."""
    from ..forum.models import Question

    question = db.session.get(Question, question_id)
    if question is None or not permissions.can_view_content(current_user, question):
        abort(404)
    back = url_for("forum.question", question_id=question.id, slug=question.slug)
    answer = _move(question, "question", back)
    if answer is None:
        return redirect(url_for("forum.question", question_id=question.id, slug=question.slug), code=303)
    return answer


@bp.route("/wiki/<path:path>/-/move", methods=["GET", "POST"])
def move_page(path: str):
    """Move a wiki page to another space: its path moves under the space's prefix (409 when taken)."""
    from ..wiki.queries import page_by_path

    page = page_by_path(path)
    if page is None or not permissions.can_view_content(current_user, page):
        abort(404)
    answer = _move(page, "page", url_for("wiki.page", path=page.path))
    if answer is None:
        return redirect(url_for("wiki.page", path=page.path), code=303)
    return answer


# ---------------------------------------------------------------------------------------------------------
# The admin's audit log and site settings


@bp.get("/admin/audit")
def audit_log():
    """Every membership change, newest first, optionally of one space."""
    require(permissions.can_read_audit_log(current_user))
    raw = request.args.get("space", "")
    space_id = int(raw) if raw.isdigit() and len(raw) < 10 else None
    results = db.paginate(
        queries.audit_entries(space_id), page=_page_number(), per_page=current_app.config["ITEMS_PER_PAGE"]
    )
    return render_template(
        "admin/audit_log.html", results=results, spaces=queries.all_spaces(), space_id=space_id
    )


@bp.route("/admin/settings", methods=["GET", "POST"])
def site_settings():
    require(permissions.can_change_site_settings(current_user))
    form = SiteSettingsForm()
    if request.method == "POST":
        services.set_anonymous_read(bool(form.anonymous_read.data))
        db.session.commit()
        flash(_("The site settings are saved."), "success")
        return redirect(url_for("spaces.site_settings"), code=303)
    form.anonymous_read.data = queries.anonymous_may_read()
    return render_template("admin/site_settings.html", form=form)
