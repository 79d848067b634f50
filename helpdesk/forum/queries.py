"""Named reads of the forum. Lists come back as ``select()`` statements, ready for ``db.paginate``."""

import re
from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..extensions import db
from ..permissions import can_view_content
from ..spaces.queries import visible_clause
from ..tags import Tag, normalize_tag, page_tags, question_tags
from ..utils import is_id
from ..wiki.models import Page
from .models import Answer, PostRevision, Question, Vote

# Every list below takes ``viewer``, the person reading it, and keeps only what they may see
# (``permissions.visible_space_ids`` through ``visible_clause``): a restricted space's questions, answers,
# pages and tags are neither listed nor counted for anyone else.


def _question_list(stmt: Select, viewer) -> Select:
    """What every list row shows: the author and the tags, loaded without one query per row."""
    stmt = stmt.where(visible_clause(Question.space_id, viewer))
    return stmt.options(joinedload(Question.author), joinedload(Question.space), selectinload(Question.tags))


def newest_questions(viewer) -> Select:
    return _question_list(select(Question).order_by(Question.created_at.desc(), Question.id.desc()), viewer)


def unanswered_questions(viewer) -> Select:
    """Open questions nobody has answered yet, newest first (a duplicate is answered elsewhere)."""
    stmt = select(Question).where(Question.answer_count == 0, Question.closed_at.is_(None))
    return _question_list(stmt.order_by(Question.created_at.desc(), Question.id.desc()), viewer)


def questions_tagged(tag: Tag, viewer) -> Select:
    stmt = select(Question).join(question_tags).where(question_tags.c.tag_id == tag.id)
    return _question_list(stmt.order_by(Question.created_at.desc(), Question.id.desc()), viewer)


def questions_by(user: User, viewer) -> Select:
    """The questions ``user`` asked, newest first."""
    stmt = select(Question).where(Question.author_id == user.id)
    return _question_list(stmt.order_by(Question.created_at.desc(), Question.id.desc()), viewer)


def answers_by(user: User, viewer) -> Select:
    """The answers ``user`` wrote, newest first, each with its question loaded (for the title link)."""
    return (
        select(Answer)
        .join(Answer.question)
        .where(Answer.author_id == user.id, visible_clause(Question.space_id, viewer))
        .options(joinedload(Answer.question))
        .order_by(Answer.created_at.desc(), Answer.id.desc())
    )


def duplicates_of(question: Question, viewer) -> list[Question]:
    """Questions closed as duplicates of ``question`` that ``viewer`` may see."""
    stmt = select(Question).where(
        Question.duplicate_of_id == question.id, visible_clause(Question.space_id, viewer)
    )
    return list(db.session.scalars(stmt.order_by(Question.id)))


def visible_original(question: Question, viewer) -> Question | None:
    """The question ``question`` is closed as a duplicate of, if ``viewer`` may see it (else None: a
    public thread never names a restricted one)."""
    original = question.duplicate_of
    if original is None or not can_view_content(viewer, original):
        return None
    return original


def answers_for(question: Question) -> list[Answer]:
    """The accepted answer first, then by score (highest first), then oldest first."""
    stmt = (
        select(Answer)
        .where(Answer.question_id == question.id)
        .options(joinedload(Answer.author))
        .order_by(Answer.is_accepted.desc(), Answer.score.desc(), Answer.created_at, Answer.id)
    )
    return list(db.session.scalars(stmt))


def votes_by(user, question: Question) -> dict[str, int]:
    """How ``user`` voted on a thread: ``{"question": 1, "answer-12": -1}``; empty for anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return {}
    answer_ids = select(Answer.id).where(Answer.question_id == question.id)
    stmt = select(Vote).where(
        Vote.user_id == user.id, (Vote.question_id == question.id) | Vote.answer_id.in_(answer_ids)
    )
    return {
        ("question" if v.question_id is not None else f"answer-{v.answer_id}"): v.value
        for v in db.session.scalars(stmt)
    }


def _revision_filter(post: Question | Answer):
    if isinstance(post, Question):
        return PostRevision.question_id == post.id
    return PostRevision.answer_id == post.id


def revisions_of(post: Question | Answer) -> list[PostRevision]:
    """Every saved version of a post, newest first."""
    stmt = select(PostRevision).where(_revision_filter(post)).options(joinedload(PostRevision.author))
    return list(db.session.scalars(stmt.order_by(PostRevision.number.desc())))


def revision_of(post: Question | Answer, number: int) -> PostRevision | None:
    return db.session.scalar(
        select(PostRevision).where(_revision_filter(post), PostRevision.number == number)
    )


def latest_revision_number(post: Question | Answer) -> int:
    return db.session.scalar(select(func.max(PostRevision.number)).where(_revision_filter(post))) or 0


def tag_by_name(name: str, viewer) -> Tag | None:
    """The tag called ``name`` if ``viewer`` may see a question or page carrying it; None otherwise, so a tag
    used only in a restricted space answers like a tag nobody uses."""
    tag = db.session.scalar(select(Tag).where(Tag.name == normalize_tag(name)))
    if tag is None:
        return None
    in_questions = (
        select(question_tags.c.question_id)
        .join(Question, Question.id == question_tags.c.question_id)
        .where(question_tags.c.tag_id == tag.id, visible_clause(Question.space_id, viewer))
    )
    in_pages = (
        select(page_tags.c.page_id)
        .join(Page, Page.id == page_tags.c.page_id)
        .where(page_tags.c.tag_id == tag.id, visible_clause(Page.space_id, viewer))
    )
    used = db.session.scalar(select(in_questions.exists() | in_pages.exists()))
    return tag if used else None


@dataclass(frozen=True)
class TagCount:
    name: str
    questions: int
    pages: int


def tags_with_counts(viewer) -> list[TagCount]:
    """Every tag in use, with how many questions and wiki pages ``viewer`` may see carry it; most first."""
    questions = (
        select(func.count())
        .select_from(question_tags)
        .join(Question, Question.id == question_tags.c.question_id)
        .where(question_tags.c.tag_id == Tag.id, visible_clause(Question.space_id, viewer))
        .scalar_subquery()
    )
    pages = (
        select(func.count())
        .select_from(page_tags)
        .join(Page, Page.id == page_tags.c.page_id)
        .where(page_tags.c.tag_id == Tag.id, visible_clause(Page.space_id, viewer))
        .scalar_subquery()
    )
    stmt = (
        select(Tag.name, questions.label("questions"), pages.label("pages"))
        .where((questions + pages) > 0)
        .order_by((questions + pages).desc(), Tag.name)
    )
    return [TagCount(name, q, p) for name, q, p in db.session.execute(stmt)]


def pages_tagged(tag: Tag, viewer) -> list[Page]:
    """Wiki pages carrying ``tag`` that ``viewer`` may see, by title."""
    stmt = (
        select(Page)
        .join(page_tags)
        .where(page_tags.c.tag_id == tag.id, visible_clause(Page.space_id, viewer))
    )
    return list(db.session.scalars(stmt.order_by(Page.title, Page.id)))


def get_question_or_404(question_id: int, viewer) -> Question:
    """The question; 404 if there is none or ``viewer`` may not see its space (the same answer, so an
    address never tells that restricted content exists)."""
    question = db.session.get(Question, question_id) if is_id(question_id) else None
    if question is None or not can_view_content(viewer, question):
        abort(404)
    return question


def get_answer_or_404(answer_id: int, viewer) -> Answer:
    """The answer; 404 if there is none or ``viewer`` may not see its question's space."""
    answer = db.session.get(Answer, answer_id) if is_id(answer_id) else None
    if answer is None or not can_view_content(viewer, answer.question):
        abort(404)
    return answer


def page_number(arg: str | None, last_allowed: int = 100_000) -> int:
    """The ``?page=`` number; 404 for nonsense, so a huge number never reaches the database as an offset."""
    if arg is None or arg == "":
        return 1
    if not (arg.isascii() and arg.isdigit() and len(arg) <= 9) or not 1 <= int(arg) <= last_allowed:
        abort(404)
    return int(arg)


_QUESTION_REFERENCE = re.compile(r"^#?(\d{1,12})$|/questions/(\d{1,12})(?:[/?#]|$)")


def question_id_from_reference(reference: str | None) -> int | None:
    """The question id in ``"123"``, ``"#123"`` or an address like ``https://helpdesk/questions/123/slug``."""
    match = _QUESTION_REFERENCE.search((reference or "").strip())
    if match is None:
        return None
    number = int(match.group(1) or match.group(2))
    return number if is_id(number) else None
