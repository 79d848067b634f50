"""Phone calls the helpdesk answered: logged in one click from a thread or page ("I read this out on a
call"), or with a short topic when no page fits; and what leads read of them.

Verbs (``log_call``, ``link_topic_to_page``) flush, never commit. Reads count a call on a thread or page only
for viewers who may see its space (``visible_clause``); a call logged with a topic counts for everyone (staff
typed it, nobody's content is in it). A topic call linked to a page the viewer may not see is, for that
viewer, still a topic without a page, so a restricted page never shows itself by a topic leaving the list.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func, not_, or_, select, update

from ..errors import UserError
from ..extensions import db
from ..forum.models import Question
from ..spaces.queries import visible_clause
from ..utils import clean_line
from ..wiki.models import Page
from .models import TOPIC_CHARS, CallLog
from .services import normalise_query

TOPIC_MIN_CHARS = 2
LIST_LENGTH = 50


class TopicError(UserError):
    """A topic that is empty, too short or too long (the form shows it next to the field)."""


@dataclass(frozen=True)
class TopicCount:
    """A call topic without a page: as most often typed, its key, how many calls, when the last was."""

    topic: str
    topic_key: str
    calls: int
    last_call: datetime


@dataclass(frozen=True)
class WeekCalls:
    """Calls logged in the week starting ``week_start`` (a Monday, UTC): on a thread or page, topic only."""

    week_start: date
    with_content: int
    topic_only: int

    @property
    def total(self) -> int:
        return self.with_content + self.topic_only


@dataclass(frozen=True)
class LoggedCall:
    """One of a person's own calls: the CallLog with its thread or page (None when there is none)."""

    call: CallLog
    question: Question | None
    page: Page | None


def clean_topic(text: str | None) -> str:
    """The topic as it will be kept (blanks folded and trimmed); TopicError when it is empty, one character
    or longer than ``TOPIC_CHARS``."""
    topic = clean_line(text)
    if len(topic) < TOPIC_MIN_CHARS:
        raise TopicError(
            _(
                "Write in a few words what the call was about (at least %(num)d characters).",
                num=TOPIC_MIN_CHARS,
            )
        )
    if len(topic) > TOPIC_CHARS:
        raise TopicError(
            _("Keep the topic to %(max)d characters (it has %(count)d).", max=TOPIC_CHARS, count=len(topic))
        )
    return topic


def topic_key(topic: str | None) -> str:
    """Calls about the same thing group by this key: lower case, blanks collapsed (as search queries are)."""
    return normalise_query(topic)[:TOPIC_CHARS]


# ---------------------------------------------------------------------------------------------------------
# Verbs


def log_call(user, question: Question | None = None, page: Page | None = None, topic: str | None = None):
    """Log one call by ``user`` on ``question``, on ``page`` or about ``topic`` (exactly one of them) and
    return the CallLog. A topic whose calls were linked to a page before is linked to that page at once."""
    if sum(item is not None for item in (question, page, topic)) != 1:
        raise ValueError("log_call takes exactly one of question, page, topic")
    call = CallLog(user_id=user.id if user is not None else None)
    if question is not None:
        call.question_id = question.id
    elif page is not None:
        call.page_id = page.id
    else:
        call.topic = clean_topic(topic)
        call.topic_key = topic_key(call.topic)
        call.page_id = db.session.scalar(
            select(CallLog.page_id)
            .where(CallLog.topic_key == call.topic_key, CallLog.page_id.is_not(None))
            .order_by(CallLog.id.desc())
            .limit(1)
        )
    db.session.add(call)
    db.session.flush()
    return call


def link_topic_to_page(key: str, page: Page) -> int:
    """Calls about topic ``key`` that have no page yet now have ``page``; how many were linked."""
    key = topic_key(key)
    if not key:
        return 0
    result = db.session.execute(
        update(CallLog)
        .where(CallLog.topic_key == key, CallLog.page_id.is_(None), CallLog.question_id.is_(None))
        .values(page_id=page.id)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount or 0


# ---------------------------------------------------------------------------------------------------------
# Reads


def calls_on(question: Question | None = None, page: Page | None = None) -> int:
    """How many calls were answered with this thread (or page, topics linked to it included)."""
    column, item = (CallLog.question_id, question) if question is not None else (CallLog.page_id, page)
    return db.session.scalar(select(func.count(CallLog.id)).where(column == item.id)) or 0


def _counted_for(viewer):
    """SQL: a call ``viewer`` may count (needs Question and Page outer-joined): a topic call, or a call on
    content in a space they may see. A call whose thread or page was deleted is not counted: where it was is
    no longer known."""
    return or_(
        CallLog.topic_key.is_not(None),
        and_(CallLog.question_id.is_not(None), visible_clause(Question.space_id, viewer)),
        and_(CallLog.page_id.is_not(None), visible_clause(Page.space_id, viewer)),
    )


def calls_by(user, since: datetime, limit: int = LIST_LENGTH) -> list[LoggedCall]:
    """``user``'s own calls since ``since`` (naive UTC), newest first; calls on content they may no longer
    see are left out (topic calls stay)."""
    stmt = (
        select(CallLog, Question, Page)
        .outerjoin(Question, Question.id == CallLog.question_id)
        .outerjoin(Page, Page.id == CallLog.page_id)
        .where(CallLog.user_id == user.id, CallLog.created_at >= since, _counted_for(user))
        .order_by(CallLog.created_at.desc(), CallLog.id.desc())
        .limit(limit)
    )
    return [LoggedCall(*row) for row in db.session.execute(stmt)]


def _without_page(viewer, since: datetime, until: datetime):
    """Conditions (Page outer-joined): topic calls in [since, until) with no page ``viewer`` may see."""
    return (
        CallLog.topic_key.is_not(None),
        CallLog.question_id.is_(None),
        or_(CallLog.page_id.is_(None), not_(visible_clause(Page.space_id, viewer))),
        CallLog.created_at >= since,
        CallLog.created_at < until,
    )


def topics_without_page(
    viewer, since: datetime, until: datetime, limit: int = LIST_LENGTH
) -> list[TopicCount]:
    """Call topics with no page yet, most calls first (then the latest call first).

    Returns ``TopicCount(topic, topic_key, calls, last_call)`` rows: ``topic`` as most often typed,
    ``last_call`` a naive UTC datetime; calls counted in ``since <= created_at < until`` (naive UTC).
    """
    calls = func.count(CallLog.id)
    last = func.max(CallLog.created_at)
    conditions = _without_page(viewer, since, until)
    top = db.session.execute(
        select(CallLog.topic_key, calls, last)
        .outerjoin(Page, Page.id == CallLog.page_id)
        .where(*conditions)
        .group_by(CallLog.topic_key)
        .order_by(calls.desc(), last.desc(), CallLog.topic_key)
        .limit(limit)
    ).all()
    if not top:
        return []
    spellings: dict[str, tuple[int, datetime, str]] = {}
    for key, topic, count, latest in db.session.execute(
        select(CallLog.topic_key, CallLog.topic, calls, last)
        .outerjoin(Page, Page.id == CallLog.page_id)
        .where(*conditions, CallLog.topic_key.in_([key for key, _n, _at in top]))
        .group_by(CallLog.topic_key, CallLog.topic)
    ):
        spellings[key] = max(spellings.get(key, (0, latest, topic)), (count, latest, topic))
    return [TopicCount(spellings[key][2], key, count, latest) for key, count, latest in top]


def week_start(moment: datetime | date) -> date:
    """The Monday (UTC) of the ISO week ``moment`` lies in."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def calls_per_week(viewer, since: datetime, until: datetime) -> list[WeekCalls]:
    """Calls logged per week, oldest week first, every week from the one holding ``since`` to the one
    holding ``until`` (exclusive) listed, empty ones with zeros.

    Returns ``WeekCalls(week_start, with_content, topic_only)`` rows: ``week_start`` a Monday (UTC date),
    ``with_content`` the calls logged on a thread or page ``viewer`` may see, ``topic_only`` the calls logged
    with a topic (even once the topic got a page); calls counted in ``since <= created_at < until``.
    """
    rows = db.session.execute(
        select(CallLog.created_at, CallLog.topic_key.is_not(None))
        .outerjoin(Question, Question.id == CallLog.question_id)
        .outerjoin(Page, Page.id == CallLog.page_id)
        .where(CallLog.created_at >= since, CallLog.created_at < until, _counted_for(viewer))
    )
    first, last = week_start(since), week_start(until - timedelta(microseconds=1))
    weeks = {first + timedelta(weeks=n): [0, 0] for n in range((last - first).days // 7 + 1)}
    for created_at, is_topic in rows:
        weeks[week_start(created_at)][1 if is_topic else 0] += 1
    return [WeekCalls(start, content, topics) for start, (content, topics) in weeks.items()]


def day_start(moment: datetime, zone) -> datetime:
    """Midnight of ``moment``'s day in time zone ``zone``, as a naive UTC datetime (``moment``: naive UTC)."""
    local = moment.replace(tzinfo=UTC).astimezone(zone)
    midnight = datetime.combine(local.date(), time(), tzinfo=zone)
    return midnight.astimezone(UTC).replace(tzinfo=None)
