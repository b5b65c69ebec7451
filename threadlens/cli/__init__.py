"""The ``threadlens`` command. Thin: it parses options, calls the library and prints.

Every :class:`~threadlens.errors.ThreadlensError` becomes one clear message on stderr and exit code 2;
no traceback is shown for a user's mistake.

Each group of commands is a module of its own, merged here into one ``threadlens`` command.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.text import Text

from threadlens.cli import analysis, batch, case, evaluation, fetch, reading, retention, scoring
from threadlens.cli.output import console, err_console
from threadlens.errors import ThreadlensError
from threadlens.version import __version__

app = typer.Typer(
    name="threadlens",
    help="Rebuild reply chains from social-media exports, score hostility with evidence, and show who escalated first.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


app.add_typer(reading.app)
app.add_typer(case.app, name="case")
app.add_typer(fetch.app, name="fetch")
app.add_typer(analysis.app)
app.add_typer(batch.app)
app.add_typer(retention.app)
app.add_typer(scoring.app)
app.add_typer(evaluation.app)


def main() -> None:
    """Entry point: run the app, turning threadlens errors into one clear message."""
    try:
        app()
    except ThreadlensError as error:
        err_console.print(Text("error: ", style="bold red") + Text(str(error)), highlight=False, soft_wrap=True)
        sys.exit(2)
