"""Cost of scoring statistics without restricted spaces (helpdesk/search/scoring_stats.py).

    .venv/bin/python bench/stats_bench.py [--size 10000] [--restricted 0,100,1000] [--queries 200]

Builds the bench/speed.py corpus in a temporary directory, puts the first documents in two spaces (so that
making one or both restricted leaves 0, 100 or 1000 documents out of the statistics), rebuilds the index once,
then for each number of restricted documents times search() and similar() over the SemEval/SweFAQ queries as a
public reader: warm (the searcher kept between requests, its statistics cached) and cold (a fresh searcher,
as after every change to the index: the restricted documents and their statistics read again); then the same
with --deleted documents deleted (not merged away), which the statistics leave out too.
"""

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from speed import build_corpus, load_queries, load_records, settings  # noqa: E402
from sqlalchemy import update  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.errors import UserError  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.forum.models import Question  # noqa: E402
from helpdesk.search import store as store_module  # noqa: E402
from helpdesk.search.codec import IndexCodec  # noqa: E402
from helpdesk.search.indexer import current_store  # noqa: E402
from helpdesk.search.query import search  # noqa: E402
from helpdesk.search.scoring_stats import open_searcher  # noqa: E402
from helpdesk.search.store import IndexStore  # noqa: E402
from helpdesk.search.suggest import similar  # noqa: E402
from helpdesk.spaces.models import Space  # noqa: E402
from helpdesk.spaces.queries import forget_visibility, public_space_ids  # noqa: E402


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms"


def timed(function, texts: list[str]) -> list[float]:
    samples = []
    for text in texts:
        forget_visibility()  # the restricted spaces are read from the database once per request
        started = time.perf_counter()
        with contextlib.suppress(UserError):  # a query of common words only: answered with a message
            function(text)
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--restricted", default="0,100,1000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--deleted", type=int, default=500, help="then delete this many documents, measure again"
    )
    parser.add_argument("--data", default=str(PROJECT.parent / "shared" / "data"))
    args = parser.parse_args()
    counts = [int(n) for n in args.restricted.split(",")]
    counts = [-1] + counts  # -1: Whoosh's own searcher (statistics over everything), the cost before
    workdir = Path(tempfile.mkdtemp(prefix="helpdesk-stats-"))
    try:
        app = create_app(settings(workdir, drain_on_commit=False))
        with app.app_context():
            questions, pages = load_records(Path(args.data))
            queries = load_queries(Path(args.data), args.queries)
            db.create_all()
            build_corpus(args.size, questions, pages)
            # Space A: the first questions (the smallest count asked); space B: the next, up to the largest.
            spaces = []
            for name in ("Bench A", "Bench B"):
                space = Space(name=name, slug=name.lower().replace(" ", "-"), is_restricted=False)
                db.session.add(space)
                spaces.append(space)
            db.session.flush()
            ids = [row[0] for row in db.session.execute(db.select(Question.id).order_by(Question.id))]
            positive = [count for count in counts if count > 0]
            small, largest = min(positive, default=0), max(positive, default=0)
            db.session.execute(
                update(Question).where(Question.id.in_(ids[:small])).values(space_id=spaces[0].id)
            )
            db.session.execute(
                update(Question).where(Question.id.in_(ids[small:largest])).values(space_id=spaces[1].id)
            )
            db.session.commit()
            started = time.perf_counter()
            result = app.test_cli_runner().invoke(args=["search", "rebuild"], catch_exceptions=False)
            elapsed = time.perf_counter() - started
            print(f"{args.size} documents, rebuild {elapsed:.0f} s: {result.output.strip()}")

            def measure(label: str, count: int) -> None:
                store_module.close_cached_searchers()
                store_module.open_searcher = (lambda ix: ix.searcher()) if count < 0 else open_searcher
                spaces[0].is_restricted = 0 < small <= count
                spaces[1].is_restricted = count >= largest and largest > small
                db.session.commit()
                forget_visibility()
                public = public_space_ids()
                runs = {
                    "search": lambda text: search(text, visible_spaces=public),
                    "similar": lambda text: similar(text, visible_spaces=public),
                }
                for name, function in runs.items():
                    timed(function, queries[:20])  # warm up
                    warm = timed(function, queries)
                    cold = []
                    for text in queries[:40]:
                        store_module.close_cached_searchers()  # a fresh searcher, as after an index change
                        cold += timed(function, [text])
                    print(
                        f"{label:22s} {name:8s} warm {percentiles(warm)}   "
                        f"cold (new searcher, n=40) {percentiles(cold)}",
                        flush=True,
                    )
                searcher = store_module.searcher_for(current_store())
                if count >= 0:
                    print(f"  scored documents {searcher.scored_doc_count()} of {searcher.doc_count_all()}")

            for count in counts:
                measure("Whoosh" if count < 0 else f"R={count}", count)
            if args.deleted:
                # Deleted documents count in Whoosh's statistics until a merge; these leave them out too.
                ix = IndexStore.open_index(current_store().current_generation())
                writer = ix.writer(codec=IndexCodec())
                for question_id in ids[largest : largest + args.deleted]:
                    writer.delete_by_term("id", f"question:{question_id}")
                writer.commit(merge=False)
                for count in counts:
                    label = "Whoosh" if count < 0 else f"R={count}"
                    measure(f"{label}, {args.deleted} deleted", count)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
