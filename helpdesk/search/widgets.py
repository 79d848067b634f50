"""What other pages show of search: a hit's address, "Related" boxes and the ask form's suggestions.

Every function here asks ``permissions.visible_space_ids(current_user)`` which spaces the reader may see,
so a box on a page never shows what the search page would hide.
"""

from flask import g, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import permissions
from ..extensions import db
from ..forum.models import Question
from ..spaces.models import Space
from ..spaces.queries import spaces_visible_to
from .hits import Hit
from .suggest import related, similar

RELATED_LIMIT = 5
ASK_SUGGESTIONS = 5


def hit_url(hit: Hit) -> str:
    """The path of the thread or wiki page a hit stands for (``/questions/12``, ``/wiki/network/vpn``)."""
    if hit.kind == "page":
        return url_for("wiki.page", path=hit.path)
    return url_for("forum.question", question_id=hit.id)


def _visible_spaces_by_key() -> dict[str, Space]:
    """The spaces the reader may see, keyed as index documents name them (``str(space.id)``), once a
    request."""
    found = g.get("_visible_spaces_by_key")
    if found is None:
        found = g._visible_spaces_by_key = {str(space.id): space for space in spaces_visible_to(current_user)}
    return found


def hit_space(hit: Hit) -> Space | None:
    """The space a hit is in, if the reader may see it (the only spaces whose names a page may show)."""
    return _visible_spaces_by_key().get(hit.space)


def space_for_key(key: str) -> Space | None:
    """The space an index document or facet value names (``str(space.id)``), if the reader may see it."""
    return _visible_spaces_by_key().get(key)


def visible_space_by_slug(slug: str | None) -> Space | None:
    """The space at ``slug`` if the reader may see it; None alike for one that does not exist and one they may
    not see, so a filter naming a hidden space behaves as one naming nothing."""
    return next((space for space in _visible_spaces_by_key().values() if space.slug == slug), None)


def original_shown(hit: Hit) -> bool:
    """May a closed hit be called a duplicate? Only when the reader may see its original: "duplicate of
    something you cannot see" would tell that it exists."""
    if not hit.duplicate_of:
        return False
    space_id = db.session.scalar(select(Question.space_id).where(Question.id == hit.duplicate_of))
    return space_id is not None and str(space_id) in _visible_spaces_by_key()


def related_to(item, limit: int = RELATED_LIMIT) -> list[Hit]:
    """Threads and pages like ``item`` (a Question or a Page) the reader may see, never ``item`` itself."""
    return related(item, limit, visible_spaces=permissions.visible_space_ids(current_user))


def similar_to(title: str | None, body: str | None = "", limit: int = ASK_SUGGESTIONS) -> list[Hit]:
    """Threads and pages that may already answer a question being asked; [] while the title is empty."""
    if not (title or "").strip():
        return []
    return similar(title, body or "", visible_spaces=permissions.visible_space_ids(current_user), limit=limit)
