"""``flask import questions|pages FILE.jsonl``: small JSON Lines samples written here, run through the CLI."""

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from helpdesk import import_cli, importer
from helpdesk.auth.models import User
from helpdesk.errors import UserError
from helpdesk.extensions import db
from helpdesk.forum.models import Answer, PostRevision, Question
from helpdesk.import_records import title_from_body
from helpdesk.wiki.models import Page, PageRevision


def write_jsonl(tmp_path, *lines, name="sample.jsonl"):
    """A JSON Lines file: dicts are dumped as JSON, strings written as they are (for broken lines)."""
    path = tmp_path / name
    text = "\n".join(
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    )
    path.write_text(text + "\n", encoding="utf-8")
    return path


def run(runner, kind, path, *args):
    return runner.invoke(args=["import", kind, str(path), *args])


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def question_by_external_id(external_id: str) -> Question:
    return db.session.scalar(select(Question).where(Question.external_id == external_id))


VPN_THREAD = {
    "id": "T1",
    "title": "VPN drops every hour",
    "body": "Since Monday the VPN disconnects every hour. What can I check?",
    "tags": ["VPN", "Remote Work"],
    "lang": "en",
    "date": "2013-05-02 19:43:00",
    "answers": ["Restart the router.", "Remove the old profile in the VPN client.", "Call the service desk."],
    "answer_labels": ["Bad", "Good", "Good"],
}
SWEDISH_QUESTION = {
    "id": "T2",
    "title": "Skrivaren känner inte igen mitt kort",
    "body": "Jag har fått ett nytt passerkort och nu fungerar inte utskrifterna.",
    "tags": ["skrivare"],
    "lang": "sv",
    "answers": [],
}


# --- questions -------------------------------------------------------------------------------------------


def test_questions_are_created_with_answers_tags_language_and_counts(runner, tmp_path):
    result = run(runner, "questions", write_jsonl(tmp_path, VPN_THREAD, SWEDISH_QUESTION))

    assert result.exit_code == 0, result.output
    assert "questions: created 2, updated 0, unchanged 0, failed 0" in result.stdout
    assert "answers: created 3, updated 0" in result.stdout
    assert result.stderr == ""
    vpn = question_by_external_id("T1")
    assert vpn.title == "VPN drops every hour"
    assert sorted(tag.name for tag in vpn.tags) == ["remote-work", "vpn"]
    assert vpn.lang == "en"
    assert [answer.external_id for answer in vpn.answers] == ["T1#a0", "T1#a1", "T1#a2"]
    assert vpn.answer_count == 3
    swedish = question_by_external_id("T2")
    assert swedish.lang == "sv" and [tag.name for tag in swedish.tags] == ["skrivare"]
    assert swedish.answers == [] and not swedish.is_solved


def test_the_first_good_answer_is_accepted(runner, tmp_path):
    run(runner, "questions", write_jsonl(tmp_path, VPN_THREAD))

    vpn = question_by_external_id("T1")
    assert vpn.is_solved
    assert vpn.accepted_answer.body == "Remove the old profile in the VPN client."
    assert [answer.is_accepted for answer in vpn.answers] == [False, True, False]


def test_original_date_is_kept_and_an_unreadable_one_ignored(runner, tmp_path):
    undated = dict(SWEDISH_QUESTION, date="last Tuesday")
    run(runner, "questions", write_jsonl(tmp_path, VPN_THREAD, undated))

    vpn = question_by_external_id("T1")
    assert vpn.created_at == datetime(2013, 5, 2, 19, 43)
    assert vpn.activity_at == datetime(2013, 5, 2, 19, 43)
    assert {answer.created_at for answer in vpn.answers} == {datetime(2013, 5, 2, 19, 43)}
    assert question_by_external_id("T2").created_at.year >= 2025


def test_imported_posts_are_written_by_an_account_that_cannot_sign_in(runner, tmp_path, client):
    run(runner, "questions", write_jsonl(tmp_path, VPN_THREAD))

    author = question_by_external_id("T1").author
    assert author.email == "import@helpdesk.invalid"
    assert author.name == "Imported content"
    assert author.password_hash is None
    response = client.post("/login", data={"email": author.email, "password": ""})
    assert response.status_code != 302


def test_a_second_import_reuses_the_import_account(runner, tmp_path):
    run(runner, "questions", write_jsonl(tmp_path, VPN_THREAD))
    run(runner, "questions", write_jsonl(tmp_path, SWEDISH_QUESTION, name="more.jsonl"))

    assert db.session.scalar(select(func.count()).where(User.email == "import@helpdesk.invalid")) == 1


def test_author_option_names_an_existing_account(runner, tmp_path, make_user):
    staff = make_user(role="staff", email="servicedesk@bank.example")

    result = run(
        runner, "questions", write_jsonl(tmp_path, SWEDISH_QUESTION), "--author", "ServiceDesk@bank.example"
    )

    assert result.exit_code == 0, result.output
    assert question_by_external_id("T2").author_id == staff.id


def test_unknown_author_is_refused_before_anything_is_imported(runner, tmp_path):
    result = run(runner, "questions", write_jsonl(tmp_path, VPN_THREAD), "--author", "nobody@bank.example")

    assert result.exit_code == 1
    assert "No account with the address nobody@bank.example" in result.output
    assert count(Question) == 0


def test_bad_lines_are_reported_by_number_and_the_rest_imports(runner, tmp_path, app):
    path = write_jsonl(
        tmp_path,
        VPN_THREAD,
        "{this is not json",
        "[1, 2, 3]",
        {"title": "No id here", "body": "Text"},
        {"id": "E1", "title": "", "body": "   "},
        {"id": "E2", "title": "x" * (app.config["MAX_TITLE_LENGTH"] + 1), "body": "Text"},
        {"id": "E3", "title": "Tags as text", "body": "Text", "tags": "vpn, wifi"},
        {"id": "E4", "title": 42, "body": "Text"},
        "",
        {"id": "E5", "title": "Unknown language", "body": "Text", "lang": "xx"},
        SWEDISH_QUESTION,
    )

    result = run(runner, "questions", path)

    assert result.exit_code == 0
    errors = result.stderr.splitlines()
    assert errors[0].startswith("line 2: invalid JSON")
    assert errors[1] == "line 3: expected a JSON object, found an array"
    assert errors[2] == "line 4: missing “id”"
    assert errors[3] == "line 5: both “title” and “body” are empty"
    assert errors[4].startswith("line 6: “title” is 201 characters long; the limit is 200")
    assert errors[5] == "line 7: “tags” must be a list of strings"
    assert errors[6] == "line 8: “title” must be a string, not a number"
    assert errors[7].startswith("line 10: unknown language “xx”")
    assert len(errors) == 8
    assert "questions: created 2, updated 0, unchanged 0, failed 8" in result.stdout
    assert sorted(db.session.scalars(select(Question.external_id))) == ["T1", "T2"]


def test_a_record_the_service_refuses_is_reported_and_the_next_one_imports(runner, tmp_path):
    too_many_tags = {"id": "E1", "title": "Many tags", "body": "Text", "tags": [f"tag{n}" for n in range(9)]}

    result = run(runner, "questions", write_jsonl(tmp_path, too_many_tags, SWEDISH_QUESTION))

    assert result.exit_code == 0
    assert result.stderr.strip() == "line 1: tags: Use at most 8 tags."
    assert "created 1, updated 0, unchanged 0, failed 1" in result.stdout


def test_a_refused_record_leaves_nothing_half_saved(runner, tmp_path, monkeypatch):
    real_answer_question = importer.answer_question

    def refusing(question, author, body):
        if body == "boom":
            raise UserError("This answer is refused.")
        return real_answer_question(question, author, body)

    monkeypatch.setattr(importer, "answer_question", refusing)
    half = {
        "id": "H1",
        "title": "Half a thread",
        "body": "Text",
        "tags": ["half"],
        "answers": ["fine", "boom"],
    }

    result = run(runner, "questions", write_jsonl(tmp_path, half, SWEDISH_QUESTION))

    assert result.stderr.strip() == "line 1: This answer is refused."
    assert question_by_external_id("H1") is None
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    assert question_by_external_id("T2") is not None
    assert "answers: created 0, updated 0" in result.stdout


def test_empty_title_is_taken_from_the_first_sentence_of_the_body(runner, tmp_path):
    untitled = {
        "id": "U1",
        "title": "",
        "body": "Printers on floor 4 are offline. Nothing prints since 8 o'clock.",
    }

    run(runner, "questions", write_jsonl(tmp_path, untitled))

    question = question_by_external_id("U1")
    assert question.title == "Printers on floor 4 are offline."
    assert question.body == untitled["body"]


def test_a_long_first_sentence_is_cut_at_a_word_with_an_ellipsis():
    body = "The expense app " + "keeps asking for a receipt " * 12 + "and never lets me submit. Help."

    title = title_from_body(body, 80)

    assert title == "The expense app keeps asking for a receipt keeps asking for a receipt keeps…"
    assert len(title) <= 80
    assert body.startswith(title[:-1] + " ")  # cut between words


def test_a_question_asked_only_in_its_title_gets_the_title_as_body(runner, tmp_path):
    run(
        runner,
        "questions",
        write_jsonl(tmp_path, {"id": "Q1", "title": "How do I map a network drive?", "body": ""}),
    )

    assert question_by_external_id("Q1").body == "How do I map a network drive?"


def test_reimport_updates_instead_of_duplicating_and_writes_a_revision(runner, tmp_path):
    run(runner, "questions", write_jsonl(tmp_path, VPN_THREAD))
    changed = dict(
        VPN_THREAD,
        title="VPN drops every hour at home",
        tags=["vpn"],
        answers=[
            "Restart the router.",
            "Remove the old Bank-Remote profile.",
            "Call the service desk.",
            "Same here.",
        ],
        answer_labels=["Bad", "Good", "Good", "Bad"],
    )

    result = run(runner, "questions", write_jsonl(tmp_path, changed, name="v2.jsonl"))

    assert "questions: created 0, updated 1, unchanged 0, failed 0" in result.stdout
    assert "answers: created 1, updated 1" in result.stdout
    assert count(Question) == 1 and count(Answer) == 4
    question = question_by_external_id("T1")
    assert question.title == "VPN drops every hour at home"
    assert [tag.name for tag in question.tags] == ["vpn"]
    revisions = db.session.scalars(
        select(PostRevision).where(PostRevision.question_id == question.id).order_by(PostRevision.number)
    ).all()
    assert [(r.number, r.summary) for r in revisions] == [(1, ""), (2, "Updated by import")]
    edited = db.session.scalar(select(Answer).where(Answer.external_id == "T1#a1"))
    assert edited.body == "Remove the old Bank-Remote profile." and edited.is_accepted
    answer_revisions = db.session.scalars(
        select(PostRevision.summary).where(PostRevision.answer_id == edited.id)
    )
    assert list(answer_revisions) == ["", "Updated by import"]


def test_importing_the_same_file_again_changes_nothing(runner, tmp_path):
    path = write_jsonl(tmp_path, VPN_THREAD, SWEDISH_QUESTION)
    run(runner, "questions", path)

    result = run(runner, "questions", path)

    assert result.exit_code == 0
    assert "questions: created 0, updated 0, unchanged 2, failed 0" in result.stdout
    assert db.session.scalar(select(func.count()).select_from(PostRevision)) == 2 + 3


def test_an_answer_accepted_by_hand_is_not_overruled_by_labels(runner, tmp_path):
    run(runner, "questions", write_jsonl(tmp_path, dict(VPN_THREAD, answer_labels=[])))
    question = question_by_external_id("T1")
    assert not question.is_solved
    from helpdesk.forum.services import accept_answer

    accept_answer(question.answers[2], question.author)
    db.session.commit()

    run(runner, "questions", write_jsonl(tmp_path, VPN_THREAD, name="labelled.jsonl"))

    assert [answer.is_accepted for answer in question_by_external_id("T1").answers] == [False, False, True]


def test_many_records_commit_in_batches(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    monkeypatch.setattr(import_cli, "PROGRESS_LINES", 3)
    records = [{"id": f"B{n}", "title": f"Question number {n}", "body": "Text"} for n in range(5)]

    result = run(runner, "questions", write_jsonl(tmp_path, *records))

    assert result.exit_code == 0
    assert "Importing questions" in result.stderr  # the progress bar, on a file longer than PROGRESS_LINES
    assert "questions: created 5," in result.stdout
    assert count(Question) == 5


def test_a_small_file_prints_no_progress_bar(runner, tmp_path):
    result = run(runner, "questions", write_jsonl(tmp_path, SWEDISH_QUESTION))

    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "questions: created 1, updated 0, unchanged 0, failed 0",
        "answers: created 0, updated 0",
    ]


# --- the file itself ------------------------------------------------------------------------------------


def test_a_missing_file_gets_a_clear_message(runner, tmp_path):
    result = run(runner, "questions", tmp_path / "nowhere.jsonl")

    assert result.exit_code == 1
    assert "Cannot read" in result.output and "nowhere.jsonl" in result.output
    assert "No such file or directory" in result.output


def test_a_folder_instead_of_a_file_gets_a_clear_message(runner, tmp_path):
    result = run(runner, "pages", tmp_path)

    assert result.exit_code == 1
    assert "is a folder" in result.output


def test_exit_code_is_1_when_every_line_failed(runner, tmp_path):
    result = run(runner, "questions", write_jsonl(tmp_path, "nonsense", {"id": "x"}))

    assert result.exit_code == 1
    assert "line 1: invalid JSON" in result.stderr
    assert "line 2: both “title” and “body” are empty" in result.stderr
    assert "Nothing was imported: all 2 records" in result.stderr


def test_an_empty_file_is_reported(runner, tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")

    result = run(runner, "pages", path)

    assert result.exit_code == 1
    assert "holds no records" in result.output


# --- pages ----------------------------------------------------------------------------------------------

BOUNCE_KEYS = {
    "id": "gnome-help-sv/a11y-bouncekeys",
    "title": "Aktivera tangentstuds",
    "body": "Ignorera snabbt upprepade tangenttryckningar.\n\nSe även [[Justera kontrasten]].",
    "tags": ["a11y", "Keyboard"],
    "lang": "sv",
}
CONTRAST = {
    "id": "gnome-help-sv/a11y-contrast",
    "title": "Justera kontrasten",
    "body": "Gör fönster och knappar lättare att se.",
    "tags": ["a11y"],
    "lang": "sv",
}


def page_by_external_id(external_id: str) -> Page:
    return db.session.scalar(select(Page).where(Page.external_id == external_id))


def test_pages_get_their_path_from_the_id_and_keep_tags_and_language(runner, tmp_path):
    result = run(runner, "pages", write_jsonl(tmp_path, BOUNCE_KEYS, CONTRAST))

    assert result.exit_code == 0, result.output
    assert "pages: created 2, updated 0, unchanged 0, failed 0" in result.stdout
    page = page_by_external_id("gnome-help-sv/a11y-bouncekeys")
    assert page.path == "gnome-help-sv/a11y-bouncekeys"
    assert page.title == "Aktivera tangentstuds" and page.lang == "sv"
    assert [tag.name for tag in page.tags] == ["a11y", "keyboard"]
    # The link names a page imported after this one, and still leads to it.
    assert 'href="/wiki/gnome-help-sv/a11y-contrast"' in page.body_html
    assert "missing" not in page.body_html


def test_an_id_that_is_not_a_path_is_turned_into_one(runner, tmp_path):
    odd = {"id": "Archive/Ärenden & Översikt (2024)", "title": "Översikt", "body": "Text"}

    run(runner, "pages", write_jsonl(tmp_path, odd))

    assert page_by_external_id(odd["id"]).path == "archive/arenden-oversikt-2024"


def test_a_taken_path_gets_a_suffix(runner, tmp_path, make_page):
    make_page(title="Our VPN guide", path="kb/vpn")

    run(
        runner,
        "pages",
        write_jsonl(tmp_path, {"id": "kb/vpn", "title": "Imported VPN guide", "body": "Text"}),
    )

    assert page_by_external_id("kb/vpn").path == "kb/vpn-2"
    assert db.session.scalar(select(Page).where(Page.path == "kb/vpn")).title == "Our VPN guide"


def test_a_page_with_an_empty_title_gets_one_from_its_body(runner, tmp_path):
    run(
        runner,
        "pages",
        write_jsonl(tmp_path, {"id": "faq/1", "title": "", "body": "Lösenordet byts var 180:e dag. Mer"}),
    )

    assert page_by_external_id("faq/1").title == "Lösenordet byts var 180:e dag."


def test_reimported_pages_are_updated_with_a_revision(runner, tmp_path):
    run(runner, "pages", write_jsonl(tmp_path, BOUNCE_KEYS, CONTRAST))
    changed = dict(CONTRAST, body="Gör fönster, text och knappar lättare att se.")

    result = run(runner, "pages", write_jsonl(tmp_path, BOUNCE_KEYS, changed, name="v2.jsonl"))

    assert "pages: created 0, updated 1, unchanged 1, failed 0" in result.stdout
    assert count(Page) == 2
    page = page_by_external_id(CONTRAST["id"])
    assert page.body == changed["body"] and page.version == 2
    summaries = db.session.scalars(
        select(PageRevision.summary).where(PageRevision.page_id == page.id).order_by(PageRevision.number)
    )
    assert list(summaries) == ["Imported", "Updated by import"]


def test_a_moved_page_keeps_its_path_when_reimported(runner, tmp_path):
    run(runner, "pages", write_jsonl(tmp_path, CONTRAST))
    page = page_by_external_id(CONTRAST["id"])
    page.path = "accessibility/contrast"
    db.session.commit()

    run(runner, "pages", write_jsonl(tmp_path, dict(CONTRAST, title="Justera kontrast"), name="v2.jsonl"))

    page = page_by_external_id(CONTRAST["id"])
    assert page.title == "Justera kontrast" and page.path == "accessibility/contrast"


@pytest.mark.parametrize("kind", ["questions", "pages"])
def test_import_works_without_server_name(runner, tmp_path, app, kind):
    """Run from a terminal, the app has no SERVER_NAME: links and translated messages must still work."""
    app.config["SERVER_NAME"] = None
    bad = {"id": "bad", "title": "Bad tags", "body": "Text", "tags": ["x" * 100]}

    result = run(runner, kind, write_jsonl(tmp_path, BOUNCE_KEYS, bad))

    assert result.exit_code == 0, result.output
    assert "line 2: tags: A tag may be at most" in result.stderr
    assert "created 1," in result.stdout
