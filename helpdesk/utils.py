"""Small helpers shared by every area: time and the cleaning of text people type."""

import re
import unicodedata
from datetime import UTC, datetime

# Control characters (but not tab and newline) break PostgreSQL (NUL) and confuse rendering.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")

# The largest id an Integer column holds (PostgreSQL's ``integer``): a larger number names no row, and asking
# the database for it fails instead of finding nothing.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def clean_text(value: str | None) -> str:
    """Normalise a multi-line text: NFC, no control characters, Unix newlines, no trailing blanks."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).strip()


def clean_line(value: str | None) -> str:
    """Normalise a one-line text such as a title: like clean_text, with runs of white space folded."""
    return _SPACES.sub(" ", clean_text(value)).strip()


def is_id(number: int) -> bool:
    """Could ``number`` be a row id (1 to ``MAX_ID``)? Check before looking up a number from an address."""
    return 0 < number <= MAX_ID


def parse_id(raw: str | None) -> int | None:
    """The row id in ``raw`` ("12", as forms and addresses send it); None for anything but ASCII digits naming
    1 to ``MAX_ID``."""
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_ID)):
        return None
    number = int(raw)
    return number if is_id(number) else None
