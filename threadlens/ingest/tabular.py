"""Generic tables: CSV/TSV (``csv``) and JSON lines (``jsonl``) with one message per row.

The columns are ``id, reply_to, author, created_at, text`` and optionally ``platform,
conversation_id, quote_of, author_name, url, deleted``. Other names are mapped with the reader option
``columns`` (canonical → actual, e.g. ``{"id": "tweet_id"}``); such files are read by naming their
format, since sniffing only knows the canonical names. Times are ISO-8601 or epoch seconds
or milliseconds. Ids are qualified with the row's platform (the ``platform`` column, else the
``platform`` option, else ``generic``) unless they already carry a known prefix such as ``x:``.
Ids are read as strings and never pass through a float.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from threadlens.errors import InputError
from threadlens.ingest.base import RECORD_ERRORS, Sink, SourceFile, loads_json, record_error, register
from threadlens.ingest.rows import message_from_values
from threadlens.limits import MAX_FILE_BYTES
from threadlens.model import Message

REQUIRED = ("id", "reply_to", "author", "created_at", "text")
OPTIONAL = ("platform", "conversation_id", "quote_of", "author_name", "url", "deleted")
DEFAULT_PLATFORM = "generic"
# Keys that mark JSON lines as another reader's: X API (v1.1 and v2) tweets and pages, ConvoKit utterances.
_OTHER_SHAPES = frozenset({"data", "author_id", "edit_history_tweet_ids", "id_str", "full_text", "speaker"})


def column_mapping(sink: Sink, src: SourceFile) -> dict[str, str]:
    """Canonical column → the name in the file, from the ``columns`` option (unnamed ones map to themselves)."""
    given = dict(sink.options.get("columns") or {})
    unknown = sorted(set(given) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise InputError(
            f"unknown column name(s) in --column: {', '.join(unknown)}",
            path=src.display,
            expected="--column CANONICAL=ACTUAL with CANONICAL one of " + ", ".join(REQUIRED + OPTIONAL),
        )
    return {name: given.get(name, name) for name in REQUIRED + OPTIONAL}


def _check_columns(src: SourceFile, found: list[str], mapping: dict[str, str], position: str) -> None:
    """One clear error when a required column is absent, naming what was found and the --column option."""
    missing = [
        name if mapping[name] == name else f"{name} (as {mapping[name]!r})"
        for name in REQUIRED
        if mapping[name] not in found
    ]
    if missing:
        raise InputError(
            f"missing required column(s): {', '.join(missing)}; found: {', '.join(found) or 'none'}",
            path=src.display,
            position=position,
            expected="columns " + ", ".join(REQUIRED),
            hint="Map your names with --column, e.g. --column id=tweet_id --column text=full_text",
        )


def _platform(row: dict[str, Any], sink: Sink) -> str:
    return str(row.get("platform") or sink.options.get("platform") or DEFAULT_PLATFORM).strip().lower()


def _row_message(src: SourceFile, sink: Sink, row: dict[str, Any], position: str, format: str) -> Message | None:
    """The message of one mapped row, or ``None`` after rejecting it with its position."""
    try:
        return message_from_values(row, platform=_platform(row, sink), source=src.source(position, format))
    except RECORD_ERRORS as error:
        sink.reject(src, position, record_error(error), expected="a row with id, author, a time and text")
        return None


def sniff_csv(src: SourceFile) -> bool:
    """A ``.csv``/``.tsv`` file whose header has ``id`` and ``text`` columns.

    A sniffer cannot see the ``columns`` option, so a file with other names is read by naming the
    format (``--format csv``), which then checks the mapped columns with a clear error.
    """
    if src.is_dir or src.path.suffix.lower() not in (".csv", ".tsv"):
        return False
    first_line = next(iter(src.head(4096).splitlines()), "")
    header = next(csv.reader([first_line], delimiter=_delimiter(first_line)), [])
    return {"id", "text"} <= {name.strip() for name in header}


def _delimiter(header_line: str) -> str:
    """Comma, tab or semicolon: whichever the header line uses most."""
    return max(",\t;", key=header_line.count)


@register("csv", "CSV/TSV with columns id, reply_to, author, created_at, text (others mapped)", sniff_csv, priority=80)
def read_csv(src: SourceFile, sink: Sink) -> Iterator[Message]:
    """One message per row; bad rows are rejected with their row and line, good rows kept.

    A row whose quotes do not parse (an unclosed quote swallows the lines after it) is rejected, and the
    lines after the line it started on are read again as rows, so one bad quote loses no other row.
    """
    text = src.text
    first = text.split("\n", 1)[0]
    delimiter = _delimiter(first)
    header = [name.strip() for name in next(csv.reader([first], delimiter=delimiter), [])]
    mapping = column_mapping(sink, src)
    _check_columns(src, header, mapping, "line 1 (header)")
    index = {name: header.index(actual) for name, actual in mapping.items() if actual in header}
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    number = 0
    start: int | None = 1  # the number of physical lines before where the reader starts
    offset = 0  # where those lines end in the text
    read_to = 0
    while start is not None:
        offset = _line_offset(text, offset, start - read_to)
        read_to = start
        if offset >= len(text):
            return
        rows = csv.reader(io.StringIO(text[offset:] if offset else text, newline=""), delimiter=delimiter, strict=True)
        restart = None
        while True:
            before = rows.line_num
            first_line = start + before + 1  # 1-based line number where this row starts
            try:
                fields = next(rows)
            except StopIteration:
                break
            except csv.Error as error:
                number += 1
                sink.records += 1
                sink.reject(
                    src,
                    f"row {number}, line {first_line}",
                    f"unclosed quote or a stray quote in this row ({error}); the lines after it are read again as rows",
                    expected="well-formed CSV (close the quote, or double a quote inside a quoted value)",
                )
                restart = first_line
                break
            if not any(field.strip() for field in fields):
                continue
            number += 1
            sink.records += 1
            position = f"row {number}, line {first_line}"
            if len(fields) != len(header):
                spanned = rows.line_num - before > 1
                sink.reject(
                    src,
                    position,
                    f"row has {len(fields)} fields but the header has {len(header)}"
                    + (
                        "; a quote is probably unclosed, so the lines after it are read again as rows"
                        if spanned
                        else ""
                    ),
                    expected="one value per column (quote values that contain the delimiter)",
                )
                if spanned:
                    restart = first_line
                    break
                continue
            message = _row_message(src, sink, {name: fields[i] for name, i in index.items()}, position, "csv")
            if message is not None:
                yield message
        start = restart


def _line_offset(text: str, offset: int, lines: int) -> int:
    """The offset in ``text`` just after ``lines`` more newlines from ``offset`` (its length if there are fewer)."""
    for _ in range(lines):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


def sniff_jsonl(src: SourceFile) -> bool:
    """JSON lines whose first object has ``id`` and ``text`` and is not an X or ConvoKit record."""
    if src.is_dir or src.path.suffix.lower() not in (".jsonl", ".ndjson"):
        return False
    try:
        record = loads_json(src.first_line())
    except ValueError:
        return False
    return isinstance(record, dict) and {"id", "text"} <= record.keys() and not _OTHER_SHAPES & record.keys()


@register(
    "jsonl", "JSON lines with fields id, reply_to, author, created_at, text (others mapped)", sniff_jsonl, priority=90
)
def read_jsonl(src: SourceFile, sink: Sink) -> Iterator[Message]:
    """One message per line; bad lines are rejected with their number, good lines kept."""
    mapping = column_mapping(sink, src)
    renamed = None if all(name == actual for name, actual in mapping.items()) else mapping
    checked = False
    for number, parsed in src.jsonl():
        position = f"line {number}"
        sink.records += 1
        if isinstance(parsed, InputError):
            sink.reject(src, position, parsed.reason, expected=parsed.expected)
            continue
        if not isinstance(parsed, dict):
            sink.reject(src, position, f"line holds a JSON {type(parsed).__name__}", expected="a JSON object")
            continue
        if not checked:
            _check_columns(src, list(parsed), mapping, position)
            checked = True
        row = parsed if renamed is None else {name: parsed.get(actual) for name, actual in renamed.items()}
        message = _row_message(src, sink, row, position, "jsonl")
        if message is not None:
            yield message
