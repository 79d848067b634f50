"""Limits that keep one body from tying up a worker, and the guards that work on a whole text.

Python-Markdown and html5lib are pure Python, and some inputs made them quadratic or overflow the stack. Each
limit is far beyond what people write, so ordinary Markdown renders exactly as it would without them;
bench/markup_bench.py shows what each one is for. The guards inside Python-Markdown are in guards.py.
"""

import html
import re
from bisect import bisect_left
from collections import Counter

# Leading "> ", "- ", "* ", "+ " or "1. " markers on one line nest one level each; past this many the next
# marker is shown as typed. Python-Markdown recurses per level: 500 "- " on one line overflowed the stack.
MAX_NESTING = 24
# Link text whose brackets nest deeper than this is not a link (its brackets are shown as typed).
MAX_BRACKET_DEPTH = 12
# A link destination that is not a plain URL (nested parentheses, odd quotes) is read within this many
# characters, and at most MAX_ODD_LINKS of them per body: Python-Markdown reads each one to the end of the
# paragraph, so "[a](u 'x)" repeated was quadratic.
ODD_LINK_WINDOW = 500
MAX_ODD_LINKS = 1_000
# Within one block, past this many heading, rule and underline lines with no blank line between them, each
# such line ends a block of its own (as a blank line after it would): Python-Markdown re-reads the rest of
# the block after each one.
MAX_BREAKS_PER_BLOCK = 32
# A raw HTML start tag must close (">") within this many characters: Python's HTMLParser reads "<a<a<a..."
# from every "<" to the end of the text.
MAX_TAG_LENGTH = 2_000
# Python-Markdown's inline pass rebuilds a text's string at every match, so a text costs about its length
# times its markup characters. Past this total the costliest texts are read in pieces of INLINE_CHUNK
# characters (a 100,000-character paragraph of 7,000 wiki links took 1.4 s in one piece).
MAX_INLINE_WORK = 100_000_000
INLINE_CHUNK = 1_000
# Elements nested deeper than this in the HTML (tags a writer typed) are shown as text: html5lib scans the
# stack of open elements for many tags.
MAX_HTML_DEPTH = 100
# A typed tag over MAX_TAG_LENGTH characters with more attributes than this is shown as text: html5lib
# compares each attribute with all the ones before it ("<a " + "b " * 49,000 + ">" took 5 s).
MAX_ATTRIBUTES = 100
# Every element costs Python-Markdown and html5lib some 15-100 microseconds, and what makes elements can be
# counted in the text, each sign weighed by what it costs (_MARKUP_WEIGHT: about 2 per 15 microseconds). Past
# this weight the rest of the body, from the line break before, is shown as typed in plain paragraphs:
# 25,000 headings or 50,000 line breaks in 100,000 characters took seconds. A dense 100 KB wiki page (a
# heading, a list, a table, code, a quote and links every 750 characters) weighs about 36,000.
MAX_MARKUP_WEIGHT = 38_000
# At most this many distinct [[wiki links]] per body are looked up; the rest link to /wiki/go/<title>.
MAX_CHECKED_WIKILINKS = 50


# What makes elements, and how much: a line (a <br> or a block), a table cell, a link, a tag typed, an
# emphasis or code mark, an escape, an entity typed; dearest, a heading (its line, or a setext underline).
_MARKUP_SIGN = re.compile(r"\n(?:#|[=-]+[ ]*(?:\n|$))|[\n*_`|\[\\]|<[a-zA-Z/!?]|&[#a-zA-Z]")
_MARKUP_WEIGHT = {"\n": 4, "|": 4, "[": 8, "<": 4}  # others: 2
_HEADING_WEIGHT = 10


def _markup_weight_end(text: str) -> int | None:
    """Where ``text`` passes MAX_MARKUP_WEIGHT, or None if it does not."""
    if sum(map(text.count, "\n*_`|&[<\\")) * _HEADING_WEIGHT <= MAX_MARKUP_WEIGHT:
        return None  # too few signs to pass it whatever they are
    weight = 0
    for sign in _MARKUP_SIGN.finditer(text):
        found = sign.group()
        weight += _HEADING_WEIGHT if found[0] == "\n" and len(found) > 1 else _MARKUP_WEIGHT.get(found[0], 2)
        if weight > MAX_MARKUP_WEIGHT:
            return sign.start()
    return None


def split_at_markup_budget(text: str) -> tuple[str, str]:
    """``text`` cut in two: what renders as Markdown and what is shown as typed (usually empty).

    The cut comes at the paragraph break (or else the line break, or the space) before the sign passing
    MAX_MARKUP_WEIGHT, if there is one in the second half of what comes before it.
    """
    over = _markup_weight_end(text)
    if over is None:
        return text, ""
    cut = text.rfind("\n\n", 0, over)
    if cut < over // 2:
        cut = text.rfind("\n", 0, over)
    if cut < over // 2:
        cut = text.rfind(" ", 0, over)
    if cut < over // 2:
        cut = over
    return text[:cut], text[cut:]


def plain_html(text: str) -> str:
    """``text`` as typed: paragraphs at blank lines, line breaks kept, everything escaped."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text)]
    return "".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in p.split("\n")) + "</p>\n" for p in paragraphs if p
    )


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_SPACES = re.compile(r"\s+")
_VOID_TAGS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr",
    }
)  # fmt: skip
# Tags html5lib closes when another one like them opens, so they do not nest.
_SIBLING_TAGS = frozenset(
    {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup"}
)


def cap_html_depth(html_text: str) -> str:
    """``html_text`` with tags nested past MAX_HTML_DEPTH (and their end tags), and long tags with over
    MAX_ATTRIBUTES attributes, escaped so they show as text.

    A rough count (it does not know where html5lib closes elements implicitly) errs towards more depth.
    """
    depth, escaped, cuts = 0, Counter(), []
    next_gt: int | None = None
    spaces: list[int] | None = None  # where each run of white space starts, found if a tag is long
    for match in _TAG.finditer(html_text):
        closing, name = match.group(1), match.group(2).lower()
        if not closing:
            if next_gt is None or -1 < next_gt < match.start():
                next_gt = html_text.find(">", match.start())
            end = len(html_text) if next_gt == -1 else next_gt
            # A short tag cannot hold enough attributes to matter.
            if end - match.start() > MAX_TAG_LENGTH:
                if spaces is None:
                    spaces = [run.start() for run in _SPACES.finditer(html_text)]
                if bisect_left(spaces, end) - bisect_left(spaces, match.end()) > MAX_ATTRIBUTES:
                    cuts.append(match.start())
                    continue
        if name in _VOID_TAGS or name in _SIBLING_TAGS:
            continue
        if not closing:
            if depth < MAX_HTML_DEPTH:
                depth += 1
                continue
            escaped[name] += 1
        elif escaped[name]:
            escaped[name] -= 1
        else:
            depth = max(depth - 1, 0)
            continue
        cuts.append(match.start())
    if not cuts:
        return html_text
    parts, last = [], 0
    for at in cuts:
        parts.append(html_text[last:at])
        parts.append("&lt;")
        last = at + 1
    parts.append(html_text[last:])
    return "".join(parts)
