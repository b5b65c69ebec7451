"""Read exports into :class:`~threadlens.model.Message` objects: one reader per format, sniffed or named."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from threadlens.errors import FormatError, InputError
from threadlens.ingest.base import (
    Reader,
    Sink,
    SourceFile,
    detect_format,
    folder_files,
    is_inside,
    link_problem,
    readers,
)
from threadlens.ingest.decoding import noticing
from threadlens.ingest.merge import merge_with_conflicts
from threadlens.limits import MAX_JSON_DEPTH
from threadlens.memory import gc_paused
from threadlens.model import Conflict, InputFile, Message, Problem, ReadResult

# Files a submission folder may hold beside its exports; they are not messages (nor are fetch provenance
# records, ``*.provenance.json``, which describe how an export was collected).
NOT_EXPORTS = frozenset({"submission.toml", "readme.md", "readme.txt", "source.md", ".ds_store"})


def read_inputs(
    paths: Iterable[str | Path],
    *,
    format: str = "auto",
    strict: bool = False,
    options: dict[str, Any] | None = None,
) -> ReadResult:
    r"""Read every path (file, folder or ZIP) and merge the messages: one per id, every source kept.

    A folder that no reader claims whole is read file by file. Records that cannot be used are in
    ``problems``; with ``strict`` the first one raises :class:`InputError` instead. ``options`` go to
    every reader (e.g. ``{"columns": {"id": "tweet_id"}}`` for the csv and jsonl readers).

    >>> import tempfile
    >>> from pathlib import Path
    >>> scratch = tempfile.TemporaryDirectory()
    >>> path = Path(scratch.name) / "thread.csv"
    >>> _ = path.write_text("id,reply_to,author,created_at,text\n"
    ...                     "1,,ann,2024-03-01T18:00:00Z,Minutes attached.\n"
    ...                     "2,1,,2024-03-01T18:05:00Z,Who wrote this?\n")
    >>> result = read_inputs([path])
    >>> [m.id for m in result.messages], [p.position for p in result.problems]
    (['generic:1'], ['row 2, line 3'])
    >>> result.problems[0].reason
    'author is empty ...'
    >>> result.inputs[0].format, result.inputs[0].rejected
    ('csv', 1)
    >>> scratch.cleanup()
    """
    available = readers()
    if format != "auto" and format not in available:
        raise FormatError(
            f"unknown format {format!r}",
            expected="one of: auto, " + ", ".join(available),
            hint="See 'threadlens formats'",
        )
    result = ReadResult()
    with gc_paused(), noticing() as notices:
        _read_each(paths, format, strict, options, available, result)
    result.problems.extend(notices)
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
        found = _expand(top, format, result.problems)
        if top.is_dir and not found:
            raise InputError(
                "the folder holds no files to read",
                path=top.display,
                expected="export files (see 'threadlens formats')",
                hint="Check the path: pass the folder the exports are in",
            )
        for src in found:
            try:
                reader = available[format] if format != "auto" else detect_format(src)
            except InputError as error:
                if src is top or strict:
                    raise
                result.problems.append(Problem(src.display, error.position or "whole file", f"skipped: {error.reason}"))
                result.inputs.append(InputFile(src.display, src.sha256, "unrecognised", rejected=1))
                continue
            if src.is_dir:
                result.problems.extend(link_problem(link) for link in folder_files(src.path)[1])
            sink = Sink(strict=strict, options=dict(options or {}))
            messages = _read_one(reader, src, sink, named=format != "auto")
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


def _read_one(reader: Reader, src: SourceFile, sink: Sink, *, named: bool) -> list[Message]:
    """The messages ``reader`` reads from ``src``. When the user named a format that does not fit the file (it
    fails, or reads nothing but rejected records) and another reader recognises it, the error says so."""
    try:
        messages = list(reader.read(src, sink))
    except InputError as error:
        if named:
            _check_named_format(reader, src, error.reason)
        raise
    except RecursionError:  # JSON the parser accepts (up to its depth limit) but nested too deep to walk
        raise InputError(
            "the data is nested too deeply to read",
            path=src.display,
            expected=f"JSON nested at most a few hundred levels deep (the parser's limit is {MAX_JSON_DEPTH})",
            hint="Check the file is the unmodified export",
        ) from None
    if named and not messages and any(p.severity == "error" for p in sink.problems):
        _check_named_format(reader, src, sink.problems[0].reason)
    return messages


def _check_named_format(reader: Reader, src: SourceFile, failure: str) -> None:
    """A :class:`FormatError` when another reader than the one named recognises ``src``."""
    try:
        other = detect_format(src)
    except InputError:
        return
    if other.name != reader.name:
        raise FormatError(
            f"this file is not {reader.name} (read as {reader.name}: {failure}); it looks like {other.name}",
            path=src.display,
            expected=f"a {reader.name} file: {reader.description}",
            hint=f"Run without --format to detect it, or with --format {other.name}",
        )


def read(*paths: str | Path, format: str = "auto", strict: bool = False) -> list[Message]:
    r"""Read exports into merged messages. Unusable records are reported as a warning, never dropped silently.

    >>> import tempfile
    >>> from pathlib import Path
    >>> scratch = tempfile.TemporaryDirectory()
    >>> path = Path(scratch.name) / "thread.csv"
    >>> _ = path.write_text("id,reply_to,author,created_at,text\n"
    ...                     "1,,ann,2024-03-01T18:00:00Z,Minutes attached.\n"
    ...                     "2,1,bob,2024-03-01T18:05:00Z,Thanks Ann.\n")
    >>> [(m.id, m.author_id, m.reply_to) for m in read(path)]
    [('generic:1', 'generic:ann', None), ('generic:2', 'generic:bob', 'generic:1')]
    >>> scratch.cleanup()
    """
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


def _expand(src: SourceFile, format: str, problems: list[Problem]) -> list[SourceFile]:
    """The inputs inside ``src``: itself, unless it is a folder no reader claims whole.

    Symbolic links to folders, or to files outside the input, are reported in ``problems`` and not
    followed; so is an analysis output folder of threadlens inside the input (``--out`` put there).
    """
    if not src.path.exists() and src._data is None:
        raise InputError("file or folder not found", path=src.display, hint="Check the path and try again")
    if not src.is_dir:
        return [src]
    if format != "auto" and readers()[format].folder:
        return [src]
    if format == "auto":
        try:
            if detect_format(src):
                return [src]
        except FormatError:
            pass
    root = src.path.resolve()
    found: list[SourceFile] = []
    for child in sorted(src.path.iterdir()):
        if _is_metadata(child.name):
            continue
        if child.is_symlink() and (child.is_dir() or not is_inside(child, root)):
            problems.append(link_problem(child))
        elif child.is_dir() and _is_analysis_folder(child):
            problems.append(
                Problem(
                    str(child),
                    "whole folder",
                    "skipped: an analysis output folder of threadlens (findings.json), not an export",
                    severity="warning",
                )
            )
        elif child.is_dir():
            found.extend(_expand(SourceFile(child), format, problems))
        elif child.is_file():
            found.append(SourceFile(child, display=str(child)))
    return found


def _is_analysis_folder(folder: Path) -> bool:
    """Whether ``folder`` holds the ``findings.json`` of a threadlens analysis."""
    findings = folder / "findings.json"
    if not findings.is_file():
        return False
    with findings.open("rb") as handle:
        head = handle.read(4096)
    return b'"schema_version"' in head and b"threadlens" in head
