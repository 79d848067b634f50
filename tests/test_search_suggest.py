"""similar() for the ask form and related() for a sidebar: close titles first, key terms of long questions."""

import pytest

from helpdesk.search import related, similar
from helpdesk.search.documents import question_document
from helpdesk.search.store import IndexStore


@pytest.fixture
def author(make_user):
    return make_user(role="staff")


@pytest.fixture
def threads(author, make_question, make_answer, make_page):
    outlook = make_question(
        author,
        "Outlook asks for my password again and again",
        "Every few minutes a password prompt appears.",
        tags=["outlook"],
    )
    make_answer(outlook, author, body="Clear the saved credentials in Credential Manager.")
    printer = make_question(
        author, "Printer on floor 4 prints blank pages", "The toner is new.", tags=["printer"]
    )
    teams = make_question(
        author, "Teams camera not working in meetings", "The camera light stays off.", tags=["teams"]
    )
    page = make_page(
        title="Resetting your Windows password",
        path="accounts/password",
        body="Press Ctrl+Alt+Del and choose Change a password.",
        tags=["password"],
        author=author,
    )
    swedish = make_question(author, "Skrivaren skriver ut tomma sidor", "Tonern är ny.", lang="sv")
    return {"outlook": outlook, "printer": printer, "teams": teams, "page": page, "swedish": swedish}


def doc_ids(hits) -> list[str]:
    return [hit.doc_id for hit in hits]


def test_similar_finds_the_thread_whose_title_is_close(threads):
    hits = similar("Outlook keeps asking for password")
    assert hits[0].doc_id == f"question:{threads['outlook'].id}"
    assert {"outlook", "password"} <= set(hits[0].matched)
    assert "<mark>Outlook</mark>" in hits[0].title_html


def test_similar_uses_the_body_of_a_long_question(threads):
    body = (
        "I came back from holiday and since then something is wrong. " * 30
        + "The toner cartridge is brand new but every page comes out blank. " * 3
    )
    hits = similar("Problem since my holiday", body)
    assert hits and hits[0].doc_id == f"question:{threads['printer'].id}"


def test_similar_finds_pages_and_other_languages(threads):
    assert f"page:{threads['page'].id}" in doc_ids(similar("How do I change my Windows password?"))
    assert doc_ids(similar("Skrivare skriver tomma sidor"))[0] == f"question:{threads['swedish'].id}"


def test_similar_leaves_out_what_is_excluded_and_what_is_not_visible(app, threads):
    outlook = threads["outlook"]
    assert f"question:{outlook.id}" not in doc_ids(
        similar("Outlook password", exclude=f"question:{outlook.id}")
    )
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    document = question_document(outlook)
    document["space"] = "77"
    writer = store.open_index(store.current_generation()).writer()
    writer.update_document(**document)
    writer.commit()
    assert f"question:{outlook.id}" not in doc_ids(similar("Outlook password", visible_spaces={"1"}))
    assert f"question:{outlook.id}" in doc_ids(similar("Outlook password", visible_spaces={"1", "77"}))
    assert similar("Outlook password", visible_spaces=set()) == []


@pytest.mark.parametrize("title", ["", "   ", "?", "the", "and or not", "(((", "*"])
def test_similar_with_too_little_text_is_empty_not_an_error(threads, title):
    assert similar(title) == []


def test_similar_copes_with_huge_and_odd_input(threads):
    assert isinstance(similar("x" * 100_000, "y" * 1_000_000), list)
    assert isinstance(similar("NOT NOT NOT \x00 outlook", "AND OR ((( " * 1000), list)
    assert len(similar("password", limit=1000)) <= 20


def test_similar_respects_the_limit_and_drops_weak_matches(threads):
    assert len(similar("Outlook password printer camera", limit=2)) == 2
    hits = similar("Outlook asks for my password again and again")
    assert all(hit.score >= hits[0].score * 0.2 for hit in hits)


def test_related_never_includes_the_item_itself(threads):
    hits = related(threads["outlook"])
    assert f"question:{threads['outlook'].id}" not in doc_ids(hits)
    assert f"page:{threads['page'].id}" in doc_ids(hits)
    page_hits = related(threads["page"], limit=3)
    assert f"page:{threads['page'].id}" not in doc_ids(page_hits) and len(page_hits) <= 3


def test_similar_without_an_index_is_empty(app):
    assert similar("Outlook password") == []


def test_similarity_scores_rank_given_documents_as_similar_does(threads):
    from helpdesk.search.suggest import similarity_scores

    wanted = [f"question:{threads[name].id}" for name in ("teams", "printer", "outlook")]
    wanted.append("question:999999")
    scores = similarity_scores("Outlook keeps asking for password", "", wanted)
    assert set(scores) == set(wanted)
    assert scores[f"question:{threads['outlook'].id}"] > 0
    assert scores[f"question:{threads['teams'].id}"] == 0.0
    assert scores["question:999999"] == 0.0
    best = max(scores, key=scores.get)
    assert best == similar("Outlook keeps asking for password")[0].doc_id


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Vad gör jag när skrivaren inte skriver ut?", "sv"),
        ("What do I do when the printer does not print?", "en"),
        ("VPN", None),
    ],
)
def test_the_language_of_a_question_is_guessed_from_its_common_words(text, lang):
    from helpdesk.search.suggest import guess_language

    assert guess_language(text) == lang


def test_a_title_alone_finds_compounds_and_derived_forms_of_its_words(author, make_question):
    care = make_question(
        author, "Frågor om sjukvården", "Kontakta vårdcentralen om vaccinationen.", lang="sv"
    )
    make_question(author, "Skrivaren skriver ut tomma sidor", "Tonern är ny.", lang="sv")
    hits = similar("vård och vaccinering")
    assert doc_ids(hits) == [f"question:{care.id}"]
    assert similar("vård och vaccinering", "hjälp") == []  # with a body, whole words only


def test_a_closed_duplicate_is_suggested_as_its_original(app, threads, author, make_question):
    from helpdesk.extensions import db
    from helpdesk.forum.services import close_as_duplicate

    original = threads["outlook"]
    duplicate = make_question(author, "Outlook password prompt keeps coming back", "Prompt again and again.")
    close_as_duplicate(duplicate, original, author)
    db.session.commit()

    hits = similar("Outlook password prompt keeps coming back")
    assert doc_ids(hits)[0] == f"question:{original.id}"
    assert f"question:{duplicate.id}" not in doc_ids(hits)
    assert doc_ids(hits).count(f"question:{original.id}") == 1
    # Where the original is excluded (it is the question being looked at), the duplicate stands for itself.
    without_original = similar("Outlook password prompt", exclude=f"question:{original.id}")
    assert f"question:{duplicate.id}" in doc_ids(without_original)


def test_a_title_alone_puts_first_the_thread_holding_most_of_its_words(author, make_question, make_answer):
    """A word counts once however many parts (title, body, answers; neutral and stemmed) hold it, so a thread
    about one of the words, everywhere, does not beat the thread that holds them all."""
    everywhere = make_question(
        author, "Wifi is slow", "My wifi is slow. The wifi router is new and the wifi channel is set to auto."
    )
    make_answer(everywhere, author, body="Change the wifi channel: wifi on 5 GHz is faster.")
    all_words = make_question(
        author,
        "Laptop loses its connection",
        "When the laptop wakes from sleep the wifi is gone until I restart.",
    )
    make_question(author, "Printer on floor 4 prints blank pages", "The toner is new.")
    hits = similar("wifi sleep")
    assert doc_ids(hits)[0] == f"question:{all_words.id}"
    assert f"question:{everywhere.id}" in doc_ids(hits)


def test_a_long_title_keeps_its_most_distinctive_words_not_its_first_ones(threads):
    title = (
        "Hello everyone, yesterday morning after lunch while sitting near our window desk, writing weekly "
        "reports quietly, suddenly something strange happened: Teams camera"
    )
    hits = similar(title)
    assert hits and hits[0].doc_id == f"question:{threads['teams'].id}"


def test_a_swedish_title_word_is_also_looked_for_as_the_parts_of_its_compound(author, make_page):
    from helpdesk.search.indexer import current_store
    from helpdesk.search.store import searcher_for
    from helpdesk.search.suggest import similarity_query

    parts = make_page(
        title="Insatser från kommunen",
        path="kommun/insatser",
        body="Kommunen erbjuder insatser som service: rådgivning och information.",
        author=author,
        lang="sv",
    )
    make_page(title="Password help", path="it/password", body="Reset your password here.", author=author)
    searcher = searcher_for(current_store())
    words = {text for _, text in similarity_query(searcher, "Vad innebär serviceinsatser?").all_terms()}
    assert {"service", "insatser"} <= words
    assert similar("Vad innebär serviceinsatser?")[0].doc_id == f"page:{parts.id}"
    # English writes compounds apart: an English question's words are not cut.
    english = {text for _, text in similarity_query(searcher, "How do I reset my password?").all_terms()}
    assert "pass" not in english and "word" not in english


def test_compound_parts_cut_only_what_the_index_knows_better_in_parts(threads, author, make_page):
    from helpdesk.search.indexer import current_store
    from helpdesk.search.store import searcher_for
    from helpdesk.search.suggest import compound_parts

    make_page(title="Skrivare och toner", path="it/skrivare", body="Byt toner i skrivaren.", author=author)
    searcher = searcher_for(current_store())
    assert compound_parts(searcher, "skrivaretoner") == ["skrivare", "toner"]
    assert compound_parts(searcher, "password") == []  # known whole: not cut
    assert compound_parts(searcher, "kort") == []
