""" "Did this answer your question?": once per person, the counts, who may rate, the worst-rated pages."""

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.insights import ratings
from helpdesk.insights.models import Rating
from helpdesk.spaces.services import add_member, create_space
from helpdesk.wiki.services import create_page


def vote(page, answers, make_user):
    """Have one new person per item of ``answers`` (True yes, False no) rate ``page``."""
    for helpful in answers:
        ratings.rate(make_user(), helpful, page=page)
    db.session.commit()


# ---------------------------------------------------------------------------------------------------------
# The service


def test_a_second_answer_replaces_the_first(app, make_user, make_question):
    question = make_question()
    person = make_user()
    ratings.rate(person, True, question=question)
    db.session.commit()
    assert ratings.rating_counts(question=question) == (1, 0)
    assert ratings.my_rating(person, question=question) is True

    ratings.rate(person, False, question=question)
    db.session.commit()
    assert ratings.rating_counts(question=question) == (0, 1)
    assert ratings.my_rating(person, question=question) is False
    assert db.session.scalar(select(func.count(Rating.id))) == 1


def test_counts_are_per_thread_or_page(app, make_user, make_question, make_page):
    question, page, other = make_question(), make_page(), make_page()
    for helpful in (True, True, False):
        ratings.rate(make_user(), helpful, question=question)
    ratings.rate(make_user(), False, page=page)
    db.session.commit()
    assert ratings.rating_counts(question=question) == (2, 1)
    assert ratings.rating_counts(page=page) == (0, 1)
    assert ratings.rating_counts(page=other) == (0, 0)
    assert ratings.my_rating(make_user(), page=page) is None


def test_two_quick_presses_leave_one_rating(app, make_user, make_page):
    """Both presses found no rating yet; the second insert hits the unique constraint and updates instead."""
    page, person = make_page(), make_user()
    db.session.add(Rating(user_id=person.id, page_id=page.id, helpful=True))
    db.session.flush()
    db.session.expunge_all()  # the second request's session has not seen the first row
    real_existing = ratings._existing
    calls = []

    def not_yet(user, target):
        calls.append(target)
        return None if len(calls) == 1 else real_existing(user, target)

    ratings._existing = not_yet
    try:
        ratings.rate(person, False, page=page)
    finally:
        ratings._existing = real_existing
    db.session.commit()
    assert ratings.rating_counts(page=page) == (0, 1)
    assert len(calls) == 2


def test_worst_rated_pages_largest_share_of_no_first(app, make_user, make_page):
    good = make_page(title="Good page")
    bad = make_page(title="Bad page")
    mixed = make_page(title="Mixed page")
    worse_by_count = make_page(title="Bad page with more votes")
    make_page(title="Unrated page")
    vote(good, [True, True], make_user)
    vote(bad, [False], make_user)
    vote(mixed, [True, False, False], make_user)
    vote(worse_by_count, [False, False], make_user)

    rows = ratings.worst_rated_pages(make_user(role="lead"))
    assert [(row.page.title, row.yes, row.no) for row in rows] == [
        ("Bad page with more votes", 0, 2),
        ("Bad page", 0, 1),
        ("Mixed page", 1, 2),
        ("Good page", 2, 0),
    ]
    page, yes, no = rows[2]  # rows unpack as (page, yes, no)
    assert (page, yes, no) == (mixed, 1, 2)
    assert rows[2].helpful_share == pytest.approx(1 / 3)

    assert [row.page for row in ratings.worst_rated_pages(make_user(role="lead"), limit=1)] == [
        worse_by_count
    ]
    fewest = ratings.worst_rated_pages(make_user(role="lead"), min_ratings=3)
    assert [row.page for row in fewest] == [mixed]


@pytest.mark.parametrize("role", ["outsider", "member", "admin"])
def test_worst_rated_pages_only_those_the_viewer_may_see(app, make_user, make_page, role):
    owner = make_user(name="Owner")
    secret = create_space("Payroll team", None, restricted=True, owners=[owner])
    db.session.flush()
    hidden = create_page(owner, "Payroll secrets", None, "Shh", [], space=secret)
    db.session.commit()
    public = make_page(title="Public page")
    vote(hidden, [False, False], make_user)
    vote(public, [False], make_user)
    viewer = make_user(role="admin" if role == "admin" else "lead")
    if role == "member":
        add_member(secret, viewer, owner)
        db.session.commit()

    pages = [row.page for row in ratings.worst_rated_pages(viewer)]
    assert pages == ([public] if role == "outsider" else [hidden, public])
