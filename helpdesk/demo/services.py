"""Loading the demo content: people, wiki pages, then threads (so their ``[[links]]`` find the pages), then
four weeks of searches, ask-form visits, ratings and calls for the leads' dashboard (``events.py``).

Everything goes through the services the web forms use. Demo rows carry an ``external_id`` starting with
"demo:", so loading twice adds nothing twice. These functions flush, never commit.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..auth.models import Role, User
from ..auth.services import create_user, find_user_by_email
from ..extensions import db
from ..forum.models import PostRevision, Question
from ..forum.services import (
    accept_answer,
    answer_question,
    ask_question,
    close_as_duplicate,
    move_question_to_space,
    vote,
)
from ..spaces import services as space_services
from ..spaces.queries import space_by_slug
from ..utils import utcnow
from ..wiki.models import Page, PageRevision
from ..wiki.services import create_page
from .events import load_demo_events
from .pages import PAGES
from .people import DEMO_ADMIN_EMAIL, DEMO_ADMIN_NAME, PEOPLE
from .questions import QUESTIONS
from .spaces import DEMO_SPACE


@dataclass
class DemoResult:
    people: int = 0
    pages: int = 0
    questions: int = 0
    answers: int = 0
    votes: int = 0


_BLOCK_START = re.compile(r"^\s*([-*+>|#]|\d+[.)]\s|```)")


def unwrap(text: str) -> str:
    """Join the lines of each paragraph: the demo texts are wrapped in the source for reading, but the site
    shows a single line break as a break, as people typing in a text box expect. Lists, quotes, tables,
    headings and code keep their lines."""
    lines: list[str] = []
    in_code = False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            lines.append(line)
            continue
        joinable = (
            not in_code and lines and lines[-1].strip() and line.strip()
            and not _BLOCK_START.match(line) and not lines[-1].lstrip().startswith(("#", "|", ">"))
        )
        if joinable:
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines)


def database_is_empty() -> bool:
    """True when there is not a single question or wiki page yet."""
    no_questions = db.session.scalar(select(Question.id).limit(1)) is None
    return no_questions and db.session.scalar(select(Page.id).limit(1)) is None


def create_demo_admin() -> tuple[User, str] | None:
    """Make the demo admin with a fresh random password and return both; None when the account exists."""
    if find_user_by_email(DEMO_ADMIN_EMAIL) is not None:
        return None
    password = secrets.token_urlsafe(12)
    return create_user(DEMO_ADMIN_EMAIL, DEMO_ADMIN_NAME, Role.ADMIN, password), password


def load_demo_content() -> DemoResult:
    """Add the demo people, pages and threads that are not in the database yet."""
    result = DemoResult()
    now = utcnow()
    people = _people(result)
    for spec in PAGES:
        _page(spec, people, now, result)
    questions = {}
    for spec in QUESTIONS:
        question = _question(spec, people, now, result)
        if question is not None:
            questions[spec["key"]] = question
    for spec in QUESTIONS:
        if spec["key"] in questions and spec.get("duplicate_of"):
            original = db.session.scalar(
                select(Question).where(Question.external_id == f"demo:question:{spec['duplicate_of']}")
            )
            duplicate = questions[spec["key"]]
            close_as_duplicate(duplicate, original, people[spec["closed_by"]])
            closed = min(duplicate.created_at + timedelta(hours=1), now)
            _set_times(duplicate, closed_at=closed, activity_at=closed)
    _space(DEMO_SPACE, people, questions, now)
    load_demo_events(people, now)
    db.session.flush()
    return result


def _people(result: DemoResult) -> dict[str, User]:
    people = {}
    for key, spec in PEOPLE.items():
        user = find_user_by_email(spec["email"])
        if user is None:
            user = create_user(spec["email"], spec["name"], spec["role"], password=None)
            result.people += 1
        people[key] = user
    return people


def _set_times(row, **times: datetime) -> None:
    for name, value in times.items():
        setattr(row, name, value)


def _page(spec: dict, people: dict[str, User], now: datetime, result: DemoResult) -> None:
    external_id = f"demo:page:{spec['key']}"
    if db.session.scalar(select(Page.id).where(Page.external_id == external_id)) is not None:
        return
    page = create_page(
        people[spec["author"]],
        spec["title"],
        spec["path"],
        unwrap(spec["body"]),
        spec["tags"],
        summary="First version",
        lang=spec["lang"],
    )
    page.external_id = external_id
    written = now - timedelta(days=spec["days_ago"])
    _set_times(page, created_at=written, updated_at=written)
    for revision in db.session.scalars(select(PageRevision).where(PageRevision.page_id == page.id)):
        revision.created_at = written
    result.pages += 1


def _question(spec: dict, people: dict[str, User], now: datetime, result: DemoResult) -> Question | None:
    external_id = f"demo:question:{spec['key']}"
    if db.session.scalar(select(Question.id).where(Question.external_id == external_id)) is not None:
        return None
    asker = people[spec["author"]]
    asked = now - timedelta(days=spec["days_ago"])
    question = ask_question(asker, spec["title"], unwrap(spec["body"]), spec["tags"], lang=spec["lang"])
    question.external_id = external_id
    _backdate_revisions(PostRevision.question_id, question.id, asked)
    result.questions += 1
    result.votes += _votes(question, spec.get("votes", []), people)
    last_activity = asked
    for index, answer_spec in enumerate(spec.get("answers", [])):
        answer = answer_question(question, people[answer_spec["author"]], unwrap(answer_spec["body"]))
        answer.external_id = f"{external_id}#a{index}"
        answered = min(asked + timedelta(hours=answer_spec["hours_later"]), now)
        _set_times(answer, created_at=answered, updated_at=answered)
        _backdate_revisions(PostRevision.answer_id, answer.id, answered)
        last_activity = max(last_activity, answered)
        result.answers += 1
        result.votes += _votes(answer, answer_spec.get("votes", []), people)
        if answer_spec.get("accepted"):
            accept_answer(answer, asker)
    _set_times(question, created_at=asked, updated_at=asked, activity_at=last_activity)
    return question


def _backdate_revisions(column, row_id: int, when: datetime) -> None:
    for revision in db.session.scalars(select(PostRevision).where(column == row_id)):
        revision.created_at = when


def _votes(post, voters: list[str] | dict[str, int], people: dict[str, User]) -> int:
    values = voters if isinstance(voters, dict) else dict.fromkeys(voters, 1)
    for key, value in values.items():
        vote(people[key], post, value)
    return len(values)


def _space(spec: dict, people: dict[str, User], questions: dict[str, Question], now: datetime) -> None:
    """The restricted demo space with its members, a waiting request and its team's threads (made once)."""
    if space_by_slug(space_services.slug_for(spec["name"])) is not None:
        return
    space = space_services.create_space(
        spec["name"],
        None,
        restricted=True,
        member_cap=spec["cap"],
        description=spec["description"],
        owners=[people[key] for key in spec["owners"]],
    )
    for key in spec["members"]:
        space_services.add_member(space, people[key], people[spec["owners"][0]])
    for key, message in spec["requests"].items():
        space_services.request_to_join(space, people[key], message)
    for key in spec["questions"]:
        if key in questions:
            move_question_to_space(questions[key], space)
    space.reviewed_at = now - timedelta(days=spec["reviewed_days_ago"])
