"""Bytes to text and text to JSON, the one way every reader does it, with clear errors and nothing changed silently.

Text: a byte-order mark names the encoding (UTF-8, UTF-16 or UTF-32, either byte order); UTF-16 without one is
recognised by its zero bytes; anything else must be UTF-8. Lines ended by a carriage return alone become lines
ended by a newline (a CR is whitespace in JSON, and a line end in CSV). A file that cannot be decoded is an
:class:`~threadlens.errors.InputError` naming the encoding found and where decoding failed. A lone surrogate
(half of a UTF-16 pair, from a damaged file or a ``\\ud800`` escape in JSON) cannot be written anywhere, so it is
replaced by U+FFFD and reported as a notice.

JSON: parsed by orjson, or by the standard library for what only it accepts (NaN, lone surrogates); nesting past
:data:`~threadlens.limits.MAX_JSON_DEPTH` levels and integers too long to convert are clear errors.

Notices are facts about an input that decoding changed or found (a replaced character, a duplicated ZIP member
name); :func:`noticing` collects those made while reading, and ``read_inputs`` reports them as warnings.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import orjson

from threadlens import limits
from threadlens.errors import InputError
from threadlens.model import Problem

_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32-LE"),
    (b"\x00\x00\xfe\xff", "UTF-32-BE"),
    (b"\xef\xbb\xbf", "UTF-8"),
    (b"\xff\xfe", "UTF-16-LE"),
    (b"\xfe\xff", "UTF-16-BE"),
)
_LONE_CR = re.compile(r"\r(?!\n)")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_NOTICES: ContextVar[list[Problem] | None] = ContextVar("threadlens_notices", default=None)


@contextmanager
def noticing() -> Iterator[list[Problem]]:
    """Collect the notices made while the block runs (see this module's docstring)."""
    found: list[Problem] = []
    token = _NOTICES.set(found)
    try:
        yield found
    finally:
        _NOTICES.reset(token)


def notice(path: str, position: str, reason: str) -> None:
    """Report a fact about an input worth a warning: to the collector of :func:`noticing`, else as a Python
    warning (a reader called on its own)."""
    found = _NOTICES.get()
    if found is None:
        warnings.warn(f"{path}: {position}: {reason}", stacklevel=2)
    else:
        found.append(Problem(path, position, reason, severity="warning"))


def detect_encoding(data: bytes) -> tuple[str, int]:
    """The encoding of ``data`` and the length of its byte-order mark (0 when it has none)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and odd.count(0) > 0.9 * len(odd) and not even.count(0):
        return "UTF-16-LE", 0
    if len(head) >= 4 and even.count(0) > 0.9 * len(even) and not odd.count(0):
        return "UTF-16-BE", 0
    return "UTF-8", 0


def decode_text(data: bytes, display: str) -> str:
    """``data`` as text in the encoding :func:`detect_encoding` finds; a clear error when it cannot be."""
    if not data.strip():
        raise InputError("file is empty", path=display, hint="Export the data again")
    codec, skip = detect_encoding(data)
    if codec == "UTF-8" and b"\0" in data[:8192]:
        raise InputError(
            "file is binary, not text",
            path=display,
            expected="a text export (JSON, JSONL, CSV or JS)",
            hint="Pass the export file itself, not a compressed or image file",
        )
    body = data[skip:]
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as error:
        if (error.end >= len(body) and "truncated" in error.reason) or "end of data" in error.reason:
            raise InputError(
                f"the file is {codec} and ends in the middle of a character: it looks truncated",
                path=display,
                position=f"byte {skip + error.start}",
                expected=f"complete {codec} text",
                hint="Export or download the file again",
            ) from None
        if codec == "UTF-8":
            line = data[: skip + error.start].count(b"\n") + 1
            raise InputError(
                f"byte 0x{body[error.start]:02x} at offset {skip + error.start} is not UTF-8, and the file has no "
                "byte-order mark naming another encoding",
                path=display,
                position=f"line {line}",
                expected="UTF-8 text (or UTF-16/UTF-32 with a byte-order mark)",
                hint="Re-save the file as UTF-8 (e.g. 'iconv -f latin1 -t utf-8')",
            ) from None
        text = body.decode(codec, errors="replace")
        notice(
            display,
            f"byte {skip + error.start}",
            f"the {codec} text holds a lone surrogate or an invalid code unit, replaced by U+FFFD",
        )
    if text.count("\r") != text.count("\r\n"):  # lines ended by CR alone (old Mac programs) become newlines
        text = _LONE_CR.sub("\n", text)
    return text


def loads_json(text: str) -> Any:
    """``orjson.loads`` (fast), falling back to ``json.loads`` for what only it accepts (lone surrogates, NaN).

    Both raise ``json.JSONDecodeError``, also for nesting past the depth limit and for an integer too long
    to convert.
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        if "depth limit" in str(error):
            raise _too_deep(text, error.pos) from None
    try:
        return json.loads(text)
    except RecursionError:
        raise _too_deep(text, 0) from None
    except json.JSONDecodeError:
        raise
    except ValueError as error:  # an integer of more digits than Python converts
        raise json.JSONDecodeError(f"a number cannot be read ({str(error).split(';')[0]})", text, 0) from None


def _too_deep(text: str, position: int) -> json.JSONDecodeError:
    return json.JSONDecodeError(f"nested more than {limits.MAX_JSON_DEPTH} levels deep", text, position)


def parse_json(text: str, display: str) -> Any:
    """``json.loads`` with an error that names the line and column, and says when the text was cut short;
    lone surrogates replaced (see :func:`without_lone_surrogates`)."""
    try:
        value = loads_json(text)
    except json.JSONDecodeError as error:
        truncated = error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated string")
        raise InputError(
            ("JSON ends early: the file looks truncated" if truncated else f"invalid JSON: {error.msg}"),
            path=display,
            position=f"line {error.lineno}, column {error.colno}",
            expected="complete, valid JSON",
            hint="Export or download the file again" if truncated else "Check the file is the unmodified export",
        ) from None
    return without_lone_surrogates(value, display, "whole file", text)


def without_lone_surrogates(value: Any, display: str, position: str, text: str | None = None) -> Any:
    """``value`` with every lone surrogate in its strings replaced by U+FFFD, and a notice when there were any.

    Only JSON with a ``\\uD800``-``\\uDFFF`` escape can hold one, so other values (``text``, when given, is the
    JSON they were parsed from) are returned at once.
    """
    if text is not None and not _SURROGATE_ESCAPE.search(text):
        return value
    replaced = 0
    root = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        container, key = stack.pop()
        item = container[key]
        if isinstance(item, str):
            clean, count = _LONE_SURROGATE.subn("\ufffd", item)
            if count:
                container[key] = clean
                replaced += count
        elif isinstance(item, list):
            stack.extend((item, index) for index in range(len(item)))
        elif isinstance(item, dict):
            for name in list(item):
                clean, count = _LONE_SURROGATE.subn("\ufffd", name)
                if count:
                    item[clean] = item.pop(name)
                    replaced += count
                stack.append((item, clean))
    if replaced:
        notice(display, position, f"{replaced} lone surrogate(s) (half of a UTF-16 pair) replaced by U+FFFD")
    return root[0]
