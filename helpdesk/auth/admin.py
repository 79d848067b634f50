"""The admin's pages for accounts: the list, creating an account, roles, deactivating, password resets.

Every view here answers 403 to anyone but an administrator (anonymous visitors are sent to sign in).
"""

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import permissions
from ..errors import UserError, wants_json
from ..extensions import db
from ..security import require, safe_next_url
from . import queries, services
from .forms import ROLE_CHOICES, CreateUserForm, RoleForm, role_label
from .models import User
from .views import _page_number, bp

STATUS_CHOICES = ("active", "inactive")


def _require_admin() -> None:
    require(permissions.can_manage_users(current_user))


def _me() -> User:
    return current_user._get_current_object()


def _back() -> str:
    """Where a row's button returns to: the list as the admin was viewing it (filters, page)."""
    return safe_next_url(request.form.get("next")) or url_for("auth.admin_users")


def _list_page(create_form: CreateUserForm, status: int = 200):
    filters = {
        "role": request.args.get("role", ""),
        "q": request.args.get("q", "").strip()[: queries.MAX_FILTER_LENGTH],
        "status": request.args.get("status", ""),
    }
    stmt = queries.users_matching(filters["role"], filters["q"], filters["status"])
    results = db.paginate(stmt, page=_page_number(), per_page=current_app.config["ITEMS_PER_PAGE"])
    return render_template(
        "admin/users.html",
        results=results,
        filters=filters,
        roles=ROLE_CHOICES,
        statuses=STATUS_CHOICES,
        create_form=create_form,
    ), status


@bp.get("/admin/users")
def admin_users():
    """Accounts, filtered by role, status and a piece of name or e-mail, with the actions on each."""
    _require_admin()
    return _list_page(CreateUserForm())


@bp.post("/admin/users")
def admin_create_user():
    """Create an account with a one-time password, shown to the admin on the answer page and nowhere else."""
    _require_admin()
    form = CreateUserForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    try:
        user, password = services.create_user_with_one_time_password(
            form.email.data, form.name.data, form.role.data
        )
    except UserError as error:
        db.session.rollback()
        field = getattr(error, "field", None)
        if field in form:
            form[field].errors = [*form[field].errors, error.message]
        else:
            flash(error.message, "error")
        return _list_page(form, error.status_code)
    db.session.commit()
    return _one_time_password_page(user, password, created=True)


@bp.post("/admin/users/<int:user_id>/role")
def admin_set_role(user_id: int):
    """Give an account another role; the last administrator keeps theirs."""
    _require_admin()
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _refuse(_("Choose one of the roles in the list."), 400)
    try:
        services.set_role(user, form.role.data)
    except UserError as error:
        return _refuse(error.message, error.status_code)
    db.session.commit()
    flash(_("%(name)s is now: %(role)s.", name=user.name, role=role_label(user.role)), "success")
    if user.id == current_user.id and not permissions.can_manage_users(user):
        return redirect(url_for("auth.profile", user_id=user.id))
    return redirect(_back())


@bp.post("/admin/users/<int:user_id>/deactivate")
def admin_deactivate(user_id: int):
    """Stop an account from signing in; what the person wrote stays."""
    _require_admin()
    user = db.get_or_404(User, user_id)
    try:
        services.deactivate_user(user, by=_me())
    except UserError as error:
        return _refuse(error.message, error.status_code)
    db.session.commit()
    flash(_("%(name)s can no longer sign in.", name=user.name), "success")
    return redirect(_back())


@bp.post("/admin/users/<int:user_id>/reactivate")
def admin_reactivate(user_id: int):
    _require_admin()
    user = db.get_or_404(User, user_id)
    services.reactivate_user(user)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=user.name), "success")
    return redirect(_back())


@bp.post("/admin/users/<int:user_id>/password")
def admin_reset_password(user_id: int):
    """Replace a forgotten password with a one-time password, shown once to the admin."""
    _require_admin()
    user = db.get_or_404(User, user_id)
    password = services.reset_password(user)
    db.session.commit()
    return _one_time_password_page(user, password, created=False)


def _one_time_password_page(user: User, password: str, *, created: bool):
    html = render_template("admin/one_time_password.html", user=user, password=password, created=created)
    response = make_response(html, 201 if created else 200)
    # The password is in this page only: keep it out of caches and the back-button history where we can.
    response.headers["Cache-Control"] = "no-store"
    return response


def _refuse(message: str, status: int):
    """A row's action was refused: say why on the list (or in JSON for scripts)."""
    db.session.rollback()
    if wants_json():
        raise UserError(message, status)
    flash(message, "error")
    return redirect(_back(), code=303)
