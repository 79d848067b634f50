"""Named reads for the leads' page: what people search for, over a period, only queries k people made."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..utils import utcnow
from .models import SearchEvent

PERIODS = (7, 30, 90)
LIST_LENGTH = 25


@dataclass(frozen=True)
class QueryCount:
    query: str
    searches: int
    people: int


def _since(days: int) -> datetime:
    return utcnow() - timedelta(days=days)


def _grouped(since: datetime, min_people: int, *conditions, having=()):
    people = func.count(func.distinct(SearchEvent.session_key))
    searches = func.count(SearchEvent.id)
    stmt = (
        select(SearchEvent.query, searches, people)
        .where(SearchEvent.created_at >= since, *conditions)
        .group_by(SearchEvent.query)
        .having(people >= min_people, *having)
        .order_by(searches.desc(), people.desc(), SearchEvent.query)
        .limit(LIST_LENGTH)
    )
    return [QueryCount(query, searches, people) for query, searches, people in db.session.execute(stmt)]


def top_queries(days: int, min_people: int) -> list[QueryCount]:
    """The queries made most often in the last ``days`` days, each by at least ``min_people`` visits."""
    return _grouped(_since(days), min_people)


def zero_result_queries(days: int, min_people: int, since: datetime | None = None) -> list[QueryCount]:
    """Queries that found nothing, counted over the lookups that found nothing in the last ``days`` days (or
    from ``since``, naive UTC, when given: the dashboard's first week)."""
    return _grouped(since or _since(days), min_people, SearchEvent.result_count == 0)


def unopened_queries(days: int, min_people: int) -> list[QueryCount]:
    """Queries that found something, but whose results nobody opened in the period (search results and the
    ask form's suggestions both go through the click-through)."""
    return _grouped(
        _since(days),
        min_people,
        SearchEvent.result_count > 0,
        having=(func.count(SearchEvent.opened_rank) == 0,),
    )
