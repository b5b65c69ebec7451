"""Load a written definition of hostility from ``config/definitions/``: by name, or a folder path.

A definition is a folder: ``definition.toml`` (name, version, levels, thresholds, weights), other
top-level ``*.toml`` files whose tables are merged in (``escalation.toml``), and the files they name
(lexicons). Its SHA-256 covers every file in the folder, so any edit to
what counts as hostile changes the hash every output records.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from threadlens.errors import ConfigError
from threadlens.model import DefinitionRef

DEFAULT_DEFINITION = "default"
CONFIG_ENV = "THREADLENS_CONFIG"


def config_dir() -> Path:
    """The ``config/`` folder: ``$THREADLENS_CONFIG`` if set, else the one beside the package."""
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else Path(__file__).resolve().parent.parent / "config"


@dataclass(frozen=True)
class Definition:
    """A loaded definition: its folder, parsed ``definition.toml`` and hash."""

    name: str
    version: str
    path: Path
    sha256: str
    data: dict[str, Any] = field(repr=False)

    @property
    def ref(self) -> DefinitionRef:
        """Name, SHA-256 and version, as recorded in every output."""
        return DefinitionRef(name=self.name, sha256=self.sha256, version=self.version)

    def section(self, name: str) -> dict[str, Any]:
        """A top-level table of ``definition.toml`` (a clear error when it is missing)."""
        try:
            return self.data[name]
        except KeyError:
            raise ConfigError(
                f"definition has no [{name}] table",
                path=str(self.path / "definition.toml"),
                hint="Copy the table from config/definitions/default/definition.toml",
            ) from None

    def read_text(self, relative: str) -> str:
        """A file of the definition (a lexicon, say) as text."""
        target = (self.path / relative).resolve()
        if self.path.resolve() not in target.parents:
            raise ConfigError("definition file lies outside the definition folder", path=relative)
        try:
            return target.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError("definition names a file that does not exist", path=str(target)) from None


def definition_sha256(folder: Path) -> str:
    """SHA-256 over the definition folder's files: relative path and content, in sorted order."""
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(file.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def load_definition(name_or_path: str | Path | Definition | None = None) -> Definition:
    """The definition named (a folder in ``config/definitions/``) or at a path; the default when None."""
    if isinstance(name_or_path, Definition):
        return name_or_path
    return _load(str(name_or_path or DEFAULT_DEFINITION), str(config_dir()))


@lru_cache(maxsize=16)
def _load(name_or_path: str, config: str) -> Definition:
    candidate = Path(name_or_path)
    folder = candidate if candidate.is_dir() else Path(config) / "definitions" / name_or_path
    if candidate.is_file() and candidate.name == "definition.toml":
        folder = candidate.parent
    toml_path = folder / "definition.toml"
    if not toml_path.is_file():
        known = sorted(p.name for p in (Path(config) / "definitions").glob("*") if p.is_dir())
        raise ConfigError(
            f"no definition called {name_or_path!r}",
            expected="a name in config/definitions/ or a folder holding definition.toml",
            hint="Known definitions: " + (", ".join(known) or "none"),
        )
    data: dict[str, Any] = {}
    # definition.toml first, then the other top-level .toml files (escalation.toml …), merged by table.
    for part in [toml_path, *sorted(p for p in folder.glob("*.toml") if p != toml_path)]:
        try:
            tables = tomllib.loads(part.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"invalid TOML: {error}", path=str(part)) from None
        clash = sorted(set(tables) & set(data))
        if clash:
            raise ConfigError(f"table [{clash[0]}] is defined twice", path=str(part))
        data.update(tables)
    meta = data.get("definition", {})
    return Definition(
        name=str(meta.get("name", folder.name)),
        version=str(meta.get("version", "")),
        path=folder,
        sha256=definition_sha256(folder),
        data=data,
    )
