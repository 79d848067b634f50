"""The leads' dashboard: weekly numbers read straight from the events, and "what to write next".

Weeks are ISO weeks (Monday 00:00 to Sunday 23:59:59, UTC); a period is the current week and the weeks before
it, oldest first, and a week with nothing in it is a row of zeros. Every count of questions, pages, ratings
and calls keeps only what the viewer may see (``visible_clause``); search lookups and ask-form visits are only
ever logged from public spaces (see ``log.py`` and ``AskVisit``).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, or_, select

from ..extensions import db
from ..forum.models import Question
from ..forum.queue import BUCKET_KEYS, QueueFilter, age_bucket_clause, open_questions
from ..spaces.queries import visible_clause
from ..wiki.models import Page
from . import calls, queries, ratings
from .models import AskVisit, Rating, SearchEvent

PERIODS = (4, 12, 26)
DEFAULT_WEEKS = 12
LIST_LENGTH = 8


@dataclass(frozen=True)
class Week:
    start: datetime  # Monday 00:00 UTC

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    @property
    def label(self) -> str:
        """The ISO week, e.g. "2026-W47"."""
        year, week, _day = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def first_day(self) -> date:
        return self.start.date()


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 of the ISO week ``moment`` lies in (``calls.week_start``: the one rule for weeks)."""
    return datetime.combine(calls.week_start(moment), time())


def period_weeks(now: datetime, weeks: int) -> list[Week]:
    """The ``weeks`` weeks up to and including the one ``now`` lies in, oldest first."""
    current = week_start(now)
    return [Week(current - timedelta(weeks=back)) for back in range(weeks - 1, -1, -1)]


def _share(part: int, whole: int) -> float:
    """``part`` of ``whole`` in per cent, one decimal; 0 for a week with nothing."""
    return round(100 * part / whole, 1) if whole else 0.0


def _weekly(column, weeks: list[Week], *columns, where=()) -> dict[int, tuple]:
    """``columns`` (aggregates) per week index, for rows whose ``column`` lies in the period."""
    index = case(*[(column >= week.start, i) for i, week in reversed(list(enumerate(weeks)))], else_=-1)
    stmt = (
        select(index.label("week"), *columns)
        .where(column >= weeks[0].start, column < weeks[-1].end, *where)
        .group_by(index)
    )
    return {row[0]: tuple(row[1:]) for row in db.session.execute(stmt)}


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# ---------------------------------------------------------------------------------------------------------
# Charts


@dataclass(frozen=True)
class DeflectionWeek:
    week: Week
    deflected: int
    posted: int
    rate: float  # deflected / (deflected + posted), per cent


def deflection_by_week(weeks: list[Week], now: datetime) -> list[DeflectionWeek]:
    """Ask-form visits started each week that saw suggestions: deflected (left without posting, as of
    ``now``) and posted anyway. Visits that saw no suggestion, and ones still open, count neither way."""
    counts = _weekly(
        AskVisit.started_at,
        weeks,
        _count_if(AskVisit.deflected_clause(now)),
        _count_if(AskVisit.not_deflected_clause()),
    )
    rows = []
    for i, week in enumerate(weeks):
        deflected, posted = counts.get(i, (0, 0))
        rows.append(DeflectionWeek(week, int(deflected), int(posted), _share(deflected, deflected + posted)))
    return rows


@dataclass(frozen=True)
class ZeroResultWeek:
    week: Week
    zero: int
    searches: int
    share: float


def zero_results_by_week(weeks: list[Week]) -> list[ZeroResultWeek]:
    """Lookups on the search page (kind "search") each week, and how many found nothing in public spaces."""
    counts = _weekly(
        SearchEvent.created_at,
        weeks,
        _count_if(SearchEvent.result_count == 0),
        func.count(SearchEvent.id),
        where=(SearchEvent.kind == "search",),
    )
    rows = []
    for i, week in enumerate(weeks):
        zero, searches = counts.get(i, (0, 0))
        rows.append(ZeroResultWeek(week, int(zero), int(searches), _share(zero, searches)))
    return rows


@dataclass(frozen=True)
class AgeBucket:
    key: str
    no_answer: int
    no_accepted: int

    @property
    def total(self) -> int:
        return self.no_answer + self.no_accepted


def unanswered_by_age(viewer, now: datetime) -> list[AgeBucket]:
    """The unanswered queue now (open questions without an accepted answer the viewer may see) in its age
    buckets, split into those with no answer at all and those with answers but none accepted."""
    inner = (
        open_questions(viewer, QueueFilter())
        .with_only_columns(
            age_bucket_clause(now).label("bucket"), (Question.answer_count == 0).label("unanswered")
        )
        .subquery()
    )
    stmt = select(
        inner.c.bucket, _count_if(inner.c.unanswered), _count_if(inner.c.unanswered.is_(False))
    ).group_by(inner.c.bucket)
    counts = {key: (int(a), int(b)) for key, a, b in db.session.execute(stmt)}
    return [AgeBucket(key, *counts.get(key, (0, 0))) for key in BUCKET_KEYS]


def _visible_questions(viewer):
    return select(Question.id).where(visible_clause(Question.space_id, viewer))


def _visible_pages(viewer):
    return select(Page.id).where(visible_clause(Page.space_id, viewer))


@dataclass(frozen=True)
class HelpfulWeek:
    week: Week
    yes: int
    ratings: int
    ratio: float


def helpful_by_week(viewer, weeks: list[Week]) -> list[HelpfulWeek]:
    """ "Did this answer your question?" on threads and pages the viewer may see: yes out of all, by the week
    each rating was last given (a changed answer counts once, in the week it was changed)."""
    counts = _weekly(
        Rating.updated_at,
        weeks,
        _count_if(Rating.helpful.is_(True)),
        func.count(Rating.id),
        where=(
            or_(
                Rating.question_id.in_(_visible_questions(viewer)), Rating.page_id.in_(_visible_pages(viewer))
            ),
        ),
    )
    rows = []
    for i, week in enumerate(weeks):
        yes, ratings = counts.get(i, (0, 0))
        rows.append(HelpfulWeek(week, int(yes), int(ratings), _share(yes, ratings)))
    return rows


@dataclass(frozen=True)
class CallsWeek:
    week: Week
    with_content: int
    topic_only: int

    @property
    def total(self) -> int:
        return self.with_content + self.topic_only


def calls_by_week(viewer, weeks: list[Week]) -> list[CallsWeek]:
    """Calls logged each week, counted as the calls' own list counts them (``calls.calls_per_week``): from a
    thread or page the viewer may see, and with a topic (even once the topic got a page)."""
    counted = calls.calls_per_week(viewer, weeks[0].start, weeks[-1].end)
    return [
        CallsWeek(week, row.with_content, row.topic_only) for week, row in zip(weeks, counted, strict=True)
    ]


# ---------------------------------------------------------------------------------------------------------
# What to write next


def zero_result_queries(weeks: list[Week], min_people: int) -> list[queries.QueryCount]:
    """The queries that found nothing most often over the period, each made by at least ``min_people``
    different visits (the search log's rule)."""
    return queries.zero_result_queries(7 * len(weeks), min_people, since=weeks[0].start)[:LIST_LENGTH]


def call_topics_without_page(viewer, weeks: list[Week]) -> list[calls.TopicCount]:
    """Topics of calls logged in the period that have no page the viewer may see, most calls first (the
    leads' full list is ``/insights/calls``)."""
    return calls.topics_without_page(viewer, weeks[0].start, weeks[-1].end, limit=LIST_LENGTH)


def worst_rated_pages(viewer, weeks: list[Week]) -> list[ratings.RatedPage]:
    """Pages the viewer may see with more "no" than "yes" among answers given in the period, worst first (the
    full list is ``/insights/pages``)."""
    return ratings.worst_rated_pages(viewer, limit=LIST_LENGTH, since=weeks[0].start, unhelpful_only=True)
