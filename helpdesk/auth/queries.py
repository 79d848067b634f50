"""Named reads about people: a profile's counts and lists, and the admin's list of accounts."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..forum.models import Answer, Question
from ..spaces.queries import visible_clause
from ..wiki.models import Page, PageRevision
from .models import Role, User

MAX_FILTER_LENGTH = 100


def get_active_user_or_404(user_id: int) -> User:
    """The account with this id; 404 if there is none or it is deactivated."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        abort(404)
    return user


@dataclass(frozen=True)
class ProfileCounts:
    questions: int
    answers: int
    accepted_answers: int
    pages: int


def profile_counts(user: User, viewer) -> ProfileCounts:
    """How much ``user`` has shared where ``viewer`` may see it: questions asked, answers (and how many were
    accepted), pages edited."""
    accepted = func.count(Answer.id).filter(Answer.is_accepted.is_(True))
    answers, accepted_answers = db.session.execute(
        select(func.count(Answer.id), accepted)
        .join(Answer.question)
        .where(Answer.author_id == user.id, visible_clause(Question.space_id, viewer))
    ).one()
    questions = select(func.count(Question.id)).where(
        Question.author_id == user.id, visible_clause(Question.space_id, viewer)
    )
    pages = (
        select(func.count(func.distinct(PageRevision.page_id)))
        .join(Page, Page.id == PageRevision.page_id)
        .where(PageRevision.author_id == user.id, visible_clause(Page.space_id, viewer))
    )
    return ProfileCounts(
        questions=db.session.scalar(questions) or 0,
        answers=answers or 0,
        accepted_answers=accepted_answers or 0,
        pages=db.session.scalar(pages) or 0,
    )


def pages_edited_by(user: User, viewer) -> Select:
    """The wiki pages ``user`` wrote or edited that ``viewer`` may see, each once, most recently edited by
    them first.

    Rows are ``user``'s latest revision of each page (its page loaded), so a list can show when they last
    edited it and what they wrote in the summary.
    """
    latest = (
        select(func.max(PageRevision.id))
        .join(Page, Page.id == PageRevision.page_id)
        .where(PageRevision.author_id == user.id, visible_clause(Page.space_id, viewer))
        .group_by(PageRevision.page_id)
    )
    return (
        select(PageRevision)
        .where(PageRevision.id.in_(latest))
        .options(joinedload(PageRevision.page))
        .order_by(PageRevision.created_at.desc(), PageRevision.id.desc())
    )


def users_matching(role: str | None = None, text: str | None = None, status: str | None = None) -> Select:
    """Accounts for the admin's list, by name: ``role`` one of Role, ``text`` part of a name or e-mail,
    ``status`` "active" or "inactive". Values that are none of these are ignored."""
    stmt = select(User)
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == role)
    if status == "active":
        stmt = stmt.where(User.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(User.active.is_(False))
    text = " ".join((text or "").split())[:MAX_FILTER_LENGTH].lower()
    if text:
        stmt = stmt.where(
            or_(
                func.lower(User.name).contains(text, autoescape=True),
                func.lower(User.email).contains(text, autoescape=True),
            )
        )
    return stmt.order_by(func.lower(User.name), User.id)
