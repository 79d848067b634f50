"""How well similar questions and pages are found, on real judged data (../shared/data, never copied here).

Run: ``.venv/bin/python bench/quality.py [--data ../shared/data] [--archwiki]``.

Builds a throwaway app (temporary SQLite database and index directory, never instance/), loads the data with
the project's own ``flask import questions|pages`` commands and ``flask search rebuild``, then measures:

1. SemEval-2016 Task 3 (dev): the forum threads as questions, the wiki files as pages (gnome_help_en/sv,
   m365_insights_sv; archwiki_en with ``--archwiki``).
   a. Rerank: each query's ``candidate_ids`` ordered by ``similarity_scores()`` (the score ``similar()`` ranks
      by) for the query's title and body. MAP (a query without a relevant candidate counts 0) and MRR.
   b. Deflection: ``GET /api/v1/similar?title=...&limit=20`` through the test client with the query's title
      only. MRR, P@1 and recall@5 over the judged relevant threads (queries with at least one).
2. SweFAQ (dev): the answers imported as wiki pages; ``/api/v1/similar`` with each question. P@1, MRR, R@5.

Next to the app, the same run measures a plain baseline: an in-memory Whoosh index (StemmingAnalyzer over
title, body and answers, BM25F, words of the query OR-ed), scored on the same tasks. Ties keep the candidates'
given order (the web search engine's).
"""

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh import qparser  # noqa: E402
from whoosh.analysis import StemmingAnalyzer  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402
from whoosh.filedb.filestore import RamStorage  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.search.suggest import similarity_scores  # noqa: E402

WIKI_FILES = ("gnome_help_en.jsonl", "gnome_help_sv.jsonl", "m365_insights_sv.jsonl")
DEFLECTION_LIMIT = 20
PUBLISHED = {"semeval_map": 70.96, "semeval_mrr": 78.45, "bm25f_map": 73.5, "bm25f_swefaq_p1": 42.7}
TARGETS = {"semeval_map": 76.0, "swefaq_p1": 55.0}


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# --- metrics --------------------------------------------------------------------------------------------


def average_precision(ranked: list[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for rank, doc in enumerate(ranked, 1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    return next((1.0 / rank for rank, doc in enumerate(ranked, 1) if doc in relevant), 0.0)


def rerank_metrics(queries: list[dict], score) -> dict[str, float]:
    """MAP and MRR (in %) of each query's candidates ordered by ``score(query) -> {external_id: score}``."""
    aps, rrs = [], []
    for query in queries:
        scores = score(query)
        order = {doc: i for i, doc in enumerate(query["candidate_ids"])}
        ranked = sorted(query["candidate_ids"], key=lambda doc: (-scores.get(doc, 0.0), order[doc]))
        relevant = set(query["relevant_ids"]) & set(query["candidate_ids"])
        aps.append(average_precision(ranked, relevant))
        rrs.append(reciprocal_rank(ranked, relevant))
    return {"MAP": 100 * sum(aps) / len(aps), "MRR": 100 * sum(rrs) / len(rrs)}


def deflection_metrics(queries: list[dict], found) -> dict[str, float]:
    """MRR, P@1, R@5 (in %) of ``found(query) -> [external_id, ...]``, over queries with a relevant doc."""
    judged = [query for query in queries if query["relevant_ids"]]
    rrs, p1s, r5s = [], [], []
    for query in judged:
        ranked, relevant = found(query), set(query["relevant_ids"])
        rrs.append(reciprocal_rank(ranked, relevant))
        p1s.append(1.0 if ranked[:1] and ranked[0] in relevant else 0.0)
        r5s.append(len(relevant & set(ranked[:5])) / len(relevant))
    n = max(1, len(judged))
    return {"MRR": 100 * sum(rrs) / n, "P@1": 100 * sum(p1s) / n, "R@5": 100 * sum(r5s) / n, "n": len(judged)}


# --- the app --------------------------------------------------------------------------------------------


def build_app(workdir: Path, data: Path, archwiki: bool):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-quality",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
            "SEARCH_INDEX_DIR": str(workdir / "search_index"),
            "INSTANCE_DIR": str(workdir / "instance"),
            "SEARCH_DRAIN_ON_COMMIT": False,  # one rebuild at the end is faster than draining every batch
            "SERVER_NAME": "helpdesk.bench",
        }
    )
    runner = app.test_cli_runner()
    if (workdir / "bench.db").exists() and (workdir / "loaded").exists():
        print("  reusing the database loaded before; rebuilding the index only", file=sys.stderr)
        loads = []
    else:
        with app.app_context():
            db.drop_all()
            db.create_all()
        loads = [("questions", data / "semeval2016" / "corpus_dev.jsonl")]
        loads += [("pages", data / "wiki" / name) for name in WIKI_FILES]
        if archwiki:
            loads.append(("pages", data / "wiki" / "archwiki_en.jsonl"))
        loads.append(("pages", data / "swefaq" / "corpus_dev.jsonl"))
    for kind, path in loads:
        started = time.monotonic()
        result = runner.invoke(args=["import", kind, str(path)])
        if result.exit_code != 0:
            raise SystemExit(f"import {kind} {path} failed:\n{result.output}")
        summary = result.output.strip().splitlines()[-1] if result.output.strip() else ""
        print(f"  import {kind} {path.name}: {summary} ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    (workdir / "loaded").touch()
    started = time.monotonic()
    result = runner.invoke(args=["search", "rebuild"])
    if result.exit_code != 0:
        raise SystemExit(f"search rebuild failed:\n{result.output}")
    print(f"  search rebuild ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    return app


def doc_ids_by_external_id(app) -> dict[str, str]:
    from sqlalchemy import select

    from helpdesk.forum.models import Question
    from helpdesk.wiki.models import Page

    with app.app_context():
        ids = {
            ext: f"question:{i}" for i, ext in db.session.execute(select(Question.id, Question.external_id))
        }
        ids |= {ext: f"page:{i}" for i, ext in db.session.execute(select(Page.id, Page.external_id))}
    return {ext: doc for ext, doc in ids.items() if ext}


def app_rerank_scorer(app, doc_ids: dict[str, str]):
    def score(query: dict) -> dict[str, float]:
        wanted = {doc_ids[ext]: ext for ext in query["candidate_ids"] if ext in doc_ids}
        with app.app_context():
            scores = similarity_scores(query["title"], query.get("body") or "", list(wanted))
        return {wanted[doc]: value for doc, value in scores.items()}

    return score


def app_deflection(app, timings: list[float]):
    client = app.test_client()

    def found(query: dict) -> list[str]:
        started = time.perf_counter()
        response = client.get(
            "/api/v1/similar?" + urlencode({"title": query["title"], "limit": DEFLECTION_LIMIT})
        )
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"/api/v1/similar answered {response.status_code}: {response.get_data(True)}")
        return [hit["external_id"] for hit in response.get_json()["results"]]

    return found


# --- the plain baseline ----------------------------------------------------------------------------------


_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


class PlainBM25F:
    """Whoosh out of the box: StemmingAnalyzer over title, body and answers, BM25F, query words OR-ed."""

    FIELDS = ("title", "body", "answers")

    def __init__(self, documents: list[dict]):
        analyzer = StemmingAnalyzer()
        schema = Schema(id=ID(stored=True, unique=True), **{f: TEXT(analyzer=analyzer) for f in self.FIELDS})
        self.index = RamStorage().create_index(schema)
        with self.index.writer() as writer:
            for doc in documents:
                writer.add_document(
                    id=str(doc["id"]),
                    title=doc.get("title") or "",
                    body=doc.get("body") or "",
                    answers="\n".join(doc.get("answers") or []),
                )
        self.parser = qparser.MultifieldParser(list(self.FIELDS), schema, group=qparser.OrGroup)
        self.parser.remove_plugin_class(qparser.FieldsPlugin)
        self.parser.remove_plugin_class(qparser.WildcardPlugin)

    def _query(self, text: str):
        words = [word for word in re.findall(r"\w+", text) if word.upper() not in _OPERATORS]
        return self.parser.parse(" ".join(words))

    def scores(self, text: str, ids: list[str]) -> dict[str, float]:
        with self.index.searcher() as searcher:
            allow = {docnum for docnum in (searcher.document_number(id=i) for i in ids) if docnum is not None}
            results = searcher.search(self._query(text), limit=None, filter=allow or None)
            return {hit["id"]: hit.score for hit in results if hit.docnum in allow}

    def top(self, text: str, limit: int) -> list[str]:
        with self.index.searcher() as searcher:
            return [hit["id"] for hit in searcher.search(self._query(text), limit=limit)]


# --- the table ------------------------------------------------------------------------------------------


def fmt(value) -> str:
    return "" if value is None else f"{value:6.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data", help="the data folder")
    parser.add_argument("--archwiki", action="store_true", help="also load archwiki_en.jsonl (volume)")
    parser.add_argument(
        "--keep",
        type=Path,
        help="build in this folder and keep it; "
        "run again with the same folder to reuse the loaded database and only rebuild the index",
    )
    args = parser.parse_args()
    data = args.data.resolve()
    if not (data / "semeval2016" / "corpus_dev.jsonl").exists():
        raise SystemExit(
            f"No data in {data}: pass --data PATH (the folder holding semeval2016/, swefaq/, wiki/)"
        )

    semeval_queries = read_jsonl(data / "semeval2016" / "queries_dev.jsonl")
    swefaq_queries = read_jsonl(data / "swefaq" / "queries_dev.jsonl")

    with tempfile.TemporaryDirectory(prefix="helpdesk-quality-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"Loading data from {data} into {workdir} ...", file=sys.stderr)
        app = build_app(workdir, data, args.archwiki)
        doc_ids = doc_ids_by_external_id(app)
        timings: list[float] = []

        rows = []
        original = rerank_metrics(semeval_queries, lambda query: {})
        app_rerank = rerank_metrics(semeval_queries, app_rerank_scorer(app, doc_ids))
        app_semeval = deflection_metrics(semeval_queries, app_deflection(app, timings))
        app_swefaq = deflection_metrics(swefaq_queries, app_deflection(app, timings))

        semeval_docs = read_jsonl(data / "semeval2016" / "corpus_dev.jsonl")
        wiki_docs = [doc for name in WIKI_FILES for doc in read_jsonl(data / "wiki" / name)]
        swefaq_docs = read_jsonl(data / "swefaq" / "corpus_dev.jsonl")
        plain = PlainBM25F(semeval_docs + wiki_docs + swefaq_docs)
        plain_rerank = rerank_metrics(
            semeval_queries,
            lambda q: plain.scores(f"{q['title']} {q.get('body') or ''}", q["candidate_ids"]),
        )
        plain_semeval = deflection_metrics(semeval_queries, lambda q: plain.top(q["title"], DEFLECTION_LIMIT))
        plain_swefaq = deflection_metrics(swefaq_queries, lambda q: plain.top(q["title"], DEFLECTION_LIMIT))

        rows.append(("Candidates' given order (web engine)", original, None, None))
        rows.append(
            (
                "  published figure",
                {"MAP": PUBLISHED["semeval_map"], "MRR": PUBLISHED["semeval_mrr"]},
                None,
                None,
            )
        )
        rows.append(("Plain Whoosh BM25F, StemmingAnalyzer", plain_rerank, plain_semeval, plain_swefaq))
        rows.append(
            (
                "  published figure",
                {"MAP": PUBLISHED["bm25f_map"]},
                None,
                {"P@1": PUBLISHED["bm25f_swefaq_p1"]},
            )
        )
        rows.append(("helpdesk similar()", app_rerank, app_semeval, app_swefaq))
        rows.append(("  target", {"MAP": TARGETS["semeval_map"]}, None, {"P@1": TARGETS["swefaq_p1"]}))

    print()
    print(
        f"SemEval-2016 dev: {len(semeval_queries)} queries "
        f"({app_semeval['n']} with a relevant thread), {len(semeval_docs)} threads; "
        f"pages: {', '.join(WIKI_FILES)}{' + archwiki_en' if args.archwiki else ''} + SweFAQ answers"
    )
    print(f"SweFAQ dev: {len(swefaq_queries)} questions, {len(swefaq_docs)} answers (as pages)")
    print("Deflection: GET /api/v1/similar?title=<query title> (title only); rerank: title + body.")
    print()
    header = (
        f"{'system':<38} | {'rerank MAP':>10} {'MRR':>6} | {'similar MRR':>11} {'P@1':>6} {'R@5':>6} | "
        f"{'SweFAQ P@1':>10} {'MRR':>6} {'R@5':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, rerank, semeval, swefaq in rows:
        rerank, semeval, swefaq = rerank or {}, semeval or {}, swefaq or {}
        print(
            f"{name:<38} | {fmt(rerank.get('MAP')):>10} {fmt(rerank.get('MRR')):>6} | "
            f"{fmt(semeval.get('MRR')):>11} {fmt(semeval.get('P@1')):>6} {fmt(semeval.get('R@5')):>6} | "
            f"{fmt(swefaq.get('P@1')):>10} {fmt(swefaq.get('MRR')):>6} {fmt(swefaq.get('R@5')):>6}"
        )
    timings.sort()
    if timings:
        p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
        print(
            f"\n/api/v1/similar over {len(timings)} requests: "
            f"median {1000 * timings[len(timings) // 2]:.1f} ms, "
            f"p95 {1000 * p95:.1f} ms"
        )


if __name__ == "__main__":
    main()
