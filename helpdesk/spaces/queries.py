"""Reading spaces: the default space, who belongs where, which spaces a person may see, site settings."""

from flask import g, has_app_context
from sqlalchemy import false, select, true

from ..extensions import db
from .models import JoinRequest, MemberRole, Membership, SiteSetting, Space, SpaceAuditEntry

DEFAULT_SPACE_SLUG = "public"
ANONYMOUS_READ = "anonymous_read"


def default_space() -> Space:
    """The space content goes to when none is named; created (flushed) the first time it is asked for.

    The migration creates it, so only a database built without migrations (tests, benchmarks) gets here.
    """
    space = db.session.scalar(select(Space).where(Space.is_default.is_(True)))
    if space is None:
        space = Space(slug=DEFAULT_SPACE_SLUG, name="Public", is_default=True, is_restricted=False)
        db.session.add(space)
        db.session.flush()
    return space


def space_by_slug(slug: str) -> Space | None:
    return db.session.scalar(select(Space).where(Space.slug == slug))


def membership(space: Space | int, user) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    space_id = space if isinstance(space, int) else space.id
    return db.session.scalar(
        select(Membership).where(Membership.space_id == space_id, Membership.user_id == user.id)
    )


def is_member(space: Space | int, user) -> bool:
    return membership(space, user) is not None


def is_owner(space: Space | int, user) -> bool:
    found = membership(space, user)
    return found is not None and found.role == MemberRole.OWNER


def public_space_ids() -> frozenset[int]:
    """The ids of the public spaces, read once per request (``forget_visibility()`` asks again)."""
    return _space_ids(False)


def restricted_space_ids() -> frozenset[int]:
    """The ids of the restricted spaces, read once per request (``forget_visibility()`` asks again)."""
    return _space_ids(True)


def _space_ids(restricted: bool) -> frozenset[int]:
    cache = request_cache()
    key = ("restricted spaces" if restricted else "public spaces",)
    if key not in cache:
        ids = db.session.scalars(select(Space.id).where(Space.is_restricted.is_(restricted)))
        cache[key] = frozenset(ids)
    return cache[key]


def member_space_ids(user_id: int) -> set[int]:
    return set(db.session.scalars(select(Membership.space_id).where(Membership.user_id == user_id)))


def setting(key: str, default: str) -> str:
    value = db.session.scalar(select(SiteSetting.value).where(SiteSetting.key == key))
    return default if value is None else value


def anonymous_may_read() -> bool:
    """The site setting: may visitors who are not signed in read public spaces? (default: yes)"""
    return setting(ANONYMOUS_READ, "1") == "1"


def request_cache() -> dict:
    """A per-request cache for visibility answers (a fresh dict outside a request). Services that change
    memberships or spaces call ``forget_visibility()``."""
    if not has_app_context():
        return {}
    cache = g.get("_space_visibility")
    if cache is None:
        cache = g._space_visibility = {}
    return cache


def forget_visibility() -> None:
    if has_app_context():
        g.pop("_space_visibility", None)


def visible_clause(column, user):
    """A WHERE clause keeping rows whose ``column`` (a space id) ``user`` may see: everything for admins,
    nothing for someone who may see no space. The SQL side of ``permissions.visible_space_ids``."""
    from .. import permissions  # permissions imports this module

    ids = permissions.visible_space_ids(user)
    if ids is None:
        return true()
    if not ids:
        return false()
    return column.in_(sorted(ids))


def spaces_visible_to(user) -> list[Space]:
    """The spaces ``user`` may see (public ones and their own restricted ones; admins all), default first."""
    from .. import permissions  # permissions imports this module

    stmt = select(Space).order_by(Space.is_default.desc(), Space.name)
    ids = permissions.visible_space_ids(user)
    if ids is not None:
        stmt = stmt.where(Space.id.in_(sorted(ids)))
    return list(db.session.scalars(stmt))


def pending_requests(space: Space) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.space_id == space.id, JoinRequest.status == JoinRequest.PENDING)
            .order_by(JoinRequest.created_at)
        )
    )


def join_request(space: Space, request_id: int) -> JoinRequest | None:
    return db.session.scalar(
        select(JoinRequest).where(JoinRequest.id == request_id, JoinRequest.space_id == space.id)
    )


def audit_entries(space_id: int | None = None):
    """The audit log, newest first, of one space (by id, also after it was deleted) or of all."""
    stmt = select(SpaceAuditEntry).order_by(SpaceAuditEntry.created_at.desc(), SpaceAuditEntry.id.desc())
    if space_id is not None:
        stmt = stmt.where(SpaceAuditEntry.space_id == space_id)
    return stmt


def all_spaces() -> list[Space]:
    return list(db.session.scalars(select(Space).order_by(Space.is_default.desc(), Space.name)))


def recent_questions(space: Space, limit: int = 10) -> list:
    from ..forum.models import Question

    stmt = (
        select(Question)
        .where(Question.space_id == space.id)
        .order_by(Question.created_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def recent_pages(space: Space, limit: int = 10) -> list:
    from ..wiki.models import Page

    stmt = select(Page).where(Page.space_id == space.id).order_by(Page.updated_at.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def content_counts(space: Space) -> tuple[int, int]:
    """(questions, wiki pages) in ``space``."""
    from sqlalchemy import func

    from ..forum.models import Question
    from ..wiki.models import Page

    questions = db.session.scalar(select(func.count(Question.id)).where(Question.space_id == space.id)) or 0
    pages = db.session.scalar(select(func.count(Page.id)).where(Page.space_id == space.id)) or 0
    return questions, pages
