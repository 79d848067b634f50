"""The JSON API (/api/v1/search, /api/v1/similar) and /opensearch.xml: the contract, bad input, visibility."""

import json
import xml.etree.ElementTree as ET

import pytest

from helpdesk.extensions import db
from helpdesk.forum.services import accept_answer
from helpdesk.search.documents import question_document
from helpdesk.search.store import IndexStore

RESULT_TYPES = {
    "kind": str,
    "id": int,
    "external_id": (str, type(None)),
    "title": str,
    "url": str,
    "snippet": str,
    "score": float,
    "solved": bool,
    "lang": str,
    "space": (str, type(None)),
}
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@pytest.fixture
def author(make_user):
    return make_user(role="staff")


@pytest.fixture
def corpus(author, make_question, make_answer, make_page):
    vpn = make_question(
        author, "VPN disconnects every hour", "Cisco AnyConnect drops the tunnel.", tags=["vpn", "network"]
    )
    accept_answer(make_answer(vpn, author, body="Update the AnyConnect client."), author)
    db.session.commit()
    outlook = make_question(
        author,
        "Outlook asks for my password again and again",
        "A prompt every few minutes.",
        tags=["outlook"],
    )
    page = make_page(
        title="Connecting to the VPN",
        path="network/vpn",
        body="Install **AnyConnect** first, then choose the Stockholm gateway.",
        tags=["vpn"],
        author=author,
    )
    password_page = make_page(
        title="Resetting your Windows password",
        path="accounts/password",
        body="Press Ctrl+Alt+Del and choose Change a password.",
        tags=["password"],
        author=author,
    )
    return {"vpn": vpn, "outlook": outlook, "page": page, "password_page": password_page}


def get_json(client, url, **params):
    response = client.get(url, query_string=params)
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:300]
    return response, response.get_json()


def assert_result_shape(result: dict) -> None:
    assert set(result) == set(RESULT_TYPES)
    for key, expected in RESULT_TYPES.items():
        assert isinstance(result[key], expected), (key, result[key])


# /api/v1/search -------------------------------------------------------------------------------------------


def test_search_answers_the_documented_keys_and_types(client, corpus):
    response, body = get_json(client, "/api/v1/search", q="vpn")
    assert response.status_code == 200
    assert set(body) == {"total", "results"}
    assert isinstance(body["total"], int) and body["total"] == 2
    assert len(body["results"]) == 2
    for result in body["results"]:
        assert_result_shape(result)
    by_kind = {result["kind"]: result for result in body["results"]}
    question, page = by_kind["question"], by_kind["page"]
    assert question["id"] == corpus["vpn"].id
    assert question["url"] == f"/questions/{corpus['vpn'].id}"
    assert question["title"] == "VPN disconnects every hour"
    assert question["solved"] is True
    assert question["lang"] == "en"
    assert question["external_id"] is None
    assert page["url"] == "/wiki/network/vpn"
    assert page["id"] == corpus["page"].id
    assert page["solved"] is False
    assert question["score"] > 0 and page["score"] > 0


def test_snippets_are_html_with_marks_and_escaped_text(client, corpus, make_question, author):
    make_question(author, "Tunnel <b>broken</b>", "The <script>tunnel</script> fails & more.", tags=["vpn"])
    _, body = get_json(client, "/api/v1/search", q="tunnel")
    snippets = " ".join(result["snippet"] for result in body["results"])
    assert "<mark>tunnel</mark>" in snippets.lower()
    assert "fails &amp; more" in snippets
    assert "<script>" not in snippets
    titles = [result["title"] for result in body["results"]]
    assert "Tunnel <b>broken</b>" in titles  # titles are plain text, for the client to escape


def test_results_carry_the_id_they_were_imported_with(client, runner, tmp_path):
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        json.dumps(
            {
                "id": "SO-4711",
                "title": "Printer queue stuck on floor 5",
                "body": "Jobs wait forever in the print queue.",
                "tags": ["printer"],
                "lang": "en",
                "answers": ["Restart the spooler."],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    pages = tmp_path / "pages.jsonl"
    pages.write_text(
        json.dumps(
            {
                "id": "KB-12",
                "title": "Print queue troubleshooting",
                "body": "Clear the queue first.",
                "lang": "en",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    assert runner.invoke(args=["import", "questions", str(questions)]).exit_code == 0
    assert runner.invoke(args=["import", "pages", str(pages)]).exit_code == 0
    _, body = get_json(client, "/api/v1/search", q="queue")
    assert {result["external_id"] for result in body["results"]} == {"SO-4711", "KB-12"}


def test_total_and_pages(client, corpus):
    _, everything = get_json(client, "/api/v1/search", q="vpn")
    _, first = get_json(client, "/api/v1/search", q="vpn", per_page=1)
    _, second = get_json(client, "/api/v1/search", q="vpn", per_page=1, page=2)
    _, past = get_json(client, "/api/v1/search", q="vpn", per_page=1, page=3)
    assert first["total"] == second["total"] == past["total"] == everything["total"] == 2
    assert len(first["results"]) == len(second["results"]) == 1
    assert first["results"][0]["url"] != second["results"][0]["url"]
    assert [first["results"][0], second["results"][0]] == everything["results"]
    assert past["results"] == []


def test_filters_narrow_the_results(client, corpus):
    _, pages = get_json(client, "/api/v1/search", q="vpn", kind="page")
    assert [result["kind"] for result in pages["results"]] == ["page"]
    _, tagged = get_json(client, "/api/v1/search", q="vpn", tag="network")
    assert [result["id"] for result in tagged["results"]] == [corpus["vpn"].id]
    _, swedish = get_json(client, "/api/v1/search", q="vpn", lang="sv")
    assert swedish == {"total": 0, "results": []}


def test_no_results_is_an_empty_list(client, corpus):
    response, body = get_json(client, "/api/v1/search", q="photocopier")
    assert response.status_code == 200
    assert body == {"total": 0, "results": []}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "vpn", "kind": "banana"},
        {"q": "vpn", "lang": "klingon"},
        {"q": "vpn", "page": "0"},
        {"q": "vpn", "page": "-1"},
        {"q": "vpn", "page": "abc"},
        {"q": "vpn", "page": "1.5"},
        {"q": "vpn", "page": "9" * 5000},
        {"q": "vpn", "page": "100000"},
        {"q": "vpn", "per_page": "101"},
        {"q": "vpn", "per_page": "0"},
        {"q": "vpn", "per_page": "ten"},
        {"q": "vpn", "tag": "x" * 500},
        {"q": "x" * 5000},
        {"q": "vpn kind:banana"},
        {"q": "vpn is:maybe"},
    ],
)
def test_search_refuses_bad_parameters_with_400_and_a_message(client, corpus, params):
    response, body = get_json(client, "/api/v1/search", **params)
    assert response.status_code == 400
    assert isinstance(body["error"], str) and body["error"]


@pytest.mark.parametrize(
    "q",
    [
        "AND OR (((",
        "*",
        '"',
        "'",
        "NOT NOT NOT",
        "-",
        "tag:",
        'vpn "unclosed',
        "x" * 5000,
        "ä" * 300,
        "\x00vpn",
    ],
)
def test_odd_input_gets_results_or_400_never_500(client, corpus, q):
    response, body = get_json(client, "/api/v1/search", q=q)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert set(body) == {"total", "results"}
    else:
        assert body["error"]


def test_the_api_is_read_only(client, corpus):
    response = client.post("/api/v1/search", data={"q": "vpn"})
    assert response.status_code == 405
    assert "error" in response.get_json()


def test_an_unknown_api_address_answers_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]


# /api/v1/similar ------------------------------------------------------------------------------------------


def test_similar_finds_a_thread_by_a_close_title(client, corpus):
    response, body = get_json(client, "/api/v1/similar", title="Outlook keeps asking for password")
    assert response.status_code == 200
    assert set(body) == {"total", "results"}
    assert body["total"] == len(body["results"]) >= 1
    first = body["results"][0]
    assert_result_shape(first)
    assert first["url"] == f"/questions/{corpus['outlook'].id}"


def test_similar_finds_a_wiki_page(client, corpus):
    _, body = get_json(client, "/api/v1/similar", title="How do I change my Windows password?")
    assert "/wiki/accounts/password" in [result["url"] for result in body["results"]]


def test_similar_uses_the_body_and_honours_the_limit(client, corpus):
    _, body = get_json(
        client,
        "/api/v1/similar",
        title="Trouble since Monday",
        body="AnyConnect drops the VPN tunnel",
        limit=1,
    )
    assert len(body["results"]) == 1
    assert body["results"][0]["url"] == f"/questions/{corpus['vpn'].id}"


def test_similar_with_too_little_text_is_empty(client, corpus):
    response, body = get_json(client, "/api/v1/similar", title="a")
    assert response.status_code == 200
    assert body == {"total": 0, "results": []}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"title": ""},
        {"title": "  "},
        {"title": "vpn", "limit": "21"},
        {"title": "vpn", "limit": "0"},
        {"title": "vpn", "limit": "-3"},
        {"title": "vpn", "limit": "many"},
        {"title": "x" * 5000},
        {"title": "vpn", "body": "word " * 5000},
    ],
)
def test_similar_refuses_bad_parameters_with_400_and_a_message(client, corpus, params):
    response, body = get_json(client, "/api/v1/similar", **params)
    assert response.status_code == 400
    assert isinstance(body["error"], str) and body["error"]


@pytest.mark.parametrize("title", ["AND OR (((", "*", '"', "NOT NOT NOT", "ä" * 300])
def test_similar_odd_input_never_fails(client, corpus, title):
    response, body = get_json(client, "/api/v1/similar", title=title)
    assert response.status_code == 200
    assert set(body) == {"total", "results"}


# Visibility -----------------------------------------------------------------------------------------------


def test_the_api_shows_only_what_visible_space_ids_allows(app, client, corpus):
    vpn_url = f"/questions/{corpus['vpn'].id}"
    _, before = get_json(client, "/api/v1/search", q="vpn")
    assert vpn_url in [result["url"] for result in before["results"]]

    # The thread's index document now says it lives in a space nobody here may read.
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    document = question_document(corpus["vpn"])
    document["space"] = "999"
    writer = store.open_index(store.current_generation()).writer()
    writer.update_document(**document)
    writer.commit()
    _, search = get_json(client, "/api/v1/search", q="vpn")
    assert [result["url"] for result in search["results"]] == ["/wiki/network/vpn"]
    assert search["total"] == 1
    _, similar = get_json(client, "/api/v1/similar", title="VPN disconnects every hour")
    assert vpn_url not in [result["url"] for result in similar["results"]]


# /opensearch.xml ------------------------------------------------------------------------------------------


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    short_name = root.find(f"{OPENSEARCH}ShortName").text
    assert short_name == "Helpdesk" and len(short_name) <= 16
    assert root.find(f"{OPENSEARCH}Description").text
    assert root.find(f"{OPENSEARCH}InputEncoding").text == "UTF-8"
    urls = {url.get("type"): url.get("template") for url in root.findall(f"{OPENSEARCH}Url")}
    assert urls["text/html"] == "http://helpdesk.test/search?q={searchTerms}"
    assert urls["application/json"] == "http://helpdesk.test/api/v1/search?q={searchTerms}"


def test_opensearch_addresses_follow_the_host_asked_for(app):
    app.config["SERVER_NAME"] = None
    client = app.test_client()
    response = client.get("/opensearch.xml", base_url="https://helpdesk.bank.example")
    root = ET.fromstring(response.data)
    templates = [url.get("template") for url in root.findall(f"{OPENSEARCH}Url")]
    assert "https://helpdesk.bank.example/search?q={searchTerms}" in templates


def test_the_templates_in_opensearch_xml_work(client, corpus):
    root = ET.fromstring(client.get("/opensearch.xml").data)
    for url in root.findall(f"{OPENSEARCH}Url"):
        if url.get("type") in ("text/html", "application/json"):
            address = url.get("template").replace("{searchTerms}", "vpn").removeprefix("http://helpdesk.test")
            assert client.get(address).status_code == 200
