"""Numbers no row can have (beyond PostgreSQL's ``integer``, or beyond SQLite's 64 bits) in addresses, forms,
document ids and the ask form's steps answer like a missing thing: 404, or a clear message - never a 500."""

import pytest

from helpdesk.extensions import db
from helpdesk.insights import funnel
from helpdesk.insights.models import AskVisit
from helpdesk.search.documents import parse_doc_id

PASSWORD = "correct horse battery staple"
TOO_BIG = ("2147483648", "99999999999", "99999999999999999999")


def sign_in(client, user):
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("number", TOO_BIG)
def test_thread_actions_on_a_number_no_thread_can_have_answer_404(client, make_user, number):
    sign_in(client, make_user(role="staff"))
    assert client.get(f"/questions/{number}").status_code == 404
    assert client.post(f"/questions/{number}/rating", data={"helpful": "yes"}).status_code == 404
    assert client.post(f"/questions/{number}/call").status_code == 404
    assert client.get(f"/answers/{number}/edit").status_code == 404


@pytest.mark.parametrize("number", TOO_BIG)
def test_a_page_from_an_answer_no_answer_can_be_answers_404(client, make_user, number):
    sign_in(client, make_user(role="staff"))
    assert client.get(f"/wiki/new?answer={number}").status_code == 404


@pytest.mark.parametrize("number", TOO_BIG)
def test_an_owner_no_person_can_be_is_refused_with_a_message(client, make_user, make_page, number):
    staff = make_user(role="staff")
    page = make_page(author=staff)
    sign_in(client, staff)
    response = client.post(f"/wiki/{page.path}/-/curation", data={"owner": number, "review_by": "2027-01-31"})
    assert response.status_code == 400
    assert "Choose one of the people in the list." in response.get_data(as_text=True)


@pytest.mark.parametrize("number", TOO_BIG)
def test_closing_against_a_number_no_question_can_have_says_what_to_give(
    client, make_user, make_question, number
):
    question = make_question()
    sign_in(client, make_user(role="staff"))
    response = client.post(f"/questions/{question.id}/close", data={"original": f"#{number}"})
    assert response.status_code == 400
    assert "Give the number or the address of the original question" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", TOO_BIG)
def test_opening_a_search_result_no_row_can_be_answers_404(client, make_user, number):
    sign_in(client, make_user())
    assert client.get(f"/search/open?doc=question:{number}&rank=1&q=x").status_code == 404


@pytest.mark.parametrize("number", TOO_BIG)
def test_an_ask_step_naming_a_document_no_row_can_be_keeps_no_document(app, number):
    visit = funnel.start_visit("k" * 64)
    funnel.record_step(visit.token, "k" * 64, "opened", doc=f"question:{number}")
    db.session.commit()
    assert db.session.get(AskVisit, visit.id).opened_doc is None


def test_document_ids_are_read_in_one_way():
    assert parse_doc_id("question:12") == ("question", 12)
    assert parse_doc_id("page:3") == ("page", 3)
    odd_ids = ("question:012", "question:0", "page:-1", "page:１２", "q:12", "question:", "page:2147483648")
    for odd in (*odd_ids, None):
        assert parse_doc_id(odd) is None
