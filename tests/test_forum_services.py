"""The forum's verbs and reads, called directly: revisions, votes, accepted answers, duplicates, bad input."""

import re

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from helpdesk.errors import UserError
from helpdesk.extensions import db
from helpdesk.forum import queries, services
from helpdesk.forum.models import Answer, PostRevision, Question, Vote
from helpdesk.spaces.queries import default_space


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------------------------------------------------
# Asking and answering


def test_asking_saves_the_question_as_revision_one(make_user):
    author = make_user()
    question = services.ask_question(
        author, "  VPN drops   every hour ", "It **drops**.", "VPN, Windows 11", "sv"
    )
    db.session.commit()

    assert question.title == "VPN drops every hour"
    assert question.body_html == "<p>It <strong>drops</strong>.</p>"
    assert [t.name for t in question.tags] == ["11", "vpn", "windows"]
    assert question.lang == "sv" and question.answer_count == 0 and question.score == 0
    (revision,) = queries.revisions_of(question)
    assert (revision.number, revision.title, revision.body, revision.author_id) == (
        1, "VPN drops every hour", "It **drops**.", author.id,
    )  # fmt: skip
    assert revision.tags == "11, vpn, windows"


def test_answering_counts_the_answer_and_marks_activity(make_question, make_user):
    question = make_question()
    before = question.activity_at
    first = services.answer_question(question, make_user(), "Restart the client.")
    services.answer_question(question, make_user(), "Check the certificate.")
    db.session.commit()

    assert question.answer_count == 2
    assert question.activity_at >= before
    assert [r.number for r in queries.revisions_of(first)] == [1]
    assert first.body_html == "<p>Restart the client.</p>"


def test_a_closed_question_takes_no_answers(make_question, make_user):
    original, question = make_question(), make_question()
    services.close_as_duplicate(question, original, make_user(role="staff"))
    db.session.commit()

    with pytest.raises(UserError, match="closed") as caught:
        services.answer_question(question, make_user(), "Late answer")
    assert caught.value.status_code == 409
    assert count(Answer) == 0


@pytest.mark.parametrize(
    ("title", "body", "tags", "lang", "field", "message"),
    [
        ("", "Body", [], "en", "title", "A title is required"),
        ("\u200b\u202e \x00", "Body", [], "en", "title", "A title is required"),
        ("x" * 1000, "Body", [], "en", "title", "at most 200 characters long (this one has 1000)"),
        ("Printer jams", "", [], "en", "body", "Describe the problem"),
        ("Printer jams", " \n\t ", [], "en", "body", "Describe the problem"),
        ("Printer jams", "y" * 100_001, [], "en", "body", "at most 100000 characters"),
        ("Printer jams", "Body", [f"t{i}" for i in range(9)], "en", "tags", "at most 8 tags"),
        ("Printer jams", "Body", ["x" * 41], "en", "tags", "at most 40 characters"),
        ("Printer jams", "Body", [], "klingon", "lang", "Choose one of the languages"),
    ],
)
def test_bad_questions_are_refused_with_a_clear_message(make_user, title, body, tags, lang, field, message):
    author = make_user()
    with pytest.raises(services.InvalidField, match=re.escape(message)) as caught:
        services.ask_question(author, title, body, tags, lang)
    assert caught.value.field == field and caught.value.status_code == 400
    db.session.rollback()
    assert count(Question) == 0 and count(PostRevision) == 0


def test_odd_unicode_is_cleaned_not_refused(make_user):
    # NUL breaks PostgreSQL and RTL overrides disguise text; emoji and combining accents are ordinary writing.
    title = "Cafe\u0301 \u202eWi-Fi\x00 is down 😭"
    question = services.ask_question(make_user(), title, "Body with NUL\x00 inside", ["kaffe"])
    db.session.commit()
    db.session.expire_all()

    assert question.title == "Café Wi-Fi is down 😭"
    assert question.body == "Body with NUL inside"
    assert question.slug == "café-wi-fi-is-down"


def test_a_body_with_only_a_few_words_is_enough_for_a_question(make_user):
    question = services.ask_question(make_user(), "Printer on floor 3?", "Which one?", [])
    assert question.body == "Which one?"


def test_empty_answer_is_refused(make_question, make_user):
    question = make_question()
    with pytest.raises(services.InvalidField, match="An answer cannot be empty") as caught:
        services.answer_question(question, make_user(), "\n\u200b\n")
    assert caught.value.field == "body"


# ---------------------------------------------------------------------------------------------------------
# Editing


def test_editing_a_question_keeps_every_version(make_user, make_question):
    author = make_user()
    question = make_question(author=author, title="Outlook is slow", body="Since Monday.", tags=["outlook"])
    staff = make_user(role="staff")

    revision = services.edit_question(
        question,
        staff,
        "Outlook is slow to start",
        "Since Monday, 2 minutes.",
        "outlook, email",
        "Clearer title",
    )
    db.session.commit()

    assert revision.number == 2 and revision.author_id == staff.id and revision.summary == "Clearer title"
    assert question.title == "Outlook is slow to start"
    assert question.body_html == "<p>Since Monday, 2 minutes.</p>"
    assert [t.name for t in question.tags] == ["email", "outlook"]
    assert question.updated_at >= question.created_at
    (first,) = [r for r in queries.revisions_of(question) if r.number == 1]
    assert (first.title, first.body, first.tags, first.author_id) == (
        "Outlook is slow", "Since Monday.", "outlook", author.id,
    )  # fmt: skip


def test_editing_an_answer_adds_a_revision(make_answer):
    answer = make_answer(body="Reboot.")
    revision = services.edit_answer(answer, answer.author, "Reboot, then sign in again.", "More precise")
    db.session.commit()

    assert [r.number for r in queries.revisions_of(answer)] == [2, 1]
    assert revision.body == "Reboot, then sign in again." and answer.body_html.startswith("<p>Reboot, then")


def test_an_edit_that_changes_nothing_is_refused(make_question):
    question = make_question(title="Same", body="Same body", tags=["a", "b"])
    with pytest.raises(UserError, match="Nothing was changed"):
        services.edit_question(question, question.author, " Same ", "Same body\n", "b, a")
    assert len(queries.revisions_of(question)) == 1


def test_only_the_author_or_staff_may_edit(make_answer, make_user):
    answer = make_answer()
    with pytest.raises(UserError, match="Only the author or staff") as caught:
        services.edit_answer(answer, make_user(), "Hijacked")
    assert caught.value.status_code == 403
    services.edit_answer(answer, make_user(role="admin"), "Fixed a typo")


def test_an_edit_is_validated_like_a_new_post(make_question):
    question = make_question()
    with pytest.raises(services.InvalidField, match="A title is required"):
        services.edit_question(question, question.author, "", "Body", [])
    with pytest.raises(services.InvalidField, match="edit summary may be at most 300"):
        services.edit_question(question, question.author, "New title", "Body", [], "s" * 301)


# ---------------------------------------------------------------------------------------------------------
# Votes


def test_votes_count_once_and_can_change_direction(make_question, make_user):
    question = make_question()
    alice, bob = make_user(), make_user()

    assert services.vote(alice, question, 1) == 1
    assert services.vote(bob, question, 1) == 2
    with pytest.raises(UserError, match="You have already voted this up") as caught:
        services.vote(alice, question, 1)
    assert caught.value.status_code == 409
    assert services.vote(alice, question, -1) == 0
    with pytest.raises(UserError, match="You have already voted this down"):
        services.vote(alice, question, -1)
    db.session.commit()

    db.session.expire_all()
    assert question.score == 0
    assert count(Vote) == 2


def test_votes_on_answers_keep_the_answer_score(make_answer, make_user):
    answer = make_answer()
    assert services.vote(make_user(), answer, -1) == -1
    assert services.vote(make_user(), answer, -1) == -2
    db.session.commit()
    db.session.expire_all()
    assert answer.score == -2 and answer.question.score == 0


def test_nobody_votes_on_their_own_post(make_answer):
    answer = make_answer()
    with pytest.raises(UserError, match="You cannot vote on your own post") as caught:
        services.vote(answer.author, answer, 1)
    assert caught.value.status_code == 403
    with pytest.raises(UserError, match="You cannot vote on your own post"):
        services.vote(answer.question.author, answer.question, 1)
    assert count(Vote) == 0


@pytest.mark.parametrize("value", [0, 2, -5])
def test_a_vote_is_up_or_down(make_question, make_user, value):
    with pytest.raises(UserError, match="either up or down"):
        services.vote(make_user(), make_question(), value)


def test_a_concurrent_duplicate_vote_gets_the_same_message(make_question, make_user, monkeypatch):
    """Two clicks racing: the second request did not see the first's row, the unique constraint catches it."""
    question, voter = make_question(), make_user()
    services.vote(voter, question, 1)
    db.session.commit()
    monkeypatch.setattr(services, "_existing_vote", lambda user, post: None)

    with pytest.raises(UserError, match="You have already voted this up") as caught:
        services.vote(voter, question, 1)
    assert caught.value.status_code == 409
    # Only the duplicate insert was undone: the session goes on and the score is untouched.
    db.session.commit()
    db.session.expire_all()
    assert question.score == 1 and count(Vote) == 1


# ---------------------------------------------------------------------------------------------------------
# Accepting


def test_the_asker_accepts_and_can_move_the_mark(make_user, make_question, make_answer):
    asker = make_user()
    question = make_question(author=asker)
    first, second = make_answer(question=question), make_answer(question=question)

    services.accept_answer(second, asker)
    db.session.commit()
    assert second.is_accepted and question.is_solved

    # Moving to an answer with a lower id: the old mark must be gone before the new one is written.
    services.accept_answer(first, asker)
    db.session.commit()
    db.session.expire_all()
    assert (first.is_accepted, second.is_accepted, question.is_solved) == (True, False, True)
    assert question.accepted_answer == first

    services.unaccept_answer(first, asker)
    db.session.commit()
    assert not first.is_accepted and not question.is_solved


def test_the_database_holds_one_accepted_answer_per_question(make_question, make_answer):
    question = make_question()
    first, second = make_answer(question=question), make_answer(question=question)
    first.is_accepted = second.is_accepted = True
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_accepting_at_the_same_moment_as_someone_else_is_a_conflict(make_user, make_question, make_answer):
    asker = make_user()
    question = make_question(author=asker)
    first, second = make_answer(question=question), make_answer(question=question)
    assert not any(a.is_accepted for a in question.answers)  # what this request saw
    # Meanwhile another request accepted the first answer (behind this session's back).
    db.session.execute(
        text("UPDATE answers SET is_accepted = :yes WHERE id = :id"), {"yes": True, "id": first.id}
    )

    with pytest.raises(UserError, match="at the same moment") as caught:
        services.accept_answer(second, asker)
    assert caught.value.status_code == 409
    db.session.rollback()


def test_staff_may_accept_but_other_people_may_not(make_answer, make_user):
    answer = make_answer()
    with pytest.raises(UserError, match="Only the person who asked or staff") as caught:
        services.accept_answer(answer, make_user())
    assert caught.value.status_code == 403
    assert not answer.is_accepted

    services.accept_answer(answer, make_user(role="staff"))
    assert answer.is_accepted and answer.question.is_solved


# ---------------------------------------------------------------------------------------------------------
# Duplicates


def test_staff_close_a_question_as_a_duplicate_and_reopen_it(make_question, make_user):
    original, question = make_question(), make_question()
    staff = make_user(role="staff")

    services.close_as_duplicate(question, original, staff)
    db.session.commit()
    assert question.is_closed and question.duplicate_of == original and question.closed_by == staff
    assert queries.duplicates_of(original, staff) == [question]

    services.reopen_question(question, staff)
    db.session.commit()
    assert not question.is_closed and question.duplicate_of is None
    with pytest.raises(UserError, match="open already") as caught:
        services.reopen_question(question, staff)
    assert caught.value.status_code == 409


def test_closing_refuses_itself_a_loop_and_a_missing_original(make_question, make_user):
    first, second = make_question(), make_question()
    staff = make_user(role="staff")

    with pytest.raises(UserError, match="cannot be a duplicate of itself"):
        services.close_as_duplicate(first, first, staff)
    with pytest.raises(UserError, match="no such question") as caught:
        services.close_as_duplicate(first, None, staff)
    assert caught.value.status_code == 404

    services.close_as_duplicate(second, first, staff)
    with pytest.raises(UserError, match="already closed as a duplicate of this question"):
        services.close_as_duplicate(first, second, staff)
    assert not first.is_closed


def test_only_staff_close_questions(make_question, make_user):
    original, question = make_question(), make_question()
    with pytest.raises(UserError, match="Only staff") as caught:
        services.close_as_duplicate(question, original, question.author)
    assert caught.value.status_code == 403
    assert not question.is_closed


# ---------------------------------------------------------------------------------------------------------
# Reads


def test_answers_come_accepted_first_then_by_score_then_oldest(make_user, make_question, make_answer):
    asker = make_user()
    question = make_question(author=asker)
    old_low, high, new_low, accepted = (make_answer(question=question) for _ in range(4))
    for voter in (make_user(), make_user()):
        services.vote(voter, high, 1)
    services.accept_answer(accepted, asker)
    db.session.commit()

    assert queries.answers_for(question) == [accepted, high, old_low, new_low]


def test_unanswered_leaves_out_answered_and_closed_questions(make_question, make_answer, make_user):
    open_question, answered, duplicate = make_question(), make_question(), make_question()
    make_answer(question=answered)
    services.close_as_duplicate(duplicate, answered, make_user(role="staff"))
    db.session.commit()
    reader = make_user()

    assert list(db.session.scalars(queries.unanswered_questions(reader))) == [open_question]
    assert list(db.session.scalars(queries.newest_questions(reader))) == [duplicate, answered, open_question]


def test_tags_are_counted_over_questions_and_pages(make_question, make_page, make_user):
    make_question(tags=["vpn", "windows"])
    make_question(tags=["vpn"])
    make_page(tags=["vpn", "printer"])
    reader = make_user()

    counts = {t.name: (t.questions, t.pages) for t in queries.tags_with_counts(reader)}
    assert counts == {"vpn": (2, 1), "windows": (1, 0), "printer": (0, 1)}
    assert [t.name for t in queries.tags_with_counts(reader)][0] == "vpn"


def test_a_persons_questions_and_answers(make_user, make_question, make_answer):
    person = make_user()
    mine = make_question(author=person)
    make_question()
    answer = make_answer(author=person)

    assert list(db.session.scalars(queries.questions_by(person, person))) == [mine]
    assert list(db.session.scalars(queries.answers_by(person, person))) == [answer]


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("12", 12),
        (" #12 ", 12),
        ("https://helpdesk.bank.example/questions/12/vpn-drops", 12),
        ("/questions/12?x=1", 12),
        ("http://helpdesk.test/questions/12", 12),
        ("twelve", None),
        ("", None),
        ("/answers/12", None),
    ],
)
def test_a_question_is_named_by_number_or_address(reference, expected):
    assert queries.question_id_from_reference(reference) == expected


def test_wiki_links_in_posts_point_at_pages_or_say_they_are_missing(make_page, make_user):
    page = make_page(title="VPN setup", path="network/vpn-setup")
    question = services.ask_question(make_user(), "VPN", "See [[VPN setup]] and [[No such page]].", [])

    assert f'<a class="wikilink" href="/wiki/{page.path}">VPN setup</a>' in question.body_html
    assert 'class="wikilink missing"' in question.body_html


def test_a_moved_thread_s_links_resolve_for_its_new_space(make_user, make_page):
    from helpdesk.spaces.services import create_space
    from helpdesk.wiki.services import create_page

    staff = make_user(role="staff")
    team = create_space("Payroll team", None, restricted=True)
    secret = create_page(staff, "Salary table", "salaries", "Numbers.", [], space=team)
    question = services.ask_question(staff, "Where are the numbers?", "See [[Salary table]].", [], space=team)
    services.answer_question(question, staff, "Also [[Salary table]].")
    db.session.commit()
    assert f'href="/wiki/{secret.path}"' in question.body_html

    services.move_question_to_space(question, default_space())
    db.session.commit()
    for html in (question.body_html, question.answers[0].body_html):
        assert "spaces/payroll-team" not in html and 'href="/wiki/go/Salary%20table"' in html
