"""``flask --app wsgi search sync [--watch] [--interval S] | rebuild [--procs N] | status``."""

import os
import time

import click
from flask import current_app
from flask.cli import AppGroup

from .indexer import IndexOutdated, RebuildRunning, drain, prune, rebuild
from .status import status

search_cli = AppGroup("search", help="Keep the full-text index in step with the database.")

# How long sync waits for a process that is writing the index right now.
LOCK_WAIT = 30.0
PRUNE_EVERY = 3600.0


def _sync_once(quiet: bool) -> None:
    try:
        result = drain(wait=LOCK_WAIT)
    except IndexOutdated as error:
        raise click.ClickException(
            f"The index was built by another version of helpdesk ({error}). Run: flask search rebuild"
        ) from None
    if result.skipped:
        raise click.ClickException("Another process kept the index locked for 30 seconds; try again later.")
    if result.rebuilt:
        click.echo(
            f"There was no index: built one with {result.documents} documents, up to change {result.seq}."
        )
    elif result.changes or not quiet:
        click.echo(
            f"Applied {result.changes} changes to {result.documents} documents; up to change {result.seq}."
        )


def _prune(quiet: bool) -> None:
    pruned = prune()
    if pruned or not quiet:
        days = current_app.config["SEARCH_CHANGE_RETENTION_DAYS"]
        click.echo(f"Removed {pruned} applied changes older than {days} days.")


@search_cli.command("sync")
@click.option("--watch", is_flag=True, help="Keep running, draining every INTERVAL seconds.")
@click.option(
    "--interval",
    default=2.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between drains with --watch.",
)
def sync_command(watch: bool, interval: float) -> None:
    """Apply every change the index has not seen yet, and prune old applied changes."""
    _sync_once(quiet=False)
    _prune(quiet=False)
    if not watch:
        return
    last_prune = time.monotonic()
    try:
        while True:
            time.sleep(interval)
            _sync_once(quiet=True)
            if time.monotonic() - last_prune >= PRUNE_EVERY:
                _prune(quiet=True)
                last_prune = time.monotonic()
    except KeyboardInterrupt:
        click.echo("Stopped.")


@search_cli.command("rebuild")
@click.option(
    "--procs",
    default=min(4, os.cpu_count() or 1),
    show_default=True,
    type=click.IntRange(min=1, max=32),
    help="Indexing processes (more than 1 uses Whoosh's multiprocessing writer).",
)
def rebuild_command(procs: int) -> None:
    """Build a fresh index from the database beside the live one, then swap it in (searches keep working)."""
    try:
        result = rebuild(wait=0.0, procs=procs)
    except RebuildRunning:
        raise click.ClickException("Another rebuild of this index is running.") from None
    click.echo(
        f"Indexed {result.documents} documents in {result.seconds:.1f} s into {result.generation}; "
        f"then applied {result.drain.changes} changes made meanwhile (up to change {result.drain.seq})."
    )


@search_cli.command("status")
def status_command() -> None:
    """Show the index's location, size, position in the change log and the changes waiting for it."""
    info = status()
    click.echo(f"Index location:   {info.location}")
    click.echo(f"Generation:       {info.generation or '(none: run flask search rebuild)'}")
    click.echo(f"Documents:        {info.documents} ({info.questions} questions, {info.pages} pages)")
    click.echo(f"Last applied seq: {info.last_seq}")
    oldest = f" (oldest from {info.oldest_pending:%Y-%m-%d %H:%M:%S} UTC)" if info.oldest_pending else ""
    click.echo(f"Pending changes:  {info.pending}{oldest}")
    if info.gaps:
        click.echo(f"Awaited seqs:     {info.gaps} (transactions not yet committed, or rolled back)")
    synced = f"{info.synced_at:%Y-%m-%d %H:%M:%S %Z}" if info.synced_at else "never"
    click.echo(f"Last sync:        {synced}")
    if info.needs_rebuild:
        click.echo("Needs rebuild:    yes (run flask search rebuild)")
