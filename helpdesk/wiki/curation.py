"""Keeping the wiki true: pages promoted from accepted answers, page owners and review-by dates.

A page made from an accepted answer names it (``Page.source_answer_id``); the thread and the page then link to
each other, and an edit of that answer later flags the page (``source_changed_at``) until someone marks it
reviewed. Every page has an owner and a date by which it should be checked again; ``/wiki/-/review`` lists the
pages past that date, rated unhelpful or whose source answer changed. Reads take ``viewer`` and keep only what
that person may see; the verbs flush, never commit.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from flask import abort, current_app, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from .. import permissions
from ..auth.models import STAFF_ROLES, User
from ..errors import Conflict, UserError
from ..extensions import db
from ..forum.models import Answer, Question
from ..insights.ratings import RatedPage, worst_rated_pages
from ..spaces.queries import visible_clause
from ..utils import clean_line, parse_id, utcnow
from .models import Page
from .paths import PathError, normalize_path
from .queries import page_by_title, visible_page_at

# The longest each section of the review list gets, oldest first (a list nobody can finish helps nobody).
REVIEW_LIST_LIMIT = 100


# ---------------------------------------------------------------------------------------------------------
# Dates


def today() -> date:
    """Today in the site's time zone: a review-by date is a calendar day where the helpdesk works."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def next_review_date() -> date:
    """When a page made or reviewed today is due again (``HELPDESK_PAGE_REVIEW_DAYS`` from today)."""
    return today() + timedelta(days=current_app.config["PAGE_REVIEW_DAYS"])


def is_due(page: Page) -> bool:
    """Has ``page``'s review-by date come (today counts)?"""
    return page.review_by is not None and page.review_by <= today()


def parse_review_date(raw: str | None) -> date:
    """A typed review-by date (``YYYY-MM-DD``, what a date input sends); UserError on anything else."""
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise UserError(_("Give the review-by date as year-month-day, e.g. 2027-03-31.")) from None


# ---------------------------------------------------------------------------------------------------------
# Promoting an accepted answer


def answer_to_promote(raw_id: str | None, viewer) -> Answer | None:
    """The answer named by the new-page form (``?answer=`` or its hidden field), if any.

    404 when there is no such answer or ``viewer`` may not see it; 403 when they may not promote it (see
    ``permissions.can_promote_answer``); a redirect to the page already made from it when they may see one.
    """
    if not raw_id:
        return None
    answer_id = parse_id(raw_id)
    answer = db.session.get(Answer, answer_id) if answer_id is not None else None
    if answer is None or not permissions.can_view_content(viewer, answer.question):
        abort(404)
    if not permissions.can_promote_answer(viewer, answer):
        abort(403)
    existing = page_promoted_from(answer, viewer)
    if existing is not None:
        abort(redirect(url_for("wiki.page", path=existing.path)))
    return answer


def promoted_body(answer: Answer, thread_url: str) -> str:
    """The Markdown a page made from ``answer`` starts with: the answer, then a line back to its thread."""
    title = re.sub(r"([\[\]\\])", r"\\\1", answer.question.title)
    back = _("From the question [%(title)s](%(url)s).", title=title, url=thread_url)
    return f"{answer.body.rstrip()}\n\n{back}\n"


def record_promotion(page: Page, answer: Answer, viewer) -> None:
    """Mark ``page`` (just created) as made from ``answer``. Conflict when ``viewer`` can already see a page
    made from it (two saves of the same form)."""
    existing = page_promoted_from(answer, viewer)
    if existing is not None and existing is not page:
        raise Conflict(_("A wiki page was already made from this answer: “%(title)s”.", title=existing.title))
    page.source_answer_id = answer.id
    db.session.flush()


def page_promoted_from(answer: Answer, viewer) -> Page | None:
    """The oldest page made from ``answer`` that ``viewer`` may see."""
    return db.session.scalar(
        select(Page)
        .where(Page.source_answer_id == answer.id, visible_clause(Page.space_id, viewer))
        .order_by(Page.id)
        .limit(1)
    )


def flag_pages_promoted_from(answer: Answer) -> None:
    """The source answer changed: every page made from it needs a look (whoever may see those pages)."""
    now = utcnow()
    for page in db.session.scalars(select(Page).where(Page.source_answer_id == answer.id)):
        page.source_changed_at = now
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# Links between threads and pages


@dataclass
class ThreadLinks:
    """What a thread shows of the wiki: pages made from its answers, and the page it is closed against."""

    pages: list[Page] = field(default_factory=list)
    by_answer: dict[int, Page] = field(default_factory=dict)
    closed_against: Page | None = None


def thread_links(question: Question, viewer) -> ThreadLinks:
    """The pages ``viewer`` may see that were made from ``question``'s answers or that it is closed against;
    a hidden page is left out, as if there were none."""
    closed_against = None
    if question.duplicate_of_page_id is not None:
        page = db.session.get(Page, question.duplicate_of_page_id)
        if page is not None and permissions.can_view_content(viewer, page):
            closed_against = page
    promoted = db.session.scalars(
        select(Page)
        .join(Answer, Answer.id == Page.source_answer_id)
        .where(Answer.question_id == question.id, visible_clause(Page.space_id, viewer))
        .order_by(Page.id)
    )
    links = ThreadLinks(closed_against=closed_against)
    for page in promoted:
        links.by_answer.setdefault(page.source_answer_id, page)
        if page is not closed_against:
            links.pages.append(page)
    return links


def source_question(page: Page, viewer) -> Question | None:
    """The thread ``page`` was made from, if ``viewer`` may see it."""
    if page.source_answer_id is None:
        return None
    answer = db.session.get(Answer, page.source_answer_id)
    if answer is None or not permissions.can_view_content(viewer, answer.question):
        return None
    return answer.question


def page_from_reference(reference: str | None, viewer) -> Page | None:
    """The page ``viewer`` may see named by its address (``https://helpdesk/wiki/network/vpn``,
    ``/wiki/network/vpn``), its path (``network/vpn``) or its title; None when none fits."""
    text = clean_line(reference)[:1000]  # no NUL or other control characters reach the database
    if not text:
        return None
    try:
        path = clean_line(unquote(urlsplit(text).path))
    except ValueError:  # not an address after all ("http://[::1"): perhaps a title
        path = text
    if "/wiki/" in path:
        path = path.split("/wiki/", 1)[1].split("/-/", 1)[0]
    try:
        page = visible_page_at(normalize_path(path, in_space=True), viewer)
    except PathError:
        page = None
    return page or page_by_title(text, viewer)


def close_against_page(question: Question, page: Page, by: User) -> None:
    """Close ``question`` as answered by the wiki page ``page`` (staff; the caller checked ``by`` sees it)."""
    if not permissions.can_close_question(by, question):
        raise UserError(_("Only staff can close questions."), 403)
    if question.duplicate_of_page_id == page.id:
        raise Conflict(_("This question is already closed as answered by that page."))
    now = utcnow()
    question.duplicate_of = None
    question.duplicate_of_page_id = page.id
    question.closed_at = now
    question.closed_by_id = by.id
    question.activity_at = now
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# Owners, review-by dates, the review list


def possible_owners() -> list[User]:
    """The people a page may be given to: active staff, leads and admins, by name."""
    return list(
        db.session.scalars(
            select(User).where(User.role.in_(sorted(STAFF_ROLES)), User.active.is_(True)).order_by(User.name)
        )
    )


def set_owner_and_review_date(page: Page, owner: User | None, review_by: date) -> None:
    """Give ``page`` to ``owner`` (None: nobody) and the date by which it should next be checked."""
    if owner is not None and (not owner.is_staff or not owner.active):
        raise UserError(_("Choose one of the people in the list."))
    page.owner_id = owner.id if owner is not None else None
    page.review_by = review_by
    db.session.flush()


def mark_reviewed(page: Page) -> None:
    """Someone checked ``page``: due again after the review period, and no longer flagged."""
    page.review_by = next_review_date()
    page.reviewed_at = utcnow()
    page.source_changed_at = None
    db.session.flush()


def _review_rows(viewer, owner: User | None) -> Select:
    stmt = select(Page).where(visible_clause(Page.space_id, viewer))
    if owner is not None:
        stmt = stmt.where(Page.owner_id == owner.id)
    return stmt.options(selectinload(Page.owner), selectinload(Page.space)).limit(REVIEW_LIST_LIMIT)


def pages_past_review_date(viewer, owner: User | None = None) -> list[Page]:
    """Pages ``viewer`` may see whose review-by date has come (today counts), the longest overdue first;
    ``owner`` keeps those owned by that person."""
    stmt = _review_rows(viewer, owner).where(Page.review_by <= today())
    return list(db.session.scalars(stmt.order_by(Page.review_by, Page.id)))


def pages_with_changed_source(viewer, owner: User | None = None) -> list[Page]:
    """Pages ``viewer`` may see whose source answer was edited since they were last reviewed, oldest
    change first; only where ``viewer`` may see that answer too (an edit in a restricted thread is news
    only to its readers)."""
    stmt = (
        _review_rows(viewer, owner)
        .join(Answer, Answer.id == Page.source_answer_id)
        .join(Question, Question.id == Answer.question_id)
        .where(Page.source_changed_at.is_not(None), visible_clause(Question.space_id, viewer))
    )
    return list(db.session.scalars(stmt.order_by(Page.source_changed_at, Page.id)))


def pages_rated_unhelpful(viewer, owner: User | None = None) -> list[RatedPage]:
    """Pages ``viewer`` may see that more people found unhelpful than helpful, worst first (rows of page,
    yes, no)."""
    rows = worst_rated_pages(viewer, limit=50, min_ratings=1, unhelpful_only=True)
    return [row for row in rows if owner is None or row.page.owner_id == owner.id]
