"""Import questions and wiki pages from JSON Lines files (the format of ../shared/data/README.md).

Every record goes through the same services as the web forms, inside its own SAVEPOINT, so a refused record
is reported by its line number and the rest still imports. A record's ``id`` is kept as the post's
``external_id``: importing the same file again updates what changed (with a revision) instead of duplicating.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from .auth.models import User
from .auth.services import create_user, find_user_by_email
from .errors import UserError
from .extensions import db
from .forum.models import Answer, PostRevision, Question
from .forum.services import accept_answer, answer_question, ask_question, edit_answer, edit_question
from .import_records import ImportRecord, RecordError, parse_record, read_lines
from .spaces.models import Space
from .tags import normalize_tag
from .wiki.models import Page, PageRevision
from .wiki.paths import MAX_PATH_LENGTH, normalize_path, slugify, space_path
from .wiki.services import create_page, edit_page

IMPORT_ACCOUNT_EMAIL = "import@helpdesk.invalid"
IMPORT_ACCOUNT_NAME = "Imported content"
CREATED_SUMMARY = "Imported"
UPDATED_SUMMARY = "Updated by import"
BATCH_SIZE = 200


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    answers_created: int = 0
    answers_updated: int = 0

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


def import_account() -> User:
    """The account imported posts are written by, made on first use; without a password nobody signs in."""
    user = find_user_by_email(IMPORT_ACCOUNT_EMAIL)
    if user is None:
        user = create_user(IMPORT_ACCOUNT_EMAIL, IMPORT_ACCOUNT_NAME, password=None)
    return user


def _backdate(when: datetime | None, rows: list) -> None:
    """Give rows the services just stamped with the current time the record's original date instead."""
    if when is None:
        return
    for row in rows:
        for name in ("created_at", "updated_at", "activity_at"):
            if hasattr(row, name):
                setattr(row, name, when)


def _tag_names(tags) -> list[str]:
    return sorted(tag.name for tag in tags)


# --- questions ------------------------------------------------------------------------------------------


def import_question(
    record: ImportRecord, author: User, result: ImportResult, space: Space | None = None
) -> str:
    """Create or update the question and answers of ``record``: "created", "updated" or "unchanged".

    A new question goes into ``space`` (the default space when None); one imported before stays where it is.
    """
    question = db.session.scalar(select(Question).where(Question.external_id == record.external_id))
    if question is None:
        question = ask_question(author, record.title, record.body, record.tags, lang=record.lang, space=space)
        question.external_id = record.external_id
        new_answers = _sync_answers(question, record, author, result)
        revisions = db.session.scalars(
            select(PostRevision).where(
                (PostRevision.question_id == question.id)
                | PostRevision.answer_id.in_([answer.id for answer in new_answers])
            )
        )
        _backdate(record.created_at, [question, *new_answers, *revisions])
        db.session.flush()
        return "created"

    changed = False
    if (
        question.title != record.title
        or question.body != record.body
        or question.lang != record.lang
        or _tag_names(question.tags) != sorted(_normalised_tags(record.tags))
    ):
        edit_question(
            question,
            author,
            record.title,
            record.body,
            record.tags,
            summary=UPDATED_SUMMARY,
            lang=record.lang,
        )
        changed = True
    answers_before = (result.answers_created, result.answers_updated)
    _sync_answers(question, record, author, result)
    changed = changed or answers_before != (result.answers_created, result.answers_updated)
    return "updated" if changed else "unchanged"


def _normalised_tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(name for name in map(normalize_tag, tags) if name))


def _sync_answers(
    question: Question, record: ImportRecord, author: User, result: ImportResult
) -> list[Answer]:
    """Add the record's new answers and edit changed ones; accept the labelled one when none is accepted.

    Returns the answers added. Answers people wrote on the site are left as they are.
    """
    existing = {answer.external_id: answer for answer in question.answers if answer.external_id}
    added: list[Answer] = []
    by_index: dict[int, Answer] = {}
    for index, text in record.answers:
        external_id = f"{record.external_id}#a{index}"
        answer = existing.get(external_id)
        if answer is None:
            answer = answer_question(question, author, text)
            answer.external_id = external_id
            added.append(answer)
            result.answers_created += 1
        elif answer.body != text:
            edit_answer(answer, author, text, summary=UPDATED_SUMMARY)
            result.answers_updated += 1
        by_index[index] = answer
    # A mark someone set by hand is never overruled by a label.
    chosen = by_index.get(record.accepted_index)
    if chosen is not None and not any(answer.is_accepted for answer in question.answers):
        accept_answer(chosen, author)
        if chosen not in added:
            result.answers_updated += 1
    db.session.flush()
    return added


# --- pages ----------------------------------------------------------------------------------------------


def path_from_id(external_id: str) -> str:
    """The wiki path a record's id gives: ``gnome-help-sv/a11y-bouncekeys`` stays as it is, other ids are
    slugified segment by segment."""
    try:
        return normalize_path(external_id)
    except UserError:
        pass
    segments = [slugify(segment) for segment in external_id.split("/") if segment.strip(" .")]
    try:
        return normalize_path("/".join(segments)[:MAX_PATH_LENGTH].strip("/-"))
    except UserError:
        # A reserved first segment ("new/...") or an id with nothing readable in it.
        return normalize_path("imported/" + slugify(external_id)[: MAX_PATH_LENGTH - 20])


def _free_path(path: str) -> str:
    """``path``, or ``path-2``, ``path-3``, ... when another page lives there already."""
    if db.session.scalar(select(Page.id).where(Page.path == path)) is None:
        return path
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = path[: MAX_PATH_LENGTH - len(suffix)].rstrip("/-") + suffix
        if db.session.scalar(select(Page.id).where(Page.path == candidate)) is None:
            return candidate
        number += 1


def import_page(record: ImportRecord, author: User, result: ImportResult, space: Space | None = None) -> str:
    """Create or update the wiki page of ``record``; returns "created", "updated" or "unchanged".

    A new page goes into ``space`` (the default space when None), under its path prefix; one imported before
    stays where it is.
    """
    page = db.session.scalar(select(Page).where(Page.external_id == record.external_id))
    if page is None:
        path = path_from_id(record.external_id)
        if space is not None:
            path = space_path(space, path)
        path = _free_path(path)
        page = create_page(
            author,
            record.title,
            path,
            record.body,
            record.tags,
            summary=CREATED_SUMMARY,
            lang=record.lang,
            space=space,
        )
        page.external_id = record.external_id
        revisions = db.session.scalars(select(PageRevision).where(PageRevision.page_id == page.id))
        _backdate(record.created_at, [page, *revisions])
        db.session.flush()
        return "created"
    unchanged = (
        page.title == record.title
        and page.body == record.body
        and page.lang == record.lang
        and _tag_names(page.tags) == sorted(_normalised_tags(record.tags))
    )
    if unchanged:
        return "unchanged"
    # The page keeps its path: staff may have moved it since the last import.
    edit_page(
        page,
        author,
        title=record.title,
        path=page.path,
        body=record.body,
        tags=record.tags,
        summary=UPDATED_SUMMARY,
        base_version=page.version,
        lang=record.lang,
    )
    db.session.flush()
    return "updated"


# --- the run --------------------------------------------------------------------------------------------

IMPORTERS: dict[str, tuple[Callable[[ImportRecord, User, ImportResult, Space | None], str], bool]] = {
    "questions": (import_question, True),
    "pages": (import_page, False),
}


def run_import(
    path: Path,
    kind: str,
    author: User,
    *,
    on_error: Callable[[str], None],
    on_line: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    space: Space | None = None,
) -> ImportResult:
    """Import every line of ``path`` as ``kind`` ("questions" or "pages"), committing every ``batch_size``.
    New posts go into ``space`` (the default space when None).

    Bad lines and refused records go to ``on_error`` as ``"line N: reason"``; ``on_line`` hears the number of
    each line handled (for a progress bar).
    """
    import_one, with_answers = IMPORTERS[kind]
    result = ImportResult()
    pending = 0
    for number, value in read_lines(path):
        outcome, reason = _import_line(value, import_one, with_answers, author, result, space)
        if outcome is None:
            result.failed += 1
            on_error(f"line {number}: {reason}")
        else:
            setattr(result, outcome, getattr(result, outcome) + 1)
            pending += 1
            if pending >= batch_size:
                db.session.commit()
                pending = 0
        if on_line is not None:
            on_line(number)
    db.session.commit()
    return result


def _import_line(value, import_one, with_answers: bool, author: User, result: ImportResult, space=None):
    """(outcome, None) for a record imported, or (None, reason) for a line refused; nothing is half-saved."""
    if isinstance(value, RecordError):
        return None, str(value)
    answers_before = (result.answers_created, result.answers_updated)
    try:
        record = parse_record(value, with_answers=with_answers)
        with db.session.begin_nested():
            return import_one(record, author, result, space), None
    except RecordError as error:
        reason = str(error)
    except UserError as error:
        field = getattr(error, "field", None)
        reason = f"{field}: {error.message}" if field else error.message
    except SQLAlchemyError as error:
        # A constraint the services did not foresee: report it and go on with the next record.
        reason = f"the database refused the record ({type(getattr(error, 'orig', None) or error).__name__})"
    result.answers_created, result.answers_updated = answers_before
    return None, reason
