"""Scores never count restricted spaces' documents (helpdesk/search/scoring_stats.py).

Adding, editing or deleting documents of a restricted space leaves every public result as it was: the same
documents, order, scores, totals and suggestions, for outsiders and for members (whose restricted documents
are scored with the public statistics too).
"""

import pytest

from helpdesk.extensions import db
from helpdesk.forum import services as forum
from helpdesk.permissions import visible_space_ids
from helpdesk.search.indexer import current_store
from helpdesk.search.query import search
from helpdesk.search.store import searcher_for
from helpdesk.search.suggest import key_terms, related, similar
from helpdesk.spaces.queries import forget_visibility, public_space_ids
from helpdesk.spaces.services import add_member, create_space
from helpdesk.wiki import services as wiki

SEARCHES = ["vpn", "vpn drops", "printer", "vpn client hourly", "network", "outlook password", "vpn zzzz"]
# No public document holds every word; hidden ones do (a member's search finds those instead, rightly).
RELAXED = ["printer payroll", "network laptop payroll"]
ASKED = [
    ("VPN drops every hour", ""),
    ("vpn", ""),
    ("Printer jams", ""),
    ("My VPN keeps dropping", "The vpn client drops the tunnel on the office network every hour or so."),
    ("Serviceinsatser vpn", ""),
]


@pytest.fixture
def world(make_user, make_question, make_answer, make_page):
    people = {name: make_user(name=name.title()) for name in ("author", "member", "owner", "outsider")}
    people["admin"] = make_user(role="admin", name="Admin")
    questions = [
        make_question(people["author"], "VPN drops on the office network", "It drops hourly.", ["vpn"]),
        make_question(people["author"], "VPN client will not install", "The installer stops.", ["vpn"]),
        make_question(people["author"], "Printer jams on floor three", "Paper jam, every day.", ["printer"]),
        make_question(people["author"], "Outlook asks for my password", "Again and again.", ["outlook"]),
        make_question(people["author"], "Network is slow in the afternoon", "Wifi crawls.", ["network"]),
    ]
    make_answer(questions[0], people["owner"], "Update the vpn client, then restart.")
    make_answer(questions[2], people["owner"], "Open tray two and remove the paper.")
    page = make_page(
        title="VPN setup", path="network/vpn-setup", body="Install the vpn client.", tags=["vpn"]
    )
    space = create_space("Payroll", people["admin"], restricted=True, owners=[people["owner"]])
    add_member(space, people["member"], people["owner"])
    db.session.commit()
    return {"people": people, "questions": questions, "page": page, "space": space}


def add_hidden(world, count: int = 3):
    """Restricted documents sharing words with the public ones (and some of their own); returns them."""
    owner, space = world["people"]["owner"], world["space"]
    made = []
    for n in range(count):
        question = forum.ask_question(
            owner, f"VPN drops on payroll laptop {n}", "The vpn drops, the vpn client, printer. " * (n + 1),
            ["vpn", "payroll"], space=space,
        )  # fmt: skip
        forum.answer_question(question, owner, "Reinstall the vpn client on the network. " * 20)
        made.append(question)
    made.append(
        wiki.create_page(
            owner,
            "Payroll VPN",
            "payroll-vpn",
            "vpn vpn network printer hourly outlook " * 30,
            ["vpn"],
            space=space,
        )  # fmt: skip
    )
    db.session.commit()
    return made


def _hits(hits) -> list[tuple[str, float]]:
    return [(hit.doc_id, hit.score) for hit in hits]


def snapshot(world, who: str) -> dict:
    """Everything ``who`` sees of the public documents: searches (page, order, scores, totals, facets,
    suggestion), similar questions and related boxes."""
    visible = visible_space_ids(world["people"][who])
    public = public_space_ids()
    seen = {}
    for text in SEARCHES + RELAXED:
        for sort in ("relevance", "date"):
            if text in SEARCHES:
                results = search(text, visible_spaces=visible, sort=sort)
                hits = [(doc_id, score) for doc_id, score in _hits(results.hits) if _is_public(doc_id, world)]
                seen[("search", text, sort)] = (hits, results.suggestion, results.relaxed)
            results = search(text, visible_spaces=public, sort=sort)
            seen[("public", text, sort)] = (
                _hits(results.hits), results.total, results.facets, results.suggestion
            )  # fmt: skip
    for title, body in ASKED:
        seen[("similar", title)] = [h for h in _hits(similar(title, body, visible_spaces=visible, limit=20))
                                    if _is_public(h[0], world)]  # fmt: skip
    for question in world["questions"]:
        seen[("related", question.id)] = [
            h for h in _hits(related(question, limit=20, visible_spaces=visible)) if _is_public(h[0], world)
        ]
    return seen


def _is_public(doc_id: str, world) -> bool:
    public = {f"question:{q.id}" for q in world["questions"]} | {f"page:{world['page'].id}"}
    return doc_id in public


@pytest.mark.parametrize("who", ["outsider", "member", "admin"])
def test_restricted_documents_move_no_public_score(app, world, who):
    before = snapshot(world, who)
    assert before[("search", "vpn", "relevance")][0], "the public corpus answers"
    hidden = add_hidden(world)
    assert snapshot(world, who) == before
    # Edited and deleted restricted documents leave no trace either.
    forum.edit_question(hidden[0], world["people"]["owner"], "VPN printer network", "vpn " * 50, ["vpn"])
    wiki.delete_page(hidden[-1])
    db.session.commit()
    assert snapshot(world, who) == before


def test_members_find_their_restricted_documents_scored_by_public_statistics(app, world):
    """A member's search finds the hidden documents, and the public ones keep their scores among them."""
    hidden = add_hidden(world)
    member = visible_space_ids(world["people"]["member"])
    found = {hit.doc_id for hit in search("vpn", visible_spaces=member, per_page=100).hits}
    assert f"question:{hidden[0].id}" in found and f"question:{world['questions'][0].id}" in found
    outsider = visible_space_ids(world["people"]["outsider"])
    assert f"question:{hidden[0].id}" not in {
        hit.doc_id for hit in search("vpn", visible_spaces=outsider, per_page=100).hits
    }


def test_statistics_leave_restricted_documents_out(app, world):
    searcher = searcher_for(current_store())
    df, count, average = (
        searcher.doc_frequency("title", "vpn"), searcher.scored_doc_count(), searcher.avg_field_length("body")
    )  # fmt: skip
    add_hidden(world)
    searcher = searcher_for(current_store())
    assert searcher.reader().doc_frequency("title", "vpn") > df  # the index holds them
    assert (searcher.doc_frequency("title", "vpn"), searcher.scored_doc_count()) == (df, count)
    assert searcher.avg_field_length("body") == average
    assert searcher.doc_frequency("title", "payroll") == 0  # a word only hidden documents hold


def test_key_terms_of_a_long_question_ignore_restricted_documents(app, world):
    text = "payroll vpn printer network outlook laptop drops " * 3
    before = key_terms(searcher_for(current_store()), text, 3)
    add_hidden(world)
    assert key_terms(searcher_for(current_store()), text, 3) == before


def test_making_a_space_public_counts_its_documents_at_once(app, world):
    add_hidden(world)
    searcher = searcher_for(current_store())
    hidden_df = searcher.doc_frequency("title", "payroll")
    world["space"].is_restricted = False
    db.session.commit()
    forget_visibility()
    searcher = searcher_for(current_store())
    assert hidden_df == 0 and searcher.doc_frequency("title", "payroll") > 0


def test_a_merge_with_restricted_documents_moves_no_relaxed_score(app, world):
    """A relaxed search (no public document has every word) coordinates by the query's words that public
    documents hold, whichever segment they share with hidden ones."""
    from helpdesk.search.codec import IndexCodec
    from helpdesk.search.store import IndexStore

    before = snapshot(world, "outsider")
    assert before[("public", "printer payroll", "relevance")][0], "a relaxed search answers"
    add_hidden(world)
    ix = IndexStore.open_index(current_store().current_generation())
    ix.writer(codec=IndexCodec()).commit(optimize=True)  # one segment: hidden and public documents together
    assert len(ix._segments()) == 1
    assert snapshot(world, "outsider") == before


def test_statistics_equal_an_index_of_the_public_documents_alone(tmp_path):
    """Counted over an index of public, restricted and deleted documents (several segments, postings of
    many blocks), the statistics are those of an index holding only the live public documents."""
    import random

    from whoosh import fields, index

    from helpdesk.search.scoring_stats import PublicBM25F, open_searcher

    schema = fields.Schema(id=fields.ID(unique=True, stored=True), space=fields.ID(), body=fields.TEXT())
    rng = random.Random(7)
    words = ["vpn", "printer", "network", "payroll", "outlook", "laptop"]
    documents = []
    for n in range(900):
        space = "2" if n % 7 == 0 else "3" if n % 11 == 0 else "1"
        body = " ".join(rng.choice(words) for _ in range(rng.randint(1, 80)))
        documents.append({"id": str(n), "space": space, "body": body})
    deleted = {str(n) for n in range(0, 900, 5)}
    (tmp_path / "whole").mkdir()
    (tmp_path / "alone").mkdir()
    whole = index.create_in(str(tmp_path / "whole"), schema)
    for start in range(0, 900, 300):  # three segments
        writer = whole.writer()
        for document in documents[start : start + 300]:
            writer.add_document(**document)
        writer.commit(merge=False)
    with whole.writer() as writer:
        for doc_id in sorted(deleted):
            writer.delete_by_term("id", doc_id)
    public = [d for d in documents if d["space"] == "1" and d["id"] not in deleted]
    alone = index.create_in(str(tmp_path / "alone"), schema)
    with alone.writer() as writer:
        for document in public:
            writer.add_document(**document)

    searcher = open_searcher(whole)
    searcher.restrict_statistics({2, 3})
    assert len(searcher.subsearchers) >= 2 and searcher.reader().has_deletions()
    with alone.searcher(weighting=PublicBM25F()) as expected:
        assert searcher.scored_doc_count() == expected.doc_count_all() == len(public)
        lengths = sum(expected.doc_field_length(docnum, "body", 0) for docnum in range(len(public)))
        assert searcher.field_length("body") == lengths
        for word in [*words, "absent"]:
            assert searcher.doc_frequency("body", word) == expected.doc_frequency("body", word)
            assert searcher.frequency("body", word) == pytest.approx(expected.frequency("body", word))
            assert searcher.idf("body", word) == pytest.approx(expected.idf("body", word))
    searcher.close()
