"""search(): languages, accents, query syntax, every kind of bad input, facets, did-you-mean, visibility."""

import pytest
from markupsafe import Markup

from helpdesk.errors import UserError
from helpdesk.search import search
from helpdesk.search.documents import question_document
from helpdesk.search.indexer import current_store, rebuild
from helpdesk.search.parser import MAX_QUERY_CHARS, parse_query
from helpdesk.search.store import IndexStore


def ids(results) -> set[str]:
    return {hit.doc_id for hit in results.hits}


def put_in_space(app, question, space: str) -> None:
    """Index ``question`` as if it lived in a restricted space (spaces come later; the index has them)."""
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    document = question_document(question)
    document["space"] = space
    writer = store.open_index(store.current_generation()).writer()
    writer.update_document(**document)
    writer.commit()


@pytest.fixture
def author(make_user):
    return make_user(role="staff")


@pytest.fixture
def corpus(author, make_question, make_answer, make_page):
    """A small mixed-language helpdesk."""
    printer = make_question(
        author,
        "Skrivaren på plan 3 skriver inte ut",
        "Det blinkar rött på skrivaren.",
        lang="sv",
        tags=["skrivare"],
    )
    make_answer(printer, author, body="Byt tonerkassett och starta om.")
    insurance = make_question(
        author, "Var hittar jag försäkringsbrevet?", "Jag behöver det för resan.", lang="sv", tags=["hr"]
    )
    vpn = make_question(
        author, "VPN disconnects every hour", "Cisco AnyConnect drops the tunnel.", tags=["vpn", "network"]
    )
    page = make_page(
        title="Connecting to the VPN",
        path="network/vpn",
        body="Install **AnyConnect** first.",
        tags=["vpn"],
        author=author,
    )
    cafe = make_question(author, "Café wifi password", "Where is the café network password?", tags=["wifi"])
    return {"printer": printer, "insurance": insurance, "vpn": vpn, "page": page, "cafe": cafe}


def doc(item) -> str:
    return f"{'page' if hasattr(item, 'path') else 'question'}:{item.id}"


# Languages and accents --------------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["skrivare", "skrivaren", "Skrivarna", "SKRIVARE"])
def test_swedish_stemming_finds_every_form(corpus, word):
    assert ids(search(word)) == {doc(corpus["printer"])}


def test_swedish_words_highlight_in_their_inflected_form(corpus):
    hit = search("skrivare").hits[0]
    assert "<mark>Skrivaren</mark>" in hit.title_html
    assert "skrivaren" in hit.matched


@pytest.mark.parametrize("text", ["forsakringsbrevet", "försäkringsbrevet", "FÖRSÄKRINGSBREVET"])
def test_accents_do_not_matter(corpus, text):
    assert ids(search(text)) == {doc(corpus["insurance"])}


@pytest.mark.parametrize("text", ["cafe", "café", "CAFÉ"])
def test_accents_do_not_matter_in_english_either(corpus, text):
    assert ids(search(text)) == {doc(corpus["cafe"])}


def test_english_stemming(corpus):
    assert ids(search("disconnecting")) == {doc(corpus["vpn"])}


def test_a_word_finds_documents_of_any_language(author, corpus, make_question):
    german = make_question(
        author=author, title="AnyConnect startet nicht", body="Fehlermeldung beim Start.", lang="de"
    )
    assert ids(search("anyconnect")) == {doc(corpus["vpn"]), doc(corpus["page"]), doc(german)}


def test_an_answer_body_is_found(corpus):
    assert ids(search("tonerkassett")) == {doc(corpus["printer"])}


# Query syntax -----------------------------------------------------------------------------------------------


def test_all_words_must_match_when_some_document_has_them_all(corpus):
    results = search("vpn hour")
    assert ids(results) == {doc(corpus["vpn"])} and not results.relaxed


def test_when_no_document_has_every_word_the_closest_ones_are_shown(corpus):
    results = search("vpn tunnel zeppelin")
    assert doc(corpus["vpn"]) in ids(results)
    assert results.relaxed
    assert results.hits[0].doc_id == doc(corpus["vpn"])  # it has two of the three words


def test_quoted_phrase_matches_words_in_order(corpus):
    assert ids(search('"drops the tunnel"')) == {doc(corpus["vpn"])}
    assert ids(search('"tunnel the drops"')) == set()


def test_minus_excludes_a_word(corpus):
    assert ids(search("vpn -hour")) == {doc(corpus["page"])}
    assert ids(search('vpn -"every hour"')) == {doc(corpus["page"])}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tag:vpn", {"vpn", "page"}),
        ("vpn kind:page", {"page"}),
        ("vpn kind:question", {"vpn"}),
        ("vpn -kind:page", {"vpn"}),
        ("lang:sv", None),  # too few literal characters without a word: see below
        ("skrivare lang:sv", {"printer"}),
        ("vpn lang:sv", set()),
        ("tag:vpn -tag:network", {"page"}),
        ("TAG:VPN", {"vpn", "page"}),
    ],
)
def test_field_operators(corpus, text, expected):
    if expected is None:
        with pytest.raises(UserError):
            search(text)
        return
    assert ids(search(text)) == {doc(corpus[name]) for name in expected}


def test_is_solved_and_unsolved(corpus, make_answer, make_user):
    from helpdesk.extensions import db
    from helpdesk.forum.services import accept_answer

    answer = make_answer(corpus["vpn"], body="Update AnyConnect.")
    accept_answer(answer, make_user(role="staff"))
    db.session.commit()
    assert ids(search("anyconnect is:solved")) == {doc(corpus["vpn"])}
    assert ids(search("anyconnect is:unsolved")) == {doc(corpus["page"])}
    assert ids(search("anyconnect", solved=True)) == {doc(corpus["vpn"])}
    assert ids(search("anyconnect", solved="false")) == {doc(corpus["page"])}
    assert search("anyconnect", solved="").total == 2


def test_keyword_arguments_narrow_like_the_operators(corpus):
    assert ids(search("vpn", kind="page")) == {doc(corpus["page"])}
    assert ids(search("vpn", kind="", tag="", lang="", sort="")) == {doc(corpus["vpn"]), doc(corpus["page"])}
    assert ids(search("vpn", tag="Network")) == {doc(corpus["vpn"])}
    assert ids(search("skrivare", lang="sv")) == {doc(corpus["printer"])}


def test_other_fields_are_just_words(author, corpus, app, make_question):
    secret = make_question(author=author, title="Locked space payroll numbers")
    put_in_space(app, secret, "78")
    # "space:78" never reaches the index as a field query: it is two words, and the filter still holds.
    assert ids(search("space:78", visible_spaces={"1"})) == set()
    assert ids(search("space:78")) == {doc(secret)}


def test_sort_by_date_puts_the_newest_first(corpus):
    results = search("vpn", sort="date")
    assert [hit.doc_id for hit in results.hits] == [doc(corpus["page"]), doc(corpus["vpn"])]
    assert all(hit.score == 0.0 for hit in results.hits)


def test_pages_of_results(author, make_question):
    for n in range(5):
        make_question(author=author, title=f"Monitor flicker report {n}")
    first, last = search("monitor flicker", per_page=2), search("monitor flicker", per_page=2, page=3)
    assert first.total == 5 and first.pages == 3 and first.has_next and not first.has_prev
    assert len(last.hits) == 1 and not last.has_next
    assert not ids(first) & ids(last)
    assert search("monitor flicker", per_page=2, page=9).hits == []


# Bad input: results or a clear message, never an exception --------------------------------------------------


ODD_QUERIES = [
    "AND OR (((",
    "vpn AND OR (((",
    "NOT NOT NOT",
    "NOT NOT NOT vpn",
    '"',
    'vpn "',
    '"vpn',
    "vpn*",
    "v*n",
    "(vpn) [tunnel] {hour}",
    "vpn\x00\x07\x1b hour",
    "tag:",
    "-",
    "--vpn",
    "vpn:",
    ":vpn",
    "~vpn^2",
    "title:vpn",
    "vpn " * 2500,
    "a" * 5000,
    "x" * 10_000 + " vpn",
    "😀 vpn 😀",
    "\u202evpn\u202c",
    "vpn OR OR",
    "))) vpn",
    "is:solved is:unsolved vpn",
    'tag:"vpn client"',
    "lang:",
    "kind:",
    "-tag:vpn",
    "vpn\nhour",
    "%s %d {0}",
]


def test_odd_queries_give_results_or_a_message(corpus):
    for text in ODD_QUERIES:
        try:
            results = search(text)
        except UserError as error:
            assert error.message and error.status_code in (400, 422), text
        else:
            assert results.total >= 0, text
    assert doc(corpus["vpn"]) in ids(search("NOT NOT NOT vpn"))
    assert doc(corpus["vpn"]) in ids(search("vpn AND OR ((("))


@pytest.mark.parametrize("text", ["", "   ", "*", "**", "?", "a", "(((", "-vpn", '""', "\x00\x01"])
def test_queries_without_letters_are_refused_with_a_message(app, text):
    with pytest.raises(UserError) as error:
        search(text)
    assert "at least 2 letters or digits" in error.value.message


@pytest.mark.parametrize(
    "text, message",
    [
        ("vpn is:fixed", "“is:” can be followed by solved or unsolved."),
        ("vpn kind:user", "“kind:” can be followed by question or page."),
        ("vpn lang:xx", "“lang:” can be followed by one of:"),
    ],
)
def test_unknown_operator_values_are_explained(corpus, text, message):
    with pytest.raises(UserError) as error:
        search(text)
    assert message in error.value.message


def test_only_common_words_is_explained(corpus):
    with pytest.raises(UserError) as error:
        search("the och")
    assert "very common words" in error.value.message


@pytest.mark.parametrize(
    "options",
    [
        {"kind": "user"},
        {"lang": "xx"},
        {"sort": "votes"},
        {"page": "two"},
        {"page": 10_000},
        {"solved": "maybe"},
    ],
)
def test_bad_keyword_arguments_are_user_errors(corpus, options):
    with pytest.raises(UserError):
        search("vpn", **options)


def test_long_queries_are_cut_before_parsing(corpus):
    results = search("vpn " + "tunnel " * 200)
    assert results.truncated and len(results.query) <= MAX_QUERY_CHARS
    assert doc(corpus["vpn"]) in ids(results)
    assert parse_query("x" * 50_000).text == "x" * MAX_QUERY_CHARS


def test_a_search_that_runs_out_of_time_answers_with_what_it_has(app, author, make_question):
    app.config["SEARCH_DRAIN_ON_COMMIT"] = False
    for n in range(70):
        make_question(author, f"Slow search candidate {n}")
    rebuild()
    app.config["SEARCH_TIME_LIMIT"] = 0.0
    results = search("slow search candidate")
    assert results.timed_out
    # The matches are counted without scoring; the ranking stopped early but still shows what it ranked.
    assert results.total == 70
    assert 0 < len(results.hits) <= 20


# Highlights -------------------------------------------------------------------------------------------------


def test_highlights_are_escaped_html_with_marks(author, make_question):
    make_question(
        author=author, title="<script>alert(1)</script> printer & scanner", body="Printer <b>bold</b> & done"
    )
    hit = search("printer").hits[0]
    assert isinstance(hit.title_html, Markup) and isinstance(hit.snippet_html, Markup)
    assert hit.title_html == Markup(
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>printer</mark> &amp; scanner"
    )
    assert "<b>" not in hit.snippet_html and "<mark>Printer</mark>" in hit.snippet_html


def test_the_snippet_shows_the_passage_that_matched(author, make_question):
    body = "Intro sentence. " * 40 + "The magic word is kerberos in the middle. " + "Filler text. " * 40
    make_question(author=author, title="Login problem", body=body)
    snippet = search("kerberos").hits[0].snippet_html
    assert "<mark>kerberos</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) < 400


# Facets -----------------------------------------------------------------------------------------------------


def test_facets_count_every_match_by_kind_tag_and_language(corpus):
    facets = search("vpn", per_page=1).facets
    assert facets["kind"] == [("page", 1), ("question", 1)]
    assert facets["tag"] == [("vpn", 2), ("network", 1)]
    assert facets["lang"] == [("en", 2)]


def test_facets_follow_the_filters(corpus):
    facets = search("vpn kind:page").facets
    assert facets["kind"] == [("page", 1)]
    assert facets["tag"] == [("vpn", 1)]


# Did you mean -----------------------------------------------------------------------------------------------


def test_did_you_mean_corrects_a_misspelt_word(corpus):
    results = search("anyconect")
    assert results.total == 0
    assert results.suggestion == "anyconnect"
    assert search(results.suggestion).total == 2


def test_did_you_mean_keeps_the_rest_of_the_query(corpus):
    assert search("skrivaen tag:skrivare").suggestion == "skrivaren tag:skrivare"


def test_did_you_mean_when_only_the_other_words_matched(corpus):
    results = search("anyconect tunnel")
    assert results.relaxed and results.total == 1
    assert results.suggestion == "anyconnect tunnel"


def test_no_suggestion_when_the_words_are_known(corpus):
    assert search("vpn").suggestion is None


# Visibility: filters built on the server, applied to hits, totals, facets, suggestions ----------------------


def test_documents_outside_the_visible_spaces_are_never_shown_or_counted(author, corpus, app, make_question):
    secret = make_question(author=author, title="Payroll bonus spreadsheet for VPN team", tags=["payroll"])
    put_in_space(app, secret, "77")
    everyone = search("vpn", visible_spaces={"1"})
    assert doc(secret) not in ids(everyone)
    assert everyone.total == 2
    assert ("payroll", 1) not in everyone.facets["tag"]
    assert [value for value, _ in everyone.facets["space"]] == ["1"]
    members = search("vpn", visible_spaces={"1", "77"})
    assert doc(secret) in ids(members) and members.total == 3
    assert search("vpn").total == 3  # None: no restriction (before spaces exist)
    assert search("vpn", visible_spaces=["1"]).total == 2  # any iterable of keys
    assert search("vpn", visible_spaces=set()).total == 0


def test_did_you_mean_never_suggests_a_word_only_a_hidden_space_has(author, corpus, app, make_question):
    secret = make_question(author=author, title="Zyxwarestrike incident postmortem")
    put_in_space(app, secret, "77")
    assert search("zyxwaristrike", visible_spaces={"1"}).suggestion is None
    assert search("zyxwaristrike", visible_spaces={"77"}).suggestion == "zyxwarestrike"


def test_search_without_an_index_answers_nothing(app):
    assert IndexStore(current_store().root).current_generation() is None
    results = search("anything")
    assert results.total == 0 and results.hits == []


# Ranking term by term ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["vpn", "vpn tunnel", "skrivaren blinkar", "network password", "café", "anyconnect vpn hour"],
)
def test_ranking_term_by_term_gives_whooshs_scores_and_order(corpus, author, make_question, text):
    """run() scores a query of terms itself; the documents, scores and order are Whoosh's own, across
    several segments and with replaced (deleted) documents."""
    import time

    from whoosh.collectors import UnlimitedCollector

    from helpdesk.search.codec import IndexCodec
    from helpdesk.search.matching import _rank, main_query, run
    from helpdesk.search.store import searcher_for
    from helpdesk.search.suggest import similarity_query

    more = [make_question(author, f"VPN tunnel {n} drops on the café network", "vpn fails") for n in range(3)]
    ix = IndexStore.open_index(current_store().current_generation())
    for question in (corpus["vpn"], *more[:2]):  # each replaced in a segment of its own
        writer = ix.writer(codec=IndexCodec())
        writer.update_document(**question_document(question))
        writer.commit(merge=False)
    searcher = searcher_for(current_store())
    assert searcher.reader().has_deletions() and len(searcher.subsearchers) >= 3
    parsed = parse_query(text)
    for query in (main_query(searcher, parsed.words, parsed.phrases), similarity_query(searcher, text)):
        collector = UnlimitedCollector()
        searcher.search_with_collector(query, collector)
        expected = collector.results().top_n
        ranked = _rank(searcher, query, None, set(), None, time.monotonic() + 10)  # not handed to Whoosh
        assert expected and [docnum for _, docnum in ranked] == [docnum for _, docnum in expected]
        assert [score for score, _ in ranked] == pytest.approx([score for score, _ in expected], rel=1e-9)
        found, timed_out = run(searcher, query, allow=None, restrict=set(), time_limit=10.0)
        assert not timed_out and found.top_n == ranked
        best, _ = run(searcher, query, allow=None, restrict=set(), time_limit=10.0, limit=2)
        assert best.top_n == found.top_n[:2]
