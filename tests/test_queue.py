"""The unanswered queue: what it lists, in which order, age buckets, filters, claims, CSV, who may see it."""

import csv
import io
import re
from datetime import timedelta

import pytest

from helpdesk.errors import Conflict
from helpdesk.extensions import db
from helpdesk.forum import queue
from helpdesk.forum import services as forum
from helpdesk.forum.models import QuestionClaim
from helpdesk.spaces.services import add_member, create_space
from helpdesk.utils import utcnow


def aged(question, **delta):
    """Make ``question`` look asked ``delta`` ago."""
    question.created_at = utcnow() - timedelta(**delta)
    db.session.commit()
    return question


def listed_ids(response) -> list[int]:
    assert response.status_code == 200, response.status_code
    return [int(n) for n in re.findall(r'data-question="(\d+)"', response.get_data(as_text=True))]


def plain(response) -> str:
    """The page's text without its tags, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def bucket_count(response, key: str) -> int:
    found = re.search(rf'data-bucket-count="{key}">(\d+)<', response.get_data(as_text=True))
    return int(found.group(1))


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def staff(make_user, login):
    user = make_user(role="staff", name="Sam Staff")
    login(user)
    return user


@pytest.fixture
def world(make_user, make_question, make_answer):
    """An old, a middling and a new open question, one answered but not accepted, one solved, one closed."""
    asker = make_user(name="Asker")
    old = aged(make_question(author=asker, title="Old printer question", tags=["printer"]), days=10)
    new = aged(make_question(author=asker, title="New vpn question", tags=["vpn"]), hours=2)
    middle = aged(make_question(author=asker, title="Middling vpn question", tags=["vpn"]), days=3)
    answered = aged(make_question(author=asker, title="Answered, none accepted"), days=2)
    make_answer(question=answered)
    solved = aged(make_question(author=asker, title="Solved question"), days=5)
    forum.accept_answer(make_answer(question=solved), asker)
    closed = aged(make_question(author=asker, title="Closed question"), days=4)
    closed.closed_at = utcnow()
    db.session.commit()
    return {
        "old": old,
        "new": new,
        "middle": middle,
        "answered": answered,
        "solved": solved,
        "closed": closed,
    }


def test_queue_lists_open_questions_without_an_accepted_answer_oldest_first(client, staff, world):
    response = client.get("/queue")
    w = world
    assert listed_ids(response) == [w["old"].id, w["middle"].id, w["answered"].id, w["new"].id]
    counts = [bucket_count(response, key) for key in ("day", "week", "older")]
    assert counts == [1, 2, 1]
    assert bucket_count(response, "all") == 4
    body = response.get_data(as_text=True)
    assert "Solved question" not in body and "Closed question" not in body


def test_age_buckets_at_their_boundaries(app, make_question):
    now = utcnow()
    ages = {
        "just under a day": (timedelta(days=1) - timedelta(seconds=1), "day"),
        "exactly a day": (timedelta(days=1), "week"),
        "just under a week": (timedelta(days=7) - timedelta(seconds=1), "week"),
        "exactly a week": (timedelta(days=7), "older"),
    }
    made = {}
    for title, (age, _bucket) in ages.items():
        question = make_question(title=f"Question {title}")
        question.created_at = now - age
        made[title] = question
    db.session.commit()
    admin_filter = queue.QueueFilter()
    from helpdesk.auth.services import create_user

    admin = create_user("boss@bank.example", "Boss", "admin", "correct horse battery staple")
    for title, (age, bucket) in ages.items():
        assert queue.age_bucket(now - age, now) == bucket, title
    assert queue.bucket_counts(admin, admin_filter, now) == {"day": 1, "week": 2, "older": 1}
    for key in queue.BUCKET_KEYS:
        stmt = queue.queue_questions(admin, queue.QueueFilter(age=key), now)
        titles = {q.title for q in db.session.scalars(stmt)}
        assert titles == {f"Question {t}" for t, (_a, b) in ages.items() if b == key}, key


def test_age_tab_narrows_the_list_and_keeps_the_other_filters(client, staff, world):
    assert listed_ids(client.get("/queue?age=week")) == [world["middle"].id, world["answered"].id]
    assert listed_ids(client.get("/queue?age=older")) == [world["old"].id]
    assert listed_ids(client.get("/queue?age=week&tag=vpn")) == [world["middle"].id]
    # An unknown age is ignored, never an error.
    assert len(listed_ids(client.get("/queue?age=forever"))) == 4


def test_filter_by_tag_and_by_space(client, staff, world, make_user, make_question):
    team = create_space("Network team", None)
    db.session.commit()
    in_team = aged(
        forum.ask_question(make_user(), "Switch is down", "Help", ["vpn"], space=team), days=1, hours=1
    )
    db.session.commit()

    assert listed_ids(client.get("/queue?tag=VPN")) == [world["middle"].id, in_team.id, world["new"].id]
    response = client.get(f"/queue?space={team.slug}")
    assert listed_ids(response) == [in_team.id]
    assert bucket_count(response, "all") == 1
    assert listed_ids(client.get(f"/queue?space={team.slug}&tag=printer")) == []
    assert listed_ids(client.get("/queue?tag=nosuchtag")) == []
    # An unknown space is ignored: the whole queue.
    assert len(listed_ids(client.get("/queue?space=nowhere"))) == 5


def test_claim_second_claim_conflict_and_unclaim(client, staff, world, make_user, login, app):
    question = world["old"]
    response = client.post(f"/questions/{question.id}/claim", data={"next": "/queue?tag=printer"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/queue?tag=printer")
    page = client.get("/queue").get_data(as_text=True)
    assert "You are on it" in page

    other_client = app.test_client()
    other = make_user(role="lead", name="Lena Lead")
    other_client.post("/login", data={"email": other.email, "password": "correct horse battery staple"})
    assert "Sam Staff is on it" in plain(other_client.get("/queue"))
    refused = other_client.post(f"/questions/{question.id}/claim")
    assert refused.status_code == 409
    assert "Sam Staff is already on this question" in plain(refused)
    as_json = other_client.post(f"/questions/{question.id}/claim", json={})
    assert as_json.status_code == 409 and "Sam Staff" in as_json.get_json()["error"]
    assert db.session.scalar(db.select(QuestionClaim.user_id)) == staff.id

    # The claimer releases it; then the other person may take it.
    assert client.post(f"/questions/{question.id}/unclaim").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(QuestionClaim)) == 0
    assert client.post(f"/questions/{question.id}/unclaim").status_code == 409
    assert other_client.post(f"/questions/{question.id}/claim").status_code == 302
    assert db.session.scalar(db.select(QuestionClaim.user_id)) == other.id


def test_a_claim_older_than_a_day_may_be_taken_over(app, world, make_user):
    first, second = make_user(role="staff"), make_user(role="staff")
    question = world["new"]
    claim = queue.claim_question(question, first)
    db.session.commit()
    with pytest.raises(Conflict):
        queue.claim_question(question, second, now=claim.claimed_at + timedelta(hours=23, minutes=59))
    db.session.rollback()
    taken = queue.claim_question(question, second, now=claim.claimed_at + timedelta(hours=queue.CLAIM_HOURS))
    db.session.commit()
    assert taken.user_id == second.id
    assert db.session.scalar(db.select(db.func.count()).select_from(QuestionClaim)) == 1


def test_staff_release_someone_elses_claim(client, staff, world, make_user):
    question = world["new"]
    queue.claim_question(question, make_user(role="lead", name="Lena Lead"))
    db.session.commit()
    page = plain(client.get("/queue"))
    assert "Lena Lead is on it" in page and "Release their claim" in page
    assert client.post(f"/questions/{question.id}/unclaim").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(QuestionClaim)) == 0


def test_solved_or_closed_questions_cannot_be_claimed_and_claims_leave_the_queue(
    client, staff, world, make_answer
):
    for name in ("solved", "closed"):
        response = client.post(f"/questions/{world[name].id}/claim")
        assert response.status_code == 409, name
    question = world["new"]
    assert client.post(f"/questions/{question.id}/claim").status_code == 302
    forum.accept_answer(make_answer(question=question), staff)
    db.session.commit()
    assert question.id not in listed_ids(client.get("/queue"))
    assert client.get("/queue.csv").get_data(as_text=True).count(f"/questions/{question.id}") == 0


def test_csv_export_of_the_filtered_queue(client, staff, world, make_user, make_question):
    evil = aged(make_question(title='=HYPERLINK("http://x") vpn', tags=["vpn"]), days=8)
    queue.claim_question(world["middle"], make_user(role="staff", name="@Sam"))
    db.session.commit()

    rows = csv_rows(client.get("/queue.csv?tag=vpn"))
    header, data = rows[0], rows[1:]
    assert header == [
        "Id", "Title", "Address", "Space", "Tags", "Asked at (UTC)", "Age", "Answers", "Claimed by",
    ]  # fmt: skip
    assert [int(r[0]) for r in data] == [evil.id, world["middle"].id, world["new"].id]
    evil_row, middle_row, new_row = data
    assert evil_row[1] == '\'=HYPERLINK("http://x") vpn'
    assert evil_row[2] == f"http://helpdesk.test/questions/{evil.id}/hyperlink-http-x-vpn"
    assert evil_row[3] == "Public" and evil_row[4] == "vpn" and evil_row[6] == "Older than 7 days"
    assert middle_row[6] == "1 to 7 days" and middle_row[7] == "0" and middle_row[8] == "'@Sam"
    assert new_row[6] == "Under 1 day" and new_row[8] == ""
    assert new_row[5] == world["new"].created_at.isoformat(sep=" ", timespec="seconds")
    # Every page of the queue, not just the first.
    assert len(csv_rows(client.get("/queue.csv"))) == 1 + 5


@pytest.mark.parametrize("url", ["/queue", "/queue.csv"])
def test_employees_get_403_and_visitors_sign_in(client, make_user, login, url):
    assert client.get(url).status_code == 302
    login(make_user(role="employee"))
    assert client.get(url).status_code == 403


def test_employees_cannot_claim(client, make_user, login, make_question):
    question = make_question()
    login(make_user(role="employee"))
    assert client.post(f"/questions/{question.id}/claim").status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(QuestionClaim)) == 0


def test_queue_link_in_the_menu_for_staff_leads_and_admins_only(client, make_user, login):
    login(make_user(role="employee"))
    assert 'href="/queue"' not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(make_user(role="lead"))
    assert 'href="/queue"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["member", "outsider", "admin"])
def test_restricted_questions_only_for_members_and_admins(app, make_user, make_question, role):
    owner = make_user(name="Owner")
    space = create_space("Secret payroll", None, restricted=True, owners=[owner])
    db.session.flush()
    hidden = forum.ask_question(owner, "Payroll secret question", "Shh", ["payroll"], space=space)
    viewer = make_user(role="admin" if role == "admin" else "staff", name="Viewer")
    if role == "member":
        add_member(space, viewer, owner)
    db.session.commit()
    public = make_question(title="Public question")

    client = app.test_client()
    client.post("/login", data={"email": viewer.email, "password": "correct horse battery staple"})
    response = client.get("/queue")
    ids = listed_ids(response)
    body = response.get_data(as_text=True)
    csv_text = client.get("/queue.csv").get_data(as_text=True)
    filtered = listed_ids(client.get(f"/queue?space={space.slug}"))
    claim = client.post(f"/questions/{hidden.id}/claim")
    if role == "outsider":
        assert ids == [public.id] and bucket_count(response, "all") == 1
        assert "Secret payroll" not in body and "payroll" not in csv_text.lower()
        assert filtered == [public.id]  # a hidden space is ignored like an unknown one
        assert claim.status_code == 404
    else:
        assert ids == [hidden.id, public.id] and bucket_count(response, "all") == 2
        assert "Secret payroll" in body and "Payroll secret question" in csv_text
        assert filtered == [hidden.id]
        assert claim.status_code == 302


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_csv_cells_that_look_like_formulas_stay_text(start):
    assert queue._cell(f"{start}1+2") == f"'{start}1+2"
    assert queue._cell("1+2") == "1+2" and queue._cell(3) == "3"


def test_queue_pages_keep_the_filters(app, client, staff, world):
    app.config["ITEMS_PER_PAGE"] = 2
    first = client.get("/queue?tag=vpn&age=week")
    assert listed_ids(first) == [world["middle"].id]
    everything = client.get("/queue")
    assert listed_ids(everything) == [world["old"].id, world["middle"].id]
    assert 'href="/queue?page=2"' in everything.get_data(as_text=True)
    assert listed_ids(client.get("/queue?page=2")) == [world["answered"].id, world["new"].id]
    assert bucket_count(client.get("/queue?page=2"), "all") == 4
    app.config["ITEMS_PER_PAGE"] = 1
    vpn = client.get("/queue?tag=vpn")
    assert listed_ids(vpn) == [world["middle"].id] and "Page 1 of 2" in plain(vpn)
    assert 'href="/queue?tag=vpn&amp;page=2"' in vpn.get_data(as_text=True)
    assert listed_ids(client.get("/queue?tag=vpn&page=2")) == [world["new"].id]
    assert client.get("/queue?page=9").status_code == 404
    assert client.get("/queue?page=abc").status_code == 404


def test_two_claims_at_the_same_moment_the_second_is_refused(app, world, make_user, monkeypatch):
    first, second = make_user(role="staff", name="First"), make_user(role="staff")
    question = world["old"]
    queue.claim_question(question, first)
    db.session.commit()
    # The second person's request read "no claim yet" just before the first one's was saved.
    monkeypatch.setattr(queue, "claim_of", lambda question: None)
    with pytest.raises(Conflict, match="just claimed"):
        queue.claim_question(question, second)
    db.session.rollback()
    assert db.session.scalar(db.select(QuestionClaim.user_id)) == first.id
