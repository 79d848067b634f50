"""``flask demo load [--if-empty]``: demo people, pages, threads, and a demo admin with a printed password."""

import re

from sqlalchemy import func, select

from helpdesk.auth.models import User
from helpdesk.demo.pages import PAGES
from helpdesk.demo.people import PEOPLE
from helpdesk.demo.questions import QUESTIONS
from helpdesk.extensions import db
from helpdesk.forum.models import Answer, Question, Vote
from helpdesk.wiki.models import Page
from tests.conftest import PASSWORD

PASSWORD_LINE = re.compile(r"^Sign in as admin@helpdesk\.local with password: (\S+)$", re.MULTILINE)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def load(runner, *args):
    result = runner.invoke(args=["demo", "load", *args])
    assert result.exit_code == 0, result.output
    return result


def test_demo_load_fills_an_empty_database_with_varied_content(runner):
    result = load(runner)

    assert count(Question) == len(QUESTIONS) >= 20
    assert count(Page) == len(PAGES) == 10
    assert count(Answer) == sum(len(q["answers"]) for q in QUESTIONS)
    assert f"Demo content loaded: 10 wiki pages, {len(QUESTIONS)} questions" in result.output
    assert db.session.scalar(select(func.count()).where(Page.lang == "sv")) >= 2
    assert db.session.scalar(select(func.count()).where(Question.lang == "sv")) >= 2

    questions = db.session.scalars(select(Question)).all()
    assert any(q.is_solved for q in questions)
    assert any(q.answer_count == 0 for q in questions)
    assert any(q.answer_count > 0 and not q.is_solved for q in questions)
    assert count(Vote) > 0 and any(q.score > 0 for q in questions)
    duplicates = [q for q in questions if q.duplicate_of is not None]
    assert len(duplicates) == 1 and duplicates[0].is_closed
    assert duplicates[0].duplicate_of.title == "VPN disconnects every hour when I work from home"
    # Paragraphs wrapped in the source read as paragraphs, not as lines broken mid-sentence.
    assert "on my phone again." in duplicates[0].duplicate_of.body
    assert "<br" not in duplicates[0].duplicate_of.body_html
    # Spread over past weeks, not all "just now".
    assert len({q.created_at.date() for q in questions}) > 10

    people = db.session.scalars(
        select(User).where(User.email.in_([p["email"] for p in PEOPLE.values()]))
    ).all()
    assert len(people) == len(PEOPLE)
    assert all(person.password_hash is None for person in people)
    assert sorted({person.role for person in people}) == ["employee", "lead", "staff"]


def test_demo_wiki_links_all_lead_to_existing_pages(runner):
    load(runner, "--if-empty")

    bodies = [p.body_html for p in db.session.scalars(select(Page))]
    bodies += [a.body_html for a in db.session.scalars(select(Answer))]
    linked = [html for html in bodies if 'class="wikilink' in html]
    assert len(linked) >= 10
    assert not any("wikilink missing" in html for html in linked)
    vpn_answer = db.session.scalar(
        select(Answer).where(Answer.external_id.like("demo:question:vpn-drops-hourly#%"))
    )
    assert 'href="/wiki/network/vpn"' in vpn_answer.body_html


def test_demo_admin_is_made_with_a_printed_password_that_works(runner, client):
    result = load(runner, "--if-empty")

    match = PASSWORD_LINE.search(result.output)
    assert match, result.output
    password = match.group(1)
    assert len(password) >= 16
    admin = db.session.scalar(select(User).where(User.email == "admin@helpdesk.local"))
    assert admin.role == "admin" and admin.name == "Demo Admin"
    wrong = client.post("/login", data={"email": "admin@helpdesk.local", "password": password + "x"})
    assert wrong.status_code != 302
    response = client.post("/login", data={"email": "admin@helpdesk.local", "password": password})
    assert response.status_code == 302


def test_loading_again_adds_nothing_and_does_not_print_the_password_again(runner):
    first = load(runner)

    second = load(runner)

    assert "The demo content is loaded already: nothing added." in second.output
    assert "password:" not in second.output
    assert "admin@helpdesk.local exists already" in second.output
    assert "users set-password admin@helpdesk.local" in second.output
    assert count(Question) == len(QUESTIONS) and count(Page) == len(PAGES)
    assert db.session.scalar(select(func.count()).where(User.email == "admin@helpdesk.local")) == 1
    assert PASSWORD_LINE.search(first.output)


def test_if_empty_does_nothing_on_a_database_with_content(runner, make_question):
    make_question(title="Our own first question?")

    result = load(runner, "--if-empty")

    assert "already has questions or wiki pages" in result.output
    assert "password" not in result.output
    assert count(Question) == 1 and count(Page) == 0
    assert db.session.scalar(select(User).where(User.email == "admin@helpdesk.local")) is None


def test_an_existing_admin_account_is_left_alone(runner, make_user, client, login):
    admin = make_user(role="admin", email="admin@helpdesk.local", name="Our Admin")

    result = load(runner)

    assert "password:" not in result.output
    assert "exists already" in result.output
    assert db.session.get(User, admin.id).name == "Our Admin"
    login(admin, PASSWORD)


def test_no_admin_is_made_when_the_database_had_content(runner, make_page):
    make_page(title="Our own page", path="ours")

    result = load(runner)

    assert count(Question) == len(QUESTIONS) and count(Page) == len(PAGES) + 1
    assert "password:" not in result.output
    assert db.session.scalar(select(User).where(User.email == "admin@helpdesk.local")) is None
    assert "users create" in result.output
