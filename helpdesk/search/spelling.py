"""Did-you-mean: corrections from the index's own vocabulary, offered only when they find visible documents.

Candidates for a word come from the ``spell`` field (words as written, accents kept) within edit distance 1,
then 2, most frequent first. The vocabulary holds words of every space, so a candidate is offered only when it
alone matches a document the user may see: a suggestion never reveals a word from a space they cannot read.
"""

from .matching import has_visible_match, is_stopword, present_fields, text_query

MAX_WORDS_CHECKED = 6
CANDIDATES_PER_WORD = 4


def candidates(searcher, word: str) -> list[str]:
    """Words of the index one or two edits from ``word``: nearest first, then most frequent."""
    reader = searcher.reader()
    if "spell" not in reader.indexed_field_names():
        return []
    for distance in (1, 2):
        found = [t for t in reader.terms_within("spell", word, distance, prefix=1) if t != word]
        if found:
            found.sort(key=lambda t: (-searcher.doc_frequency("spell", t), t))  # without restricted spaces
            return found[:CANDIDATES_PER_WORD]
    return []


def did_you_mean(searcher, parsed, allow: set[int] | None, restrict: set[int]) -> str | None:
    """The query with its unknown words corrected, or None when there is nothing better to offer."""
    fields = present_fields(searcher)
    replacements: dict[int, str] = {}
    for index, word in enumerate(parsed.words[:MAX_WORDS_CHECKED]):
        low = word.lower()
        if len(low) < 3 or not low.isalpha() or is_stopword(low):
            continue
        query = text_query(searcher, low, fields)
        if query is not None and has_visible_match(searcher, query, allow, restrict):
            continue  # a word the visible documents know
        for candidate in candidates(searcher, low):
            corrected = text_query(searcher, candidate, fields)
            if corrected is not None and has_visible_match(searcher, corrected, allow, restrict):
                replacements[index] = candidate
                break
    return parsed.with_words(replacements) if replacements else None
