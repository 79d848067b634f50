""" "Did this answer your question?" on threads and wiki pages: one yes or no per person, the counts, and the
worst-rated pages for leads.

``rate`` flushes and never commits. Reads that list or count pages keep only those the viewer may see
(``visible_clause``); counts for one thread or page are asked only after the view checked it may be shown.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Float, and_, case, cast, func, literal, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..extensions import db
from ..forum.models import Question
from ..spaces.queries import visible_clause
from ..utils import utcnow
from ..wiki.models import Page
from .models import Rating


class RatedPage(NamedTuple):
    """One row of the worst-rated pages: the page and how many people answered yes and no."""

    page: Page
    yes: int
    no: int

    @property
    def total(self) -> int:
        return self.yes + self.no

    @property
    def helpful_share(self) -> float:
        """The share of "yes" answers, 0.0 to 1.0."""
        return self.yes / self.total if self.total else 0.0


def _target(question: Question | None, page: Page | None) -> dict[str, int]:
    if (question is None) == (page is None):
        raise ValueError("rate exactly one of a question or a page")
    return {"question_id": question.id} if question is not None else {"page_id": page.id}


def _where(target: dict[str, int]):
    ((name, value),) = target.items()
    return getattr(Rating, name) == value


def _existing(user: User, target: dict[str, int]) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.user_id == user.id, _where(target)))


def rate(user: User, helpful: bool, question: Question | None = None, page: Page | None = None) -> Rating:
    """Record ``user``'s answer on a thread or a page; a second answer replaces the first. The caller checks
    that ``user`` may see it (``permissions.can_rate``)."""
    target = _target(question, page)
    now = utcnow()
    rating = _existing(user, target)
    if rating is None:
        rating = Rating(user_id=user.id, helpful=helpful, created_at=now, updated_at=now, **target)
        try:
            # A savepoint: two quick presses may both find no rating; the second insert trips the unique
            # constraint and only it is undone, then it updates the row the first one made.
            with db.session.begin_nested():
                db.session.add(rating)
                db.session.flush()
            return rating
        except IntegrityError:
            rating = _existing(user, target)
            if rating is None:  # the other row is gone again (the user or target was deleted)
                raise
    rating.helpful, rating.updated_at = helpful, now
    db.session.flush()
    return rating


def _yes_no():
    yes = func.coalesce(func.sum(case((Rating.helpful.is_(True), 1), else_=0)), 0)
    no = func.coalesce(func.sum(case((Rating.helpful.is_(False), 1), else_=0)), 0)
    return yes, no


class RatingSummary(NamedTuple):
    """What the widget under a thread or page shows: the counts and what the reader answered (True yes,
    False no, None nothing or not signed in)."""

    yes: int
    no: int
    mine: bool | None


def rating_summary(user, question: Question | None = None, page: Page | None = None) -> RatingSummary:
    """The counts for one thread or page and ``user``'s own answer, in one SQL statement (every thread and
    page view asks)."""
    where = _where(_target(question, page))
    yes, no = _yes_no()
    if user is not None and getattr(user, "is_authenticated", False):
        # 2: this person said yes, 1: no, 0: someone else's answer (None: nobody answered).
        own = Rating.user_id == user.id
        theirs = func.max(case((and_(own, Rating.helpful.is_(True)), 2), (own, 1), else_=0))
    else:
        theirs = literal(0)
    said_yes, said_no, mine = db.session.execute(select(yes, no, theirs).where(where)).one()
    return RatingSummary(int(said_yes), int(said_no), {2: True, 1: False}.get(mine))


def rating_counts(question: Question | None = None, page: Page | None = None) -> tuple[int, int]:
    """(yes, no) for one thread or page."""
    yes, no, _mine = rating_summary(None, question, page)
    return yes, no


def my_rating(user, question: Question | None = None, page: Page | None = None) -> bool | None:
    """What ``user`` answered on a thread or page: True (yes), False (no), or None (nothing, or anonymous)."""
    return rating_summary(user, question, page).mine


def worst_rated_pages(
    viewer, limit: int = 50, min_ratings: int = 1, since: datetime | None = None, unhelpful_only: bool = False
) -> list[RatedPage]:
    """The pages ``viewer`` may see with at least ``min_ratings`` answers, the largest share of "no" first
    (then the most "no", then by path); each row is (page, yes, no). ``since``: count only answers given (or
    last changed) from then on; ``unhelpful_only``: only pages with more "no" than "yes"."""
    yes, no = _yes_no()
    counts = (
        select(Rating.page_id.label("page_id"), yes.label("yes"), no.label("no"))
        .where(Rating.page_id.is_not(None), *([Rating.updated_at >= since] if since is not None else []))
        .group_by(Rating.page_id)
        .having(func.count(Rating.id) >= max(min_ratings, 1))
        .subquery()
    )
    no_share = cast(counts.c.no, Float) / (counts.c.yes + counts.c.no)
    stmt = (
        select(Page, counts.c.yes, counts.c.no)
        .join(counts, counts.c.page_id == Page.id)
        .where(
            visible_clause(Page.space_id, viewer), *([counts.c.no > counts.c.yes] if unhelpful_only else [])
        )
        .order_by(no_share.desc(), counts.c.no.desc(), Page.path)
        .limit(limit)
    )
    return [RatedPage(page, int(y), int(n)) for page, y, n in db.session.execute(stmt)]
