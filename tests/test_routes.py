"""Every route the app has, visited by every kind of visitor: never a server error.

Routes are read from the URL map, so a route added later is covered without touching this file; a route with a
path parameter this file cannot fill makes the test fail and say which.
"""

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from helpdesk.extensions import db
from helpdesk.spaces.services import create_space, request_to_join

PASSWORD = "correct horse battery staple"

ROLES = ["anonymous", "employee", "staff", "lead", "admin"]


@pytest.fixture
def seeded(make_user, make_question, make_answer, make_page):
    asker = make_user(name="Asker")
    question = make_question(author=asker, tags=["vpn"])
    answer = make_answer(question=question)
    page = make_page(title="VPN setup", path="network/vpn-setup", body="Connect with [[Missing page]].")
    space = create_space(
        "Payroll team", None, restricted=True, member_cap=5, owners=[make_user(name="Owner")]
    )
    join_request = request_to_join(space, make_user(name="Applicant"), "Please")
    db.session.commit()
    return {
        "question_id": question.id,
        "answer_id": answer.id,
        "user_id": asker.id,
        "path": page.path,
        "number": 1,
        "name": "vpn",
        "title": page.title,
        "filename": "css/app.css",
        "chart": "deflection",
        "slug": question.slug,
        "space_slug": space.slug,
        "request_id": join_request.id,
        "token": "0" * 32,
    }


def _urls(app, values, method):
    """(rule, url) for every rule answering ``method``, with its parameters filled from ``values``."""
    found = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods:
            continue
        missing = [arg for arg in rule.arguments if arg not in values]
        assert not missing, f"{rule.rule}: add a value for {missing} to the seeded fixture"
        with app.test_request_context():
            found.append((rule.rule, url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})))
    return found


def _client_as(app, role, make_user):
    client = app.test_client()
    if role != "anonymous":
        user = make_user(role=role)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_without_a_server_error(app, seeded, make_user, role):
    client = _client_as(app, role, make_user)
    for rule, url in _urls(app, seeded, "GET"):
        response = client.get(url)
        response.close()
        assert response.status_code < 500, f"GET {url} ({rule}) as {role}: {response.status_code}"
        db.session.rollback()


@pytest.mark.parametrize("role", ROLES)
def test_every_action_refuses_empty_input_without_a_server_error(app, seeded, make_user, role):
    client = _client_as(app, role, make_user)
    for rule, url in _urls(app, seeded, "POST"):
        if url == "/logout":
            continue
        response = client.post(url, data={})
        assert response.status_code < 500, f"POST {url} ({rule}) as {role}: {response.status_code}"
        db.session.rollback()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_number_in_an_address_no_row_can_have_is_not_found(app, seeded, make_user, method):
    """2147483648 is one past PostgreSQL's largest ``integer``: every route taking a number answers 404, as
    for an id that names nothing, and never hands it to the database."""
    client = _client_as(app, "admin", make_user)
    checked = 0
    for rule in app.url_map.iter_rules():
        numbers = [name for name, kind in rule._converters.items() if isinstance(kind, IntegerConverter)]
        if method not in rule.methods or not numbers:
            continue
        values = {name: seeded[name] for name in rule.arguments} | dict.fromkeys(numbers, 2**31)
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        response = client.open(url, method=method, data={})
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
        db.session.rollback()
        checked += 1
    assert checked > 10
