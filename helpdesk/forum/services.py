"""Verbs of the forum: ask, answer, edit, vote, accept, close as duplicate. They flush, never commit.

Every create and every edit writes a PostRevision, renders ``body_html`` and keeps the counters
(``answer_count``, ``score``) and the thread's ``activity_at`` in step.
"""


from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import permissions
from ..auth.models import User
from ..errors import Conflict, UserError
from ..extensions import db
from ..markup import render
from ..spaces.models import Space
from ..spaces.queries import default_space
from ..tags import get_or_create_tags, parse_tags
from ..utils import clean_line, clean_text, utcnow
from ..wiki.curation import flag_pages_promoted_from
from ..wiki.queries import wikilink_resolver
from .models import Answer, PostRevision, Question, Vote

# Column sizes: a configured limit above them would fail in the database instead of with a message.
_TITLE_COLUMN = 300
_SUMMARY_COLUMN = 300
_TAG_COLUMN = 64


class InvalidField(UserError):
    """Bad input in one named field (``title``, ``body``, ``tags``, ``lang``, ``summary``), so forms can show
    the message next to it."""

    def __init__(self, field: str, message: str, status_code: int | None = None):
        super().__init__(message, status_code)
        self.field = field


# ---------------------------------------------------------------------------------------------------------
# Checking what people typed


def _title(raw: str | None) -> str:
    title = clean_line(raw)
    limit = min(current_app.config["MAX_TITLE_LENGTH"], _TITLE_COLUMN)
    if not title:
        raise InvalidField("title", _("A title is required: say in a few words what the problem is."))
    if len(title) > limit:
        raise InvalidField(
            "title",
            _(
                "A title may be at most %(n)d characters long (this one has %(count)d).",
                n=limit,
                count=len(title),
            ),
        )
    return title


def _body(raw: str | None, *, what: str) -> str:
    body = clean_text(raw)
    limit = current_app.config["MAX_BODY_LENGTH"]
    if not body:
        if what == "question":
            raise InvalidField("body", _("Describe the problem: what did you try, and what happened?"))
        raise InvalidField("body", _("An answer cannot be empty."))
    if len(body) > limit:
        raise InvalidField(
            "body",
            _(
                "The text may be at most %(n)d characters long (this one has %(count)d).",
                n=limit,
                count=len(body),
            ),
        )
    return body


def _tags(raw: list[str] | str | None) -> list[str]:
    config = current_app.config
    try:
        return parse_tags(raw or [], config["MAX_TAGS"], min(config["MAX_TAG_LENGTH"], _TAG_COLUMN))
    except UserError as error:
        raise InvalidField("tags", error.message, error.status_code) from error


def _lang(raw: str | None) -> str:
    lang = (raw or "").strip().lower()
    if lang not in current_app.config["CONTENT_LANGUAGES"]:
        raise InvalidField("lang", _("Choose one of the languages in the list."))
    return lang


def _summary(raw: str | None) -> str:
    summary = clean_line(raw)
    if len(summary) > _SUMMARY_COLUMN:
        raise InvalidField(
            "summary", _("An edit summary may be at most %(n)d characters long.", n=_SUMMARY_COLUMN)
        )
    return summary


def _html(body: str, space_id: int) -> str:
    """``body`` as HTML; its ``[[links]]`` resolve as in a wiki page of the post's space."""
    # render() asks the resolver once per distinct target and stops checking past its own limit.
    return str(render(body, wikilinks=wikilink_resolver(space_id)))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise UserError(message, 403)


# ---------------------------------------------------------------------------------------------------------
# Revisions


def _next_revision_number(post: Question | Answer) -> int:
    column = PostRevision.question_id if isinstance(post, Question) else PostRevision.answer_id
    latest = db.session.scalar(select(func.max(PostRevision.number)).where(column == post.id))
    return (latest or 0) + 1


def _record_revision(post: Question | Answer, author: User, summary: str = "") -> PostRevision:
    revision = PostRevision(
        number=_next_revision_number(post),
        body=post.body,
        summary=summary,
        author_id=author.id,
        created_at=post.updated_at,
    )
    if isinstance(post, Question):
        revision.question_id = post.id
        revision.title = post.title
        revision.tags = ", ".join(sorted(tag.name for tag in post.tags))
    else:
        revision.answer_id = post.id
    db.session.add(revision)
    db.session.flush()
    return revision


# ---------------------------------------------------------------------------------------------------------
# Asking, answering, editing


def ask_question(
    author: User, title: str, body: str, tags: list[str] | str, lang: str = "en", space: Space | None = None
) -> Question:
    """Post a new question (revision 1) in ``space`` (the default space when None). Raises InvalidField on
    bad input."""
    title, body, tag_names, lang = _title(title), _body(body, what="question"), _tags(tags), _lang(lang)
    now = utcnow()
    space_id = (space or default_space()).id
    question = Question(
        title=title,
        body=body,
        body_html=_html(body, space_id),
        lang=lang,
        author_id=author.id,
        space_id=space_id,
        created_at=now,
        updated_at=now,
        activity_at=now,
        score=0,
        answer_count=0,
    )
    question.tags = get_or_create_tags(tag_names)
    db.session.add(question)
    db.session.flush()
    _record_revision(question, author)
    return question


def answer_question(question: Question, author: User, body: str) -> Answer:
    """Add an answer (revision 1). Refused with 409 on a closed question, InvalidField on bad input."""
    if question.is_closed:
        raise Conflict(_("This question is closed, so it takes no new answers."))
    body = _body(body, what="answer")
    now = utcnow()
    answer = Answer(
        question=question,
        body=body,
        body_html=_html(body, question.space_id),
        author_id=author.id,
        created_at=now,
        updated_at=now,
        score=0,
    )
    db.session.add(answer)
    # An expression, not a Python sum, so two answers posted at once both count.
    question.answer_count = Question.answer_count + 1
    question.activity_at = now
    db.session.flush()
    _record_revision(answer, author)
    return answer


def edit_question(
    question: Question,
    editor: User,
    title: str,
    body: str,
    tags: list[str] | str,
    summary: str = "",
    *,
    lang: str | None = None,
) -> PostRevision:
    """Save a new version of a question (author or staff). Refused when nothing changed."""
    _require(
        permissions.can_edit_post(editor, question), _("Only the author or staff can edit this question.")
    )
    title, body, tag_names, summary = (
        _title(title),
        _body(body, what="question"),
        _tags(tags),
        _summary(summary),
    )
    lang = question.lang if lang is None else _lang(lang)
    unchanged = (
        title == question.title
        and body == question.body
        and lang == question.lang
        and sorted(tag_names) == sorted(t.name for t in question.tags)
    )
    if unchanged:
        raise UserError(_("Nothing was changed, so no new version was saved."))
    now = utcnow()
    question.title = title
    question.lang = lang
    if body != question.body:
        question.body = body
        question.body_html = _html(body, question.space_id)
    question.tags = get_or_create_tags(tag_names)
    question.updated_at = now
    question.activity_at = now
    db.session.flush()
    return _record_revision(question, editor, summary)


def edit_answer(answer: Answer, editor: User, body: str, summary: str = "") -> PostRevision:
    """Save a new version of an answer (author or staff). Refused when nothing changed."""
    _require(permissions.can_edit_post(editor, answer), _("Only the author or staff can edit this answer."))
    body, summary = _body(body, what="answer"), _summary(summary)
    if body == answer.body:
        raise UserError(_("Nothing was changed, so no new version was saved."))
    now = utcnow()
    answer.body = body
    answer.body_html = _html(body, answer.question.space_id)
    answer.updated_at = now
    answer.question.activity_at = now
    flag_pages_promoted_from(answer)
    db.session.flush()
    return _record_revision(answer, editor, summary)


# ---------------------------------------------------------------------------------------------------------
# Votes


def _already_voted(value: int) -> Conflict:
    if value > 0:
        return Conflict(_("You have already voted this up."))
    return Conflict(_("You have already voted this down."))


def _existing_vote(user: User, post: Question | Answer) -> Vote | None:
    column = Vote.question_id if isinstance(post, Question) else Vote.answer_id
    return db.session.scalar(select(Vote).where(Vote.user_id == user.id, column == post.id))


def vote(user: User, post: Question | Answer, value: int) -> int:
    """Vote a post up (+1) or down (-1), once per person; the other direction changes the vote.

    Returns the post's new score. Own posts: 403. The same vote twice: 409.
    """
    if value not in (1, -1):
        raise UserError(_("A vote is either up or down."))
    if post.author_id == user.id:
        raise UserError(_("You cannot vote on your own post"), 403)
    existing = _existing_vote(user, post)
    if existing is not None and existing.value == value:
        raise _already_voted(value)
    if existing is not None:
        existing.value = value
        existing.created_at = utcnow()
        delta = 2 * value
    else:
        target = {"question_id": post.id} if isinstance(post, Question) else {"answer_id": post.id}
        try:
            # A savepoint: a concurrent request that inserted the same vote first trips the unique constraint,
            # and only this insert is undone.
            with db.session.begin_nested():
                db.session.add(Vote(user_id=user.id, value=value, **target))
        except IntegrityError:
            raise _already_voted(value) from None
        delta = value
    post.score = type(post).score + delta
    db.session.flush()
    db.session.refresh(post, ["score"])
    return post.score


# ---------------------------------------------------------------------------------------------------------
# Accepting answers


def accept_answer(answer: Answer, by: User) -> None:
    """Mark ``answer`` as the one that solved the question (the asker or staff); moves any earlier mark."""
    _require(
        permissions.can_accept_answer(by, answer),
        _("Only the person who asked or staff can accept an answer."),
    )
    if answer.is_accepted:
        return
    question = answer.question
    for other in question.answers:
        if other.is_accepted:
            other.is_accepted = False
    try:
        with db.session.begin_nested():
            # Unmark first: the database allows one accepted answer per question at any moment.
            db.session.flush()
            answer.is_accepted = True
            question.is_solved = True
            question.activity_at = utcnow()
            db.session.flush()
    except IntegrityError:
        raise Conflict(
            _("Someone accepted another answer at the same moment. Reload the page and try again.")
        ) from None


def unaccept_answer(answer: Answer, by: User) -> None:
    """Take the accepted mark off ``answer``: the question counts as unsolved again."""
    _require(
        permissions.can_accept_answer(by, answer),
        _("Only the person who asked or staff can accept an answer."),
    )
    if not answer.is_accepted:
        return
    answer.is_accepted = False
    answer.question.is_solved = False
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# Closing as a duplicate


def close_as_duplicate(question: Question, original: Question | None, by: User) -> None:
    """Close ``question`` pointing at ``original`` (staff). Refuses itself, loops and a missing original."""
    _require(permissions.can_close_question(by, question), _("Only staff can close questions."))
    if original is None:
        raise UserError(_("There is no such question to point to. Check the number or the address."), 404)
    if original.id == question.id:
        raise UserError(_("A question cannot be a duplicate of itself."))
    # Follow the original's own duplicate links: pointing back here would send readers round in a circle.
    seen = {original.id}
    step = original
    while step.duplicate_of is not None and step.duplicate_of.id not in seen:
        step = step.duplicate_of
        seen.add(step.id)
        if step.id == question.id:
            break
    if question.id in seen:
        raise UserError(
            _("“%(title)s” is already closed as a duplicate of this question.", title=original.title), 409
        )
    if question.duplicate_of_id == original.id:
        raise Conflict(_("This question is already closed as a duplicate of that one."))
    now = utcnow()
    question.duplicate_of = original
    question.duplicate_of_page_id = None
    question.closed_at = now
    question.closed_by_id = by.id
    question.activity_at = now
    db.session.flush()


def reopen_question(question: Question, by: User) -> None:
    """Open a closed question again (staff)."""
    _require(permissions.can_close_question(by, question), _("Only staff can reopen questions."))
    if not question.is_closed:
        raise Conflict(_("This question is open already."))
    question.duplicate_of = None
    question.duplicate_of_page_id = None
    question.closed_at = None
    question.closed_by_id = None
    question.activity_at = utcnow()
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# Spaces


def move_question_to_space(question: Question, space: Space) -> None:
    """Put the thread (its answers go with it) in ``space``; the outbox re-indexes it with its new space."""
    question.space_id = space.id
    question.space = space
    # [[links]] resolve by space (own space, then public ones): render again for the new readers.
    question.body_html = _html(question.body, space.id)
    for answer in question.answers:
        answer.body_html = _html(answer.body, space.id)
    db.session.flush()
