"""Read exports into :class:`~threadlens.model.Message` objects: one reader per format, sniffed or named."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from threadlens.errors import FormatError, InputError
from threadlens.ingest.base import READERS, Reader, Sink, SourceFile, detect_format, gc_paused
from threadlens.ingest.merge import merge_with_conflicts
from threadlens.model import Conflict, InputFile, Message, Problem, ReadResult

READER_MODULES = (
    "x_archive",
    "x_api_v2",
    "x_api_v1",
    "mastodon",
    "bluesky",
    "reddit",
    "tabular",
    "convokit",
)

# Files a submission folder may hold beside its exports; they are not messages (nor are fetch provenance
# records, ``*.provenance.json``, which describe how an export was collected).
NOT_EXPORTS = frozenset({"submission.toml", "readme.md", "readme.txt", "source.md", ".ds_store"})


def readers() -> dict[str, Reader]:
    """Every registered reader by name (importing the reader modules on first use)."""
    for module in READER_MODULES:
        importlib.import_module(f"threadlens.ingest.{module}")
    return dict(sorted(READERS.items()))


def read_inputs(
    paths: Iterable[str | Path],
    *,
    format: str = "auto",
    strict: bool = False,
    options: dict[str, Any] | None = None,
) -> ReadResult:
    """Read every path (file, folder or ZIP) and merge the messages: one per id, every source kept.

    A folder that no reader claims whole is read file by file. Records that cannot be used are in
    ``problems``; with ``strict`` the first one raises :class:`InputError` instead. ``options`` go to
    every reader (e.g. ``{"columns": {"id": "tweet_id"}}`` for the csv and jsonl readers).
    """
    available = readers()
    if format != "auto" and format not in available:
        raise FormatError(
            f"unknown format {format!r}",
            expected="one of: auto, " + ", ".join(available),
            hint="See 'threadlens formats'",
        )
    result = ReadResult()
    with gc_paused():
        _read_each(paths, format, strict, options, available, result)
    result.messages, result.conflicts = merge_with_conflicts(result.messages)
    result.problems.extend(conflict_problem(conflict) for conflict in result.conflicts)
    return result


def conflict_problem(conflict: Conflict) -> Problem:
    """The problem that reports a conflict between sources, naming the message and every source."""
    first = conflict.sources[0]
    where = "; ".join(f"{source.path} ({source.position})" for source in conflict.sources)
    return Problem(
        first.path,
        first.position,
        f"message {conflict.message_id}: the sources disagree on its {' and '.join(conflict.fields)}: {where}; "
        "every version is kept in its edit history, and findings resting on it are inconclusive",
        severity="warning",
    )


def _read_each(
    paths: Iterable[str | Path],
    format: str,
    strict: bool,
    options: dict[str, Any] | None,
    available: dict[str, Reader],
    result: ReadResult,
) -> None:
    for path in paths:
        top = SourceFile(path)
        for src in _expand(top, format):
            try:
                reader = available[format] if format != "auto" else detect_format(src)
            except InputError as error:
                if src is top or strict:
                    raise
                result.problems.append(Problem(src.display, error.position or "whole file",
                                               f"skipped: {error.reason}"))
                result.inputs.append(InputFile(src.display, src.sha256, "unrecognised", rejected=1))
                continue
            sink = Sink(strict=strict, options=dict(options or {}))
            messages = list(reader.read(src, sink))
            result.messages.extend(messages)
            result.problems.extend(sink.problems)
            rejected = sum(1 for p in sink.problems if p.severity == "error")
            result.inputs.append(
                InputFile(
                    path=src.display,
                    sha256=src.sha256,
                    format=reader.name,
                    records=max(sink.records, len(messages) + rejected),
                    messages=len(messages),
                    rejected=rejected,
                )
            )


def read(*paths: str | Path, format: str = "auto", strict: bool = False) -> list[Message]:
    """Read exports into merged messages. Unusable records are reported as a warning, never dropped silently."""
    result = read_inputs(paths, format=format, strict=strict)
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        warnings.warn(
            f"{len(errors)} record(s) could not be used; first: {_describe(errors[0])}. "
            "Use threadlens.ingest.read_inputs() for the full list.",
            stacklevel=2,
        )
    return result.messages


def _describe(problem: Problem) -> str:
    return f"{problem.path}: {problem.position}: {problem.reason}"


def _is_metadata(name: str) -> bool:
    """Files beside the exports that are not messages: manifests, notes, fetch provenance, hidden files."""
    lowered = name.lower()
    return lowered in NOT_EXPORTS or lowered.endswith(".provenance.json") or lowered.startswith(".")


def _expand(src: SourceFile, format: str) -> list[SourceFile]:
    """The inputs inside ``src``: itself, unless it is a folder no reader claims whole."""
    if not src.path.exists() and src._data is None:
        raise InputError("file or folder not found", path=src.display, hint="Check the path and try again")
    if not src.is_dir:
        return [src]
    if format in ("x-archive", "convokit", "mastodon"):
        return [src]
    if format == "auto":
        try:
            if detect_format(src):
                return [src]
        except FormatError:
            pass
    found: list[SourceFile] = []
    for child in sorted(src.path.iterdir()):
        if _is_metadata(child.name):
            continue
        if child.is_dir():
            found.extend(_expand(SourceFile(child), format))
        elif child.is_file():
            found.append(SourceFile(child, display=str(child)))
    return found
