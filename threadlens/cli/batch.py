"""``threadlens batch``: analyse every submission of a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from threadlens.cli.options import DefinitionOption, KeyDirOption
from threadlens.cli.output import console

app = typer.Typer()


BATCH_TABLE_ROWS = 50


@app.command()
def batch(
    submissions: Annotated[Path, typer.Argument(help="A folder with one sub-folder per submission.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (reused by a rerun to resume).")],
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Local workers (default: CPUs).")] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Use a running Dask cluster: tcp://host:port.")
    ] = None,
    definition: DefinitionOption = None,
    allow_unconsented: Annotated[
        bool, typer.Option("--allow-unconsented", help="Analyse submissions without a valid manifest (recorded).")
    ] = False,
    reveal: Annotated[bool, typer.Option("--reveal", help="Do not pseudonymise non-parties (recorded).")] = False,
    key_dir: KeyDirOption = None,
    no_html: Annotated[bool, typer.Option("--no-html", help="Do not write report.html per case.")] = False,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="Do not write timeline.pdf per case.")] = False,
) -> None:
    """Analyse every submission (exports + submission.toml) on Dask; resumable, audited in OUT/audit.jsonl.

    Exits 0 when the run completed (failed and rejected submissions are listed), 1 when not one
    submission could be analysed.
    """
    from threadlens.batch import batch as run_batch

    summary = run_batch(
        submissions,
        out,
        workers=workers,
        scheduler=scheduler,
        definition=definition,
        allow_unconsented=allow_unconsented,
        reveal=reveal,
        key_dir=key_dir,
        html=not no_html,
        pdf=not no_pdf,
        progress=True,
    )
    columns = ("submission", "case_id", "status", "messages", "first_escalators", "chains", "reason")
    shown = summary.astype(object).where(summary.notna(), "")
    if len(shown) > BATCH_TABLE_ROWS:  # a long run: the counts, and only the submissions that need a look
        counts = shown["status"].value_counts()
        console.print(", ".join(f"{count} {status}" for status, count in counts.items()), highlight=False)
        shown = shown[~shown["status"].isin(["ok", "skipped"])]
    if len(shown):
        table = Table(*(name.replace("_", " ") for name in columns))
        for values in shown[list(columns)].itertuples(index=False):
            table.add_row(*(Text(str(value)) for value in values))
        console.print(table)
    console.print(
        f"summary in {out / 'summary.csv'}; errors in {out / 'errors.csv'}; audit in {out / 'audit.jsonl'}",
        highlight=False,
    )
    if len(summary) and not summary["status"].isin(["ok", "skipped"]).any():
        raise typer.Exit(1)
