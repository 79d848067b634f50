"""Credit where it is due: how many searches and asks a thread or wiki page answered, and what a person's
answers and pages have answered, so people are valued for the expertise they share.

What is counted:

- Searches a thread or page answered: search-log events of the search page (``SearchEvent`` kind "search")
  whose opened result was it. (The ask form's similar-question lookups count under asks instead.)
- Asks it answered: ask-form visits that count as deflected (``AskVisit.deflected_clause(now)``) whose
  ``answered_doc`` is it ("this answered my question"), or, with no ``answered_doc``, whose ``opened_doc`` is
  it (the suggestion opened before giving up on posting). A visit that posted its question anyway is not.
- A person's credit: the sums over the threads where they wrote the accepted answer (or, when no answer is
  accepted, an answer with a score above 0) and the wiki pages they created (``Page.created_by_id``), counting
  only the threads and pages the viewer may see.

Documents are named as in the search index, "question:12" and "page:3" (``search.documents``). The logs name
only documents in public spaces, so restricted content is never credited; a thread later moved into a
restricted space keeps its old rows, which is why everything counted for a person goes through
``visible_clause``. Each function here answers in one SQL statement, however many documents it is about.
"""

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    String,
    and_,
    cast,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..extensions import db
from ..forum.models import Answer, Question
from ..search.documents import doc_id
from ..spaces.queries import public_space_ids, visible_clause
from ..utils import utcnow
from ..wiki.models import Page
from .models import AskVisit, SearchEvent

TOP_CONTRIBUTORS = 10


class Credit(NamedTuple):
    """What one thread or page answered: searches, and people who were about to ask."""

    searches: int = 0
    asks: int = 0

    @property
    def total(self) -> int:
        return self.searches + self.asks


class PersonCredit(NamedTuple):
    """What a person's credited threads and pages answered, and how many of each there are."""

    searches: int = 0
    asks: int = 0
    threads: int = 0
    pages: int = 0

    @property
    def total(self) -> int:
        return self.searches + self.asks


class Contributor(NamedTuple):
    user: User
    searches: int
    asks: int

    @property
    def total(self) -> int:
        return self.searches + self.asks


def _doc_column(kind: str, id_column):
    return literal(f"{kind}:", String).concat(cast(id_column, String))


def _events(docs, since: datetime | None = None, until: datetime | None = None):
    """Rows (doc, searches, asks), one per search event or deflected visit that credits one of ``docs`` (a
    list of document ids or a select of them), optionally only those of [since, until)."""
    searched = select(
        SearchEvent.opened_doc.label("doc"),
        literal_column("1").label("searches"),
        literal_column("0").label("asks"),
    ).where(SearchEvent.kind == "search", SearchEvent.opened_doc.in_(docs))
    asked = select(
        func.coalesce(AskVisit.answered_doc, AskVisit.opened_doc).label("doc"),
        literal_column("0").label("searches"),
        literal_column("1").label("asks"),
    ).where(
        AskVisit.deflected_clause(utcnow()),
        or_(
            AskVisit.answered_doc.in_(docs),
            and_(AskVisit.answered_doc.is_(None), AskVisit.opened_doc.in_(docs)),
        ),
    )
    if since is not None:
        searched = searched.where(SearchEvent.created_at >= since)
        asked = asked.where(AskVisit.started_at >= since)
    if until is not None:
        searched = searched.where(SearchEvent.created_at < until)
        asked = asked.where(AskVisit.started_at < until)
    return union_all(searched, asked).subquery("credit_events")


def _per_doc(events):
    return select(
        events.c.doc,
        func.sum(events.c.searches).label("searches"),
        func.sum(events.c.asks).label("asks"),
    ).group_by(events.c.doc)


def credit_for_docs(doc_ids) -> dict[str, Credit]:
    """``{doc_id: Credit(searches, asks)}`` for every id asked about (zeros when nothing was credited).

    No visibility check: pass only documents the reader may see (the logs name only public ones)."""
    ids = sorted({str(doc) for doc in doc_ids})
    credit = dict.fromkeys(ids, Credit())
    if ids:
        for doc, searches, asks in db.session.execute(_per_doc(_events(ids))):
            credit[doc] = Credit(int(searches or 0), int(asks or 0))
    return credit


def credit_of(item: Question | Page) -> Credit:
    """What one thread or page answered (for its own page, whose reader may see it)."""
    return credit_for_docs([doc_id(item)])[doc_id(item)]


def _visible(column, viewer):
    """Spaces ``viewer`` may see; None: public spaces only."""
    if viewer is not None:
        return visible_clause(column, viewer)
    public = public_space_ids()
    return column.in_(sorted(public)) if public else false()


def _credited_docs(viewer, user_id: int | None = None):
    """Rows (doc, user_id, is_page): whose answer or page gets the credit of each thread and page ``viewer``
    may see. A thread credits the author of its accepted answer or, with none accepted, the authors of its
    answers voted above 0."""
    accepted = aliased(Answer)
    has_accepted = exists().where(accepted.question_id == Answer.question_id, accepted.is_accepted.is_(True))
    threads = (
        select(
            _doc_column("question", Question.id).label("doc"),
            Answer.author_id.label("user_id"),
            literal_column("0").label("is_page"),
        )
        .join(Question, Question.id == Answer.question_id)
        .where(
            or_(Answer.is_accepted.is_(True), and_(Answer.score > 0, ~has_accepted)),
            _visible(Question.space_id, viewer),
        )
    )
    pages = select(
        _doc_column("page", Page.id).label("doc"),
        Page.created_by_id.label("user_id"),
        literal_column("1").label("is_page"),
    ).where(_visible(Page.space_id, viewer))
    if user_id is not None:
        threads = threads.where(Answer.author_id == user_id)
        pages = pages.where(Page.created_by_id == user_id)
    return union(threads, pages).cte("credited")  # union: two voted-up answers by one person count once


def credit_for_person(user: User, viewer=None) -> PersonCredit:
    """What ``user``'s credited threads and pages answered, over those ``viewer`` may see (None: public
    spaces only): PersonCredit(searches, asks, threads, pages)."""
    credited = _credited_docs(viewer, user.id)
    per_doc = _per_doc(_events(select(credited.c.doc))).subquery()
    searches, asks, threads, pages = db.session.execute(
        select(
            func.coalesce(func.sum(per_doc.c.searches), 0),
            func.coalesce(func.sum(per_doc.c.asks), 0),
            func.count().filter(credited.c.is_page == 0),
            func.count().filter(credited.c.is_page == 1),
        ).select_from(credited.outerjoin(per_doc, per_doc.c.doc == credited.c.doc))
    ).one()
    return PersonCredit(int(searches), int(asks), int(threads), int(pages))


def top_contributors(
    viewer, since: datetime | None, until: datetime | None, limit: int = TOP_CONTRIBUTORS
) -> list[Contributor]:
    """The active people whose answers and pages answered the most searches and asks made in [since, until),
    counting only threads and pages ``viewer`` may see; most first."""
    credited = _credited_docs(viewer)
    per_doc = _per_doc(_events(select(credited.c.doc), since, until)).subquery()
    searches = func.sum(per_doc.c.searches)
    asks = func.sum(per_doc.c.asks)
    rows = db.session.execute(
        select(User, searches, asks)
        .join(credited, credited.c.user_id == User.id)
        .join(per_doc, per_doc.c.doc == credited.c.doc)
        .where(User.active.is_(True))
        .group_by(User.id)
        .order_by((searches + asks).desc(), User.name, User.id)
        .limit(limit)
    )
    return [Contributor(user, int(s or 0), int(a or 0)) for user, s, a in rows]
