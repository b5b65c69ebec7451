"""Files: their SHA-256, names that do not depend on where they lie, and atomic writes (a reader of the output
never sees half a file, and an interrupted run leaves none)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class InputNames:
    """Names of a case's files that do not depend on where the case lies or where it is analysed from.

    Each path given (a file, folder or ZIP) is named by its base name (``case``; ``case~2``, ``case~3`` … for
    another one of the same name), and a file read from inside it by that name and its path below it
    (``case/data/tweets.js``; a ZIP member after ``!``). A path outside every one given keeps its name.
    """

    def __init__(self, given: Iterable[str | Path]) -> None:
        self.roots: dict[str, str] = {}  # absolute path given → its name, in the order given
        for path in given:
            absolute = os.path.abspath(path)
            base = os.path.basename(absolute) or "input"
            name, count = base, 1
            while absolute not in self.roots and name in self.roots.values():
                count += 1
                name = f"{base}~{count}"
            self.roots.setdefault(absolute, name)
        self._names: dict[str, str] = {}

    def name(self, path: str) -> str:
        """The stable name of ``path`` (a file as a reader names it, relative to the working directory or not)."""
        if path not in self._names:
            outer, bang, member = path.partition("!")
            absolute = os.path.abspath(outer)
            found = path
            for root, name in self.roots.items():
                if absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep):
                    below = Path(os.path.relpath(absolute, root)).as_posix()
                    found = (name if below == "." else f"{name}/{below}") + bang + member
                    break
            self._names[path] = found
        return self._names[path]


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
