"""The outbox keeps the index in step with the database: rollbacks, flushes, crashes, two writers, sync."""

import multiprocessing
from datetime import timedelta

from sqlalchemy import func, insert, select, update

from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.forum.services import ask_question
from helpdesk.search import indexer, outbox, search
from helpdesk.search.indexer import drain
from helpdesk.search.models import SearchChange
from helpdesk.search.status import status
from helpdesk.search.store import IndexStore
from helpdesk.utils import utcnow


def found(text: str, **options) -> set[str]:
    return {hit.doc_id for hit in search(text, per_page=100, **options).hits}


def changes_for(doc_id: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(SearchChange).where(SearchChange.doc_id == doc_id)
    )


def test_a_commit_is_searchable_at_once(make_question):
    question = make_question(title="Outlook keeps asking for my password")
    assert found("outlook password") == {f"question:{question.id}"}


def test_a_rollback_leaves_no_change_and_no_document(app, make_user, make_question):
    make_question(title="An index exists already")
    user = make_user()
    question = ask_question(user, "Unicorn printer jams on page two", "Paper stuck.", ["printer"])
    doc_id = f"question:{question.id}"
    assert changes_for(doc_id) == 1  # recorded at the flush, inside the transaction
    db.session.rollback()
    assert changes_for(doc_id) == 0
    drain()
    assert found("unicorn") == set()


def test_a_flush_before_the_commit_is_still_indexed(app, make_user, make_question):
    make_question(title="An index exists already")
    question = ask_question(make_user(), "Zebra scanner shows a red light", "Beeps twice.", ["scanner"])
    db.session.flush()
    db.session.flush()  # nothing new: the object is no longer in session.new when the commit comes
    db.session.commit()
    assert found("zebra scanner") == {f"question:{question.id}"}


def test_a_crash_between_commit_and_index_write_is_repaired_by_sync(app, runner, make_question):
    make_question(title="An index exists already")
    app.config["SEARCH_DRAIN_ON_COMMIT"] = False  # as if the process died right after the commit
    question = make_question(title="Docking station flickers the screen")
    assert found("docking station") == set()
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "Applied 1 changes to 1 documents" in result.output
    assert found("docking station") == {f"question:{question.id}"}


def test_sync_builds_the_index_when_there_is_none(app, runner, make_question):
    app.config["SEARCH_DRAIN_ON_COMMIT"] = False
    question = make_question(title="Badge reader refuses my card")
    assert IndexStore(app.config["SEARCH_INDEX_DIR"]).current_generation() is None
    assert search("badge reader").total == 0  # no index yet: no results, no error
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "built one with 1 documents" in result.output
    assert found("badge reader") == {f"question:{question.id}"}


def test_a_commit_builds_a_missing_index_only_for_a_small_database(app, runner, make_question, monkeypatch):
    monkeypatch.setattr(outbox, "AUTO_BUILD_LIMIT", 1)
    first = make_question(title="First printer question")
    assert found("printer") == {f"question:{first.id}"}  # one thread: built at the commit
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    store.discard(store.current_generation())
    second = make_question(title="Second printer question")
    assert store.current_generation() is None  # two threads: left to the operator
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert found("printer") == {f"question:{first.id}", f"question:{second.id}"}


def test_a_failing_drain_after_commit_is_logged_not_raised(app, make_question, monkeypatch, caplog):
    make_question(title="An index exists already")

    def broken(wait=0.0, max_build=None):
        raise OSError("disk full")

    monkeypatch.setattr(indexer, "drain", broken)
    # Alembic's fileConfig (run by the migration tests) disables loggers that exist already.
    monkeypatch.setattr(outbox.log, "disabled", False)
    question = make_question(title="Headset microphone is silent")  # the request goes on
    assert "Updating the search index after a commit failed" in caplog.text
    monkeypatch.undo()
    drain()
    assert found("headset microphone") == {f"question:{question.id}"}


def test_a_transaction_that_commits_late_is_applied_by_a_later_drain(app, make_question):
    make_question(title="An index exists already")
    app.config["SEARCH_DRAIN_ON_COMMIT"] = False
    early = make_question(title="Keyboard layout switches to Dvorak")
    late = make_question(title="Monitor goes to sleep during meetings")
    early_change = db.session.scalars(
        select(SearchChange).where(SearchChange.doc_id == f"question:{early.id}")
    ).one()
    seq = early_change.seq
    # The earlier seq is not visible yet, as if its transaction were still open while the later one committed.
    db.session.delete(early_change)
    db.session.commit()
    result = drain()
    assert result.seq > seq
    assert found("monitor sleep") == {f"question:{late.id}"}
    assert found("keyboard dvorak") == set()
    assert status().gaps >= 1
    db.session.execute(insert(SearchChange).values(seq=seq, doc_id=f"question:{early.id}", at=utcnow()))
    db.session.commit()
    drain()
    assert found("keyboard dvorak") == {f"question:{early.id}"}
    assert status().gaps == 0


def test_seqs_that_never_appear_are_given_up_after_a_while(app, make_question, monkeypatch):
    make_question(title="An index exists already")
    app.config["SEARCH_DRAIN_ON_COMMIT"] = False
    first = make_question(title="First")
    make_question(title="Second")
    db.session.execute(
        SearchChange.__table__.delete().where(SearchChange.doc_id == f"question:{first.id}")
    )  # a rolled-back transaction's seq
    db.session.commit()
    drain()
    assert status().gaps == 1
    monkeypatch.setattr(indexer, "GAP_TIMEOUT", 0)
    drain()
    assert status().gaps == 0


def test_draining_twice_changes_nothing(app, make_question):
    question = make_question(title="Laptop fan is loud")
    before = status()
    again = drain()
    assert again.changes == 0 and again.seq == before.last_seq
    assert found("laptop fan") == {f"question:{question.id}"}
    assert status().documents == before.documents


def test_sync_prunes_applied_changes_older_than_the_retention(app, runner, make_question):
    for n in range(3):
        make_question(title=f"Old question {n}")
    app.config["SEARCH_DRAIN_ON_COMMIT"] = False
    make_question(title="Pending question")
    old = utcnow() - timedelta(days=app.config["SEARCH_CHANGE_RETENTION_DAYS"] + 1)
    db.session.execute(update(SearchChange).values(at=old))
    db.session.commit()
    newest = db.session.scalar(select(func.max(SearchChange.seq)))
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "Removed" in result.output
    remaining = list(db.session.scalars(select(SearchChange.seq)))
    assert remaining == [newest]  # the newest row stays, so the sequence never restarts below the cursor
    assert found("pending question")


def test_sync_keeps_changes_not_yet_old(app, runner, make_question):
    make_question(title="Fresh question")
    count = db.session.scalar(select(func.count()).select_from(SearchChange))
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(SearchChange)) == count


def test_status_reports_documents_pending_changes_and_location(app, runner, make_question, make_page):
    make_question(title="Printer offline")
    make_page(title="Printing guide")
    app.config["SEARCH_DRAIN_ON_COMMIT"] = False
    make_question(title="Waiting to be indexed")
    result = runner.invoke(args=["search", "status"])
    assert result.exit_code == 0, result.output
    assert "Documents:        2 (1 questions, 1 pages)" in result.output
    assert "Pending changes:  1" in result.output
    assert app.config["SEARCH_INDEX_DIR"].rstrip("/").split("/")[-1] in result.output
    runner.invoke(args=["search", "sync"])
    result = runner.invoke(args=["search", "status"])
    assert "Documents:        3 (2 questions, 1 pages)" in result.output
    assert "Pending changes:  0" in result.output


def test_status_before_any_index_says_to_rebuild(app, runner):
    result = runner.invoke(args=["search", "status"])
    assert result.exit_code == 0, result.output
    assert "(none: run flask search rebuild)" in result.output
    assert "Needs rebuild:    yes" in result.output


# Two processes committing at once ---------------------------------------------------------------------------


def _commit_questions(settings: dict, user_id: int, label: str, count: int) -> None:
    """Runs in a child process: its own app, engine and searchers, committing one question at a time."""
    from helpdesk.auth.models import User

    app = create_app(settings)
    with app.app_context():
        user = db.session.get(User, user_id)
        for n in range(count):
            ask_question(user, f"{label} workstation number {n}", "Needs a new cable.", ["hardware"])
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_two_processes_writing_at_once_lose_nothing(app, make_user, make_question):
    # The tag exists already: creating the same new tag in two processes at once is a race of its own.
    make_question(title="An index exists already", tags=["hardware"])
    user_id = make_user().id
    settings = {
        key: app.config[key]
        for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", "INSTANCE_DIR")
    }
    db.session.remove()
    count = 12
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_commit_questions, args=(settings, user_id, label, count))
        for label in ("Alpha", "Bravo")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    drain(wait=10)
    assert search("alpha workstation").total == count
    assert search("bravo workstation").total == count
    assert status().questions == 2 * count + 1


def test_sync_watch_keeps_draining_until_stopped(app, runner, make_question, monkeypatch):
    make_question(title="An index exists already")
    app.config["SEARCH_DRAIN_ON_COMMIT"] = False
    naps = []

    def nap(seconds):
        naps.append(seconds)
        if len(naps) == 1:
            make_question(title="Posted while sync was watching")
        else:
            raise KeyboardInterrupt

    monkeypatch.setattr("helpdesk.search.cli.time.sleep", nap)
    result = runner.invoke(args=["search", "sync", "--watch", "--interval", "0.5"])
    assert result.exit_code == 0, result.output
    assert naps == [0.5, 0.5]
    assert "Applied 1 changes to 1 documents" in result.output and "Stopped." in result.output
    assert found("posted while sync watching")


def test_an_unreadable_cursor_asks_for_a_rebuild(app, runner, make_question):
    make_question(title="Anything at all")
    generation = IndexStore(app.config["SEARCH_INDEX_DIR"]).current_generation()
    (generation / "cursor.json").write_text("{not json")
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code != 0 and "Run: flask search rebuild" in result.output
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
