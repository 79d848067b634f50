"""Who may do what: one pure predicate per rule, used by views, templates, search, feeds and the API alike.

Each takes the acting user (possibly anonymous) and the object, and answers True or False. Views turn False
into 403 (or a sign-in prompt for anonymous visitors) through ``helpdesk.security.require``.
"""

from flask_login import AnonymousUserMixin

from .auth.models import Role, User


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
    """Deleting a wiki page (and its history) is for the same curators who edit it."""
    return can_edit_wiki(user)


def can_manage_users(user) -> bool:
    return is_admin(user)


def can_view_profile(user, profile_user: User) -> bool:
    return True


def visible_space_ids(user) -> set[str] | None:
    """The keys of the spaces whose content ``user`` may see; None means every space.

    The one visibility rule for everything that shows or counts content: search, suggestions while asking,
    "related" boxes, lists, feeds, the API, notifications and the dashboard must all pass this to their query
    (search takes it as ``visible_spaces=``), so a restricted space never leaks through one of them. Every
    space is public until restricted spaces exist, so for now the answer is always None.
    """
    return None


# Exposed to every template as-is, so templates ask the same questions as views.
TEMPLATE_PREDICATES = {
    name: fn
    for name, fn in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(fn)
}
