"""A line-by-line comparison of two versions of a post, for the history pages."""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "del" or "ins"
    old_number: int | None
    new_number: int | None
    text: str


def line_diff(old: str, new: str) -> list[DiffLine]:
    """Lines of ``new`` compared with ``old``: unchanged, removed and added lines in reading order."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", i1 + k + 1, j1 + k + 1, old_lines[i1 + k]) for k in range(i2 - i1)]
            continue
        lines += [DiffLine("del", i + 1, None, old_lines[i]) for i in range(i1, i2)]
        lines += [DiffLine("ins", None, j + 1, new_lines[j]) for j in range(j1, j2)]
    return lines
