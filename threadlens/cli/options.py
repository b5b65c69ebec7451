"""The options several commands share, and how their values are read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from threadlens.ingest import readers
from threadlens.scoring import scorers

Paths = Annotated[list[Path], typer.Argument(help="Export files, folders or ZIP archives.")]
FormatOption = Annotated[
    str, typer.Option("--format", "-f", help=f"Reader: auto (sniffed) or one of {', '.join(readers())}.")
]
ScorerOption = Annotated[str, typer.Option("--scorer", help=f"Scorer: one of {', '.join(scorers())}.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Fail on the first unusable record.")]
WideOption = Annotated[bool, typer.Option("--wide", help="Show ids, times and every column whole, however wide.")]
ColumnOption = Annotated[
    list[str] | None,
    typer.Option("--column", help="csv/jsonl column mapping CANONICAL=ACTUAL, e.g. id=tweet_id (repeatable)."),
]
PlatformOption = Annotated[
    str | None, typer.Option("--platform", help="Platform of csv/jsonl rows that name none (e.g. x, whatsapp).")
]
KeyDirOption = Annotated[
    Path | None,
    typer.Option(
        "--key-dir",
        help="Folder of the pseudonym keys (default: $THREADLENS_KEY_DIR or the user's data "
        "folder; never inside --out).",
    ),
]
DefinitionOption = Annotated[
    str | None, typer.Option("--definition", "-d", help="Definition name in config/definitions/ or a path.")
]
ReviewOption = Annotated[
    Path | None,
    typer.Option(
        "--review", help="A panel's review file (TOML): its readings replace the scorer's for those messages."
    ),
]


def reader_options(columns: list[str] | None, platform: str | None) -> dict:
    """The reader options of ``--column`` and ``--platform``; a malformed mapping is a clear error."""
    from threadlens.errors import InputError

    mapping = {}
    for item in columns or []:
        canonical, equals, actual = item.partition("=")
        if not equals or not canonical.strip() or not actual.strip():
            raise InputError(f"--column {item!r} is not CANONICAL=ACTUAL", expected="e.g. --column id=tweet_id")
        mapping[canonical.strip()] = actual.strip()
    options: dict = {"columns": mapping} if mapping else {}
    if platform:
        options["platform"] = platform
    return options


def check_paths(paths: list[Path]) -> None:
    """A clear error for the first input path that does not exist, before anything else is asked of the user."""
    from threadlens.errors import InputError

    for path in paths:
        if not path.exists():
            raise InputError("file or folder not found", path=str(path), hint="Check the path and try again")
