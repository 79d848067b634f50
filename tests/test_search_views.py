"""What people see of search: the search page, the box in every page, related boxes, ask-form suggestions."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import request

from helpdesk import permissions
from helpdesk.extensions import db
from helpdesk.forum.services import accept_answer
from helpdesk.search.documents import question_document
from helpdesk.search.store import IndexStore


def put_in_space(app, question, space: str) -> None:
    """Index ``question`` as if it lived in a restricted space (spaces come later; the index has them)."""
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    document = question_document(question)
    document["space"] = space
    writer = store.open_index(store.current_generation()).writer()
    writer.update_document(**document)
    writer.commit()


def links(html: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', html)]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def result_items(html: str) -> dict[str, str]:
    """Each result's markup by document id ("question:1")."""
    results = html.split('<ol class="item-list search-results"', 1)[-1].split("</ol>", 1)[0]
    return dict(
        re.findall(
            r'<li class="search-hit" data-doc-id="([^"]+)">(.*?)(?=<li class="search-hit"|$)', results, re.S
        )
    )


def result_titles(html: str) -> list[str]:
    """The text of each result's title, in order (highlights removed)."""
    titles = re.findall(r'<li class="search-hit".*?<h2><a [^>]*>(.*?)</a></h2>', html, re.S)
    return [re.sub(r"</?mark>", "", title) for title in titles]


@pytest.fixture
def author(make_user):
    return make_user(role="staff")


@pytest.fixture
def corpus(author, make_question, make_answer, make_page):
    vpn = make_question(
        author, "VPN disconnects every hour", "Cisco AnyConnect drops the tunnel.", tags=["vpn", "network"]
    )
    answer = make_answer(vpn, author, body="Update the AnyConnect client to the latest version.")
    accept_answer(answer, author)
    db.session.commit()
    page = make_page(
        title="Connecting to the VPN",
        path="network/vpn",
        body="Install **AnyConnect** first, then choose the Stockholm gateway.",
        tags=["vpn"],
        author=author,
    )
    printer = make_question(
        author, "Skrivaren på plan 3 skriver inte ut", "Det blinkar rött.", tags=["skrivare"], lang="sv"
    )
    wifi = make_question(author, "Guest wifi password", "Where is the guest network password?", tags=["wifi"])
    return {"vpn": vpn, "page": page, "printer": printer, "wifi": wifi}


# The search page ------------------------------------------------------------------------------------------


def test_one_list_mixes_threads_and_pages_with_highlights(client, corpus):
    response = client.get("/search?q=vpn")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert set(result_titles(html)) == {"VPN disconnects every hour", "Connecting to the VPN"}
    assert "<mark>VPN</mark> disconnects every hour" in html
    # Results link through the search log's click-through (/search/open), which redirects to the item.
    assert f'href="/search/open?doc=question:{corpus["vpn"].id}&amp;rank=2&amp;q=vpn' in html
    assert f'href="/search/open?doc=page:{corpus["page"].id}&amp;rank=1&amp;q=vpn' in html
    assert ">Question<" in html and ">Wiki page<" in html
    assert "2 results" in html


def test_solved_threads_are_marked(client, corpus):
    html = client.get("/search?q=anyconnect").get_data(as_text=True)
    items = result_items(html)
    hit = items[f"question:{corpus['vpn'].id}"]
    assert "Solved" in hit
    assert "1 answer" in hit
    page_hit = items[f"page:{corpus['page'].id}"]
    assert "Solved" not in page_hit
    assert "/network/vpn" in page_hit


def test_snippets_show_the_matched_words(client, corpus):
    html = client.get("/search?q=stockholm").get_data(as_text=True)
    assert re.search(r'<p class="snippet"[^>]*>.*<mark>Stockholm</mark> gateway', html)


def test_result_tags_link_to_the_same_search_narrowed_by_the_tag(client, corpus):
    html = client.get("/search?q=vpn").get_data(as_text=True)
    tag_links = [url for url in links(html) if url.startswith("/search") and "tag=network" in url]
    assert tag_links and query_of(tag_links[0]) == {"q": ["vpn"], "tag": ["network"]}


def test_facets_count_and_add_a_filter(client, corpus):
    html = client.get("/search?q=vpn").get_data(as_text=True)
    kind_facet = re.search(r'<ul class="facet" data-facet="kind">(.*?)</ul>', html, re.S).group(1)
    assert re.search(r"Questions <span class=\"count\">1</span>", kind_facet)
    assert re.search(r"Wiki pages <span class=\"count\">1</span>", kind_facet)
    tag_facet = re.search(r'<ul class="facet" data-facet="tag">(.*?)</ul>', html, re.S).group(1)
    assert re.search(r"vpn <span class=\"count\">2</span>", tag_facet)
    lang_facet = re.search(r'<ul class="facet" data-facet="lang">(.*?)</ul>', html, re.S).group(1)
    assert "English" in lang_facet

    pages_only = next(url for url in links(kind_facet) if "kind=page" in url)
    narrowed = client.get(pages_only).get_data(as_text=True)
    assert result_titles(narrowed) == ["Connecting to the VPN"]
    assert "1 result" in narrowed


def test_an_active_filter_can_be_removed(client, corpus):
    html = client.get("/search?q=vpn&kind=page").get_data(as_text=True)
    chips = re.search(r'<ul class="active-filters".*?</ul>', html, re.S).group()
    assert "Wiki pages" in chips
    (remove,) = links(chips)
    assert query_of(remove) == {"q": ["vpn"]}
    assert len(result_titles(client.get(remove).get_data(as_text=True))) == 2


def test_filters_by_language_and_tag(client, corpus):
    assert result_titles(client.get("/search?q=skrivaren&lang=sv").get_data(as_text=True)) == [
        "Skrivaren på plan 3 skriver inte ut"
    ]
    assert result_titles(client.get("/search?q=vpn&tag=network").get_data(as_text=True)) == [
        "VPN disconnects every hour"
    ]


def test_the_query_syntax_works_in_the_page(client, corpus):
    assert result_titles(client.get("/search?q=vpn+kind:page").get_data(as_text=True)) == [
        "Connecting to the VPN"
    ]
    assert result_titles(client.get("/search?q=vpn+-gateway").get_data(as_text=True)) == [
        "VPN disconnects every hour"
    ]
    assert result_titles(client.get("/search?q=vpn+is:solved").get_data(as_text=True)) == [
        "VPN disconnects every hour"
    ]


def test_did_you_mean_links_to_the_corrected_search(client, corpus):
    html = client.get("/search?q=anyconect").get_data(as_text=True)
    link = re.search(r'Did you mean <a href="([^"]+)" class="did-you-mean-link">anyconnect</a>\?', html)
    assert link
    corrected = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "2 results" in corrected


def test_results_come_in_pages(app, client, corpus):
    app.config["ITEMS_PER_PAGE"] = 1
    first = client.get("/search?q=vpn").get_data(as_text=True)
    assert "Page 1 of 2" in first
    next_page = re.search(r'<a href="([^"]+)" rel="next">', first).group(1).replace("&amp;", "&")
    assert query_of(next_page) == {"q": ["vpn"], "page": ["2"]}
    second = client.get(next_page).get_data(as_text=True)
    assert "Page 2 of 2" in second
    assert len(result_titles(first)) == len(result_titles(second)) == 1
    assert result_titles(first) != result_titles(second)
    assert 'start="2"' in second


def test_sorting_by_date_puts_the_newest_first(client, corpus, make_question, author):
    make_question(author, "VPN token expired", "The token app says expired.", tags=["vpn"])
    titles = result_titles(client.get("/search?q=vpn&sort=date").get_data(as_text=True))
    assert titles[0] == "VPN token expired"
    assert len(titles) == 3


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("*", "Type at least 2 letters or digits"),
        ("vpn kind:banana", "“kind:” can be followed by question or page."),
        ("vpn is:maybe", "“is:” can be followed by solved or unsolved."),
    ],
)
def test_a_bad_query_keeps_the_page_with_a_message(client, corpus, query, message):
    response = client.get("/search", query_string={"q": query})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'role="alert"' in html
    assert re.search(r'<input type="search" id="search-q" name="q" value="([^"]*)"', html).group(1) == (
        query.replace('"', "&#34;")
    )
    assert "How to search" in html


@pytest.mark.parametrize(
    "args", [{"q": "vpn", "kind": "banana"}, {"q": "vpn", "lang": "xx"}, {"q": "vpn", "page": "abc"}]
)
def test_bad_filters_in_the_address_answer_400_with_a_message(client, corpus, args):
    response = client.get("/search", query_string=args)
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)


def test_a_page_far_past_the_results_is_refused_politely(client, corpus):
    response = client.get("/search?q=vpn&page=100000")
    assert response.status_code == 400
    assert "Only the first 1000 results can be shown" in response.get_data(as_text=True)


def test_no_results_offers_to_ask_with_the_query_as_title(client, corpus):
    response = client.get("/search?q=photocopier+jammed")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing matches “photocopier jammed”." in html
    ask = next(url for url in links(html) if url.startswith("/questions/ask"))
    assert query_of(ask) == {"title": ["photocopier jammed"]}


def test_no_results_with_filters_offers_to_drop_them(client, corpus):
    html = client.get("/search?q=skrivaren&kind=page").get_data(as_text=True)
    assert "Search again without the filters" in html
    assert any(query_of(url) == {"q": ["skrivaren"]} for url in links(html))


def test_an_empty_search_shows_the_form_and_help(client, corpus):
    response = client.get("/search")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "How to search" in html
    for syntax in ("tag:vpn", "is:solved", "kind:page", "lang:sv", "A minus sign", "Words in quotes"):
        assert syntax in html
    assert "search-hit" not in html


def test_a_long_query_is_searched_by_its_beginning(client, corpus):
    response = client.get("/search", query_string={"q": "vpn " + "lorem " * 1000})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "only its beginning was used" in response.get_data(as_text=True)


def test_highlights_never_let_markup_through(client, make_question, author):
    make_question(author, "<script>alert(1)</script> vpn broken", "<b>bold</b> vpn text", tags=["vpn"])
    html = client.get("/search?q=vpn").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


# Visibility -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "employee", "staff", "lead"])
def test_with_only_the_default_space_everyone_sees_it(make_user, role):
    from flask_login import AnonymousUserMixin

    from helpdesk.spaces.queries import default_space

    public = default_space().id
    user = AnonymousUserMixin() if role == "anonymous" else make_user(role=role)
    assert permissions.visible_space_ids(user) == {public}


def test_admins_see_every_space(make_user):
    assert permissions.visible_space_ids(make_user(role="admin")) is None


def test_every_path_asks_visible_space_ids(app, client, corpus, monkeypatch, make_question, author):
    hidden = make_question(author, "Board meeting VPN gateway secrets", "Only the board reads this.")
    put_in_space(app, hidden, "77")
    asked = []

    def only_public(user):
        asked.append(request.path)
        return frozenset({corpus["vpn"].space_id})

    monkeypatch.setattr(permissions, "visible_space_ids", only_public)
    html = client.get("/search?q=vpn+gateway").get_data(as_text=True)
    assert "Board meeting" not in html
    assert result_titles(html) == ["Connecting to the VPN"]
    related = client.get(f"/questions/{corpus['vpn'].id}").get_data(as_text=True)
    assert "Board meeting" not in related
    page = client.get("/wiki/network/vpn").get_data(as_text=True)
    assert "Board meeting" not in page
    assert set(asked) == {"/search", f"/questions/{corpus['vpn'].id}", "/wiki/network/vpn"}


# The box in every page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/unanswered", "/tags", "/wiki/", "/search", "/search?q=vpn", "/login", "/no-such-page"]
)
def test_every_page_has_the_search_box(client, corpus, url):
    html = client.get(url).get_data(as_text=True)
    form = re.search(
        r'<form role="search" class="site-search" action="/search" method="get"[^>]*>(.*?)</form>', html, re.S
    )
    assert form, url
    assert '<label for="site-search-q"' in form.group(1)
    assert 'id="site-search-q" name="q"' in form.group(1)
    assert '<link rel="search" type="application/opensearchdescription+xml" href="/opensearch.xml"' in html


def test_pages_of_a_thread_and_a_wiki_page_have_the_search_box(client, corpus):
    for url in (f"/questions/{corpus['vpn'].id}", "/wiki/network/vpn"):
        assert 'class="site-search"' in client.get(url).get_data(as_text=True)


# Related threads and pages --------------------------------------------------------------------------------


def related_box(html: str) -> str:
    return re.search(r'<section class="related".*?</section>', html, re.S).group()


def test_a_thread_shows_related_threads_and_pages_but_not_itself(client, corpus):
    box = related_box(client.get(f"/questions/{corpus['vpn'].id}").get_data(as_text=True))
    assert 'href="/wiki/network/vpn"' in box
    assert f'href="/questions/{corpus["vpn"].id}"' not in box
    assert "Wiki page" in box


def test_a_wiki_page_shows_related_threads_but_not_itself(client, corpus):
    box = related_box(client.get("/wiki/network/vpn").get_data(as_text=True))
    assert f'href="/questions/{corpus["vpn"].id}"' in box
    assert 'href="/wiki/network/vpn"' not in box
    assert "Solved" in box


def test_a_thread_with_nothing_like_it_says_so(client, make_question, author):
    lonely = make_question(
        author, "Zebra crossing painted purple", "Odd colours outside.", tags=["facilities"]
    )
    assert "Nothing related found yet." in related_box(
        client.get(f"/questions/{lonely.id}").get_data(as_text=True)
    )


# Suggestions in the ask form ------------------------------------------------------------------------------


def test_the_ask_form_has_the_suggestion_region_and_loads_its_script(client, login, make_user):
    login(make_user())
    html = client.get("/questions/ask").get_data(as_text=True)
    region = re.search(r"<section class=\"similar\"[^>]*data-similar[^>]*>", html, re.S)
    assert region and 'data-endpoint="/api/v1/similar"' in region.group()
    assert 'aria-live="polite"' in html
    assert '<script src="/static/js/ask.js" defer></script>' in html
    assert "<template data-similar-template>" in html
    assert "This answered my question" in html  # in the template ask.js fills
    assert "<script>" not in html  # no inline script


def test_a_form_coming_back_with_an_error_shows_suggestions(client, login, make_user, corpus):
    login(make_user())
    response = client.post(
        "/questions/ask",
        data={"title": "AnyConnect VPN keeps disconnecting", "body": "", "tags": "vpn", "lang": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code in (400, 422)
    assert 'value="AnyConnect VPN keeps disconnecting"' in html  # what was typed is kept
    items = re.findall(r'<li class="similar-item" data-similar-item>.*?</li>', html, re.S)
    assert items
    first = items[0]
    assert f'href="/questions/{corpus["vpn"].id}"' in first
    assert "<mark>" in first and "Solved" in first
    assert f'<form method="get" action="/questions/{corpus["vpn"].id}" class="deflect-form">' in first
    assert 'class="small deflect-answered" data-deflect-answered' in first
    assert f'data-doc-id="question:{corpus["vpn"].id}"' in first
    assert "Matched:" in first


def test_a_prefilled_title_gets_suggestions_without_javascript(client, login, make_user, corpus):
    login(make_user())
    html = client.get("/questions/ask?title=Connecting+to+VPN").get_data(as_text=True)
    assert "data-similar-item>" in html.split("<template")[0]
    assert 'href="/wiki/network/vpn"' in html


def test_posting_after_seeing_suggestions_still_works(client, login, make_user, corpus):
    login(make_user())
    data = {"title": "AnyConnect VPN keeps disconnecting", "body": "", "tags": "vpn", "lang": "en"}
    client.post("/questions/ask", data=data)
    response = client.post("/questions/ask", data={**data, "body": "Even after the update it drops."})
    assert response.status_code == 302
    assert "AnyConnect VPN keeps disconnecting" in client.get(response.location).get_data(as_text=True)
