"""What other pages show of search: a hit's address, "Related" boxes and the ask form's suggestions.

Every function here asks ``permissions.visible_space_ids(current_user)`` which spaces the reader may see,
so a box on a page never shows what the search page would hide.
"""

from flask import url_for
from flask_login import current_user

from .. import permissions
from .hits import Hit
from .suggest import related, similar

RELATED_LIMIT = 5
ASK_SUGGESTIONS = 5


def hit_url(hit: Hit) -> str:
    """The path of the thread or wiki page a hit stands for (``/questions/12``, ``/wiki/network/vpn``)."""
    if hit.kind == "page":
        return url_for("wiki.page", path=hit.path)
    return url_for("forum.question", question_id=hit.id)


def related_to(item, limit: int = RELATED_LIMIT) -> list[Hit]:
    """Threads and pages like ``item`` (a Question or a Page) the reader may see, never ``item`` itself."""
    return related(item, limit, visible_spaces=permissions.visible_space_ids(current_user))


def similar_to(title: str | None, body: str | None = "", limit: int = ASK_SUGGESTIONS) -> list[Hit]:
    """Threads and pages that may already answer a question being asked; [] while the title is empty."""
    if not (title or "").strip():
        return []
    return similar(title, body or "", visible_spaces=permissions.visible_space_ids(current_user), limit=limit)
