"""Guards inside Python-Markdown: its link patterns, nesting, blocks of headings, raw HTML and long texts.

LimitsExtension registers each in place of, or around, what Python-Markdown does; ordinary Markdown renders
as it did (limits.py has the numbers and why).
"""

import re
import xml.etree.ElementTree as etree

import markdown
from markdown import inlinepatterns
from markdown.extensions import Extension
from markdown.htmlparser import HTMLExtractor
from markdown.preprocessors import HtmlBlockPreprocessor, Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .limits import (
    INLINE_CHUNK,
    MAX_BRACKET_DEPTH,
    MAX_BREAKS_PER_BLOCK,
    MAX_INLINE_WORK,
    MAX_NESTING,
    MAX_ODD_LINKS,
    MAX_TAG_LENGTH,
    ODD_LINK_WINDOW,
)


class Limits:
    """What one render has spent, and the bracket pairs of the text being scanned."""

    def __init__(self) -> None:
        self.odd_links = 0
        self.chunked: list[etree.Element] = []
        self._bracket_text: str | None = None
        self._closing: dict[int, tuple[int, int] | None] = {}

    def closing_bracket(self, data: str, index: int) -> tuple[int, int] | None:
        """Where the "[" just before ``index`` closes, and how deep brackets nest inside it; None if never.

        One pass with a stack answers for every bracket it passes, and answers are kept while ``data`` is the
        same string, so the link patterns no longer rescan the rest of a paragraph for each "[".
        """
        if data is not self._bracket_text:
            self._bracket_text, self._closing = data, {}
        if index not in self._closing:
            stack = [[index, 0]]  # position after each open "[", deepest level reached inside it
            for match in _BRACKET.finditer(data, index):
                if match.group() == "[":
                    stack.append([match.end(), len(stack)])
                    continue
                start, peak = stack.pop()
                self._closing[start] = (match.start(), peak - len(stack))
                if not stack:
                    break
                stack[-1][1] = max(stack[-1][1], peak)
            for start, _ in stack:
                self._closing[start] = None
        return self._closing[index]


_BRACKET = re.compile(r"[\[\]]")
# "(url)" and "(url "title")" with nothing Python-Markdown's paren and quote matching could read otherwise.
_PLAIN_LINK = re.compile(r"""\(\s*[^\s()'"<>]*(?:\s+(?:"[^"'()]*"|'[^'"()]*'))?\s*\)""")


class _GuardedLinkMixin:
    """getText and getLink of Python-Markdown's link patterns, without rescanning the whole paragraph."""

    limits: Limits

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802 (Markdown's API)
        closing = self.limits.closing_bracket(data, index)
        if closing is None or closing[1] > MAX_BRACKET_DEPTH:
            return "", index, False
        return data[index : closing[0]], closing[0] + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        if not data.startswith("(", index):
            return super().getLink(data, index)  # not a destination: answered without scanning
        plain = _PLAIN_LINK.match(data, index)
        if plain:
            # The scan stops at this ")" anyway; cutting the text there makes that certain.
            return super().getLink(data[: plain.end()], index)
        angle = self.RE_LINK.match(data, index)
        if angle and angle.group(1):
            return super().getLink(data, index)  # "(<url>)": a regular expression, no scan
        if self.limits.odd_links >= MAX_ODD_LINKS:
            return "", None, index, False
        self.limits.odd_links += 1
        return super().getLink(data[: index + ODD_LINK_WINDOW], index)


def _guarded(base: type) -> type:
    def __init__(self, pattern: str, md: markdown.Markdown, limits: Limits):  # noqa: N807
        base.__init__(self, pattern, md)
        self.limits = limits

    return type(f"Guarded{base.__name__}", (_GuardedLinkMixin, base), {"__init__": __init__})


# Python-Markdown's link patterns: (class, pattern, name, priority), as build_inlinepatterns registers them.
_LINK_PATTERNS = [
    (_guarded(inlinepatterns.ReferenceInlineProcessor), inlinepatterns.REFERENCE_RE, "reference", 170),
    (_guarded(inlinepatterns.LinkInlineProcessor), inlinepatterns.LINK_RE, "link", 160),
    (_guarded(inlinepatterns.ImageInlineProcessor), inlinepatterns.IMAGE_LINK_RE, "image_link", 150),
    (
        _guarded(inlinepatterns.ImageReferenceInlineProcessor),
        inlinepatterns.IMAGE_REFERENCE_RE,
        "image_reference",
        140,
    ),
    (
        _guarded(inlinepatterns.ShortReferenceInlineProcessor),
        inlinepatterns.REFERENCE_RE,
        "short_reference",
        130,
    ),
    (
        _guarded(inlinepatterns.ShortImageReferenceInlineProcessor),
        inlinepatterns.IMAGE_REFERENCE_RE,
        "short_image_ref",
        125,
    ),
]

_MARKER = re.compile(r"[ ]{0,3}(?:>[ ]?|[*+-][ ]+|\d{1,9}\.[ ]+)")
_QUOTE_PREFIX = re.compile(r"(?:[ ]{0,3}>[ ]?)*")
_BLOCK_BREAK = re.compile(
    r"#{1,6}(?!#)"  # a heading
    r"|[ ]{0,3}(?:(?:-[ ]{0,2}){3,}|(?:_[ ]{0,2}){3,}|(?:\*[ ]{0,2}){3,})$"  # a rule
    r"|(?:=+|-+)[ ]*$"  # a heading's underline
)


def _cap_nesting(line: str) -> str:
    """``line`` with its marker past MAX_NESTING escaped, so it shows as typed instead of nesting."""
    position = 0
    for _ in range(MAX_NESTING):
        marker = _MARKER.match(line, position)
        if marker is None:
            return line
        position = marker.end()
    marker = _MARKER.match(line, position)
    if marker is None:
        return line
    text = marker.group().lstrip(" ")
    at = marker.end() - len(text) + (text.index(".") if text[0].isdigit() else 0)
    return line[:at] + "\\" + line[at:]


def _split_breaks(block: list[str]) -> list[str]:
    """``block``'s lines, with a (quoted) blank line after each heading, rule and underline if it has many."""
    breaks = [i for i, line in enumerate(block) if _BLOCK_BREAK.match(line, _QUOTE_PREFIX.match(line).end())]
    if len(breaks) <= MAX_BREAKS_PER_BLOCK:
        return block
    out, breaks_at = [], set(breaks)
    for i, line in enumerate(block):
        out.append(line)
        if i in breaks_at:
            out.append(_QUOTE_PREFIX.match(line)[0].rstrip(" ").replace(" ", ""))
    return out


class _LineLimits(Preprocessor):
    """Caps nesting per line and splits blocks full of headings; runs after fenced code is set aside."""

    def run(self, lines: list[str]) -> list[str]:
        lines = [_cap_nesting(line) if len(line) > MAX_NESTING else line for line in lines]
        out: list[str] = []
        block: list[str] = []
        for line in lines:
            if line.strip():
                block.append(line)
                continue
            out.extend(_split_breaks(block))
            out.append(line)
            block = []
        out.extend(_split_breaks(block))
        return out


_MARKUP_CHARACTERS = "`\\[<&*_\n"
# Every inline pattern (Python-Markdown's, nl2br's, wiki links) needs one of these; \x02 starts a placeholder.
_INLINE_TRIGGER = re.compile(r"[`\\\[!<&*_\n\x02]")


_CHUNK = "helpdesk-chunk"  # a temporary element: its text is read for inline markup on its own


def _chunks(text: str) -> list[str]:
    """``text`` in pieces of at most INLINE_CHUNK characters, cut after a line break or space if possible."""
    pieces, start = [], 0
    while len(text) - start > INLINE_CHUNK:
        end = text.rfind("\n", start + 1, start + INLINE_CHUNK)
        if end == -1:
            end = text.rfind(" ", start + 1, start + INLINE_CHUNK)
        end = start + INLINE_CHUNK if end == -1 else end + 1
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


class _ChunkCostlyTexts(Treeprocessor):
    """Cuts the costliest texts into pieces read one by one when their inline work together is too much.

    Markup within a piece renders as usual; markup spanning two pieces is shown as typed.
    """

    def __init__(self, md: markdown.Markdown, limits: Limits):
        super().__init__(md)
        self.limits = limits

    def run(self, root: etree.Element) -> None:
        texts = []
        for parent in root.iter():
            for child in parent:
                for attribute in ("text", "tail"):
                    value = getattr(child, attribute)
                    if not value or isinstance(value, AtomicString):
                        continue
                    if not _INLINE_TRIGGER.search(value):
                        # No inline pattern can match: spare the inline pass (some 40 microseconds a text).
                        setattr(child, attribute, AtomicString(value))
                        continue
                    cost = len(value) * (1 + sum(map(value.count, _MARKUP_CHARACTERS)))
                    texts.append((cost, parent, child, attribute))
        total = sum(cost for cost, *_ in texts)
        for cost, parent, child, attribute in sorted(texts, key=lambda t: t[0], reverse=True):
            if total <= MAX_INLINE_WORK:
                break
            total -= cost
            pieces = []
            for text in _chunks(getattr(child, attribute)):
                pieces.append(etree.Element(_CHUNK))
                pieces[-1].text = text
            setattr(child, attribute, None)
            if attribute == "text":
                child[0:0] = pieces
                self.limits.chunked.append(child)
            else:
                at = list(parent).index(child) + 1
                parent[at:at] = pieces
                self.limits.chunked.append(parent)


class _JoinChunks(Treeprocessor):
    """Puts what _ChunkCostlyTexts's pieces became back in their parent (after the inline pass)."""

    def __init__(self, md: markdown.Markdown, limits: Limits):
        super().__init__(md)
        self.limits = limits

    def run(self, root: etree.Element) -> None:
        for parent in self.limits.chunked:
            _join_chunks(parent)


def _join_chunks(parent: etree.Element) -> None:
    children: list[etree.Element] = []

    def append_text(text: str | None) -> None:
        if not text:
            return
        if children:
            children[-1].tail = (children[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text

    for child in list(parent):
        if child.tag != _CHUNK:
            children.append(child)
            continue
        append_text(child.text)
        children.extend(child)
        append_text(child.tail)
    parent[:] = children


class _HTMLExtractor(HTMLExtractor):
    """Python-Markdown's raw HTML reader, taking a "<" whose tag does not close in MAX_TAG_LENGTH as text."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        self._next_gt: int | None = None  # where the next ">" is (-1: none), found once for many "<"

    def parse_starttag(self, i: int) -> int:
        if self._next_gt is None or -1 < self._next_gt < i:
            self._next_gt = self.rawdata.find(">", i)
        if self._next_gt == -1 or self._next_gt - i > MAX_TAG_LENGTH:
            self.handle_data("<")  # what Python-Markdown does with a tag that never completes
            return i + 1
        return super().parse_starttag(i)


class _HtmlBlockPreprocessor(HtmlBlockPreprocessor):
    def run(self, lines: list[str]) -> list[str]:
        parser = _HTMLExtractor(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


class LimitsExtension(Extension):
    def __init__(self, limits: Limits):
        super().__init__()
        self.limits = limits

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.preprocessors.register(_HtmlBlockPreprocessor(md), "html_block", 20)
        md.preprocessors.register(_LineLimits(md), "helpdesk_line_limits", 15)
        for cls, pattern, name, priority in _LINK_PATTERNS:
            md.inlinePatterns.register(cls(pattern, md, self.limits), name, priority)
        # Around the inline pass (20).
        md.treeprocessors.register(_ChunkCostlyTexts(md, self.limits), "helpdesk_chunk_costly_texts", 25)
        md.treeprocessors.register(_JoinChunks(md, self.limits), "helpdesk_join_chunks", 15)
