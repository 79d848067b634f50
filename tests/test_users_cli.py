"""``flask --app wsgi users ...``: accounts from the command line, passwords read from standard input."""


import pytest

from helpdesk.auth import services
from helpdesk.auth.models import User
from helpdesk.extensions import db

GOOD_PASSWORD = "a long enough passphrase"


def users(runner, *args, stdin: str | None = None):
    return runner.invoke(args=["users", *args], input=stdin)


def account(email: str) -> User | None:
    db.session.expire_all()
    return services.find_user_by_email(email)


def test_create_reads_the_password_from_standard_input(runner):
    result = users(
        runner,
        "create",
        "Kim@Bank.example",
        "--name",
        "Kim Karlsson",
        "--role",
        "staff",
        stdin=f"{GOOD_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created kim@bank.example (staff)." in result.output
    kim = account("kim@bank.example")
    assert (kim.name, kim.role, kim.active) == ("Kim Karlsson", "staff", True)
    assert kim.check_password(GOOD_PASSWORD)
    assert not kim.password_change_required


def test_create_defaults_to_employee(runner):
    assert users(runner, "create", "e@bank.example", "--name", "E", stdin=f"{GOOD_PASSWORD}\n").exit_code == 0
    assert account("e@bank.example").role == "employee"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["--role", "superuser"],
            f"{GOOD_PASSWORD}\n",
            "Unknown role “superuser”. Choose one of: employee, staff, lead, admin.",
        ),
        ([], "short\n", "A password must be at least 10 characters long."),
        ([], "\n", "No password given on standard input."),
        ([], "", "No password given on standard input."),
    ],
)
def test_create_refusals_are_clear_and_fail(runner, args, stdin, message):
    result = users(runner, "create", "new@bank.example", "--name", "New Person", *args, stdin=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert account("new@bank.example") is None


def test_create_refuses_a_duplicate_email(runner, make_user):
    make_user(email="taken@bank.example", name="First")
    result = users(runner, "create", "TAKEN@bank.example", "--name", "Second", stdin=f"{GOOD_PASSWORD}\n")
    assert result.exit_code != 0
    assert "An account with the address taken@bank.example exists already." in result.output
    assert account("taken@bank.example").name == "First"


def test_create_refuses_a_bad_email(runner):
    result = users(runner, "create", "not-an-address", "--name", "X", stdin=f"{GOOD_PASSWORD}\n")
    assert result.exit_code != 0
    assert "is not an e-mail address" in result.output


def test_create_needs_a_name(runner):
    result = users(runner, "create", "x@bank.example", stdin=f"{GOOD_PASSWORD}\n")
    assert result.exit_code != 0
    assert "--name" in result.output


def test_list_prints_every_account_with_its_role_and_state(runner, make_user):
    make_user(email="anna@bank.example", name="Anna", role="lead")
    gone = make_user(email="gone@bank.example", name="Gone")
    services.deactivate_user(gone)
    db.session.commit()
    result = users(runner, "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    anna = next(line for line in lines if "anna@bank.example" in line)
    assert "lead" in anna and "Anna" in anna and "inactive" not in anna
    assert "(inactive)" in next(line for line in lines if "gone@bank.example" in line)


def test_set_role(runner, make_user):
    make_user(email="pia@bank.example")
    result = users(runner, "set-role", "PIA@bank.example", "admin")
    assert result.exit_code == 0
    assert "pia@bank.example is now admin." in result.output
    assert account("pia@bank.example").role == "admin"


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        ("pia@bank.example", "boss", "Unknown role “boss”."),
        ("nobody@bank.example", "staff", "No account with the address nobody@bank.example."),
    ],
)
def test_set_role_refusals(runner, make_user, email, role, message):
    make_user(email="pia@bank.example")
    result = users(runner, "set-role", email, role)
    assert result.exit_code != 0
    assert message in result.output
    assert account("pia@bank.example").role == "employee"


def test_set_role_keeps_the_last_admin(runner, make_user):
    make_user(email="root@bank.example", name="Rut Root", role="admin")
    result = users(runner, "set-role", "root@bank.example", "employee")
    assert result.exit_code != 0
    assert "Rut Root is the last administrator." in result.output
    assert account("root@bank.example").role == "admin"


def test_deactivate_and_reactivate(runner, make_user):
    make_user(email="dan@bank.example")
    result = users(runner, "deactivate", "dan@bank.example")
    assert result.exit_code == 0
    assert not account("dan@bank.example").active
    assert services.authenticate("dan@bank.example", "correct horse battery staple") is None
    assert users(runner, "reactivate", "dan@bank.example").exit_code == 0
    assert account("dan@bank.example").active


def test_deactivate_refuses_the_last_admin(runner, make_user):
    make_user(email="root@bank.example", role="admin")
    result = users(runner, "deactivate", "root@bank.example")
    assert result.exit_code != 0
    assert "last administrator" in result.output
    assert account("root@bank.example").active


def test_set_password_reads_standard_input_and_clears_a_one_time_password(runner, app):
    services.create_user_with_one_time_password("lost@bank.example", "Lost", "admin")
    db.session.commit()
    result = users(runner, "set-password", "lost@bank.example", stdin=f"{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    lost = account("lost@bank.example")
    assert lost.check_password(GOOD_PASSWORD)
    assert not lost.password_change_required


@pytest.mark.parametrize(
    ("email", "stdin", "message"),
    [
        ("lost@bank.example", "short\n", "A password must be at least 10 characters long."),
        ("nobody@bank.example", f"{GOOD_PASSWORD}\n", "No account with the address nobody@bank.example."),
    ],
)
def test_set_password_refusals(runner, make_user, email, stdin, message):
    make_user(email="lost@bank.example")
    result = users(runner, "set-password", email, stdin=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert account("lost@bank.example").check_password("correct horse battery staple")
