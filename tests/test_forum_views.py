"""The forum over HTTP: lists, asking, a thread, buttons (forms and JSON), editing, history, tags, access."""

import re

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.forum import services
from helpdesk.forum.models import Answer, Question

JSON = {"Accept": "application/json"}


def text(response) -> str:
    return response.get_data(as_text=True)


def without_token(html: str) -> str:
    """A page without its CSRF tokens: they carry the second they were made in, so two requests may differ."""
    return re.sub(r'(csrf-token" content|name="csrf_token" value)="[^"]*"', "", html)


def titles_in(html: str) -> list[str]:
    """Question titles in the order a list shows them."""
    return re.findall(r'<h[23]><a href="/questions/\d+[^"]*" lang="\w+">([^<]+)</a>', html)


# ---------------------------------------------------------------------------------------------------------
# Lists


def test_front_page_lists_newest_questions_with_their_facts(client, make_user, make_question, make_answer):
    asker = make_user(name="Astrid Asker")
    older = make_question(author=asker, title="Printer on floor 3 is offline", tags=["printer"])
    newer = make_question(title="VPN drops every hour", tags=["vpn"])
    answer = make_answer(question=older)
    services.accept_answer(answer, asker)
    services.vote(make_user(), older, 1)
    db.session.commit()

    html = text(client.get("/"))
    assert titles_in(html) == [newer.title, older.title]
    assert 'href="/questions/ask"' in html and "Ask a question" in html
    row = html[html.index(older.title) - 900 :]
    assert "1 vote" in row and "1 answer" in row and "Solved" in row
    assert "Astrid Asker" in html and 'href="/tags/printer"' in html and "ago" in html


def test_unanswered_tab_shows_only_questions_without_answers(client, make_question, make_answer):
    lonely = make_question(title="Nobody knows this one")
    answered = make_question(title="This one has an answer")
    make_answer(question=answered)

    for url in ("/unanswered", "/?tab=unanswered"):
        html = text(client.get(url))
        assert titles_in(html) == [lonely.title]
        assert 'aria-current="page">Unanswered' in html


def test_lists_are_paginated(app, client, make_question):
    app.config["ITEMS_PER_PAGE"] = 2
    first, second, third = (make_question(title=f"Question number {n}") for n in (1, 2, 3))

    page_one = text(client.get("/"))
    assert titles_in(page_one) == [third.title, second.title]
    assert "Page 1 of 2" in page_one and 'rel="next"' in page_one
    page_two = text(client.get("/?page=2"))
    assert titles_in(page_two) == [first.title]
    for nonsense in ("3", "0", "-1", "abc", "9" * 30, "²"):
        assert client.get(f"/?page={nonsense}").status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Asking


def test_asking_needs_an_account(client):
    response = client.get("/questions/ask")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_ask_form_round_trip(client, login, make_user):
    login(make_user(name="Nils Nilsson"))
    form = text(client.get("/questions/ask"))
    assert 'name="title"' in form and 'name="tags"' in form and "Markdown" in form

    response = client.post(
        "/questions/ask",
        data={
            "title": "Teams crashes on start",
            "body": "Since the **update**.",
            "tags": "Teams, Windows",
            "lang": "en",
        },
    )
    question = db.session.scalar(select(Question))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/questions/{question.id}/teams-crashes-on-start"
    )
    page = text(client.get(response.headers["Location"]))
    assert '<h1 id="question-title">Teams crashes on start</h1>' in page
    assert "<strong>update</strong>" in page and 'href="/tags/teams"' in page and "Nils Nilsson" in page
    assert "Your question is posted" in page


def test_a_refused_question_comes_back_with_everything_typed(client, login, make_user):
    login(make_user())
    body = "Line one\n<b>kept</b> & typed"
    response = client.post(
        "/questions/ask", data={"title": "  ", "body": body, "tags": "vpn, mfa", "lang": "sv"}
    )

    assert response.status_code == 400
    html = text(response)
    assert "A title is required" in html
    assert "Line one\n&lt;b&gt;kept&lt;/b&gt; &amp; typed</textarea>" in html
    assert 'value="vpn, mfa"' in html and '<option selected value="sv">' in html
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def test_a_thousand_character_title_gets_a_message_not_a_500(client, login, make_user):
    login(make_user())
    response = client.post(
        "/questions/ask", data={"title": "é" * 1000, "body": "Body", "tags": "", "lang": "en"}
    )
    assert response.status_code == 400
    assert "at most 200 characters long (this one has 1000)" in text(response)


def test_the_ask_form_can_come_prefilled(client, login, make_user):
    login(make_user())
    html = text(client.get("/questions/ask?title=Printer+jams&tags=printer"))
    assert 'value="Printer jams"' in html and 'value="printer"' in html


def test_the_language_defaults_to_the_interface_language(client, login, make_user):
    login(make_user())
    html = text(client.get("/questions/ask", headers={"Accept-Language": "sv-SE,sv;q=0.9"}))
    assert '<option selected value="sv">Svenska</option>' in html


def test_a_title_is_shown_as_text_never_as_html(client, make_question):
    question = make_question(title="<script>alert(1)</script> in title", body="<img src=x onerror=alert(1)>")
    html = text(client.get(f"/questions/{question.id}"))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; in title" in html
    assert "onerror" not in html


# ---------------------------------------------------------------------------------------------------------
# A thread


def test_thread_shows_the_accepted_answer_first_then_by_votes(client, make_user, make_question, make_answer):
    asker = make_user()
    question = make_question(author=asker)
    plain = make_answer(question=question, body="Plain answer")
    popular = make_answer(question=question, body="Popular answer")
    accepted = make_answer(question=question, body="Accepted answer text")
    services.vote(make_user(), popular, 1)
    services.accept_answer(accepted, asker)
    db.session.commit()

    html = text(client.get(f"/questions/{question.id}"))
    positions = [html.index(f'id="answer-{a.id}"') for a in (accepted, popular, plain)]
    assert positions == sorted(positions)
    assert "3 answers" in html and "Accepted answer</span>" in html


def test_an_unknown_question_is_a_404(client):
    assert client.get("/questions/999").status_code == 404
    assert client.get("/answers/999/history").status_code == 404


def test_the_slug_is_optional(client, make_question):
    question = make_question(title="Wi-Fi in Malmö")
    assert client.get(f"/questions/{question.id}").status_code == 200
    assert client.get(f"/questions/{question.id}/anything-at-all").status_code == 200
    assert question.slug == "wi-fi-in-malmö"


def test_answering_over_http_and_a_refused_answer_keeps_its_text(client, login, make_user, make_question):
    question = make_question()
    login(make_user())

    refused = client.post(f"/questions/{question.id}/answers", data={"body": "   "})
    assert refused.status_code == 400 and "An answer cannot be empty" in text(refused)

    response = client.post(f"/questions/{question.id}/answers", data={"body": "Use the *other* printer."})
    answer = db.session.scalar(select(Answer))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#answer-{answer.id}")
    assert "<em>other</em>" in text(client.get(f"/questions/{question.id}"))
    assert db.session.get(Question, question.id).answer_count == 1


def test_anonymous_visitors_are_asked_to_sign_in_to_answer(client, make_question):
    question = make_question()
    html = text(client.get(f"/questions/{question.id}"))
    assert "to answer this question" in html and 'name="body"' not in html
    response = client.post(f"/questions/{question.id}/answers", data={"body": "Hi"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---------------------------------------------------------------------------------------------------------
# Votes


def test_vote_buttons_post_and_show_the_readers_vote(client, login, make_user, make_question):
    question = make_question()
    login(make_user())

    response = client.post(f"/questions/{question.id}/vote", data={"value": "up"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#question")
    html = text(client.get(response.headers["Location"]))
    assert "your vote is counted" in html
    assert re.search(r'value="up" aria-pressed="true"', html)
    assert re.search(r'value="down" aria-pressed="false"', html)
    assert "<span data-score>1</span>" in html


def test_votes_answer_json_for_scripts(client, login, make_user, make_answer):
    answer = make_answer()
    login(make_user())
    url = f"/answers/{answer.id}/vote"

    assert client.post(url, data={"value": "up"}, headers=JSON).json == {"score": 1, "vote": "up"}
    again = client.post(url, data={"value": "up"}, headers=JSON)
    assert again.status_code == 409 and again.json["error"] == "You have already voted this up."
    assert client.post(url, data={"value": "down"}, headers=JSON).json["score"] == -1
    bad = client.post(url, data={"value": "sideways"}, headers=JSON)
    assert bad.status_code == 400 and "up or down" in bad.json["error"]
    assert client.post(url, json={"value": "up"}).json["score"] == 1


def test_voting_on_your_own_post_is_refused(client, login, make_answer):
    answer = make_answer()
    login(answer.author)

    refused = client.post(f"/answers/{answer.id}/vote", data={"value": "up"}, headers=JSON)
    assert refused.status_code == 403 and refused.json["error"] == "You cannot vote on your own post"
    as_form = client.post(f"/answers/{answer.id}/vote", data={"value": "up"}, follow_redirects=True)
    assert "You cannot vote on your own post" in text(as_form)
    assert db.session.get(Answer, answer.id).score == 0


def test_anonymous_votes_sign_in_first(client, make_question):
    question = make_question()
    assert (
        client.post(f"/questions/{question.id}/vote", data={"value": "up"}, headers=JSON).status_code == 401
    )
    response = client.post(f"/questions/{question.id}/vote", data={"value": "up"})
    assert response.status_code == 302
    assert f"/login?next=/questions/{question.id}/" in response.headers["Location"]


# ---------------------------------------------------------------------------------------------------------
# Accepting, closing, reopening


def test_accept_answers_json_and_moves_the_mark(client, login, make_user, make_question, make_answer):
    asker = make_user()
    question = make_question(author=asker)
    first, second = make_answer(question=question), make_answer(question=question)
    login(asker)

    assert client.post(f"/answers/{first.id}/accept", headers=JSON).json == {
        "accepted": True,
        "answer_id": first.id,
    }
    assert client.post(f"/answers/{second.id}/accept", headers=JSON).status_code == 200
    db.session.expire_all()
    assert (first.is_accepted, second.is_accepted, question.is_solved) == (False, True, True)
    assert client.post(f"/answers/{second.id}/unaccept", headers=JSON).json["accepted"] is False
    assert client.post("/answers/999/accept", headers=JSON).status_code == 404


def test_accept_refuses_other_people_with_a_json_error(client, login, make_user, make_answer):
    answer = make_answer()
    login(make_user())
    response = client.post(f"/answers/{answer.id}/accept", headers=JSON)
    assert response.status_code == 403 and response.json["error"]
    anonymous = client.application.test_client().post(f"/answers/{answer.id}/accept", headers=JSON)
    assert anonymous.status_code == 401 and "sign in" in anonymous.json["error"]


def test_staff_close_by_address_and_the_thread_says_so(client, login, make_user, make_question):
    original = make_question(title="How do I reset my PIN?")
    question = make_question(title="PIN reset?")
    login(make_user(role="staff"))

    response = client.post(
        f"/questions/{question.id}/close",
        data={"original": f"http://helpdesk.test/questions/{original.id}/how-do-i"},
    )
    assert response.status_code == 302
    html = text(client.get(f"/questions/{question.id}"))
    link = f'<a href="/questions/{original.id}/how-do-i-reset-my-pin">How do I reset my PIN?</a>'
    assert f"Closed as a duplicate of {link}" in html
    assert "takes no new answers" in html and 'name="body"' not in html
    assert "PIN reset?" in text(client.get(f"/questions/{original.id}"))  # listed as a duplicate of it

    assert client.post(f"/questions/{question.id}/reopen").status_code == 302
    assert db.session.get(Question, question.id).duplicate_of_id is None


@pytest.mark.parametrize(
    ("original", "status", "message"),
    [
        ("not a number", 400, "Give the number or the address of the original question"),
        ("999999", 404, "There is no such question"),
        ("SELF", 400, "cannot be a duplicate of itself"),
    ],
)
def test_a_refused_close_keeps_what_was_typed(
    client, login, make_user, make_question, original, status, message
):
    question = make_question()
    original = str(question.id) if original == "SELF" else original
    login(make_user(role="staff"))

    response = client.post(f"/questions/{question.id}/close", data={"original": original})
    assert response.status_code == status
    assert message in text(response) and f'value="{original}"' in text(response)
    as_json = client.post(f"/questions/{question.id}/close", data={"original": original}, headers=JSON)
    assert as_json.status_code == status and message in as_json.json["error"]


# ---------------------------------------------------------------------------------------------------------
# Editing and history


def test_edit_then_history_lists_both_versions(client, login, make_user, make_question):
    author = make_user(name="Maja Author")
    question = make_question(
        author=author, title="Excel freezes", body="When I open big files.", tags=["excel"]
    )
    login(author)

    form = text(client.get(f"/questions/{question.id}/edit"))
    assert 'value="Excel freezes"' in form and "When I open big files.</textarea>" in form
    assert 'name="base_revision" type="hidden" value="1"' in form
    response = client.post(
        f"/questions/{question.id}/edit",
        data={"title": "Excel freezes on big files", "body": "Files over 50 MB.", "tags": "excel",
              "lang": "en", "summary": "Say how big", "base_revision": "1"},
    )  # fmt: skip
    assert response.status_code == 302

    history = text(client.get(f"/questions/{question.id}/history"))
    assert "Version 2" in history and "Version 1" in history and "Say how big" in history
    assert "Maja Author" in history and "As first written" in history
    old = text(client.get(f"/questions/{question.id}/revisions/1"))
    assert "When I open big files." in old and "Excel freezes" in old
    diff = text(client.get(f"/questions/{question.id}/revisions/2"))
    assert "Changes from version 1" in diff and "Files over 50 MB." in diff
    assert "Before: Excel freezes" in diff
    assert client.get(f"/questions/{question.id}/revisions/3").status_code == 404


def test_answer_edit_and_its_history(client, login, make_answer):
    answer = make_answer(body="Old advice")
    login(answer.author)
    refused = client.post(f"/answers/{answer.id}/edit", data={"body": "", "summary": ""})
    assert refused.status_code == 400 and "An answer cannot be empty" in text(refused)
    assert (
        client.post(
            f"/answers/{answer.id}/edit", data={"body": "New advice", "summary": "Updated"}
        ).status_code
        == 302
    )

    history = text(client.get(f"/answers/{answer.id}/history"))
    assert "Version 2" in history and "Updated" in history
    assert "Old advice" in text(client.get(f"/answers/{answer.id}/revisions/1"))


def test_an_edit_over_someone_elses_newer_version_is_a_conflict(client, login, make_user, make_question):
    question = make_question(title="Monitor flickers")
    services.edit_question(
        question, make_user(role="staff"), "Monitor flickers at 60 Hz", question.body, ["general"]
    )
    db.session.commit()
    login(question.author)

    response = client.post(
        f"/questions/{question.id}/edit",
        data={"title": "Monitor flickers (Dell)", "body": "My own words", "tags": "general", "lang": "en",
              "base_revision": "1"},
    )  # fmt: skip
    assert response.status_code == 409
    html = text(response)
    assert "Someone else saved a new version" in html and "My own words</textarea>" in html
    assert 'name="base_revision" type="hidden" value="2"' in html
    assert db.session.get(Question, question.id).title == "Monitor flickers at 60 Hz"


# ---------------------------------------------------------------------------------------------------------
# Tags


def test_tag_page_lists_its_questions_and_wiki_pages(client, make_question, make_page):
    vpn = make_question(title="VPN on the train", tags=["vpn"])
    make_question(title="Printer jam", tags=["printer"])
    page = make_page(title="Setting up the VPN", path="network/vpn", tags=["vpn"])

    html = text(client.get("/tags/vpn"))
    assert titles_in(html) == [vpn.title]
    assert f'href="/wiki/{page.path}"' in html and "Setting up the VPN" in html
    assert client.get("/tags/VPN").headers["Location"].endswith("/tags/vpn")
    assert client.get("/tags/no-such-tag").status_code == 404


def test_tags_page_counts_questions_and_pages(client, make_question, make_page):
    make_question(tags=["vpn"])
    make_question(tags=["vpn", "mfa"])
    make_page(tags=["mfa"])

    html = text(client.get("/tags"))
    assert re.search(r'/tags/vpn">vpn</a></td>\s*<td>2</td>\s*<td>0</td>', html)
    assert re.search(r'/tags/mfa">mfa</a></td>\s*<td>1</td>\s*<td>1</td>', html)


# ---------------------------------------------------------------------------------------------------------
# Who may do what


@pytest.fixture
def thread(make_user, make_question, make_answer):
    """A question by an employee with one answer, another question to close it against, and the people."""
    people = {
        "author": make_user(),
        "other employee": make_user(),
        "staff": make_user(role="staff"),
        "admin": make_user(role="admin"),
    }
    question = make_question(author=people["author"])
    return {
        "people": people,
        "question": question,
        "answer": make_answer(question=question),
        "original": make_question(),
    }


ALLOWED = {
    "edit": {"author", "staff", "admin"},
    "accept": {"author", "staff", "admin"},
    "close": {"staff", "admin"},
}


def _request(client, action: str, thread):
    question, answer = thread["question"], thread["answer"]
    if action == "edit":
        return client.get(f"/questions/{question.id}/edit")
    if action == "accept":
        return client.post(f"/answers/{answer.id}/accept")
    return client.post(f"/questions/{question.id}/close", data={"original": str(thread["original"].id)})


@pytest.mark.parametrize("action", ["edit", "accept", "close"])
@pytest.mark.parametrize("role", ["anonymous", "author", "other employee", "staff", "admin"])
def test_access(client, login, thread, role, action):
    if role != "anonymous":
        login(thread["people"][role])

    response = _request(client, action, thread)

    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role in ALLOWED[action]:
        assert response.status_code == (200 if action == "edit" else 302)
    else:
        assert response.status_code == 403
    db.session.expire_all()
    allowed = role in ALLOWED[action]
    if action == "accept":
        assert thread["answer"].is_accepted is allowed
    if action == "close":
        assert thread["question"].is_closed is allowed


# ---------------------------------------------------------------------------------------------------------
# Restricted spaces


@pytest.fixture
def locked(make_user):
    """A restricted space with one member; its question (with an answer) and the member."""
    from helpdesk.spaces.services import add_member, create_space

    owner, member = make_user(name="Owner"), make_user(name="Member")
    space = create_space("Payroll team", None, restricted=True, owners=[owner])
    add_member(space, member, owner)
    question = services.ask_question(member, "Salary file for Acme", "Where is the Acme file?", ["payroll"],
                                     space=space)  # fmt: skip
    answer = services.answer_question(question, owner, "In the payroll share.")
    db.session.commit()
    return {"space": space, "owner": owner, "member": member, "question": question, "answer": answer}


def _thread_urls(question_id: int, answer_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", f"/questions/{question_id}"),
        ("GET", f"/questions/{question_id}/history"),
        ("GET", f"/questions/{question_id}/revisions/1"),
        ("GET", f"/questions/{question_id}/edit"),
        ("GET", f"/answers/{answer_id}"),
        ("GET", f"/answers/{answer_id}/history"),
        ("GET", f"/answers/{answer_id}/edit"),
        ("POST", f"/questions/{question_id}/vote"),
        ("POST", f"/questions/{question_id}/answers"),
        ("POST", f"/questions/{question_id}/close"),
        ("POST", f"/answers/{answer_id}/vote"),
        ("POST", f"/answers/{answer_id}/accept"),
    ]


@pytest.mark.parametrize("role", ["employee", "staff"])
def test_a_restricted_thread_is_404_to_outsiders_like_a_missing_one(client, login, make_user, locked, role):
    login(make_user(role=role))
    client.get("/")  # shows the welcome message, so it does not come up in a page compared below
    hidden = _thread_urls(locked["question"].id, locked["answer"].id)
    missing = _thread_urls(999_998, 999_999)
    data = {"value": "up", "body": "Hello there", "original": "1"}
    for (method, url), (_, nowhere) in zip(hidden, missing, strict=True):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, f"{method} {url}"
        expected = without_token(text(client.open(nowhere, method=method, data=data))).replace(
            nowhere, "ADDRESS"
        )
        assert without_token(text(response)).replace(url, "ADDRESS") == expected, url
        assert "Acme" not in text(response)
    # JSON callers (the vote buttons' script) get the same answer as for nothing.
    response = client.post(f"/answers/{locked['answer'].id}/vote", json={"value": "up"}, headers=JSON)
    assert response.status_code == 404 and "Acme" not in text(response)


def test_members_read_and_answer_in_their_restricted_space(client, login, locked):
    login(locked["member"])
    html = text(client.get(f"/questions/{locked['question'].id}"))
    assert "Salary file for Acme" in html
    assert '<span class="badge badge-space" title="Space">Payroll team</span>' in html
    response = client.post(f"/answers/{locked['answer'].id}/vote", data={"value": "up"})
    assert response.status_code == 302
    assert db.session.get(Answer, locked["answer"].id).score == 1


def test_lists_and_tags_leave_out_what_the_reader_may_not_see(
    client, login, make_user, make_question, locked
):
    make_question(title="Printer on floor 3 is offline", tags=["printer", "payroll"])
    login(make_user())
    assert titles_in(text(client.get("/"))) == ["Printer on floor 3 is offline"]
    tags = text(client.get("/tags"))
    assert 'href="/tags/payroll"' in tags and "Salary" not in tags
    assert re.search(r'href="/tags/payroll">payroll</a></td>\s*<td>1</td>\s*<td>0</td>', tags)
    assert "Acme" not in text(client.get("/tags/payroll"))
    client.post("/logout")
    login(locked["member"])
    assert titles_in(text(client.get("/"))) == ["Printer on floor 3 is offline", "Salary file for Acme"]


def test_closing_as_a_duplicate_of_a_hidden_question_answers_like_a_missing_one(
    client, login, make_user, make_question, locked
):
    question = make_question(title="Where do payslips live?")
    login(make_user(role="staff"))
    client.get("/")
    hidden = client.post(f"/questions/{question.id}/close", data={"original": str(locked["question"].id)})
    missing = client.post(f"/questions/{question.id}/close", data={"original": "999999"})
    assert hidden.status_code == missing.status_code == 404
    assert "Acme" not in text(hidden)
    typed = f'value="{locked["question"].id}"'
    assert without_token(text(hidden)).replace(typed, "") == without_token(text(missing)).replace(
        'value="999999"', ""
    )
    assert db.session.get(Question, question.id).duplicate_of_id is None


def test_a_public_duplicate_does_not_name_a_hidden_original(client, login, make_user, make_question, locked):
    question = make_question(title="Where do payslips live?")
    services.close_as_duplicate(question, locked["question"], make_user(role="admin"))
    db.session.commit()
    login(make_user())
    html = text(client.get(f"/questions/{question.id}"))
    assert "This question is closed." in html and "Acme" not in html
    client.post("/logout")
    login(locked["member"])
    assert "Salary file for Acme" in text(client.get(f"/questions/{question.id}"))


def test_the_ask_form_posts_into_a_chosen_visible_space(client, login, make_user, locked):
    login(locked["member"])
    form = text(client.get("/questions/ask?space=" + locked["space"].slug))
    assert f'<option selected value="{locked["space"].slug}">Payroll team</option>' in form
    response = client.post(
        "/questions/ask",
        data={"title": "Bonus file for Acme", "body": "Where?", "tags": "", "lang": "en",
              "space": locked["space"].slug},
    )  # fmt: skip
    assert response.status_code == 302
    asked = db.session.scalar(select(Question).where(Question.title == "Bonus file for Acme"))
    assert asked.space_id == locked["space"].id
    client.post("/logout")
    login(make_user())
    form = text(client.get("/questions/ask?space=" + locked["space"].slug))
    assert "Payroll team" not in form
    refused = client.post(
        "/questions/ask",
        data={"title": "Sneaky", "body": "Text", "tags": "", "lang": "en", "space": locked["space"].slug},
    )
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count()).where(Question.title == "Sneaky")) == 0
