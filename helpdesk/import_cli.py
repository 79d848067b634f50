"""``flask --app wsgi import questions|pages FILE.jsonl``: load posts from JSON Lines files."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from .auth.models import User
from .auth.services import find_user_by_email
from .extensions import db
from .import_records import count_lines
from .importer import ImportResult, import_account, run_import
from .spaces.cli import space_or_fail

import_cli = AppGroup("import", help="Load questions or wiki pages from JSON Lines files.")

# Files longer than this get a progress bar (so do all files when a person watches the terminal).
PROGRESS_LINES = 200

_file_argument = click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
_space_option = click.option(
    "--space",
    metavar="NAME",
    help="Put new posts in this space (its name or address; default: the default public space).",
)
_author_option = click.option(
    "--author",
    metavar="EMAIL",
    help="Write the posts as this existing account (default: an account named “Imported content” that "
    "cannot sign in).",
)


@import_cli.command("questions")
@_file_argument
@_author_option
@_space_option
def import_questions(file: Path, author: str | None, space: str | None) -> None:
    """Import forum threads: each line a question with its "answers" ("answer_labels": Good = accepted)."""
    result = _run("questions", file, author, space)
    click.echo(f"answers: created {result.answers_created}, updated {result.answers_updated}")


@import_cli.command("pages")
@_file_argument
@_author_option
@_space_option
def import_pages(file: Path, author: str | None, space: str | None) -> None:
    """Import wiki pages: each line a page, its path taken from the record's id (under spaces/<address>/ in
    a space other than the default one)."""
    _run("pages", file, author, space)


def _run(kind: str, file: Path, author_email: str | None, space_name: str | None = None) -> ImportResult:
    # An unknown space stops the run before anything is read or imported.
    space = space_or_fail(space_name) if space_name is not None else None
    try:
        total = count_lines(file)
    except IsADirectoryError:
        raise click.ClickException(f"{file} is a folder; give the path of a .jsonl file.") from None
    except OSError as error:
        raise click.ClickException(f"Cannot read {file}: {error.strerror or error}.") from None

    author = _author(author_email)
    db.session.commit()
    if total > PROGRESS_LINES or sys.stderr.isatty():
        # Messages wait until the bar is done, so they do not tear it apart.
        messages: list[str] = []
        with click.progressbar(length=total, label=f"Importing {kind}", file=sys.stderr) as bar:
            result = run_import(
                file,
                kind,
                author,
                on_error=messages.append,
                on_line=lambda number: bar.update(number - bar.pos),
                space=space,
            )
        for message in messages:
            click.echo(message, err=True)
    else:
        result = run_import(
            file, kind, author, on_error=lambda message: click.echo(message, err=True), space=space
        )

    click.echo(
        f"{kind}: created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
        f"failed {result.failed}"
    )
    if result.imported == 0:
        if result.failed:
            raise click.ClickException(f"Nothing was imported: all {result.failed} records in {file} failed.")
        raise click.ClickException(f"{file} holds no records (one JSON object per line was expected).")
    return result


def _author(email: str | None) -> User:
    if email is None:
        return import_account()
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(
            f"No account with the address {email}. Create it first with: flask users create"
        )
    return user
