"""Throttling: failed sign-ins per account and per client address, and posting by new accounts."""

from datetime import timedelta

import pytest

from helpdesk.extensions import db, limiter
from helpdesk.forum.models import Answer, Question
from helpdesk.utils import utcnow
from tests.conftest import PASSWORD

THROTTLED = "Too many failed sign-in attempts"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def sign_in(client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def small_limits(app):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "5 per 15 minutes"
    app.config["NEW_ACCOUNT_POST_LIMIT"] = "2 per 10 minutes"
    return app


def test_each_app_counts_in_its_own_memory_storage(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert limiter.enabled
    stats = limiter.limiter.get_window_stats(limiter_item("1 per minute"), "login-account", "nobody")
    assert stats.remaining == 1


def limiter_item(text):
    from limits import parse

    return parse(text)


def test_wrong_passwords_for_one_account_are_refused_with_429_and_a_message(client, make_user, small_limits):
    user = make_user()
    for _ in range(3):
        assert sign_in(client, user.email, "wrong").status_code == 401
    response = sign_in(client, user.email, "wrong")
    assert response.status_code == 429
    page = text_of(response)
    assert THROTTLED in page and "Please wait 15 minutes" in page
    assert 'name="email"' in page and user.email in page  # still the sign-in page, with the address kept
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    # Even the right password waits now: a guesser cannot tell when they found it.
    assert sign_in(client, user.email, PASSWORD).status_code == 429


def test_the_account_count_ignores_case_and_spaces(client, make_user, small_limits):
    user = make_user()
    for typed in (user.email.upper(), f" {user.email}", user.email):
        sign_in(client, typed, "wrong", address=f"10.0.0.{len(typed)}")
    assert sign_in(client, user.email, PASSWORD, address="10.9.9.9").status_code == 429


def test_other_accounts_are_not_held_up_by_one_under_attack(client, make_user, small_limits):
    attacked, other = make_user(), make_user()
    for _ in range(3):
        sign_in(client, attacked.email, "wrong")
    assert sign_in(client, other.email, PASSWORD, address="10.0.0.2").status_code == 302


def test_one_address_trying_many_accounts_is_refused(client, make_user, small_limits):
    for n in range(5):
        assert sign_in(client, f"guess{n}@bank.example", "wrong").status_code == 401
    user = make_user()
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert THROTTLED in text_of(response)
    # Another client is not affected.
    assert sign_in(client, user.email, PASSWORD, address="10.0.0.3").status_code == 302


def test_successful_sign_ins_and_empty_forms_do_not_count(client, make_user, small_limits):
    user = make_user()
    for _ in range(6):
        assert client.post("/login", data={}).status_code == 400
        assert sign_in(client, user.email, PASSWORD).status_code == 302
        client.post("/logout")
    assert sign_in(client, user.email, "wrong").status_code == 401


def test_right_password_starts_the_account_count_again(client, make_user, small_limits):
    user = make_user()
    for _ in range(2):
        sign_in(client, user.email, "wrong", address="10.0.0.4")
    assert sign_in(client, user.email, PASSWORD, address="10.0.0.4").status_code == 302
    client.post("/logout")
    for _ in range(2):
        assert sign_in(client, user.email, "wrong", address="10.0.0.5").status_code == 401
    assert sign_in(client, user.email, PASSWORD, address="10.0.0.5").status_code == 302


def test_throttled_sign_in_message_is_translated(client, make_user, small_limits):
    user = make_user()
    for _ in range(3):
        sign_in(client, user.email, "wrong")
    client.post("/language", data={"lang": "sv", "next": "/login"})
    response = client.post("/login", data={"email": user.email, "password": "wrong"},
                           environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 429
    assert "För många misslyckade inloggningsförsök" in text_of(response)


# ---------------------------------------------------------------------------------------------------------
# Posting by new accounts


def ask(client, n: int):
    form = {"title": f"Printer number {n} does not print", "lang": "en",
            "body": "It blinks orange. What does that mean?", "tags": "printer"}
    return client.post("/questions/ask", data=form)


def test_new_account_may_post_only_a_few_questions_and_answers(client, make_user, login, make_question,
                                                                small_limits):
    user = make_user()
    login(user)
    question = make_question()
    assert ask(client, 1).status_code == 302
    answered = client.post(f"/questions/{question.id}/answers", data={"body": "Check the toner."})
    assert answered.status_code == 302
    refused = ask(client, 2)
    assert refused.status_code == 429
    page = text_of(refused)
    assert "New accounts can post 2 questions and answers every 10 minutes" in page
    assert "Please wait 10 minutes" in page
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    answer = client.post(f"/questions/{question.id}/answers", data={"body": "Check the paper."},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 429
    assert "New accounts can post" in answer.get_json()["error"]
    assert len(db.session.scalars(db.select(Question).filter_by(author_id=user.id)).all()) == 1
    assert len(db.session.scalars(db.select(Answer).filter_by(author_id=user.id)).all()) == 1


def test_refused_forms_do_not_use_up_the_limit(client, make_user, login, small_limits):
    login(make_user())
    for _ in range(3):
        assert client.post("/questions/ask", data={"title": "", "body": ""}).status_code in (400, 422)
    assert ask(client, 1).status_code == 302
    assert ask(client, 2).status_code == 302


def test_older_accounts_are_not_limited(client, make_user, login, small_limits):
    user = make_user()
    user.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    login(user)
    for n in range(4):
        assert ask(client, n).status_code == 302


@pytest.mark.parametrize("role", ["staff", "lead", "admin"])
def test_staff_are_not_limited(client, make_user, login, small_limits, role):
    login(make_user(role=role))
    for n in range(4):
        assert ask(client, n).status_code == 302


def test_each_new_account_has_its_own_count(client, app, make_user, login, small_limits):
    login(make_user())
    for n in range(2):
        ask(client, n)
    assert ask(client, 3).status_code == 429
    other = app.test_client()
    newcomer = make_user()
    other.post("/login", data={"email": newcomer.email, "password": PASSWORD})
    assert ask(other, 4).status_code == 302


def test_behind_a_trusted_proxy_each_forwarded_address_counts_on_its_own(tmp_path, make_user):
    from helpdesk import create_app
    from tests.conftest import _settings

    user = make_user()
    settings = _settings(tmp_path, current_database_url())
    settings.update(TRUSTED_PROXIES=1, LOGIN_LIMIT_PER_ADDRESS="2 per 15 minutes")
    proxied_app = create_app(settings)
    proxied = proxied_app.test_client()

    def through_proxy(person: str, password: str):
        return proxied.post("/login", data={"email": user.email, "password": password},
                            environ_base={"REMOTE_ADDR": "10.9.9.9"}, headers={"X-Forwarded-For": person})

    assert through_proxy("192.0.2.1", "wrong").status_code == 401
    assert through_proxy("192.0.2.1", "wrong").status_code == 401
    assert through_proxy("192.0.2.1", PASSWORD).status_code == 429
    # Someone else behind the same proxy is not held up by that person's mistakes.
    assert through_proxy("192.0.2.2", PASSWORD).status_code == 302
    with proxied_app.app_context():
        db.engine.dispose()  # its own connection pool, not the fixture's


def test_without_trusted_proxies_a_forwarded_address_is_ignored(client, make_user, small_limits):
    user = make_user()
    for n in range(5):
        response = client.post("/login", data={"email": f"guess{n}@bank.example", "password": "wrong"},
                               environ_base={"REMOTE_ADDR": "10.0.0.7"},
                               headers={"X-Forwarded-For": f"192.0.2.{n}"})
        assert response.status_code == 401
    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.0.0.7"},
                           headers={"X-Forwarded-For": "192.0.2.99"})
    assert response.status_code == 429


def current_database_url() -> str:
    from helpdesk.extensions import db as database

    return database.engine.url.render_as_string(hide_password=False)
