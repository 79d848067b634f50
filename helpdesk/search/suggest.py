"""Threads and pages like a text: ``similar()`` for the ask form (deflection), ``related()`` for a sidebar.

A long question is never parsed whole (parse time grows with length): its title words count double, and only
the body's key terms are added, chosen by tf-idf against the index's own statistics (a word the index has
never seen, in any form, cannot match and is skipped). The query is an Or of those words over every field, so
the best matches share the most distinctive words. A title asked alone (what the ask form sends first) scores
each of its few words once across all fields (``crossfield``), so the threads holding most of its words come
first rather than those holding one of them everywhere; it also looks for its words' letter pieces (the
``grams`` field), so that a word finds its compounds and derived forms, and a Swedish compound's parts
(``compound_parts``), so that a compound finds its parts written apart. With a body there are words enough,
and a word found in several parts of a thread (title, body, answers) is good evidence: each field then scores
on its own. Hits far below the best one are dropped.
"""

import math
from collections import Counter
from functools import cache

from flask import current_app
from whoosh.lang import stopwords_for_language
from whoosh.query import Or, Term

from ..utils import clean_line, clean_text
from .analysis import LANGUAGES, fold, language_form, tokens
from .crossfield import WordAcrossFields
from .highlight import TermMatcher
from .hits import Hit, make_hit
from .indexer import current_store
from .matching import content_words, docs, present_fields, run, text_query, visible_docs
from .schema import field_language, language_field
from .scoring_stats import scored_doc_count
from .store import searcher_for

MAX_TITLE_CHARS = 300
MAX_BODY_CHARS = 8000
MAX_TITLE_WORDS = 16
BODY_KEY_TERMS = 20
TITLE_BOOST = 2.0
MAX_LIMIT = 20
# A hit scoring under this share of the best hit's score is noise, not a similar question.
MIN_RELATIVE_SCORE = 0.2
OTHER_LANGUAGE_WEIGHT = 0.3
# Weight of a title word's letter pieces (the ``grams`` field), shared out among its pieces, for a title asked
# without a body: compounds and derived forms then find each other ("vård", "sjukvården"). With a body there
# are words enough, and the pieces only blur them (bench/quality.py: rerank MAP 73.7 -> 73.3).
GRAM_WEIGHT = 1.0
# A Swedish title word of at least COMPOUND_MIN_CHARS letters is also looked for as its two parts (each at
# least COMPOUND_MIN_PART letters, both known to the index), each weighing this much of a title word: the
# question "serviceinsatser" then finds "insatser ... som service" (bench/quality.py: SweFAQ P@1 54.5 -> 55.5,
# one question of 110; 0.5 gives 54.5 and 1.0 gives 53.6: parts weighed like whole words outweigh them).
# English writes compounds apart: a question guessed to be in another language is not cut.
COMPOUND_PART_WEIGHT = 0.25
COMPOUND_MIN_CHARS = 8
COMPOUND_MIN_PART = 3
# Weight of each text part when comparing questions (search() uses schema.PART_BOOSTS). Measured with
# bench/quality.py: the body and answers nearer the title, tag words little (a forum category is shared by
# thousands of threads).
PART_WEIGHTS = {"title": 2.5, "accepted": 1.6, "extra": 0.5, "body": 1.5, "answers": 1.3}
_NEUTRAL_PARTS = ("title", "body", "accepted", "answers")


def _document_frequency(reader, word: str) -> int:
    """How many documents hold ``word`` (neutral form) in a text field, or its stem in some language."""
    df = max(reader.doc_frequency(part, word) for part in _NEUTRAL_PARTS)
    if df:
        return df
    return max(
        reader.doc_frequency(language_field("body", lang), language_form(word, lang)) for lang in LANGUAGES
    )


def key_terms(searcher, text: str, number: int = BODY_KEY_TERMS) -> list[str]:
    """The ``number`` most distinctive words of ``text`` (neutral forms), by tf-idf over the index."""
    field = searcher.schema["body"]
    counts = Counter(field.process_text(text, mode="index"))
    reader = searcher  # its statistics leave restricted spaces out (scoring_stats)
    total = max(1, scored_doc_count(searcher))
    scored = []
    for word, tf in counts.items():
        df = _document_frequency(reader, word)
        if df:
            scored.append(((1 + math.log(tf)) * math.log(1 + total / df), word))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [word for _, word in scored[:number]]


def guess_language(text: str) -> str | None:
    """The language whose common words ``text`` uses most ("vad", "och" -> "sv"); None if no clear winner."""
    words = [word.lower() for word, _, _ in tokens(text)]
    counts = {lang: sum(word in _stopwords(lang) for word in words) for lang in LANGUAGES}
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


@cache
def _stopwords(lang: str) -> frozenset[str]:
    return frozenset(stopwords_for_language(lang))


def _weighted_fields(fields: dict[str, float], lang: str | None) -> dict[str, float]:
    """``fields`` with the part weights of ``PART_WEIGHTS``; for a text in ``lang``, the other languages'
    stemmed fields weigh ``OTHER_LANGUAGE_WEIGHT`` times as much."""
    weighted = {}
    for name in fields:
        field_lang = field_language(name)
        part = name.rpartition("_")[0] if field_lang else name
        weight = PART_WEIGHTS[part]
        if lang is not None and field_lang is not None and field_lang != lang:
            weight *= OTHER_LANGUAGE_WEIGHT
        weighted[name] = weight
    return weighted


def gram_query(searcher, word: str, boost: float = 1.0):
    """``word``'s letter pieces in the ``grams`` field, together weighing ``GRAM_WEIGHT`` times ``boost``;
    None when it has none (a word shorter than the shortest piece) or the index predates the field."""
    if not GRAM_WEIGHT or "grams" not in searcher.schema:
        return None
    pieces = list(dict.fromkeys(searcher.schema["grams"].process_text(word, mode="query")))
    # Neighbouring pieces share all letters but one: every other piece still covers the word, in half the time
    # (bench/quality.py: the same SweFAQ P@1, similar() p95 latency 88 -> 66 ms).
    pieces = pieces[::2] if len(pieces) > 2 else pieces
    if not pieces:
        return None
    weight = GRAM_WEIGHT * boost / len(pieces)
    return Or([Term("grams", piece, boost=weight) for piece in pieces])


def word_query(searcher, word: str, fields: dict[str, float], boost: float = 1.0):
    """``word`` in any of ``fields``, scored once across them (``WordAcrossFields``: a title asked alone then
    ranks first the documents that hold most of its words; bench/quality.py: SweFAQ P@1 48.2 -> 54.5). A word
    the analysers split into several terms ("covid-19") keeps a field-by-field query. None when nothing can
    match."""
    query = text_query(searcher, word, fields)
    if query is None:
        return None
    terms = list(query.subqueries) if isinstance(query, Or) else [query]
    if all(isinstance(term, Term) for term in terms):
        return WordAcrossFields(terms, boost=boost)
    return text_query(searcher, word, fields, boost=boost)


def compound_parts(searcher, word: str) -> list[str]:
    """A Swedish compound's two parts, as the index knows them: "serviceinsatser" -> ["service", "insatser"],
    "uppehållstillstånd" -> ["uppehall", "tillstand"] (neutral forms; a linking s may drop). Of the ways to
    cut the word in two known words, the one whose parts are commonest (geometric mean of their document
    frequencies, Koehn and Knight 2003), if commoner than the whole word; [] for a short word, one no cut
    makes two known words, or one commoner whole."""
    folded = fold(word)
    if len(folded) < COMPOUND_MIN_CHARS or not folded.isalpha():
        return []
    reader = searcher  # its statistics leave restricted spaces out (scoring_stats)

    def frequency(part: str) -> int:
        return max(reader.doc_frequency("body", part), reader.doc_frequency("title", part))

    # The word left whole is a candidate too: a compound the index knows well is not cut.
    best, parts = float(frequency(folded)), []
    for cut in range(COMPOUND_MIN_PART, len(folded) - COMPOUND_MIN_PART + 1):
        tail_frequency = frequency(folded[cut:])
        if not tail_frequency:
            continue
        heads = [folded[:cut]]
        if folded[cut - 1] == "s" and cut - 1 >= COMPOUND_MIN_PART:
            heads.append(folded[: cut - 1])
        for head in heads:
            score = math.sqrt(frequency(head) * tail_frequency)
            if score > best:
                best, parts = score, [head, folded[cut:]]
    return parts


def _title_words(searcher, title: str) -> list[str]:
    """The title's distinct words without common ones, in order; of a long title (a question typed whole
    into the title box), the ``MAX_TITLE_WORDS`` most distinctive (``key_terms``), not the first ones."""
    words = list(dict.fromkeys(word.lower() for word, _, _ in tokens(title)))
    words = content_words(words) if words else []
    if len(words) <= MAX_TITLE_WORDS:
        return words
    keep = set(key_terms(searcher, " ".join(words), MAX_TITLE_WORDS))
    field = searcher.schema["body"]
    chosen = [word for word in words if keep & set(field.process_text(word))]
    # Words the index has never seen can still find compounds through their letter pieces.
    chosen += [word for word in words if word not in chosen][: MAX_TITLE_WORDS - len(chosen)]
    return [word for word in words if word in chosen]


def similarity_query(searcher, title: str, body: str = ""):
    """The query ``similar()`` runs for a question with this title and body; None when nothing can match."""
    title = clean_line(title)[:MAX_TITLE_CHARS]
    body = clean_text(body)[:MAX_BODY_CHARS]
    lang = guess_language(f"{title} {body[:1000]}")
    fields = _weighted_fields(present_fields(searcher), lang)
    title_words = _title_words(searcher, title)
    if body:
        clauses = [text_query(searcher, word, fields, boost=TITLE_BOOST) for word in title_words]
        seen = {
            field_word for word in title_words for field_word in searcher.schema["body"].process_text(word)
        }
        clauses += [
            text_query(searcher, word, fields) for word in key_terms(searcher, body) if word not in seen
        ]
    else:
        clauses = [word_query(searcher, word, fields, boost=TITLE_BOOST) for word in title_words]
        clauses += [gram_query(searcher, word, boost=TITLE_BOOST) for word in title_words]
        if lang == "sv":
            clauses += [
                word_query(searcher, part, fields, boost=TITLE_BOOST * COMPOUND_PART_WEIGHT)
                for word in title_words
                for part in compound_parts(searcher, word)
            ]
    clauses = [clause for clause in clauses if clause is not None]
    if not clauses:
        return None
    return Or(clauses) if len(clauses) > 1 else clauses[0]


def similarity_scores(title: str, body: str, doc_ids) -> dict[str, float]:
    """How like a question with this title and body each of ``doc_ids`` is, scored exactly as ``similar()``
    ranks: ``{doc_id: score}``, 0.0 for a document that shares no word with it (or is not indexed)."""
    wanted = list(dict.fromkeys(doc_ids))
    scores = dict.fromkeys(wanted, 0.0)
    searcher = searcher_for(current_store())
    if searcher is None or not wanted:
        return scores
    query = similarity_query(searcher, title, body)
    allowed = docs(searcher, Or([Term("id", doc_id) for doc_id in wanted]))
    if query is None or not allowed:
        return scores
    time_limit = current_app.config["SEARCH_TIME_LIMIT"]
    found, _ = run(searcher, query, allow=allowed, restrict=None, time_limit=time_limit)
    for score, docnum in found.top_n:
        scores[searcher.stored_fields(docnum)["id"]] = float(score)
    return scores


def similar(
    title: str,
    body: str = "",
    *,
    visible_spaces=None,
    limit: int = 5,
    exclude=None,
) -> list[Hit]:
    """Up to ``limit`` threads and pages most like a question with this title and body, best first.

    ``visible_spaces``: None (no restriction) or the space keys the asker may see. ``exclude``: a document id
    (``"question:12"``) or several, never returned. Each hit's ``matched`` lists the words it shares with the
    text, and its ``title_html``/``snippet_html`` mark them. Too little text gives [], never an error.
    """
    limit = min(max(1, int(limit)), MAX_LIMIT)
    searcher = searcher_for(current_store())
    if searcher is None:
        return []
    query = similarity_query(searcher, title, body)
    if query is None:
        return []
    allowed = visible_docs(searcher, visible_spaces)
    if allowed is not None and not allowed:
        return []
    excluded = [exclude] if isinstance(exclude, str) else list(exclude or ())
    restricted = docs(searcher, Or([Term("id", doc_id) for doc_id in excluded])) if excluded else set()
    time_limit = current_app.config["SEARCH_TIME_LIMIT"]
    # Twice the limit: closed duplicates fold into their originals, which may already be in the list.
    found, _ = run(
        searcher, query, allow=allowed, restrict=restricted, time_limit=time_limit, limit=2 * limit
    )
    matcher = TermMatcher.from_terms(query.all_terms())
    hits: list[Hit] = []
    shown: set[str] = set()
    best = found.top_n[0][0] if found.top_n else 0.0
    for score, docnum in found.top_n:
        if len(hits) >= limit or (best and score < best * MIN_RELATIVE_SCORE):
            break
        stored = _original_of(searcher, searcher.stored_fields(docnum), allowed, restricted)
        if stored["id"] not in shown:
            shown.add(stored["id"])
            hits.append(make_hit(stored, score, matcher))
    return hits


def _original_of(searcher, stored: dict, allowed: set[int] | None, restricted: set[int]) -> dict:
    """A thread closed as a duplicate is suggested as its original (the answers are there), when the asker may
    see that original and it is not excluded; otherwise as itself."""
    original_id = stored.get("duplicate_of")
    if not original_id:
        return stored
    docnum = searcher.document_number(id=f"question:{original_id}")
    if docnum is None or docnum in restricted or (allowed is not None and docnum not in allowed):
        return stored
    return searcher.stored_fields(docnum)


def related(item, limit: int = 5, *, visible_spaces=None) -> list[Hit]:
    """Threads and pages like ``item`` (a Question or a Page), never ``item`` itself: for a "Related" box."""
    kind = "page" if hasattr(item, "path") else "question"
    body = item.body or ""
    accepted = getattr(item, "accepted_answer", None)
    if accepted is not None:
        body = f"{body}\n\n{accepted.body}"
    return similar(item.title, body, visible_spaces=visible_spaces, limit=limit, exclude=f"{kind}:{item.id}")
