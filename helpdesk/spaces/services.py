"""Verbs on spaces: create, change settings, members and owners, join requests, the member-list review and
moving content between spaces. They flush, never commit: the caller (a view or a command) commits once.

Every membership change (and every settings change or move) writes a SpaceAuditEntry; ``actor`` None means an
operator's command. A cap lower than the current number of members is refused: remove members first.
"""

import re
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..auth.models import User
from ..errors import Conflict, UserError
from ..extensions import db
from ..utils import clean_line, clean_text, utcnow
from ..wiki.paths import transliterate
from . import queries
from .models import JoinRequest, MemberRole, Membership, SiteSetting, Space, SpaceAuditEntry

MAX_NAME_LENGTH = 120
MAX_SLUG_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 5000
MAX_REQUEST_MESSAGE_LENGTH = 500
MAX_REVIEW_DAYS = 3650
# Addresses the spaces pages use themselves (/spaces/new).
RESERVED_SLUGS = frozenset({"new"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class Action:
    """What an audit entry records (stored as text; the audit page translates them)."""

    CREATED = "created"
    SETTINGS = "settings_changed"
    CAP = "cap_changed"
    ADDED = "member_added"
    REMOVED = "member_removed"
    ROLE = "role_changed"
    LEFT = "left"
    REQUESTED = "join_requested"
    APPROVED = "join_approved"
    REJECTED = "join_rejected"
    REVIEWED = "review_confirmed"
    QUESTION_MOVED = "question_moved"
    PAGE_MOVED = "page_moved"


class SpaceFieldError(UserError):
    """Bad input in one named field of a space form (``name``, ``member_cap`` ...)."""

    def __init__(self, field: str, message: str, status_code: int | None = None):
        super().__init__(message, status_code)
        self.field = field


# ---------------------------------------------------------------------------------------------------------
# The audit log


def audit(
    space: Space, actor: User | None, action: str, subject: User | None = None, detail: str = ""
) -> None:
    db.session.add(
        SpaceAuditEntry(
            space_id=space.id,
            space_name=space.name,
            actor_id=actor.id if actor is not None else None,
            action=action,
            subject_id=subject.id if subject is not None else None,
            detail=detail[:500],
            created_at=utcnow(),
        )
    )


# ---------------------------------------------------------------------------------------------------------
# Creating and changing a space


def slug_for(name: str) -> str:
    """The address a name gives: ``"Lön & Ekonomi"`` -> ``"lon-ekonomi"``."""
    slug = _NOT_SLUG.sub("-", transliterate(name)).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0] or slug[:MAX_SLUG_LENGTH]
    return slug


def _clean_name(raw: str | None, actor: User | None, space: Space | None = None) -> str:
    """A name that no other space ``actor`` can see has (any case). A restricted space hidden from ``actor``
    may have the same name: refusing it would tell them it exists (``actor`` None, an operator, sees all).
    """
    name = clean_line(raw)
    if not name:
        raise SpaceFieldError("name", _("Give the space a name."))
    if len(name) > MAX_NAME_LENGTH:
        raise SpaceFieldError("name", _("A name may be at most %(n)d characters long.", n=MAX_NAME_LENGTH))
    same = select(Space).where(func.lower(Space.name) == name.lower())
    if actor is not None:
        same = same.where(queries.visible_clause(Space.id, actor))
    for other in db.session.scalars(same):
        if other is not space:
            raise SpaceFieldError(
                "name", _("There is already a space named “%(name)s”.", name=other.name), 409
            )
    return name


def _free_slug(slug: str) -> str:
    """``slug``, or ``slug-2``, ``slug-3`` ... whichever no space has yet. Never a refusal: a taken address
    may belong to a space the creator cannot see."""
    taken = set(db.session.scalars(select(Space.slug).where(Space.slug.startswith(slug))))
    if slug not in taken and slug not in RESERVED_SLUGS:
        return slug
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = slug[: MAX_SLUG_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def _clean_cap(raw) -> int | None:
    if raw in (None, ""):
        return None
    try:
        cap = int(raw)
    except (TypeError, ValueError):
        raise SpaceFieldError("member_cap", _("The member cap must be a whole number.")) from None
    if cap < 1:
        raise SpaceFieldError("member_cap", _("The member cap must be at least 1 (leave it empty for none)."))
    return cap


def _clean_review_days(raw) -> int:
    try:
        days = int(raw)
    except (TypeError, ValueError):
        raise SpaceFieldError(
            "review_interval_days", _("The review interval must be a number of days.")
        ) from None
    if not 1 <= days <= MAX_REVIEW_DAYS:
        raise SpaceFieldError(
            "review_interval_days",
            _("The review interval must be between 1 and %(n)d days.", n=MAX_REVIEW_DAYS),
        )
    return days


def _clean_description(raw: str | None) -> str:
    description = clean_text(raw)
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise SpaceFieldError(
            "description", _("A description may be at most %(n)d characters long.", n=MAX_DESCRIPTION_LENGTH)
        )
    return description


def create_space(
    name: str,
    actor: User | None,
    *,
    restricted: bool = False,
    member_cap: int | str | None = None,
    description: str = "",
    owners: list[User] = (),
    review_interval_days: int | str = 90,
) -> Space:
    """A new space, its address derived from ``name``. ``owners`` become its first members (within the cap).

    Raises SpaceFieldError for a missing name, a name a space the actor can see has, or a bad cap. An
    address already taken gets a number ("team-2").
    """
    name = _clean_name(name, actor)
    slug = slug_for(name)
    if not slug:
        raise SpaceFieldError(
            "name", _("A name needs at least one letter or digit a–z, 0–9 for its address.")
        )
    slug = _free_slug(slug)
    cap = _clean_cap(member_cap)
    owners = list(dict.fromkeys(owners))
    if cap is not None and len(owners) > cap:
        raise SpaceFieldError("member_cap", _full_message(cap))
    now = utcnow()
    space = Space(
        slug=slug,
        name=name,
        description=_clean_description(description),
        is_restricted=bool(restricted),
        member_cap=cap,
        review_interval_days=_clean_review_days(review_interval_days),
        reviewed_at=now,
        created_at=now,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(space)
    db.session.flush()
    queries.forget_visibility()  # a new public space is visible to everyone at once
    audit(space, actor, Action.CREATED, detail="restricted" if space.is_restricted else "public")
    for owner in owners:
        add_member(space, owner, actor, role=MemberRole.OWNER)
    return space


def update_space(
    space: Space,
    actor: User | None,
    *,
    name: str | None = None,
    description: str | None = None,
    restricted: bool | None = None,
    review_interval_days: int | str | None = None,
) -> None:
    """Change a space's name, description, public/restricted and review interval (its address stays)."""
    changes = []
    if name is not None:
        name = _clean_name(name, actor, space)
        if name != space.name:
            changes.append(f"name: {space.name} -> {name}")
            space.name = name
    if description is not None:
        description = _clean_description(description)
        if description != space.description:
            changes.append("description")
            space.description = description
    if restricted is not None and bool(restricted) != space.is_restricted:
        if space.is_default and restricted:
            raise SpaceFieldError("restricted", _("The default space stays public: new content goes there."))
        space.is_restricted = bool(restricted)
        changes.append("restricted" if restricted else "public")
    if review_interval_days is not None:
        days = _clean_review_days(review_interval_days)
        if days != space.review_interval_days:
            changes.append(f"review every {days} days")
            space.review_interval_days = days
    if changes:
        audit(space, actor, Action.SETTINGS, detail="; ".join(changes))
        db.session.flush()
        queries.forget_visibility()


def member_count(space: Space) -> int:
    return db.session.scalar(select(func.count(Membership.id)).where(Membership.space_id == space.id)) or 0


def set_member_cap(space: Space, cap: int | str | None, actor: User | None) -> None:
    """Set (or with None, lift) the member cap. A cap below the current number of members is refused."""
    cap = _clean_cap(cap)
    count = member_count(space)
    if cap is not None and cap < count:
        raise SpaceFieldError(
            "member_cap",
            _(
                "This space has %(count)d members, more than a cap of %(cap)d. Remove members first, or set "
                "a cap of at least %(count)d.",
                count=count,
                cap=cap,
            ),
        )
    if cap != space.member_cap:
        audit(space, actor, Action.CAP, detail=f"{space.member_cap or 'none'} -> {cap or 'none'}")
        space.member_cap = cap
        db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# Members


def _full_message(cap: int) -> str:
    return _(
        "This space is full: its member cap is %(cap)d. Remove a member, or ask an administrator to "
        "raise the cap.",
        cap=cap,
    )


def _lock(space: Space) -> None:
    """Hold the space's row until the commit (PostgreSQL), so two people adding the last free place at the
    same moment cannot both get it, and two owners cannot both step down at once."""
    db.session.execute(select(Space.id).where(Space.id == space.id).with_for_update())


def _check_room(space: Space) -> None:
    _lock(space)
    if space.member_cap is not None and member_count(space) >= space.member_cap:
        raise Conflict(_full_message(space.member_cap))


def _membership_or_error(space: Space, user: User) -> Membership:
    found = queries.membership(space, user)
    if found is None:
        raise UserError(_("%(name)s is not a member of this space.", name=user.name), 404)
    return found


def _owner_count(space: Space) -> int:
    _lock(space)
    return (
        db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.space_id == space.id, Membership.role == MemberRole.OWNER
            )
        )
        or 0
    )


def _close_pending_requests(space: Space, user: User, status: str, actor: User | None) -> None:
    for request in db.session.scalars(
        select(JoinRequest).where(
            JoinRequest.space_id == space.id,
            JoinRequest.user_id == user.id,
            JoinRequest.status == JoinRequest.PENDING,
        )
    ):
        request.status = status
        request.decided_at = utcnow()
        request.decided_by_id = actor.id if actor is not None else None


def _new_membership(space: Space, user: User, actor: User | None, role: str) -> Membership:
    if role not in MemberRole.ALL:
        raise UserError(_("Choose owner or member."))
    if not user.active:
        raise UserError(_("%(name)s's account is deactivated.", name=user.name))
    if queries.membership(space, user) is not None:
        raise Conflict(_("%(name)s is already a member of this space.", name=user.name))
    _check_room(space)
    membership = Membership(
        space_id=space.id,
        user_id=user.id,
        role=role,
        created_at=utcnow(),
        added_by_id=actor.id if actor is not None else None,
    )
    db.session.add(membership)
    return membership


def add_member(space: Space, user: User, actor: User | None, role: str = MemberRole.MEMBER) -> Membership:
    """Make ``user`` a member (or owner). Refused (409) when the space is full or they belong already."""
    membership = _new_membership(space, user, actor, role)
    _close_pending_requests(space, user, JoinRequest.APPROVED, actor)
    audit(space, actor, Action.ADDED, user, detail=role)
    db.session.flush()
    queries.forget_visibility()
    return membership


def remove_member(space: Space, user: User, actor: User | None) -> None:
    """Take ``user`` out of the space; the last owner stays (make someone else owner first)."""
    membership = _membership_or_error(space, user)
    if membership.is_owner and _owner_count(space) <= 1:
        raise Conflict(_("%(name)s is the last owner: make someone else owner first.", name=user.name))
    db.session.delete(membership)
    audit(space, actor, Action.REMOVED, user, detail=membership.role)
    db.session.flush()
    queries.forget_visibility()


def set_role(space: Space, user: User, role: str, actor: User | None) -> None:
    """Make a member an owner, or an owner a plain member (the last owner stays owner)."""
    if role not in MemberRole.ALL:
        raise UserError(_("Choose owner or member."))
    membership = _membership_or_error(space, user)
    if membership.role == role:
        return
    if membership.is_owner and _owner_count(space) <= 1:
        raise Conflict(_("%(name)s is the last owner: make someone else owner first.", name=user.name))
    audit(space, actor, Action.ROLE, user, detail=f"{membership.role} -> {role}")
    membership.role = role
    db.session.flush()
    queries.forget_visibility()


def leave(space: Space, user: User) -> None:
    """``user`` leaves the space; the last owner cannot (make someone else owner first)."""
    membership = _membership_or_error(space, user)
    if membership.is_owner and _owner_count(space) <= 1:
        raise Conflict(_("You are the last owner of this space: make someone else owner before you leave."))
    db.session.delete(membership)
    audit(space, user, Action.LEFT, user, detail=membership.role)
    db.session.flush()
    queries.forget_visibility()


# ---------------------------------------------------------------------------------------------------------
# Join requests


def request_to_join(space: Space, user: User, message: str = "") -> JoinRequest | None:
    """Ask to join a restricted space. Answers None when there is nothing to ask (a member already, or the
    space is public); a second request while one is pending returns the pending one."""
    if not space.is_restricted or queries.membership(space, user) is not None:
        return None
    pending = db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.space_id == space.id,
            JoinRequest.user_id == user.id,
            JoinRequest.status == JoinRequest.PENDING,
        )
    )
    if pending is not None:
        return pending
    message = clean_text(message)[:MAX_REQUEST_MESSAGE_LENGTH]
    request = JoinRequest(space_id=space.id, user_id=user.id, message=message, created_at=utcnow())
    db.session.add(request)
    audit(space, user, Action.REQUESTED, user)
    db.session.flush()
    return request


def _pending_or_error(request: JoinRequest) -> None:
    if request.status != JoinRequest.PENDING:
        raise Conflict(_("This request has been decided already."))


def approve_request(request: JoinRequest, actor: User | None) -> Membership:
    """Let the person in (refused, and left pending, when the space is full)."""
    _pending_or_error(request)
    space, user = request.space, request.user
    membership = _new_membership(space, user, actor, MemberRole.MEMBER)
    _close_pending_requests(space, user, JoinRequest.APPROVED, actor)
    audit(space, actor, Action.APPROVED, user)
    db.session.flush()
    queries.forget_visibility()
    return membership


def reject_request(request: JoinRequest, actor: User | None) -> None:
    _pending_or_error(request)
    request.status = JoinRequest.REJECTED
    request.decided_at = utcnow()
    request.decided_by_id = actor.id if actor is not None else None
    audit(request.space, actor, Action.REJECTED, request.user)
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# Reviewing the member list


def review_due_at(space: Space):
    return space.reviewed_at + timedelta(days=space.review_interval_days)


def review_due(space: Space, now=None) -> bool:
    """Is it time for the owners of this restricted space to confirm its member list?"""
    return space.is_restricted and review_due_at(space) <= (now or utcnow())


def confirm_review(space: Space, actor: User | None) -> None:
    """The owners looked at the member list and it is right: the next review is one interval away."""
    space.reviewed_at = utcnow()
    audit(space, actor, Action.REVIEWED, detail=f"{member_count(space)} members")
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# Moving content


def move_question(question, target: Space, actor: User | None) -> None:
    """Put a thread (with its answers) in ``target``; search shows it there after the commit."""
    from ..forum.services import move_question_to_space

    source = question.space
    if source.id == target.id:
        raise UserError(_("The question is in that space already."))
    move_question_to_space(question, target)
    detail = f"question {question.id} “{question.title}”: {source.name} -> {target.name}"
    audit(source, actor, Action.QUESTION_MOVED, detail=detail)
    audit(target, actor, Action.QUESTION_MOVED, detail=detail)
    db.session.flush()


def move_page(page, target: Space, actor: User | None) -> None:
    """Put a wiki page in ``target``; its path moves under the target's prefix (409 when it is taken)."""
    from ..wiki.services import move_page_to_space

    source = page.space
    if source.id == target.id:
        raise UserError(_("The page is in that space already."))
    old_path = page.path
    move_page_to_space(page, target, actor)
    detail = f"page {page.id} “{page.title}” {old_path} -> {page.path}: {source.name} -> {target.name}"
    audit(source, actor, Action.PAGE_MOVED, detail=detail)
    audit(target, actor, Action.PAGE_MOVED, detail=detail)
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# Site settings


def set_setting(key: str, value: str) -> None:
    row = db.session.get(SiteSetting, key)
    if row is None:
        db.session.add(SiteSetting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()
    queries.forget_visibility()


def set_anonymous_read(allowed: bool) -> None:
    set_setting(queries.ANONYMOUS_READ, "1" if allowed else "0")
