"""Search speed at realistic sizes: rebuild, search and similar latency, commit-to-searchable, size, memory.

    .venv/bin/python bench/speed.py [--sizes 10000,100000] [--data ../shared/data] [--procs N] [--profile]
    .venv/bin/python bench/speed.py --importer      # the real importer's records/s on the shared data files

Everything runs in a temporary directory (SQLite database + index), never in the developer's instance/.
The corpus reuses the real texts of ../shared/data (SemEval threads with their answers, SweFAQ answers, the
wiki sets); to reach N documents the records are repeated with a numbered suffix on the title and id, so every
copy is a distinct document. Rows are bulk-inserted with SQLAlchemy Core (what is measured is the index; the
importer is measured on its own with --importer). Queries are the SemEval and SweFAQ query titles.
"""

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from sqlalchemy import insert, select  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.auth.models import User  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.forum.models import Answer, Question  # noqa: E402
from helpdesk.import_records import RecordError, parse_record  # noqa: E402
from helpdesk.spaces.queries import default_space  # noqa: E402
from helpdesk.tags import Tag, normalize_tag, page_tags, question_tags  # noqa: E402
from helpdesk.wiki.models import Page  # noqa: E402
from helpdesk.wiki.paths import slugify  # noqa: E402

QUESTION_FILES = ("semeval2016/corpus_dev.jsonl", "swefaq/corpus_dev.jsonl")
PAGE_FILES = (
    "wiki/gnome_help_en.jsonl",
    "wiki/gnome_help_sv.jsonl",
    "wiki/m365_insights_sv.jsonl",
    "wiki/archwiki_en.jsonl",
)
QUERY_FILES = ("semeval2016/queries_dev.jsonl", "swefaq/queries_dev.jsonl")
INSERT_BATCH = 2000


def settings(workdir: Path, drain_on_commit: bool) -> dict:
    return {
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
        "SEARCH_INDEX_DIR": str(workdir / "search_index"),
        "INSTANCE_DIR": str(workdir / "instance"),
        "SEARCH_DRAIN_ON_COMMIT": drain_on_commit,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "helpdesk.bench",
    }


def read_jsonl(path: Path):
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_records(data: Path) -> tuple[list, list]:
    """Cleaned (questions, pages) records, exactly as the importer would read them."""
    questions, pages = [], []
    for files, target, with_answers in ((QUESTION_FILES, questions, True), (PAGE_FILES, pages, False)):
        for name in files:
            for value in read_jsonl(data / name):
                with contextlib.suppress(RecordError):
                    target.append(parse_record(value, with_answers=with_answers))
    return questions, pages


def load_queries(data: Path, count: int) -> list[str]:
    titles = [q["title"] for name in QUERY_FILES for q in read_jsonl(data / name) if q.get("title")]
    random.Random(7).shuffle(titles)
    return [titles[i % len(titles)] for i in range(count)]


def build_corpus(size: int, questions: list, pages: list) -> tuple[int, int]:
    """Insert ``size`` documents (questions and pages in the proportion of the source data)."""
    author_id = db.session.execute(
        insert(User).values(email="bench@helpdesk.invalid", name="Bench", role="admin").returning(User.id)
    ).scalar_one()
    space_id = default_space().id
    tag_ids: dict[str, int] = {}

    def tag_id(name: str) -> int | None:
        name = normalize_tag(name)
        if not name:
            return None
        if name not in tag_ids:
            tag_ids[name] = db.session.execute(insert(Tag).values(name=name).returning(Tag.id)).scalar_one()
        return tag_ids[name]

    sources = [("q", r) for r in questions] + [("p", r) for r in pages]
    base = datetime(2024, 1, 1)
    q_rows, a_rows, qt_rows, p_rows, pt_rows = [], [], [], [], []
    next_q = next_a = next_p = 1
    n_questions = n_pages = 0

    def flush():
        for model, rows in ((Question, q_rows), (Answer, a_rows), (Page, p_rows)):
            if rows:
                db.session.execute(insert(model), rows)
                rows.clear()
        for table, rows in ((question_tags, qt_rows), (page_tags, pt_rows)):
            if rows:
                db.session.execute(insert(table), rows)
                rows.clear()

    for i in range(size):
        kind, record = sources[i % len(sources)]
        copy = i // len(sources)
        suffix = f" ({copy})" if copy else ""
        when = base + timedelta(minutes=i)
        tags = {t for t in (tag_id(name) for name in record.tags[:8]) if t}
        if kind == "q":
            qid = next_q
            next_q += 1
            accepted = record.accepted_index
            q_rows.append(
                dict(
                    id=qid,
                    title=(record.title + suffix)[:300],
                    body=record.body,
                    body_html="",
                    lang=record.lang,
                    author_id=author_id,
                    created_at=when,
                    updated_at=when,
                    activity_at=when,
                    score=(i * 7) % 11 - 3,
                    answer_count=len(record.answers),
                    is_solved=accepted is not None,
                    external_id=f"{record.external_id}{suffix}"[:200],
                    space_id=space_id,
                )
            )
            for position, text in record.answers:
                a_rows.append(
                    dict(
                        id=next_a,
                        question_id=qid,
                        body=text,
                        body_html="",
                        author_id=author_id,
                        created_at=when,
                        updated_at=when,
                        score=0,
                        is_accepted=position == accepted,
                    )
                )
                next_a += 1
            qt_rows += [{"question_id": qid, "tag_id": t} for t in tags]
            n_questions += 1
        else:
            pid = next_p
            next_p += 1
            title = (record.title + suffix)[:300]
            path = f"{slugify(record.external_id)[:250] or 'page'}-{pid}"
            p_rows.append(
                dict(
                    id=pid,
                    path=path,
                    title=title,
                    title_key=title.casefold(),
                    body=record.body,
                    body_html="",
                    lang=record.lang,
                    version=1,
                    created_by_id=author_id,
                    created_at=when,
                    updated_at=when,
                    external_id=f"{record.external_id}{suffix}"[:200],
                    space_id=space_id,
                )
            )
            pt_rows += [{"page_id": pid, "tag_id": t} for t in tags]
            n_pages += 1
        if len(q_rows) + len(p_rows) >= INSERT_BATCH:
            flush()
    flush()
    db.session.commit()
    return n_questions, n_pages


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def timed_requests(client, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 400):
            raise SystemExit(f"{url} answered {response.status_code}")
    return times


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def print_profile(title: str, profile: cProfile.Profile, top: int) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    print(f"\n--- profile: {title} (top {top} by cumulative time) ---")
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    print("\n".join(lines[max(0, start - 3) :]))


def commit_to_searchable(app, rounds: int) -> list[float]:
    """Edit a question through the service with a new word, commit, poll search until the word is found."""
    from helpdesk.forum.services import edit_question
    from helpdesk.search import search

    times = []
    with app.app_context():
        editor_id = db.session.scalar(select(User.id))
        ids = list(db.session.scalars(select(Question.id).order_by(Question.id).limit(rounds * 7)))[::7]
        for n, qid in enumerate(ids[:rounds]):
            question, editor = db.session.get(Question, qid), db.session.get(User, editor_id)
            word = f"zqxbench{n}w{random.randrange(10**6)}"
            edit_question(
                question,
                editor,
                question.title,
                f"{question.body}\n\n{word}",
                [t.name for t in question.tags],
            )
            started = time.perf_counter()
            db.session.commit()  # the commit drains into the index (SEARCH_DRAIN_ON_COMMIT)
            while not search(word).total:
                if time.perf_counter() - started > 30:
                    raise SystemExit(f"{word} not searchable after 30 s")
                time.sleep(0.005)
            times.append((time.perf_counter() - started) * 1000)
            db.session.remove()
    return times


def bench_size(size: int, args, questions, pages, queries) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"helpdesk-speed-{size}-"))
    row: dict = {"size": size}
    try:
        app = create_app(settings(workdir, drain_on_commit=False))
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            row["questions"], row["pages"] = build_corpus(size, questions, pages)
            row["insert_s"] = time.perf_counter() - started
            db.session.remove()
        print(
            f"[{size}] corpus inserted: {row['questions']} questions, {row['pages']} pages "
            f"in {row['insert_s']:.1f} s",
            flush=True,
        )

        runner = app.test_cli_runner()
        cmd = ["search", "rebuild"] + (["--procs", str(args.procs)] if args.procs else [])
        started = time.perf_counter()
        with app.app_context():
            result = runner.invoke(args=cmd, catch_exceptions=False)
        row["rebuild_s"] = time.perf_counter() - started
        if result.exit_code != 0:
            raise SystemExit(result.output)
        print(f"[{size}] {' '.join(cmd)}: {result.output.strip()}", flush=True)
        row["docs_per_s"] = size / row["rebuild_s"]
        row["index_mb"] = dir_size(workdir / "search_index") / 2**20

        client = app.test_client()
        for q in queries[:20]:  # warm the searcher (opened once per thread, kept between requests)
            client.get("/search", query_string={"q": q})
        from werkzeug.urls import urlencode

        search_urls = ["/search?" + urlencode({"q": q}) for q in queries]
        similar_urls = ["/api/v1/similar?" + urlencode({"title": q}) for q in queries]
        row["search"] = percentiles(timed_requests(client, search_urls))
        row["similar"] = percentiles(timed_requests(client, similar_urls))
        print(
            f"[{size}] search p50/p95 {row['search'][0]:.1f}/{row['search'][1]:.1f} ms; "
            f"similar p50/p95 {row['similar'][0]:.1f}/{row['similar'][1]:.1f} ms",
            flush=True,
        )

        app.config["SEARCH_DRAIN_ON_COMMIT"] = True
        visible = commit_to_searchable(app, args.rounds)
        row["visible"] = percentiles(visible)
        row["index_mb_after"] = dir_size(workdir / "search_index") / 2**20
        row["rss"] = peak_rss_mb()

        if args.profile:
            from helpdesk.errors import UserError
            from helpdesk.search.indexer import rebuild
            from helpdesk.search.query import search
            from helpdesk.search.suggest import similar

            with app.app_context():
                profile = cProfile.Profile()
                profile.enable()
                rebuild(procs=1)
                profile.disable()
                print_profile(f"rebuild of {size} documents, one process", profile, args.top)
                profile = cProfile.Profile()
                profile.enable()
                for q in queries[:200]:
                    with contextlib.suppress(UserError):  # a query of stop words only
                        search(q)
                profile.disable()
                print_profile(f"200 searches at {size} documents", profile, args.top)
                profile = cProfile.Profile()
                profile.enable()
                for q in queries[:200]:
                    similar(q)
                profile.disable()
                print_profile(f"200 similar() at {size} documents", profile, args.top)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return row


def print_table(rows: list[dict], procs) -> None:
    print(f"\nSearch speed (rebuild with --procs {procs or 'default'}; {os.cpu_count()} CPUs)")
    header = (
        f"{'docs':>8} {'rebuild s':>10} {'docs/s':>7} {'search p50':>10} {'p95':>6} "
        f"{'similar p50':>11} {'p95':>6} {'commit->found p50':>17} {'p95':>6} {'index MB':>9} "
        f"{'peak RSS MB':>11}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['size']:>8,} {r['rebuild_s']:>10.1f} {r['docs_per_s']:>7.0f} {r['search'][0]:>10.1f} "
            f"{r['search'][1]:>6.1f} {r['similar'][0]:>11.1f} {r['similar'][1]:>6.1f} "
            f"{r['visible'][0]:>17.1f} {r['visible'][1]:>6.1f} {r['index_mb_after']:>9.1f} "
            f"{r['rss'][0]:>5.0f}+{r['rss'][1]:<5.0f}"
        )
    print("latencies in ms, through the Flask test client (GET /search?q=, GET /api/v1/similar?title=);")
    print(
        "commit->found: edit a question through the service, commit, poll search() until its new word "
        "is found;"
    )
    print("peak RSS: this process + largest child (the indexing processes).")


def bench_importer(data: Path) -> None:
    """The real importer (flask import questions|pages) on every shared data file, in a fresh database."""
    workdir = Path(tempfile.mkdtemp(prefix="helpdesk-import-"))
    try:
        app = create_app(settings(workdir, drain_on_commit=True))
        with app.app_context():
            db.create_all()
        env = dict(
            os.environ,
            HELPDESK_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
            HELPDESK_SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"],
            HELPDESK_INSTANCE_DIR=str(workdir / "instance"),
            HELPDESK_SECRET_KEY="bench",
        )
        flask = str(PROJECT / ".venv" / "bin" / "flask")
        total_records, total_s = 0, 0.0
        print(f"{'file':<36} {'records':>8} {'seconds':>8} {'records/s':>10}")
        for kind, files in (("questions", QUESTION_FILES), ("pages", PAGE_FILES)):
            for name in files:
                records = sum(1 for _ in read_jsonl(data / name))
                started = time.perf_counter()
                subprocess.run(
                    [flask, "--app", "wsgi", "import", kind, str(data / name)],
                    cwd=PROJECT,
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                seconds = time.perf_counter() - started
                total_records, total_s = total_records + records, total_s + seconds
                print(f"{name:<36} {records:>8} {seconds:>8.1f} {records / seconds:>10.1f}", flush=True)
        print(f"{'all':<36} {total_records:>8} {total_s:>8.1f} {total_records / total_s:>10.1f}")
        print(
            f"(each import commits in batches; a commit updates the search index, as in production; "
            f"index {dir_size(workdir / 'search_index') / 2**20:.0f} MB)"
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated document counts")
    parser.add_argument(
        "--data", default=str(PROJECT.parent / "shared" / "data"), help="the shared data folder"
    )
    parser.add_argument("--queries", type=int, default=300, help="queries per latency measurement")
    parser.add_argument("--rounds", type=int, default=20, help="edits for commit-to-searchable")
    parser.add_argument(
        "--procs", type=int, default=None, help="flask search rebuild --procs (default: its own)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile a one-process rebuild, 200 searches and 200 similar()",
    )
    parser.add_argument("--top", type=int, default=30, help="profile entries shown")
    parser.add_argument("--importer", action="store_true", help="measure the real importer instead")
    args = parser.parse_args()
    data = Path(args.data)
    if args.importer:
        bench_importer(data)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    scratch = create_app(settings(Path(tempfile.gettempdir()), drain_on_commit=False))
    with scratch.app_context():
        questions, pages = load_records(data)
    queries = load_queries(data, args.queries)
    print(f"source: {len(questions)} threads, {len(pages)} pages; {len(queries)} queries", flush=True)
    rows = [bench_size(size, args, questions, pages, queries) for size in sizes]
    print_table(rows, args.procs)


if __name__ == "__main__":
    main()
