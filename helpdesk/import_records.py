"""Reading JSON Lines for the importer: one record per line, checked and cleaned, or the reason it is refused.

The format is the one of ../shared/data/README.md: ``{"id", "title", "body", "tags": [...], "lang",
"answers": [...], "answer_labels": [...], "date"}``; fields the importer does not know are ignored.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from .utils import clean_line, clean_text, utcnow

# Room left in external_id (String(200)) for an answer's suffix such as "#a123".
MAX_ID_LENGTH = 190
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"[*_`#>|]+")


class RecordError(Exception):
    """A line that cannot become a post; the message says why, for the operator."""


@dataclass
class ImportRecord:
    external_id: str
    title: str
    body: str
    tags: list[str]
    lang: str
    created_at: datetime | None = None
    # (position in the record's list, text); blank answers are left out, positions stay stable.
    answers: list[tuple[int, str]] = field(default_factory=list)
    accepted_index: int | None = None


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def read_lines(path: Path) -> Iterator[tuple[int, dict | RecordError]]:
    """(line number, the object on it or the reason there is none) for every non-blank line of ``path``."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield number, RecordError("not valid UTF-8")
                continue
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                yield number, RecordError(f"invalid JSON ({error.msg} at column {error.colno})")
                continue
            if not isinstance(value, dict):
                yield number, RecordError(f"expected a JSON object, found {_json_type(value)}")
                continue
            yield number, value


def _json_type(value) -> str:
    names = {list: "an array", str: "a string", bool: "true/false", type(None): "null", dict: "an object"}
    return names.get(type(value), "a number")


def _text_field(record: dict, name: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"“{name}” must be a string, not {_json_type(value)}")
    return value


def _list_of_texts(record: dict, name: str) -> list[str]:
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RecordError(f"“{name}” must be a list of strings")
    return value


def _check_length(what: str, text: str, setting: str) -> None:
    limit = current_app.config[setting]
    if len(text) > limit:
        raise RecordError(
            f"{what} is {len(text):,} characters long; the limit is {limit:,} (HELPDESK_{setting})"
        )


def parse_date(value) -> datetime | None:
    """An ISO 8601 date or date-time as naive UTC; None when absent, unparseable or in the future."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment if moment <= utcnow() else None


def title_from_body(body: str, limit: int) -> str:
    """A title for a record without one: the body's first sentence, cut between words to fit ``limit``."""
    text = clean_line(_MARKDOWN_MARKS.sub(" ", _MARKDOWN_LINK.sub(r"\1", body)))
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


def parse_record(value: dict, *, with_answers: bool) -> ImportRecord:
    """Check one object read from a line and clean its texts; raises RecordError saying what is wrong."""
    raw_id = value.get("id")
    if raw_id is None or raw_id == "":
        raise RecordError("missing “id”")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        raise RecordError(f"“id” must be a string or a number, not {_json_type(raw_id)}")
    external_id = clean_line(str(raw_id))
    if not external_id:
        raise RecordError("missing “id”")
    if len(external_id) > MAX_ID_LENGTH:
        raise RecordError(f"“id” is longer than {MAX_ID_LENGTH} characters")

    title = clean_line(_text_field(value, "title"))
    body = clean_text(_text_field(value, "body"))
    if not title and not body:
        raise RecordError("both “title” and “body” are empty")
    _check_length("“title”", title, "MAX_TITLE_LENGTH")
    _check_length("“body”", body, "MAX_BODY_LENGTH")
    if not title:
        title = title_from_body(body, current_app.config["MAX_TITLE_LENGTH"])
    if not body and with_answers:
        # A forum question asked entirely in its title ("How do I map a network drive?") is still a question.
        body = title

    lang = clean_line(_text_field(value, "lang")).lower() or "en"
    languages = current_app.config["CONTENT_LANGUAGES"]
    if lang not in languages:
        raise RecordError(f"unknown language “{lang[:20]}” (this site knows: {', '.join(languages)})")
    record = ImportRecord(
        external_id=external_id,
        title=title,
        body=body,
        tags=_list_of_texts(value, "tags"),
        lang=lang,
        created_at=parse_date(value.get("date")),
    )
    if with_answers:
        labels = _list_of_texts(value, "answer_labels")
        for index, text in enumerate(_list_of_texts(value, "answers")):
            text = clean_text(text)
            if not text:
                continue
            _check_length(f"answer {index + 1}", text, "MAX_BODY_LENGTH")
            record.answers.append((index, text))
            is_good = index < len(labels) and labels[index].strip().lower() == "good"
            if record.accepted_index is None and is_good:
                record.accepted_index = index
    return record
