"""The leak test: nobody outside a restricted space can tell it exists; its members find its content.

A restricted space named "Zqxleakspace" (address ``zqxslug``) gets a question, an answer, tags, edits with
summaries, votes, an accepted answer, two wiki pages with revisions and a public question closed as a
duplicate of its question, every field carrying a marker ("zqxmarker" + field). Then, for each outsider
(anonymous, an employee who is not a member, staff and a lead who are not members):

1. Every GET route of the URL map, its path parameters filled with public content, answers exactly the same
   before and after the restricted content was added (lists, tag lists and counts, profiles and their
   counts, search totals and facets, "related" boxes, the ask form, the wiki's lists and backlinks,
   OpenSearch, the spaces list ...): nothing shown or counted reveals it.
2. Every route of the URL map (GET, and POST with empty input), its parameters filled with the restricted
   content's real ids, paths, tag, title and address, answers exactly as the same route filled with values
   that exist nowhere (same status, same redirect, same page once the values are swapped back), plus search,
   "did you mean", tag-filter and API queries naming the markers: a 404 looks like any 404.
3. No response to an outsider carries a marker or the space's name in its body or headers (Location too),
   except where the request itself typed it.

Members, the owner and an admin find the content by address, through search, the API and similar-question
suggestions (the positive side). A route added later is covered automatically: a path parameter this file
cannot fill fails the test, and every rule of the URL map must have been requested.

Routes covered: every rule of ``app.url_map`` (84 addresses when this was last counted), each as GET and/or
POST: /, /account/password, /admin/audit, /admin/settings, /admin/users,
/admin/users/<int:user_id>/deactivate, /admin/users/<int:user_id>/password,
/admin/users/<int:user_id>/reactivate, /admin/users/<int:user_id>/role, /answers/<int:answer_id>,
/answers/<int:answer_id>/accept, /answers/<int:answer_id>/edit, /answers/<int:answer_id>/history,
/answers/<int:answer_id>/revisions/<int:number>, /answers/<int:answer_id>/unaccept,
/answers/<int:answer_id>/vote, /api/v1/search, /api/v1/similar, /ask/visits/<token>/steps, /calls, /insights,
/insights/calls, /insights/dashboard/<chart>.csv, /insights/pages, /insights/searches, /language, /login,
/logout, /opensearch.xml, /questions/<int:question_id>, /questions/<int:question_id>/<slug>,
/questions/<int:question_id>/answers, /questions/<int:question_id>/call, /questions/<int:question_id>/claim,
/questions/<int:question_id>/close, /questions/<int:question_id>/edit, /questions/<int:question_id>/history,
/questions/<int:question_id>/move, /questions/<int:question_id>/rating, /questions/<int:question_id>/reopen,
/questions/<int:question_id>/revisions/<int:number>, /questions/<int:question_id>/unclaim,
/questions/<int:question_id>/vote, /questions/ask, /queue, /queue.csv, /search, /search/open, /spaces,
/spaces/<space_slug>, /spaces/<space_slug>/join, /spaces/<space_slug>/leave, /spaces/<space_slug>/members,
/spaces/<space_slug>/members/<int:user_id>/remove, /spaces/<space_slug>/members/<int:user_id>/role,
/spaces/<space_slug>/requests/<int:request_id>/approve, /spaces/<space_slug>/requests/<int:request_id>/reject,
/spaces/<space_slug>/review, /spaces/<space_slug>/settings, /spaces/new, /static/<path:filename>, /tags,
/tags/<name>, /unanswered, /users/<int:user_id>, /users/<int:user_id>/answers, /users/<int:user_id>/pages,
/users/<int:user_id>/questions, /wiki/, /wiki/-/review, /wiki/<path:path>, /wiki/<path:path>/-/call,
/wiki/<path:path>/-/curation, /wiki/<path:path>/-/delete, /wiki/<path:path>/-/diff, /wiki/<path:path>/-/edit,
/wiki/<path:path>/-/history, /wiki/<path:path>/-/move, /wiki/<path:path>/-/rating,
/wiki/<path:path>/-/revert/<int:number>, /wiki/<path:path>/-/reviewed,
/wiki/<path:path>/-/revisions/<int:number>, /wiki/go/<path:title>, /wiki/new; plus 19 search, API, ask-form
and wiki-form addresses naming the markers and 19 naming public words and people only. Requests (``pytest
tests/test_leaks.py -s`` prints them): 296 as anonymous and 297 as each of the employee, staff and lead
outsiders, 1,187 in the outsider matrix, about 50 more on the members' side.
"""

import difflib
import re
from urllib.parse import unquote

import pytest
from flask import url_for

from helpdesk.extensions import db
from helpdesk.forum import services as forum
from helpdesk.forum.models import Question
from helpdesk.insights import calls, ratings
from helpdesk.search.indexer import drain
from helpdesk.spaces.services import add_member, create_space
from helpdesk.utils import utcnow
from helpdesk.wiki import services as wiki

PASSWORD = "correct horse battery staple"
OUTSIDERS = ["anonymous", "outsider", "staff", "lead"]
INSIDERS = ["member", "owner", "admin"]

# What must never reach an outsider (lower case; bodies are compared lower-cased).
MARKERS = ("zqxmarker", "zqxleakspace", "zqxslug")
# Stand-ins for the markers in the "values that exist nowhere" twin of each request.
TWIN_WORDS = {"zqxmarker": "zqxabsnt", "zqxslug": "zqxnone", "zqxleakspace": "zqxspaceless"}


# ---------------------------------------------------------------------------------------------------------
# The world


@pytest.fixture
def people(make_user):
    return {
        "author": make_user(name="Public Asker"),
        "member": make_user(name="Mira Member"),
        "owner": make_user(name="Otto Owner"),
        "outsider": make_user(name="Olle Outsider"),
        "staff": make_user(role="staff", name="Stina Staff"),
        "lead": make_user(role="lead", name="Leo Lead"),
        "admin": make_user(role="admin", name="Ada Admin"),
    }


@pytest.fixture
def public(people, make_question, make_answer, make_page):
    """Public content; the member and the owner have public activity too (their profiles are visited)."""
    question = make_question(
        author=people["member"], title="VPN drops on the office network", body="It drops hourly.",
        tags=["vpn", "network"],
    )  # fmt: skip
    answer = make_answer(question=question, author=people["owner"], body="Update the vpn client.")
    forum.vote(people["author"], answer, 1)
    page = make_page(
        title="VPN setup", path="network/vpn-setup", tags=["vpn"], author=people["staff"],
        body="Install the client. See [[Payroll calendar]] and [[Zz nowhere]].",
    )  # fmt: skip
    ratings.rate(people["author"], False, page=page)  # the worst-rated pages list something before and after
    calls.log_call(people["staff"], page=page)  # and the calls per week count something
    closed = make_question(author=people["author"], title="Printer jams on floor three", tags=["printer"])
    closed.closed_at, closed.closed_by_id = utcnow(), people["staff"].id
    db.session.commit()
    return {"question": question, "answer": answer, "page": page, "closed": closed}


def add_restricted_content(people, public) -> dict:
    """The restricted space and its content, every field marked; returns the values that name it."""
    member, owner = people["member"], people["owner"]
    space = create_space("Zqxleakspace", people["admin"], restricted=True, owners=[owner])
    space.slug = "zqxslug"
    add_member(space, member, owner)
    db.session.flush()
    question = forum.ask_question(
        member, "Zqxmarkertitle vpn drops on payroll laptops", "Zqxmarkerbody: the vpn drops. [[VPN setup]]",
        ["zqxmarkertag", "vpn"], space=space,
    )  # fmt: skip
    answer = forum.answer_question(question, owner, "Zqxmarkeranswer: reinstall the vpn client.")
    # The public page was made from the hidden answer: the answer's edit below flags it for its readers only.
    public["page"].source_answer_id = answer.id
    forum.edit_question(
        question, member, question.title, "Zqxmarkerbody: the vpn drops every hour.",
        ["zqxmarkertag", "vpn"], "zqxmarkersummaryq",
    )  # fmt: skip
    forum.edit_answer(
        answer, owner, "Zqxmarkeranswer: reinstall the vpn client, then restart.", "zqxmarkersa"
    )
    forum.vote(owner, question, 1)
    forum.vote(member, answer, 1)
    forum.accept_answer(answer, member)
    page = wiki.create_page(
        owner, "Payroll calendar", "zqxmarkerpath", "Zqxmarkerpagebody: vpn first. See [[VPN setup]].",
        ["zqxmarkertag", "vpn"], summary="zqxmarkersummarycreate", space=space,
    )  # fmt: skip
    wiki.edit_page(
        page, member, title=page.title, path="", body="Zqxmarkerpagebody: vpn first, then payroll.",
        tags=["zqxmarkertag", "vpn"], summary="zqxmarkersummaryedit", base_version=page.version,
    )  # fmt: skip
    page.source_answer_id = public["answer"].id  # made from a public answer: members see the thread link it
    titled = wiki.create_page(
        member, "Zqxmarkerpagetitle", "zqxmarkernotes", "Notes about the network.", ["network"], space=space
    )
    # Ratings of the hidden thread and page: the leads' worst-rated pages must neither list nor count them.
    ratings.rate(member, False, page=page)
    ratings.rate(owner, True, question=question)
    # Calls answered with the hidden thread and page: no calls chart or list may count them for outsiders.
    calls.log_call(people["admin"], question=question)
    calls.log_call(people["admin"], page=page)
    # A public question closed as a duplicate of the restricted one (it was closed already, as if the
    # original had been deleted: outsiders must see exactly that).
    public["closed"].duplicate_of_id = question.id
    db.session.commit()
    drain()
    return {
        "space": space, "question": question, "answer": answer, "page": page, "titled": titled,
    }  # fmt: skip


def _values(question, answer, page, user, tag: str, title: str, space_slug: str) -> dict:
    """Path parameters of every route of the URL map; a parameter missing here fails the test."""
    return {
        "question_id": question.id,
        "answer_id": answer.id,
        "slug": question.slug,
        "path": page.path,
        "number": 1,
        "name": tag,
        "title": title,
        "user_id": user.id,
        "space_slug": space_slug,
        "request_id": 1,
        "filename": "css/app.css",
        "chart": "deflection",
        "token": "0" * 32,
    }


class _Nowhere:
    """Ids, paths and titles that exist nowhere: the twin of restricted content."""

    def __init__(self, id_, path="", slug="", title=""):
        self.id, self.path, self.slug, self.title = id_, path, slug, title


# ---------------------------------------------------------------------------------------------------------
# Requests


class Visitor:
    """A test client signed in as one role, counting its requests and the rules they covered."""

    def __init__(self, app, role: str, user):
        self.app, self.role, self.requests, self.rules = app, role, 0, set()
        self.client = app.test_client()
        if user is not None:
            response = self.client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert response.status_code == 302, f"{role} could not sign in"

    def send(self, method: str, url: str, rule: str | None = None):
        self.requests += 1
        if rule:
            self.rules.add(rule)
        with self.client.session_transaction() as session:
            session.pop("_flashes", None)  # each response is judged with the messages it leaves behind
        response = self.client.open(url, method=method, data={} if method == "POST" else None)
        text = response.get_data(as_text=True)
        with self.client.session_transaction() as session:
            text += "\nflashed: " + repr(session.get("_flashes", []))
        headers = "\n".join(f"{name}: {value}" for name, value in response.headers if name != "Set-Cookie")
        response.close()
        db.session.rollback()
        return response.status_code, headers, text


def _urls(app, values: dict, method: str, only_with=None):
    """(rule, url) for every rule answering ``method``, parameters from ``values``. ``only_with``: keep only
    rules using one of these parameters."""
    found = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods:
            continue
        missing = [arg for arg in rule.arguments if arg not in values]
        assert not missing, f"{rule.rule}: add a value for {missing} to _values() in tests/test_leaks.py"
        if only_with is not None and not rule.arguments & only_with:
            continue
        with app.test_request_context():
            found.append((rule.rule, url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})))
    return found


_TIME = re.compile(r"<time[^>]*>.*?</time>", re.S)
_SCORE = re.compile(r'"score":\s*-?[0-9.e+-]+')
_TOKEN = re.compile(r"[\w-]{20,}\.[\w-]{4,}\.[\w-]{10,}")
# The ask form's visit token (random per showing of the form) in its data attributes and hidden field.
_VISIT = re.compile(r'(data-ask-visit="|/ask/visits/|name="visit" type="hidden" value=")[0-9a-f]{32}')


def _normal(text: str) -> str:
    """A response body without what changes from one request to the next (times, CSRF tokens) and without
    search scores (a score moves with any document added anywhere; order and totals are compared)."""
    return _kept(_SCORE.sub('"score": 0', text))


def _same_page(before: str, after: str) -> bool:
    """Identical, search scores and suggestion lists included: scores leave restricted spaces' documents out
    (helpdesk/search/scoring_stats.py), so adding them moves no public score, order or cut-off."""
    return _kept(before) == _kept(after)


def _kept(text: str) -> str:
    return _VISIT.sub(r"\1VISIT", _TOKEN.sub("TOKEN", _TIME.sub("<time>", text)))


_RANKED = re.compile(
    r'<div class="similar-results".*?</div>|<section class="related".*?</section>|^\{"results".*\}$',
    re.S | re.M,
)
_LINKS = re.compile(r'(?:href="|"url":\s*")([^"]+)"|data-doc-id="([^"]+)"')


def _ranked_links(text: str) -> list[str]:
    """The documents of suggestion lists ("similar", "related", API results), in their order."""
    return [a or b for block in _RANKED.findall(text) for a, b in _LINKS.findall(block)]


def _diff(expected: str, seen: str) -> str:
    lines = difflib.unified_diff(_normal(expected).splitlines(), _normal(seen).splitlines(), lineterm="", n=1)
    return "\n".join(list(lines)[2:40])


def _leaks(url: str, status_headers_text) -> list[str]:
    """Markers in a response that the request itself did not type."""
    _, headers, text = status_headers_text
    typed = unquote(url).lower()
    seen = (headers + "\n" + text).lower()
    return [marker for marker in MARKERS if marker not in typed and marker in seen]


# ---------------------------------------------------------------------------------------------------------
# The tests


SEARCHES = [
    "/search?q=zqxmarkertitle",
    "/search?q=zqxmarkertitl",  # "did you mean" must not offer the hidden word
    "/search?q=zqxmarkerbody+zqxmarkeranswer",
    "/search?q=zqxleakspace",
    "/search?q=vpn&tag=zqxmarkertag",
    "/search?q=tag:zqxmarkertag",
    "/search?q=vpn+payroll",
    "/search?q=vpn&space=zqxslug",  # a filter naming a hidden space is ignored like one naming nothing
    "/api/v1/search?q=vpn&space=zqxslug",
    "/api/v1/search?q=zqxmarkertitle",
    "/api/v1/search?q=zqxmarkertitl",
    "/api/v1/search?q=vpn&tag=zqxmarkertag",
    "/api/v1/similar?title=Zqxmarkertitle+vpn+drops+on+payroll+laptops",
    "/api/v1/similar?title=vpn+drops+on+payroll+laptops&body=zqxmarkerbody",
    "/questions/ask?title=zqxmarkertitle+vpn+drops",
    "/wiki/go/Payroll calendar",
    "/wiki/new?path=spaces/zqxslug/zqxmarkernew",
    "/wiki/new?space=zqxslug",
    "/questions/ask?space=zqxslug",
]
# Public questions whose answers must not change: the same searches over public words.
PUBLIC_SEARCHES = [
    "/search?q=vpn",
    "/search?q=vpn&sort=date",
    "/search?q=vpn&tag=vpn",
    "/search?q=payroll",
    "/search?q=vpm",
    "/search?q=printer+jams",
    "/api/v1/search?q=printer",
    "/api/v1/similar?title=printer+jams+on+floor+three",
    "/api/v1/search?q=vpn",
    "/api/v1/search?q=network",
    "/api/v1/similar?title=vpn+drops+on+payroll+laptops",
    "/questions/ask?title=vpn+drops+every+hour",
    "/wiki/?sort=recent",
    "/wiki/?tag=vpn",
    "/?tab=unanswered",
]


def _twin(url: str) -> str:
    for word, stand_in in TWIN_WORDS.items():
        url = url.replace(word, stand_in)
    return url


def _swap_back(text: str, pairs: list[tuple[str, str]]) -> str:
    for twin, real in pairs:
        text = re.sub(
            re.escape(twin), lambda m, r=real: r.capitalize() if m[0][0].isupper() else r, text, flags=re.I
        )
    return text


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_cannot_tell_a_restricted_space_exists(app, people, public, role, capsys):
    visitor = Visitor(app, role, people.get(role))
    public_values = _values(
        public["question"], public["answer"], public["page"], people["member"], "vpn", "Payroll calendar",
        "public",
    )  # fmt: skip
    owner = people["owner"].id  # wrote the restricted answer and page: their profile is checked too
    extra = [f"/users/{owner}", f"/users/{owner}/answers", f"/users/{owner}/pages", "/tags/network"]
    public_gets = _urls(app, public_values, "GET") + [(None, url) for url in PUBLIC_SEARCHES + extra]
    # The leads' pages count this visitor's own searches too: read them after the searches in both passes (a
    # visit repeating a query is not logged again), so that only the restricted content could change them.
    public_gets.sort(key=lambda rule_url: rule_url[1].startswith("/insights"))

    before = {url: visitor.send("GET", url, rule) for rule, url in public_gets}
    hidden = add_restricted_content(people, public)

    # 1. Everything built from public content looks the same as before the restricted space existed.
    for rule, url in public_gets:
        after = visitor.send("GET", url, rule)
        assert not _leaks(url, after), f"GET {url} as {role} shows {_leaks(url, after)}"
        assert after[0] == before[url][0], f"GET {url} as {role}: {before[url][0]} -> {after[0]}"
        assert _same_page(before[url][2], after[2]), f"GET {url} as {role} changed: " + _diff(
            before[url][2], after[2]
        )

    # 2. Addresses of restricted content answer as addresses of nothing.
    real = _values(
        hidden["question"], hidden["answer"], hidden["page"], people["member"], "zqxmarkertag",
        "Zqxmarkerpagetitle", "zqxslug",
    )  # fmt: skip
    nowhere_question = _Nowhere(999_991, slug=_twin(hidden["question"].slug))
    twin = _values(
        nowhere_question, _Nowhere(999_992), _Nowhere(0, path=_twin(hidden["page"].path)), people["member"],
        "zqxabsnttag", "Zqxabsntpagetitle", "zqxnone",
    )  # fmt: skip
    back = [
        ("999991", str(hidden["question"].id)),
        ("999992", str(hidden["answer"].id)),
        *((stand_in, word) for word, stand_in in TWIN_WORDS.items()),
    ]
    secret = {"question_id", "answer_id", "slug", "path", "name", "title", "space_slug"}
    pairs = []
    for method in ("GET", "POST"):
        real_urls = _urls(app, real, method, only_with=secret)
        twin_urls = dict(_urls(app, twin, method, only_with=secret))
        pairs += [(method, rule, url, twin_urls[rule]) for rule, url in real_urls]
    pairs += [("GET", None, url, _twin(url)) for url in SEARCHES]
    for method, rule, url, twin_url in pairs:
        if url == "/logout":
            continue
        seen, expected = visitor.send(method, url, rule), visitor.send(method, twin_url)
        assert not _leaks(url, seen), f"{method} {url} as {role} shows {_leaks(url, seen)}"
        assert seen[0] == expected[0], f"{method} {url} as {role}: {seen[0]}, nowhere {expected[0]}"
        location = re.search(r"^Location: (.*)$", seen[1], re.M)
        expected_location = re.search(r"^Location: (.*)$", expected[1], re.M)
        assert _swap_back(expected_location.group(1) if expected_location else "", back) == (
            location.group(1) if location else ""
        ), f"{method} {url} as {role} redirects elsewhere than for nothing"
        assert _normal(seen[2]) == _normal(_swap_back(expected[2], back)), (
            f"{method} {url} as {role} differs from nowhere: " + _diff(_swap_back(expected[2], back), seen[2])
        )

    # POST routes without a secret parameter, with empty input (public values; /logout last would sign out).
    for rule, url in _urls(app, public_values, "POST"):
        if rule in visitor.rules or url == "/logout" or set(_rule(app, rule).arguments) & secret:
            continue
        response = visitor.send("POST", url, rule)
        assert not _leaks(url, response), f"POST {url} as {role} shows {_leaks(url, response)}"
    if role != "anonymous":  # last: it signs out
        response = visitor.send("POST", "/logout", "/logout")
        assert not _leaks("/logout", response)
    else:
        visitor.rules.add("/logout")  # nothing to sign out of

    every_rule = {rule.rule for rule in app.url_map.iter_rules()}
    assert every_rule <= visitor.rules, f"not requested: {sorted(every_rule - visitor.rules)}"
    with capsys.disabled():
        print(f"\nleak test as {role}: {visitor.requests} requests over {len(visitor.rules)} routes")


def _rule(app, rule_text: str):
    return next(rule for rule in app.url_map.iter_rules() if rule.rule == rule_text)


@pytest.mark.parametrize("role", INSIDERS)
def test_members_and_admins_find_the_restricted_content(app, people, public, role):
    hidden = add_restricted_content(people, public)
    visitor = Visitor(app, role, people[role])
    question, page = hidden["question"], hidden["page"]

    status, _, text = visitor.send("GET", f"/questions/{question.id}")
    assert status == 200 and "zqxmarkeranswer" in text.lower() and "Zqxleakspace" in text
    status, _, text = visitor.send("GET", f"/wiki/{page.path}")
    assert status == 200 and "zqxmarkerpagebody" in text.lower()
    assert f'href="/wiki/{public["page"].path}"' in text  # its link to a public page resolves
    assert visitor.send("GET", f"/wiki/{page.path}/-/history")[2].count("zqxmarkersummary") == 2

    status, _, text = visitor.send("GET", "/search?q=zqxmarkertitle")
    assert status == 200 and f'data-doc-id="question:{question.id}"' in text
    assert '<span class="badge badge-space" title="Space">Zqxleakspace</span>' in text
    status, _, body = visitor.send("GET", "/api/v1/search?q=zqxmarkertitle")
    assert '"space":"Zqxleakspace"' in body.replace(" ", "")
    status, _, text = visitor.send("GET", "/search?q=zqxmarkerpagebody")
    assert f'data-doc-id="page:{page.id}"' in text
    status, _, body = visitor.send("GET", "/api/v1/similar?title=Zqxmarkertitle+vpn+drops+on+payroll+laptops")
    assert status == 200 and f'"id":{question.id}' in body.replace(" ", "")
    status, _, text = visitor.send("GET", "/tags")
    assert "zqxmarkertag" in text
    # The space facet names it, and filters by it.
    _, _, text = visitor.send("GET", "/search?q=vpn")
    facet = r'<a href="/search\?q=vpn&amp;space=zqxslug">Zqxleakspace <span class="count">2</span>'
    assert re.search(facet, text)
    _, _, text = visitor.send("GET", "/search?q=vpn&space=zqxslug")
    assert "Space: Zqxleakspace" in text and 'data-doc-id="page:' in text
    assert set(re.findall(r'data-doc-id="([^"]+)"', text)) == {f"question:{question.id}", f"page:{page.id}"}

    # The public question closed as its duplicate names it to those who may see it.
    status, _, text = visitor.send("GET", f"/questions/{public['closed'].id}")
    assert "Zqxmarkertitle" in text
    # The public thread whose answer the hidden page was made from links to it, for those who may see it.
    status, _, text = visitor.send("GET", f"/questions/{public['question'].id}")
    assert f'href="/wiki/{page.path}">Payroll calendar</a>' in text


def test_a_public_page_never_links_into_a_restricted_space(app, people, public):
    """[[Payroll calendar]] on a public page stays a link to a missing page, for members too."""
    add_restricted_content(people, public)
    visitor = Visitor(app, "member", people["member"])
    _, _, text = visitor.send("GET", f"/wiki/{public['page'].path}")
    body = re.search(r'<div class="markdown"[^>]*>(.*?)</div>', text, re.S).group(1)
    assert 'href="/wiki/go/Payroll%20calendar"' in body and "spaces/zqxslug" not in body


def test_staff_outside_a_space_cannot_post_into_it(app, people, public):
    hidden = add_restricted_content(people, public)
    visitor = Visitor(app, "staff", people["staff"])
    data = {"title": "Sneaky", "body": "Text.", "lang": "en", "space": "zqxslug", "tags": ""}
    assert visitor.client.post("/wiki/new", data=data).status_code == 400
    assert visitor.client.post("/questions/ask", data=data).status_code == 400
    assert db.session.query(Question).filter_by(title="Sneaky").count() == 0
    assert hidden["space"].slug == "zqxslug"


def test_hidden_documents_do_not_move_public_suggestions(app, people, public):
    """Hidden documents sharing words with public ones leave the public suggestions, their order and scores
    as they were (scores never count restricted spaces' documents)."""
    visitor = Visitor(app, "outsider", people["outsider"])
    urls = ["/questions/ask?title=vpn+drops+every+hour", "/api/v1/similar?title=vpn+drops+every+hour",
            "/api/v1/search?q=vpn+client", "/search?q=vpn+network"]  # fmt: skip
    before = [visitor.send("GET", url)[2] for url in urls]
    assert _ranked_links(before[0])
    add_restricted_content(people, public)
    after = [visitor.send("GET", url)[2] for url in urls]
    assert [_ranked_links(text) for text in after] == [_ranked_links(text) for text in before]
    assert [_kept(text) for text in after] == [_kept(text) for text in before]
