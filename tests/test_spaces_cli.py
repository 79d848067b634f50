"""``flask spaces ...`` and ``flask import ... --space NAME``: what an operator types and reads."""

import json

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.forum.models import Question
from helpdesk.spaces.cli import find_space
from helpdesk.spaces.models import SpaceAuditEntry
from helpdesk.spaces.queries import default_space, is_member, is_owner
from helpdesk.wiki.models import Page


def spaces(runner, *args):
    return runner.invoke(args=["spaces", *args])


def test_an_operator_creates_a_restricted_space_with_an_owner_and_a_cap(runner, make_user):
    owner = make_user(email="olga@bank.example")
    result = spaces(
        runner, "create", "HR Cases", "--restricted", "--cap", "2", "--owner", "olga@bank.example"
    )
    assert result.exit_code == 0, result.output
    assert "Created the restricted space 'HR Cases' at /spaces/hr-cases." in result.output
    space = find_space("HR Cases")
    assert space.is_restricted and space.member_cap == 2
    assert is_owner(space, owner)
    entries = db.session.scalars(select(SpaceAuditEntry).where(SpaceAuditEntry.space_id == space.id)).all()
    assert entries and all(entry.actor_id is None for entry in entries)  # an operator's command


def test_adding_members_stops_at_the_cap_with_an_error_status(runner, make_user):
    first, second = make_user(email="a@bank.example"), make_user(email="b@bank.example")
    assert spaces(runner, "create", "Tiny", "--restricted", "--cap", "1").exit_code == 0
    result = spaces(runner, "add-member", "Tiny", "a@bank.example")
    assert result.exit_code == 0 and "Added a@bank.example to 'Tiny' as member." in result.output
    result = spaces(runner, "add-member", "tiny", "b@bank.example")
    assert result.exit_code != 0
    assert "This space is full: its member cap is 1." in result.output
    space = find_space("Tiny")
    assert is_member(space, first) and not is_member(space, second)
    result = spaces(runner, "set-cap", "Tiny", "2")
    assert result.exit_code == 0
    assert spaces(runner, "add-member", "Tiny", "b@bank.example").exit_code == 0


def test_unknown_spaces_and_addresses_are_clear_errors(runner, make_user):
    make_user(email="known@bank.example")
    result = spaces(runner, "add-member", "Nowhere", "known@bank.example")
    assert result.exit_code != 0 and "No space named 'Nowhere'" in result.output
    spaces(runner, "create", "Somewhere")
    result = spaces(runner, "add-member", "Somewhere", "ghost@bank.example")
    assert result.exit_code != 0 and "No account with the address ghost@bank.example" in result.output
    result = spaces(runner, "remove-member", "Somewhere", "known@bank.example")
    assert result.exit_code != 0 and "is not a member of this space" in result.output
    result = spaces(runner, "create", "somewhere")
    assert result.exit_code != 0 and "There is already a space named" in result.output


def test_remove_member_and_list(runner, make_user):
    make_user(email="a@bank.example")
    make_user(email="b@bank.example")
    spaces(runner, "create", "Payroll", "--restricted", "--cap", "5", "--owner", "a@bank.example")
    spaces(runner, "add-member", "Payroll", "b@bank.example")
    listing = spaces(runner, "list").output
    assert "payroll" in listing and "restricted" in listing and "2/5 members" in listing
    result = spaces(runner, "remove-member", "Payroll", "b@bank.example")
    assert result.exit_code == 0 and "Removed b@bank.example from 'Payroll'." in result.output
    result = spaces(runner, "remove-member", "Payroll", "a@bank.example")
    assert result.exit_code != 0 and "last owner" in result.output
    assert "1/5 members" in spaces(runner, "list").output


def write_jsonl(tmp_path, records, name="in.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_import_questions_and_pages_into_a_space(runner, tmp_path, app):
    spaces(runner, "create", "Finance Mailbox", "--restricted")
    questions = write_jsonl(
        tmp_path,
        [
            {
                "id": "F1",
                "title": "Invoice stuck in approval",
                "body": "Who approves it?",
                "answers": ["Your boss."],
            }
        ],
    )
    result = runner.invoke(args=["import", "questions", str(questions), "--space", "Finance Mailbox"])
    assert result.exit_code == 0, result.output
    space = find_space("Finance Mailbox")
    question = db.session.scalar(select(Question).where(Question.external_id == "F1"))
    assert question.space_id == space.id

    pages = write_jsonl(
        tmp_path, [{"id": "routines/month-end", "title": "Month end", "body": "Close the books."}], "p.jsonl"
    )
    result = runner.invoke(args=["import", "pages", str(pages), "--space", "finance-mailbox"])
    assert result.exit_code == 0, result.output
    page = db.session.scalar(select(Page).where(Page.external_id == "routines/month-end"))
    assert page.space_id == space.id
    assert page.path == "spaces/finance-mailbox/routines/month-end"


def test_import_into_an_unknown_space_imports_nothing(runner, tmp_path):
    questions = write_jsonl(tmp_path, [{"id": "X1", "title": "Lost", "body": "Where?"}])
    result = runner.invoke(args=["import", "questions", str(questions), "--space", "Nowhere"])
    assert result.exit_code != 0
    assert "No space named 'Nowhere'" in result.output
    assert db.session.scalar(select(func.count(Question.id))) == 0
    # Without --space, posts go to the default space.
    assert runner.invoke(args=["import", "questions", str(questions)]).exit_code == 0
    assert db.session.scalar(select(Question.space_id)) == default_space().id


def test_set_role_and_members(runner, make_user):
    make_user(email="a@bank.example", name="Alma")
    make_user(email="b@bank.example", name="Bo")
    spaces(runner, "create", "Desk", "--owner", "a@bank.example")
    spaces(runner, "add-member", "Desk", "b@bank.example")
    result = spaces(runner, "set-role", "Desk", "b@bank.example", "owner")
    assert result.exit_code == 0 and "b@bank.example is now owner of 'Desk'." in result.output
    assert spaces(runner, "set-role", "Desk", "a@bank.example", "member").exit_code == 0
    listing = spaces(runner, "members", "Desk").output.splitlines()
    assert [line.split()[:2] for line in listing] == [
        ["a@bank.example", "member"],
        ["b@bank.example", "owner"],
    ]
    result = spaces(runner, "set-role", "Desk", "b@bank.example", "member")
    assert result.exit_code != 0 and "last owner" in result.output


def test_two_spaces_sharing_a_name_are_told_apart_by_address(runner, make_user):
    from helpdesk.spaces import services

    staff = make_user(role="staff")
    services.create_space("Client Zeta", None, restricted=True)
    services.create_space("Client Zeta", staff)  # staff cannot see the restricted one: allowed
    db.session.commit()
    person = make_user(email="x@bank.example")
    result = spaces(runner, "add-member", "Client Zeta", "x@bank.example")
    assert result.exit_code != 0
    assert "Several spaces are called 'Client Zeta': give the address instead" in result.output
    assert "client-zeta, client-zeta-2" in result.output
    result = spaces(runner, "add-member", "client-zeta", "x@bank.example")
    assert result.exit_code == 0, result.output
    assert is_member(find_space("client-zeta"), person)
