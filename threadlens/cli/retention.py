"""``threadlens retention``: list the cases past their retention date, and delete them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from threadlens.cli.options import KeyDirOption
from threadlens.cli.output import console

app = typer.Typer()


@app.command()
def retention(
    out: Annotated[Path, typer.Argument(help="An analysis folder or a batch output folder.")],
    delete: Annotated[
        bool, typer.Option("--delete", help="Remove the expired cases' outputs, keys and state.")
    ] = False,
    key_dir: KeyDirOption = None,
) -> None:
    """List the cases whose retention date has passed; with --delete, remove them completely (audited)."""
    from datetime import UTC, datetime

    from threadlens.retention import case_outputs, delete_expired

    today = datetime.now(UTC).date()
    cases = case_outputs(out)
    table = Table("case", "case id", "retention date", "status")
    for case in cases:
        status = "expired" if case.expired(today) else "kept" if case.retention_date else "no retention date"
        table.add_row(
            Text(case.name),
            Text(case.case_id),
            str(case.retention_date or ""),
            Text(status, style="bold red" if status == "expired" else ""),
        )
    console.print(table)
    expired = sum(case.expired(today) for case in cases)
    if not delete:
        console.print(
            f"{expired} expired case(s)"
            + (f"; delete them with 'threadlens retention {out} --delete'" if expired else ""),
            highlight=False,
        )
        return
    for event in delete_expired(out, today, key_dir=key_dir):
        console.print(
            Text(
                f"deleted {event['submission'] or out} (case {event['case_id']}, retention "
                f"{event['retention_date']}): {len(event['removed'])} file(s)"
                + (", its key" if event["key_removed"] else "")
            )
        )
    console.print(f"audit in {out / 'audit.jsonl'}", highlight=False)
