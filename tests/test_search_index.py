"""What people do in the forum and the wiki shows up in search; a rebuild gives the same index, no gap."""

import json

import pytest
from whoosh.query import Every

from helpdesk.extensions import db
from helpdesk.forum.services import (
    accept_answer,
    close_as_duplicate,
    edit_answer,
    edit_question,
    reopen_question,
    vote,
)
from helpdesk.search import indexer, search
from helpdesk.search.documents import plain_text
from helpdesk.search.indexer import IndexOutdated, RebuildRunning, drain, rebuild
from helpdesk.search.store import CURSOR, IndexStore
from helpdesk.tags import Tag
from helpdesk.wiki.services import delete_page, edit_page


def hits(text: str, **options):
    return {hit.doc_id: hit for hit in search(text, per_page=100, **options).hits}


def all_documents(app) -> dict[str, dict]:
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    with store.open_index(store.current_generation()).searcher() as searcher:
        return {fields["id"]: fields for fields in searcher.documents()}


def test_editing_a_question_replaces_its_document(make_question, make_user):
    staff = make_user(role="staff")
    question = make_question(title="Teams camera is black", tags=["teams"])
    edit_question(question, staff, "Teams microphone is muted", question.body, ["teams", "audio"])
    db.session.commit()
    assert search("camera").total == 0
    hit = hits("microphone")[f"question:{question.id}"]
    assert hit.tags == ["audio", "teams"]
    assert search("tag:audio").total == 1


def test_repeated_edits_leave_one_document(make_question, make_user):
    staff = make_user(role="staff")
    question = make_question(title="Docking station number one")
    for n in range(3):
        edit_question(question, staff, f"Docking station revision {n}", question.body, ["hardware"])
        db.session.commit()
        assert search("docking station").total == 1
    assert hits("docking station")[f"question:{question.id}"].title == "Docking station revision 2"


def test_an_answer_is_searchable_in_its_thread(make_question, make_answer):
    question = make_question(title="Excel crashes on start")
    make_answer(question, body="Start Excel in **safe mode** and disable the add-ins.")
    hit = hits("safe mode add-ins")[f"question:{question.id}"]
    assert hit.answer_count == 1


def test_editing_an_answer_updates_the_thread(make_question, make_answer, make_user):
    question = make_question(title="Excel crashes on start")
    answer = make_answer(question, body="Reinstall Office.")
    edit_answer(answer, make_user(role="staff"), "Repair Office from the control panel.")
    db.session.commit()
    assert search("reinstall").total == 0
    assert f"question:{question.id}" in hits("repair control panel")


def test_accepting_an_answer_marks_the_thread_solved_and_weights_the_answer(
    make_question, make_answer, make_user
):
    asker = make_user()
    question = make_question(author=asker, title="Wifi drops in the canteen")
    answer = make_answer(question, body="Forget the network and join BankGuest again.")
    other = make_question(title="Canteen wifi: which network?")
    make_answer(other, body="BankGuest is the guest network.")
    assert not hits("wifi canteen")[f"question:{question.id}"].solved
    accept_answer(answer, asker)
    db.session.commit()
    found = hits("wifi canteen")
    assert found[f"question:{question.id}"].solved
    assert search("is:solved wifi").total == 1
    assert search("is:unsolved wifi").total == 1
    assert (
        list(hits("bankguest").values())[0].doc_id == f"question:{question.id}"
    )  # accepted answers weigh more


def test_closing_as_duplicate_shows_in_search_and_reopening_clears_it(make_question, make_user):
    staff = make_user(role="staff")
    original = make_question(title="Printer on floor 3 is offline")
    duplicate = make_question(title="Floor 3 printer offline again")
    close_as_duplicate(duplicate, original, staff)
    db.session.commit()
    hit = hits("floor printer")[f"question:{duplicate.id}"]
    assert hit.closed and hit.duplicate_of == original.id
    reopen_question(duplicate, staff)
    db.session.commit()
    hit = hits("floor printer")[f"question:{duplicate.id}"]
    assert not hit.closed and hit.duplicate_of is None


def test_votes_change_the_indexed_score(make_question, make_user):
    question = make_question(title="Where do I find the VPN client?")
    vote(make_user(), question, 1)
    db.session.commit()
    assert hits("vpn client")[f"question:{question.id}"].votes == 1


def test_wiki_edits_and_deletes_show_up(make_page, make_user):
    staff = make_user(role="staff")
    page = make_page(title="Printing from a laptop", path="printing/laptop", body="Add the printer queue.")
    assert hits("printer queue")[f"page:{page.id}"].path == "printing/laptop"
    edit_page(
        page,
        staff,
        title="Printing from a Mac",
        path="printing/mac",
        body="Use the Mac installer.",
        tags=["printer"],
        summary="Mac",
        base_version=page.version,
    )
    db.session.commit()
    assert search("queue").total == 0
    hit = hits("mac installer")[f"page:{page.id}"]
    assert hit.path == "printing/mac" and hit.tags == ["printer"]
    delete_page(page)
    db.session.commit()
    assert search("mac installer").total == 0


def test_renaming_a_tag_reindexes_its_documents(make_question, make_page):
    question = make_question(title="Laptop battery drains", tags=["battery"])
    page = make_page(title="Battery care", tags=["battery"])
    tag = db.session.scalar(db.select(Tag).where(Tag.name == "battery"))
    tag.name = "power"
    db.session.commit()
    assert {hit.doc_id for hit in search("tag:power").hits} == {f"question:{question.id}", f"page:{page.id}"}
    assert search("tag:battery").total == 0


def test_deleting_a_question_removes_its_document(make_question):
    question = make_question(title="Obsolete fax machine question")
    db.session.delete(question)
    db.session.commit()
    assert search("fax machine").total == 0


def test_markdown_is_indexed_as_text():
    text = (
        "# Fix\n\nRun `ipconfig /flushdns` and see [the guide](https://x.example/g) or [[VPN setup|VPN]].\n"
    )
    assert plain_text(text) == "Fix\nRun ipconfig /flushdns and see the guide or VPN."


# Rebuild ----------------------------------------------------------------------------------------------------


def test_rebuild_round_trips_the_same_documents(app, runner, make_question, make_answer, make_page):
    question = make_question(title="Smart card reader not detected", tags=["smartcard"])
    make_answer(question, body="Update the reader driver.")
    make_page(title="Smart cards", body="How smart cards work.", tags=["smartcard"])
    before = all_documents(app)
    old_generation = IndexStore(app.config["SEARCH_INDEX_DIR"]).current_generation()
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 documents" in result.output
    assert IndexStore(app.config["SEARCH_INDEX_DIR"]).current_generation() != old_generation
    assert all_documents(app) == before
    assert search("smart card").total == 2


def test_searches_answer_from_the_old_generation_while_a_rebuild_runs(app, make_question, monkeypatch):
    for n in range(3):
        make_question(title=f"Conference room screen {n} stays blue")
    seen_during_rebuild = []
    real_iter = indexer.iter_documents

    def iter_and_search(session):
        for number, document in enumerate(real_iter(session)):
            if number == 1:
                seen_during_rebuild.append(search("conference screen").total)
            yield document

    monkeypatch.setattr(indexer, "iter_documents", iter_and_search)
    rebuild()
    assert seen_during_rebuild == [3]
    assert search("conference screen").total == 3


def test_changes_made_during_a_rebuild_are_applied_after_it(app, make_question, monkeypatch):
    make_question(title="Existing question about tokens")
    real_iter = indexer.iter_documents
    added = []

    def iter_while_someone_posts(session):
        yield from real_iter(session)
        app.config["SEARCH_DRAIN_ON_COMMIT"] = False
        added.append(_post("Question posted during the rebuild about tokens"))
        app.config["SEARCH_DRAIN_ON_COMMIT"] = True

    def _post(title):
        from helpdesk.auth.services import create_user
        from helpdesk.forum.services import ask_question

        with app.app_context():
            user = create_user("during@bank.example", "During", "employee", "correct horse battery staple")
            question = ask_question(user, title, "Body text.", ["tokens"])
            db.session.commit()
            return question.id

    monkeypatch.setattr(indexer, "iter_documents", iter_while_someone_posts)
    result = rebuild()
    assert result.drain.changes >= 1
    assert search("tokens").total == 2


def test_a_second_rebuild_at_the_same_time_is_refused(app, make_question):
    make_question(title="Anything")
    lock = IndexStore(app.config["SEARCH_INDEX_DIR"]).rebuild_lock()
    assert lock.acquire(blocking=False)
    try:
        with pytest.raises(RebuildRunning):
            rebuild()
    finally:
        lock.release()


def test_old_generations_are_removed_but_the_previous_one_is_kept(app, make_question):
    make_question(title="Anything")
    for _ in range(3):
        rebuild()
    generations = list(IndexStore(app.config["SEARCH_INDEX_DIR"]).root.glob("gen-*"))
    assert len(generations) == 2


def test_rebuild_with_several_processes_gives_the_same_documents(app, make_question, make_page):
    for n in range(5):
        make_question(title=f"Docking station model {n}")
    make_page(title="Docking stations")
    before = all_documents(app)
    result = rebuild(procs=2)
    assert result.documents == 6
    assert all_documents(app) == before


@pytest.mark.parametrize("procs", [1, 2])
def test_a_rebuild_that_spills_postings_to_disk_gives_the_same_index(app, monkeypatch, make_question, procs):
    for n in range(4):
        make_question(title=f"Docking station model {n}", body=f"The dock {n} charges, stationen laddar inte")
    before = all_documents(app)
    found = [(hit.doc_id, round(hit.score, 9)) for hit in search("docking station laddar").hits]
    monkeypatch.setattr(indexer, "WRITER_MEMORY_MB", 0)  # every posting spills: hundreds of sorted runs
    rebuild(procs=procs)
    assert all_documents(app) == before
    assert [(hit.doc_id, round(hit.score, 9)) for hit in search("docking station laddar").hits] == found
    assert len(found) == 4


def test_an_index_of_an_older_schema_asks_for_a_rebuild(app, runner, make_question):
    make_question(title="Anything")
    generation = IndexStore(app.config["SEARCH_INDEX_DIR"]).current_generation()
    cursor = json.loads((generation / CURSOR).read_text())
    cursor["schema"] = 0
    (generation / CURSOR).write_text(json.dumps(cursor))
    with pytest.raises(IndexOutdated):
        drain()
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code != 0 and "flask search rebuild" in result.output
    assert "Needs rebuild:    yes" in runner.invoke(args=["search", "status"]).output
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert drain().skipped is False


def test_the_index_holds_one_document_per_thread_and_page(app, make_question, make_answer, make_page):
    question = make_question(title="One thread")
    make_answer(question)
    make_answer(question)
    make_page(title="One page")
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    with store.open_index(store.current_generation()).searcher() as searcher:
        assert searcher.search(Every(), limit=None).scored_length() == 2


# Indexing in one pass ---------------------------------------------------------------------------------------

_TRICKY_TEXTS = [
    "Skrivaren på plan 3 skriver inte ut: skrivarens kö är full, och skrivare startas om",
    "The printers are printing; the printer printed. Printing!",
    "Café CAFÉ cafe naïve résumé Größe Ärende ÅÄÖ åäö ü Ø ø æ",
    "İstanbul ΟΔΟΣ οδός straße ﬁle",  # lower case changes length; final sigma; ligature
    "version 3.141 big-time under_score a*b v1.2.3. end. x" + " y" * 3,
    "och i att det som en på är the and of a to in " * 3 + "vpn",
    "a" * 61 + " " + "b" * 60 + " short",
    "sjukvården vaccination vaccinering försäkringsbrev hälsocentral",
    "repeat repeat repeat word repeat",
    "",
    "   \n\t ",
    "!!! ??? ...",
]


@pytest.mark.parametrize("text", _TRICKY_TEXTS)
def test_indexing_in_one_pass_gives_the_analysers_terms(text):
    """Every text field indexes what its analyser would give: terms, frequencies, weights and positions."""
    from whoosh.fields import TEXT

    from helpdesk.search.schema import build_schema

    schema = build_schema()
    names = [name for name in schema.names() if isinstance(schema[name], TEXT)]
    assert {"title", "body", "body_sv", "title_en", "spell", "grams"} <= set(names)
    for name in names:
        field = schema[name]
        assert sorted(field.index(text)) == sorted(TEXT.index(field, text)), name
        # The same text again (its words are reused) and another text in between give the same terms.
        field.index("something else entirely")
        assert sorted(field.index(text)) == sorted(TEXT.index(field, text)), name
