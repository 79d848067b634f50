"""Who may do what: one pure predicate per rule, used by views, templates, search, feeds and the API alike.

Each takes the acting user (possibly anonymous) and the object, and answers True or False. Views turn False
into 403 (or a sign-in prompt for anonymous visitors) through ``helpdesk.security.require``.
"""

from flask_login import AnonymousUserMixin

from .auth.models import Role, User
from .spaces import queries as space_queries
from .spaces.models import Space


def _signed_in(user) -> bool:
    return bool(user) and not isinstance(user, AnonymousUserMixin) and user.is_authenticated


def is_staff(user) -> bool:
    return _signed_in(user) and user.is_staff


def is_admin(user) -> bool:
    return _signed_in(user) and user.role == Role.ADMIN


def can_ask(user) -> bool:
    return _signed_in(user)


def can_answer(user, question) -> bool:
    return _signed_in(user) and not question.is_closed


def _is_author(user, post) -> bool:
    return _signed_in(user) and post.author_id == user.id


def can_edit_post(user, post) -> bool:
    """A question or answer may be edited by its author and by staff."""
    return _is_author(user, post) or is_staff(user)


def can_vote(user, post) -> bool:
    """Anyone signed in may vote on posts other than their own."""
    return _signed_in(user) and not _is_author(user, post)


def can_accept_answer(user, answer) -> bool:
    """The asker or staff may accept an answer."""
    return _is_author(user, answer.question) or is_staff(user)


def can_close_question(user, question) -> bool:
    return is_staff(user)


def can_edit_wiki(user) -> bool:
    """Staff and admins create, edit and revert wiki pages; everybody reads them."""
    return is_staff(user)


def can_delete_page(user, page) -> bool:
    """Deleting a wiki page (and its history) is for the same people who edit it."""
    return can_edit_page(user, page)


def can_create_page_in(user, space: Space) -> bool:
    """Who writes the wiki of a space: staff in the spaces they can see; in a restricted space also its
    members (a locked team keeps its own notes)."""
    if not can_view_space(user, space):
        return False
    return can_edit_wiki(user) or (space.is_restricted and space_queries.is_member(space, user))


def can_edit_page(user, page) -> bool:
    """Editing and reverting a page: the same people who may write pages in its space."""
    return can_create_page_in(user, page.space)


def can_promote_answer(user, answer) -> bool:
    """Turning an accepted answer into a wiki page: staff and admins who may write pages in its question's
    space."""
    return is_staff(user) and answer.is_accepted and can_create_page_in(user, answer.question.space)


def can_review_pages(user) -> bool:
    """The list of wiki pages due for review (past their date, rated unhelpful, source answer changed)."""
    return is_staff(user)


def can_curate_page(user, page) -> bool:
    """Setting a page's owner and review-by date, and marking it reviewed: staff who may edit the page."""
    return is_staff(user) and can_edit_page(user, page)


def can_post_in(user, space: Space) -> bool:
    """Asking in a space: anyone who may ask and can see the space."""
    return can_ask(user) and can_view_space(user, space)


def can_manage_users(user) -> bool:
    return is_admin(user)


def can_view_profile(user, profile_user: User) -> bool:
    return True


def can_read_site(user) -> bool:
    """Signed-in people read the site; anonymous visitors only while the site setting allows it."""
    return _signed_in(user) or space_queries.anonymous_may_read()


def visible_space_ids(user) -> frozenset[int] | None:
    """The ids of the spaces whose content ``user`` may see; None means every space (admins).

    The one visibility rule for everything that shows or counts content: lists, tag counts, views (404 for
    the rest), search, suggestions while asking, "related" boxes, profiles, feeds, the API, notifications and
    the dashboard all pass this to their query (search takes it as ``visible_spaces=``), so a restricted
    space never leaks through one of them. Public spaces are visible to all who may read the site;
    restricted spaces to their members. Answered once per request and person.
    """
    if is_admin(user):
        return None
    cache = space_queries.request_cache()
    key = user.id if _signed_in(user) else None
    if key not in cache:
        ids: set[int] = set()
        if can_read_site(user):
            ids |= space_queries.public_space_ids()
        if key is not None:
            ids |= space_queries.member_space_ids(key)
        cache[key] = frozenset(ids)
    return cache[key]


def can_view_space(user, space: Space) -> bool:
    visible = visible_space_ids(user)
    return visible is None or space.id in visible


def can_view_content(user, item) -> bool:
    """A question, answer's question or wiki page (anything with ``space_id``) may be shown to ``user``."""
    visible = visible_space_ids(user)
    return visible is None or item.space_id in visible


def can_create_space(user) -> bool:
    return is_staff(user)


def can_manage_space(user, space: Space) -> bool:
    """Owners (and admins) add and remove members, decide join requests and confirm the member list."""
    return is_admin(user) or (_signed_in(user) and space_queries.is_owner(space, user))


def can_set_member_cap(user, space: Space) -> bool:
    return is_admin(user)


def can_request_to_join(user, space: Space) -> bool:
    """Anyone signed in who knows a restricted space's address may ask to join it."""
    return _signed_in(user) and space.is_restricted and not space_queries.is_member(space, user)


def can_leave_space(user, space: Space) -> bool:
    return _signed_in(user) and space_queries.is_member(space, user)


def can_move_content(user, source: Space, target: Space) -> bool:
    """Staff who can see both spaces, or the owners of both, move content between them."""
    if is_staff(user) and can_view_space(user, source) and can_view_space(user, target):
        return True
    return can_manage_space(user, source) and can_manage_space(user, target)


def can_use_queue(user) -> bool:
    """The unanswered queue (list, CSV export, claiming questions) is for staff, leads and admins."""
    return _signed_in(user) and user.role in (Role.STAFF, Role.LEAD, Role.ADMIN)


def can_log_call(user) -> bool:
    """Logging a phone call ("I read this out on a call", or a topic) is for staff, leads and admins."""
    return _signed_in(user) and user.role in (Role.STAFF, Role.LEAD, Role.ADMIN)


def can_release_claim(user, claim) -> bool:
    """A claim on a question is released by the person who made it, or by staff (who moderate the forum)."""
    return can_use_queue(user) and (claim.user_id == user.id or is_staff(user))


def can_read_audit_log(user) -> bool:
    return is_admin(user)


def can_change_site_settings(user) -> bool:
    return is_admin(user)


def can_view_insights(user) -> bool:
    """Leads and admins read what people search for (the search log, counted over at least k people)."""
    return _signed_in(user) and user.role in (Role.LEAD, Role.ADMIN)


def can_rate(user, item) -> bool:
    """Answering "Did this answer your question?" on a thread or page: anyone signed in who may see it."""
    return _signed_in(user) and can_view_content(user, item)


# Exposed to every template as-is, so templates ask the same questions as views.
TEMPLATE_PREDICATES = {
    name: fn
    for name, fn in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(fn)
}
