"""Credit where it is due: what a thread or page answered (searches, people about to ask), what a person's
answers and pages answered on their profile, who gets a thread's credit, and nothing from hidden places."""

import contextlib
import itertools
from datetime import timedelta

import pytest
from sqlalchemy import event

from helpdesk.extensions import db
from helpdesk.forum.services import accept_answer, vote
from helpdesk.insights import services
from helpdesk.insights.credit import (
    Credit,
    PersonCredit,
    credit_for_docs,
    credit_for_person,
    doc_id,
    top_contributors,
)
from helpdesk.insights.models import ABANDONED_AFTER, AskVisit
from helpdesk.permissions import visible_space_ids
from helpdesk.spaces.queries import public_space_ids
from helpdesk.spaces.services import create_space
from helpdesk.utils import utcnow
from helpdesk.wiki.services import create_page
from tests.conftest import PASSWORD

_keys = itertools.count(1)


def searched(doc: str, times: int = 1, kind: str = "search", days_ago: float = 0) -> None:
    """``times`` visits each looked something up and opened ``doc`` from it."""
    for _ in range(times):
        key = f"visit-{next(_keys)}"
        services.record_lookup(kind, "printer jams", 3, key)
        opened = services.record_open(kind, "printer jams", key, 1, doc)
        opened.created_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()


def visited(
    opened: str | None = None,
    answered: str | None = None,
    *,
    shown: bool = True,
    left: bool = True,
    posted: bool = False,
    age: timedelta = timedelta(minutes=5),
) -> AskVisit:
    """An ask-form visit: suggestions shown (or not), one opened / named as the answer, left or posted."""
    started = utcnow() - age
    visit = AskVisit(
        token=f"token-{next(_keys)}",
        session_key="visit",
        started_at=started,
        shown_at=started if shown else None,
        opened_at=started if opened else None,
        opened_doc=opened,
        answered_at=started if answered else None,
        answered_doc=answered,
        left_at=started if left else None,
        posted_at=started if posted else None,
    )
    db.session.add(visit)
    db.session.commit()
    return visit


def signed_in(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def text_of(client, url: str) -> str:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200
    return " ".join(response.get_data(as_text=True).split())


@contextlib.contextmanager
def counted_statements():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def thread(make_question):
    return make_question(title="Printer on floor 3 jams every morning")


def test_thread_and_page_show_the_searches_and_asks_they_answered(
    app, client, thread, make_question, make_page
):
    page = make_page(title="Printers", path="printers")
    quiet = make_question(title="Nobody looked for this")
    searched(doc_id(thread), 3)
    searched(doc_id(thread), kind="similar")  # an ask-form lookup counts when its visit is deflected
    searched(doc_id(page))
    visited(answered=doc_id(thread))
    visited(opened=doc_id(thread))  # opened a suggestion, then gave up posting
    visited(opened=doc_id(thread), answered=doc_id(page))  # the page answered it, not the thread
    db.session.expire_all()

    assert credit_for_docs([doc_id(thread), doc_id(page), doc_id(quiet)]) == {
        doc_id(thread): Credit(3, 2),
        doc_id(page): Credit(1, 1),
        doc_id(quiet): Credit(0, 0),
    }
    assert "Helped 3 searches · 2 people who were about to ask" in text_of(client, f"/questions/{thread.id}")
    assert "Helped 1 search · 1 person who was about to ask" in text_of(client, "/wiki/printers")
    assert "Helped" not in text_of(client, f"/questions/{quiet.id}")


def test_only_searches_or_only_asks(app, client, thread, make_page):
    page = make_page(title="Printers", path="printers")
    searched(doc_id(thread), 2)
    visited(answered=doc_id(page))
    visited(answered=doc_id(page))
    thread_text = text_of(client, f"/questions/{thread.id}")
    assert "Helped 2 searches</p>" in thread_text and "about to ask" not in thread_text
    assert "Helped 2 people who were about to ask" in text_of(client, "/wiki/printers")


def test_a_visit_that_posted_anyway_or_is_not_over_is_not_credited(app, client, thread):
    visited(opened=doc_id(thread), posted=True, left=False)
    visited(answered=doc_id(thread), posted=True)  # "answered my question", then posted all the same
    visited(opened=doc_id(thread), shown=False)  # saw no suggestion: counts neither way
    visited(opened=doc_id(thread), left=False)  # still writing
    assert credit_for_docs([doc_id(thread)])[doc_id(thread)] == Credit(0, 0)
    assert "Helped" not in text_of(client, f"/questions/{thread.id}")

    visited(opened=doc_id(thread), left=False, age=ABANDONED_AFTER + timedelta(minutes=1))  # gave up
    assert credit_for_docs([doc_id(thread)])[doc_id(thread)] == Credit(0, 1)


def test_a_thread_credits_its_accepted_answer_else_answers_voted_up(
    app, make_user, make_question, make_answer
):
    asker, accepted_author, voted_author, unvoted_author, voter = (make_user() for _ in range(5))
    solved = make_question(author=asker, title="VPN drops every hour")
    voted_but_not_accepted = make_answer(solved, voted_author)
    vote(voter, voted_but_not_accepted, 1)
    accept_answer(make_answer(solved, accepted_author), asker)
    open_thread = make_question(author=asker, title="Outlook will not start")
    vote(voter, make_answer(open_thread, voted_author), 1)
    make_answer(open_thread, unvoted_author)
    db.session.commit()
    searched(doc_id(solved), 4)
    searched(doc_id(open_thread), 2)
    visited(answered=doc_id(open_thread))

    assert credit_for_person(accepted_author) == PersonCredit(searches=4, asks=0, threads=1, pages=0)
    assert credit_for_person(voted_author) == PersonCredit(searches=2, asks=1, threads=1, pages=0)
    assert credit_for_person(unvoted_author) == PersonCredit()
    assert credit_for_person(asker) == PersonCredit()


def test_profile_sums_threads_and_created_pages(app, make_user, make_question, make_answer, make_page):
    expert = make_user(role="staff", name="Eva Expert")
    first, second = make_question(), make_question()
    accept_answer(make_answer(first, expert), first.author)
    accept_answer(make_answer(second, expert), second.author)
    db.session.commit()
    page = make_page(title="Printers", path="printers", author=expert)
    edited_only = make_page(title="Scanners", path="scanners")  # expert only edits it: not theirs
    searched(doc_id(first), 2)
    searched(doc_id(second))
    searched(doc_id(page), 3)
    searched(doc_id(edited_only), 5)
    visited(answered=doc_id(first))
    visited(opened=doc_id(page))
    visited(opened=doc_id(page), posted=True)

    assert credit_for_person(expert) == PersonCredit(searches=6, asks=2, threads=2, pages=1)
    own = text_of(signed_in(app, expert), f"/users/{expert.id}")
    assert "Your answers and pages answered 6 searches and 2 questions before they were asked." in own
    assert "the wiki pages you created" in own
    other = text_of(signed_in(app, make_user()), f"/users/{expert.id}")
    assert "Eva Expert's answers and pages answered 6 searches and 2 questions before they were" in other
    assert "the wiki pages they created" in other
    assert "answers and pages answered" not in text_of(
        signed_in(app, make_user()), f"/users/{first.author.id}"
    )


def test_credit_of_a_hidden_page_is_not_shown_to_outsiders(app, make_user, make_page):
    owner = make_user(role="staff", name="Olle Owner")
    space = create_space("Secret payroll", None, restricted=True, owners=[owner])
    db.session.flush()
    hidden = create_page(owner, "Payroll runbook", None, "Shh", [], space=space)
    db.session.commit()
    public = make_page(title="Printers", path="printers", author=owner)
    searched(doc_id(hidden), 7)  # logged while the page was still public, say
    visited(answered=doc_id(hidden))
    searched(doc_id(public))
    outsider, admin = make_user(role="staff"), make_user(role="admin")

    assert credit_for_person(owner, outsider) == PersonCredit(searches=1, asks=0, threads=0, pages=1)
    assert credit_for_person(owner, owner) == PersonCredit(searches=8, asks=1, threads=0, pages=2)
    assert credit_for_person(owner) == PersonCredit(searches=1, asks=0, threads=0, pages=1)  # public only
    seen_by_outsider = text_of(signed_in(app, outsider), f"/users/{owner.id}")
    assert "answered 1 search and 0 questions before" in seen_by_outsider
    assert "answered 8 searches" not in seen_by_outsider
    assert "answered 8 searches and 1 question before" in text_of(signed_in(app, owner), f"/users/{owner.id}")
    assert "answered 8 searches and 1 question before" in text_of(signed_in(app, admin), f"/users/{owner.id}")
    assert [(c.user.id, c.total) for c in top_contributors(outsider, None, None)] == [(owner.id, 1)]


def test_credit_for_many_documents_and_a_prolific_person_take_one_statement_each(
    app, make_user, make_question, make_answer, make_page
):
    expert = make_user(role="staff")
    docs = []
    for n in range(12):
        question = make_question()
        accept_answer(make_answer(question, expert), question.author)
        page = make_page(author=expert)
        docs += [doc_id(question), doc_id(page)]
        searched(doc_id(question), n % 3)
        visited(answered=doc_id(page))
    db.session.commit()
    db.session.expire_all()
    visible_space_ids(expert), public_space_ids()  # who may see what is known once per request

    with counted_statements() as statements:
        credit = credit_for_docs(docs)
    assert len(statements) == 1
    assert sum(c.searches for c in credit.values()) == 12 and sum(c.asks for c in credit.values()) == 12
    with counted_statements() as statements:
        assert credit_for_person(expert, expert) == PersonCredit(12, 12, 12, 12)
    assert len(statements) == 1
    with counted_statements() as statements:
        assert [(c.searches, c.asks) for c in top_contributors(expert, None, None)] == [(12, 12)]
    assert len(statements) == 1


def test_top_contributors_over_a_period(app, make_user, make_question, make_answer, make_page):
    ann, bo, gone = make_user(name="Ann"), make_user(name="Bo"), make_user(name="Gone")
    for author, searches_now, searches_before in ((ann, 1, 9), (bo, 3, 0), (gone, 5, 0)):
        question = make_question()
        accept_answer(make_answer(question, author), question.author)
        db.session.commit()
        searched(doc_id(question), searches_now, days_ago=1)
        searched(doc_id(question), searches_before, days_ago=40)
    visited(answered=doc_id(make_page(author=ann)))
    gone.active = False
    db.session.commit()
    viewer = make_user()
    now = utcnow()

    recent = top_contributors(viewer, now - timedelta(days=30), now)
    assert [(c.user.name, c.searches, c.asks) for c in recent] == [("Bo", 3, 0), ("Ann", 1, 1)]
    assert [c.user.name for c in top_contributors(viewer, None, now, limit=1)] == ["Ann"]
    assert top_contributors(viewer, now - timedelta(days=90), now - timedelta(days=60)) == []
