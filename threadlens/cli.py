"""The ``threadlens`` command. Thin: it parses options, calls the library and prints.

Every :class:`~threadlens.errors.ThreadlensError` becomes one clear message on stderr and exit code 2;
no traceback is shown for a user's mistake.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from threadlens import __version__
from threadlens.errors import ThreadlensError

app = typer.Typer(
    name="threadlens",
    help="Rebuild reply chains from social-media exports, score hostility with evidence, "
    "and show who escalated first.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

Paths = Annotated[list[Path], typer.Argument(help="Export files, folders or ZIP archives.")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Reader name, or 'auto' to sniff.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Fail on the first unusable record.")]
DefinitionOption = Annotated[
    str | None, typer.Option("--definition", "-d", help="Definition name in config/definitions/ or a path.")
]


def _version(value: bool) -> None:
    if value:
        console.print(f"threadlens {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """threadlens: who escalated first, with evidence a panel can check."""


@app.command()
def formats() -> None:
    """List the readers and what each reads."""
    from threadlens.ingest import readers

    table = Table("format", "reads")
    for reader in readers().values():
        table.add_row(reader.name, reader.description)
    console.print(table)


@app.command()
def inspect(
    paths: Paths,
    format: FormatOption = "auto",
    strict: StrictOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Per conversation: messages, participants, time span, depth, missing parents, edits, deletions."""
    from threadlens.ingest import read_inputs
    from threadlens.thread import build_graph, summarise_conversations

    result = read_inputs(paths, format=format, strict=strict)
    summaries = summarise_conversations(build_graph(result.messages))
    problems = [p for p in result.problems if p.severity == "error"]
    if as_json:
        payload = {
            "inputs": [
                {"path": i.path, "sha256": i.sha256, "format": i.format, "messages": i.messages,
                 "rejected": i.rejected}
                for i in result.inputs
            ],
            "conversations": summaries,
            "problems": [{"path": p.path, "position": p.position, "reason": p.reason,
                          "severity": p.severity} for p in result.problems],
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    for item in result.inputs:
        console.print(f"[bold]{item.path}[/] ({item.format}): {item.messages} messages, "
                      f"{item.rejected} rejected, sha256 {item.sha256[:16]}…")
    table = Table("conversation", "messages", "participants", "first (UTC)", "last (UTC)", "depth",
                  "missing parents", "edited", "deleted")
    for row in summaries:
        table.add_row(*(str(row[key]) for key in (
            "conversation_id", "messages", "participants", "first", "last", "depth",
            "missing_parents", "edited", "deleted")))
    console.print(table)
    if problems:
        err_console.print(f"[yellow]{len(problems)} record(s) could not be used:[/]")
        for problem in problems[:20]:
            err_console.print(f"  {problem.path}: {problem.position}: {problem.reason}", markup=False)
        if len(problems) > 20:
            err_console.print(f"  … and {len(problems) - 20} more (see --json)")


# Commands of later stages are added below this line, one block per command.


def main() -> None:
    """Entry point: run the app, turning threadlens errors into one clear message."""
    try:
        app()
    except ThreadlensError as error:
        err_console.print(Text("error: ", style="bold red") + Text(str(error)), highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted; finished outputs are kept[/]")
        sys.exit(130)
