"""Readable differences between two versions of a page: lines, with the changed words marked inside them.

Built on difflib. The result is plain data (text pieces flagged changed or not); templates escape every piece,
so nothing here produces HTML.
"""

import difflib
import re
from dataclasses import dataclass, field

# Words, runs of blanks and single punctuation marks: the units a changed line is compared in.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
# Lines less alike than this are shown as removed and added whole, without word marks (they would be noise).
_SIMILAR_ENOUGH = 0.4

Segments = list[tuple[str, bool]]


@dataclass(frozen=True)
class Version:
    """What a diff compares: a revision, or the text someone typed."""

    title: str
    path: str
    body: str
    tags: tuple[str, ...] = ()

    @classmethod
    def of(cls, revision) -> "Version":
        """From a PageRevision (whose tags are stored as one space-separated string)."""
        return cls(revision.title, revision.path, revision.body, tuple(revision.tags.split()))


@dataclass
class DiffLine:
    kind: str  # "equal", "del", "ins" or "skip" (unchanged lines left out)
    old_number: int | None = None
    new_number: int | None = None
    segments: Segments = field(default_factory=list)
    skipped: int = 0


@dataclass
class FieldChange:
    name: str  # "title" or "path"
    old: Segments
    new: Segments


@dataclass
class PageDiff:
    fields: list[FieldChange]
    tags_removed: list[str]
    tags_added: list[str]
    lines: list[DiffLine]

    @property
    def is_empty(self) -> bool:
        return not (self.fields or self.tags_removed or self.tags_added or self.lines)


def _merge(pieces: Segments) -> Segments:
    merged: Segments = []
    for text, changed in pieces:
        if merged and merged[-1][1] == changed:
            merged[-1] = (merged[-1][0] + text, changed)
        elif text:
            merged.append((text, changed))
    return merged


def word_segments(old: str, new: str) -> tuple[Segments, Segments]:
    """``old`` and ``new`` cut into pieces, each flagged True where it differs from the other text."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    old_pieces: Segments = []
    new_pieces: Segments = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_pieces.append(("".join(a[i1:i2]), tag != "equal"))
        new_pieces.append(("".join(b[j1:j2]), tag != "equal"))
    return _merge(old_pieces), _merge(new_pieces)


def _changed_block(old_lines: list[str], new_lines: list[str], i1: int, j1: int) -> list[DiffLine]:
    """A replaced block: removed lines, then added ones, with word marks on pairs of similar lines."""
    removed = [
        DiffLine("del", old_number=i1 + k + 1, segments=[(line, False)]) for k, line in enumerate(old_lines)
    ]
    added = [
        DiffLine("ins", new_number=j1 + k + 1, segments=[(line, False)]) for k, line in enumerate(new_lines)
    ]
    for old_row, new_row, old_line, new_line in zip(removed, added, old_lines, new_lines, strict=False):
        if difflib.SequenceMatcher(None, old_line, new_line, autojunk=False).ratio() >= _SIMILAR_ENOUGH:
            old_row.segments, new_row.segments = word_segments(old_line, new_line)
    return removed + added


def line_diff(old: str, new: str, context: int = 3) -> list[DiffLine]:
    """The lines that differ between two texts, with ``context`` unchanged lines around each change.

    Runs of unchanged lines further away are folded into one "skip" row. No differences: an empty list.
    """
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffLine] = []
    previous_end = 0
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        start = group[0][1]
        if start > previous_end:
            rows.append(DiffLine("skip", skipped=start - previous_end))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(
                    DiffLine("equal", old_number=i + 1, new_number=j1 + k + 1, segments=[(a[i], False)])
                    for k, i in enumerate(range(i1, i2))
                )
            else:
                rows.extend(_changed_block(a[i1:i2], b[j1:j2], i1, j1))
        previous_end = group[-1][2]
    if rows and previous_end < len(a):
        rows.append(DiffLine("skip", skipped=len(a) - previous_end))
    return rows


def page_diff(old: Version, new: Version) -> PageDiff:
    """Everything that differs between two versions of a page: title, path, tags and the text's lines."""
    fields = [
        FieldChange(name, *word_segments(getattr(old, name), getattr(new, name)))
        for name in ("title", "path")
        if getattr(old, name) != getattr(new, name)
    ]
    return PageDiff(
        fields=fields,
        tags_removed=[t for t in old.tags if t not in new.tags],
        tags_added=[t for t in new.tags if t not in old.tags],
        lines=line_diff(old.body, new.body),
    )
