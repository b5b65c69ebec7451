"""What every reader shares: the input file, the problem sink, the registry and time parsing.

A reader is a plain function ``read(src: SourceFile, sink: Sink) -> Iterator[Message]`` registered
with :func:`register`, next to a ``sniff(src) -> bool`` that recognises its format cheaply. Every module
of this package is imported by :func:`readers`, so adding a reader is adding one module.
Readers never drop a record silently: a record they cannot use goes to ``sink.reject``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import pkgutil
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from threadlens import limits
from threadlens.errors import FormatError, InputError
from threadlens.ingest.decoding import (
    decode_text,
    detect_encoding,
    loads_json,
    notice,
    parse_json,
    without_lone_surrogates,
)
from threadlens.io import file_sha256
from threadlens.model import Message, Problem, Source
from threadlens.timeparse import parse_time

# shared helpers, re-exported for the readers; they live in io, timeparse and decoding
__all__ = ["file_sha256", "loads_json", "parse_json", "parse_time"]


class SourceFile:
    """One input: a file, a folder or a ZIP archive, with its bytes, hash and text read once.

    For a folder the hash is over its files' relative paths and hashes, in sorted order. A ZIP member
    is given as ``data`` or, to expand it only when it is read, as a ``loader``.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        display: str | None = None,
        data: bytes | None = None,
        loader: Callable[[], bytes] | None = None,
    ) -> None:
        self.path = Path(path)
        self.display = display or str(path)
        self._data = data
        self._loader = loader

    @property
    def is_dir(self) -> bool:
        return self._data is None and self._loader is None and self.path.is_dir()

    @property
    def is_zip(self) -> bool:
        return not self.is_dir and self.head_bytes(4) == b"PK\x03\x04"

    @property
    def data(self) -> bytes:
        """The file's bytes (read once)."""
        if self._data is None and self._loader is not None:
            self._data = self._loader()
        if self._data is None:
            if not self.path.exists():
                raise InputError("file not found", path=self.display, hint="Check the path and try again")
            size = self.path.stat().st_size
            if size > limits.MAX_FILE_BYTES:
                raise InputError(
                    f"file is {size:,} bytes, over the {limits.MAX_FILE_BYTES:,} byte limit",
                    path=self.display,
                    hint="Split the export into smaller files",
                )
            self._data = self.path.read_bytes()
        return self._data

    def head_bytes(self, size: int = 65536) -> bytes:
        """The first bytes, without reading a large file whole."""
        if self._data is not None or self._loader is not None:
            return self.data[:size]
        with self.path.open("rb") as handle:
            return handle.read(size)

    def head(self, size: int = 65536) -> str:
        """The first characters as text in the file's encoding (undecodable bytes replaced), for sniffing."""
        data = self.head_bytes(size)
        codec, skip = detect_encoding(data)
        return data[skip:].decode(codec, errors="replace")

    def first_line(self) -> str:
        """The first non-blank line, read to its end however long (a JSON line can hold a long text)."""
        size = 65536
        if detect_encoding(self.head_bytes(4096))[0] != "UTF-8":
            return next((line for line in newline_split(self.text) if line.strip()), "")
        while True:
            data = self.head_bytes(size)
            lines = re.split(rb"\r\n?|\n", data)
            complete = lines if len(data) < size else lines[:-1]
            line = next((item for item in complete if item.strip()), None)
            if line is not None or len(data) < size:
                return (line or b"").decode("utf-8-sig", errors="replace")
            size *= 4

    @cached_property
    def sha256(self) -> str:
        if self.is_dir:
            digest = hashlib.sha256()
            for child in folder_files(self.path)[0]:
                digest.update(child.relative_to(self.path).as_posix().encode())
                digest.update(b"\0" + file_sha256(child).encode() + b"\n")
            return digest.hexdigest()
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def text(self) -> str:
        """The file decoded (see :func:`decode_text`); anything undecodable is a clear error."""
        return decode_text(self.data, self.display)

    def json(self, text: str | None = None) -> Any:
        """Parse the file (or ``text`` from it) as JSON with a clear error naming line and column."""
        return parse_json(self.text if text is None else text, self.display)

    def jsonl(self) -> Iterator[tuple[int, Any | InputError]]:
        """``(line number, parsed object or the error)`` for every non-blank line."""
        for number, line in enumerate(newline_split(self.text), start=1):
            if not line.strip():
                continue
            try:
                yield number, without_lone_surrogates(loads_json(line), self.display, f"line {number}", line)
            except json.JSONDecodeError as error:
                yield (
                    number,
                    InputError(
                        f"invalid JSON at column {error.colno}: {error.msg}",
                        path=self.display,
                        position=f"line {number}",
                        expected="one JSON object per line",
                    ),
                )

    def source(self, position: str, format: str) -> Source:
        """A :class:`Source` pointing at ``position`` in this file."""
        return Source(path=self.display, position=position, sha256=self.sha256, format=format)

    def members(self) -> dict[str, SourceFile]:
        """Files inside a folder or ZIP archive, by POSIX path relative to it."""
        if self.is_dir:
            files = folder_files(self.path)[0]
            return {p.relative_to(self.path).as_posix(): SourceFile(p, display=str(p)) for p in files}
        if self.is_zip:
            return zip_members(self)
        return {}


def newline_split(text: str) -> Iterator[str]:
    """``text.split("\\n")`` one line at a time, so that a large file's lines are not all held at once.

    Newlines only: U+2028 and friends are valid inside JSON strings (``str.splitlines`` would cut there).
    """
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def _open_zip(archive: SourceFile) -> zipfile.ZipFile:
    """The archive opened, or a clear :class:`InputError` when it is not a readable ZIP."""
    import io

    try:
        return zipfile.ZipFile(io.BytesIO(archive.data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise InputError(
            f"not a readable ZIP archive ({error})",
            path=archive.display,
            hint="Download the archive again; it may be truncated",
        ) from None


def zip_names(archive: SourceFile) -> list[str]:
    """The names of the files in a ZIP archive, without expanding any (a clear error when it is unreadable)."""
    return [info.filename for info in _open_zip(archive).infolist() if not info.is_dir()]


def zip_members(archive: SourceFile, keep: Callable[[str], bool] | None = None) -> dict[str, SourceFile]:
    """The members of a ZIP archive (those whose name ``keep`` accepts) as :class:`SourceFile` objects.

    With ``keep`` (the members a reader will read), sizes their headers declare over the archive's total
    expansion limit are refused before anything is expanded. A member is expanded only when it is read, and
    checked as it is: over the member limit, past the archive's total expansion limit, bigger than its header
    says, or corrupt (a bad CRC), it is a clear :class:`InputError` naming the member. A name the archive
    holds twice (only an altered archive does) is a notice, and every copy is a member: the later ones keyed
    ``name~2``, ``name~3`` … (their ``path`` is the name itself).
    """
    zf = _open_zip(archive)
    kept = [info for info in zf.infolist() if not info.is_dir() and (keep is None or keep(info.filename))]
    declared = sum(info.file_size for info in kept)
    if keep is not None and declared > limits.MAX_ZIP_EXPANDED_BYTES:
        raise _over(
            archive.display,
            f"the archive's members to read declare {declared:,} bytes expanded, over the "
            f"{limits.MAX_ZIP_EXPANDED_BYTES:,} byte limit on one archive",
        )
    expanded = [0]
    members: dict[str, SourceFile] = {}
    copies: dict[str, int] = {}
    for info in kept:
        copies[info.filename] = copies.get(info.filename, 0) + 1
        key = info.filename if copies[info.filename] == 1 else f"{info.filename}~{copies[info.filename]}"
        display = f"{archive.display}!{key}"
        members[key] = SourceFile(info.filename, display=display, loader=_member_loader(zf, info, display, expanded))
    for name, count in copies.items():
        if count > 1:
            notice(
                archive.display,
                name,
                f"the archive holds {count} members named {name} (ZIP tools show only the last): "
                "an altered or badly made archive; every copy is read",
            )
    return members


def _member_loader(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, expanded: list[int]
) -> Callable[[], bytes]:
    """A function expanding one member within the limits, adding what it expanded to ``expanded[0]``.

    No more than the size the header declares (and one byte to catch a header that lies) is ever expanded.
    """

    def load() -> bytes:
        member_limit = limits.MAX_ZIP_MEMBER_BYTES
        if info.file_size > member_limit:
            raise _over(display, f"ZIP member is {info.file_size:,} bytes, over the {member_limit:,} byte limit")
        if expanded[0] + info.file_size > limits.MAX_ZIP_EXPANDED_BYTES:
            raise _over(
                display,
                f"the archive expands to more than {limits.MAX_ZIP_EXPANDED_BYTES:,} bytes (the limit on one archive)",
            )
        try:
            with zf.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            zlib.error,
            NotImplementedError,
            RuntimeError,
            ValueError,
            EOFError,
            OSError,
        ) as error:
            raise InputError(
                f"ZIP member cannot be expanded ({error})",
                path=display,
                hint="The archive is damaged or was altered (its checksum or size does not match); download it again",
            ) from None
        if len(data) > info.file_size:
            raise InputError(
                f"ZIP member expands to more than the {info.file_size:,} bytes its header declares",
                path=display,
                hint="The archive is damaged or was altered; download it again",
            )
        expanded[0] += len(data)
        return data

    return load


def _over(display: str, reason: str) -> InputError:
    return InputError(
        reason,
        path=display,
        hint="Extract the archive and pass only the export files you need (see the README's Limits)",
    )


def folder_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """The files inside ``folder`` (sorted), and the symbolic links skipped: a link to a folder (it could loop,
    or lead anywhere) or to a file outside ``folder``. Inputs are read only inside the paths given."""
    root = folder.resolve()
    files: list[Path] = []
    skipped: list[Path] = []
    for parent, dirs, names in os.walk(folder):
        base = Path(parent)
        for name in sorted(dirs):
            if (base / name).is_symlink():
                skipped.append(base / name)
        for name in names:
            path = base / name
            if path.is_symlink() and not is_inside(path, root):
                skipped.append(path)
            elif path.is_file():
                files.append(path)
    return sorted(files), sorted(skipped)


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path``, with every link resolved, lies inside the resolved folder ``root`` (a link that loops
    resolves nowhere, so it is not)."""
    try:
        target = path.resolve()
    except (RuntimeError, OSError):
        return False
    return target == root or root in target.parents


def link_problem(link: Path) -> Problem:
    """The problem that reports a symbolic link not followed."""
    kind = "a folder" if link.is_dir() else "a file outside the input"
    return Problem(
        str(link),
        "whole file",
        f"skipped: a symbolic link to {kind} is not followed (inputs are read "
        "only inside the paths given; pass the target itself to read it)",
    )


#: What reading a record of the wrong shape raises: a field missing, or holding another type than the reader
#: expects (a number, list or null where an object or text belongs). Each reader rejects such a record.
RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def record_error(error: Exception) -> str:
    """A readable reason for a record that failed with one of :data:`RECORD_ERRORS`."""
    if isinstance(error, KeyError):
        return f"missing field {error}"
    if isinstance(error, AttributeError | TypeError):
        return f"a field holds a value of the wrong type ({error})"
    return str(error)


@dataclass
class Sink:
    """Collects the records a reader could not use. With ``strict`` the first one raises instead.

    ``records`` is the number of records the reader saw (readers add to it); ``options`` holds
    reader options given by the user, such as the column mapping of the tabular readers.
    """

    strict: bool = False
    problems: list[Problem] = field(default_factory=list)
    records: int = 0
    options: dict[str, Any] = field(default_factory=dict)

    def reject(self, src: SourceFile, position: str, reason: str, *, expected: str | None = None) -> None:
        """Report one unusable record (counted, and fatal under ``strict``)."""
        if self.strict:
            raise InputError(
                reason,
                path=src.display,
                position=position,
                expected=expected,
                hint="Fix or remove the record, or run without --strict to skip it with a report",
            )
        text = f"{reason} (expected {expected})" if expected else reason
        self.problems.append(Problem(path=src.display, position=position, reason=text))

    def warn(self, src: SourceFile, position: str, reason: str) -> None:
        """Report something about the input that is kept but worth knowing."""
        self.problems.append(Problem(path=src.display, position=position, reason=reason, severity="warning"))


ReadFunction = Callable[[SourceFile, Sink], Iterator[Message]]
SniffFunction = Callable[[SourceFile], bool]


@dataclass(frozen=True)
class Reader:
    """A registered reader: its name, what it reads, its sniff and read functions, and whether a folder named with
    its format is read whole (an archive's folder) rather than file by file."""

    name: str
    description: str
    sniff: SniffFunction
    read: ReadFunction
    priority: int = 50
    folder: bool = False


READERS: dict[str, Reader] = {}


def register(name: str, description: str, sniff: SniffFunction, *, priority: int = 50, folder: bool = False):
    """Decorator registering ``read`` under ``name``. Lower priority numbers are sniffed first."""

    def decorate(read: ReadFunction) -> ReadFunction:
        READERS[name] = Reader(name, description, sniff, read, priority, folder)
        return read

    return decorate


@cache
def _import_readers() -> None:
    """Import every module of this package once: each reader module registers its readers."""
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        importlib.import_module(f"{__package__}.{module.name}")


def readers() -> dict[str, Reader]:
    """Every registered reader by name."""
    _import_readers()
    return dict(sorted(READERS.items()))


def detect_format(src: SourceFile) -> Reader:
    """The reader whose sniff recognises ``src``, or a :class:`FormatError` listing the formats.

    An empty, binary or non-UTF-8 file gets its own clear :class:`InputError` first.
    """
    if src.is_zip:
        zip_names(src)  # an unreadable archive is its own clear error, not a sniffer's crash
    elif not src.is_dir:
        _ = src.text
    for reader in sorted(readers().values(), key=lambda r: (r.priority, r.name)):
        try:
            if reader.sniff(src):
                return reader
        except (OSError, ValueError, InputError):
            continue
    raise _unrecognised(src)


# The columns the generic csv and jsonl readers need (threadlens.ingest.tabular.REQUIRED).
TABLE_COLUMNS = "id, reply_to, author, created_at, text"


def _unrecognised(src: SourceFile) -> FormatError:
    """The error for a file no reader recognises; a table is told which columns it has and which it needs."""
    suffix = "" if src.is_dir else src.path.suffix.lower()
    found = None
    if suffix in (".csv", ".tsv"):
        import csv

        line = next(iter(src.head(65536).splitlines()), "")
        found = [name.strip() for name in next(csv.reader([line], delimiter=max(",\t;", key=line.count)), [])]
    elif suffix in (".jsonl", ".ndjson"):
        try:
            record = loads_json(src.first_line())
        except json.JSONDecodeError:
            record = None
        found = list(record) if isinstance(record, dict) else None
    if found is not None:
        table = "csv" if suffix in (".csv", ".tsv") else "jsonl"
        return FormatError(
            f"no reader recognises this file; its columns are: {', '.join(found) or 'none'}",
            path=src.display,
            expected=f"a {table} with columns {TABLE_COLUMNS}, or an export another reader knows",
            hint=f"Map your column names with --format {table} --column, e.g. --column id=tweet_id "
            "--column text=full_text (see 'threadlens formats')",
        )
    return FormatError(
        "no reader recognises this file",
        path=src.display,
        expected="one of: " + ", ".join(readers()),
        hint="Name the format with --format (see 'threadlens formats')",
    )
