"""Commands that read exports: the readers there are, and what an export holds (``formats``, ``inspect``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from threadlens.cli.options import (
    ColumnOption,
    FormatOption,
    Paths,
    PlatformOption,
    StrictOption,
    WideOption,
    reader_options,
)
from threadlens.cli.output import console, err_console, print_problems
from threadlens.ingest import readers
from threadlens.report.terminal import conversations_table

app = typer.Typer()


@app.command()
def formats() -> None:
    """List the readers and what each reads."""
    table = Table("format", "reads")
    for reader in readers().values():
        table.add_row(reader.name, reader.description)
    console.print(table)


@app.command()
def inspect(
    paths: Paths,
    format: FormatOption = "auto",
    strict: StrictOption = False,
    column: ColumnOption = None,
    platform: PlatformOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    consent: Annotated[
        Path | None, typer.Option("--consent", help="Also show which messages this manifest's scope keeps.")
    ] = None,
    wide: WideOption = False,
) -> None:
    """Per conversation: messages, participants, time span, depth, missing parents, edits, deletions."""
    from threadlens.ingest import read_inputs
    from threadlens.thread import build_graph, summarise_conversations

    scope_rules = _scope_rules(consent)
    result = read_inputs(paths, format=format, strict=strict, options=reader_options(column, platform))
    if not result.messages:
        from threadlens.pipeline import NothingRead

        raise NothingRead(result)
    graph = build_graph(result.messages)
    summaries = summarise_conversations(graph)
    scope = None
    if consent is not None:
        from threadlens.scope import overview

        scope = overview(result.messages, scope_rules)
    if as_json:
        payload = {
            **({"scope": scope} if scope is not None else {}),
            "inputs": [
                {"path": i.path, "sha256": i.sha256, "format": i.format, "messages": i.messages, "rejected": i.rejected}
                for i in result.inputs
            ],
            "conversations": summaries,
            "problems": [
                {"path": p.path, "position": p.position, "reason": p.reason, "severity": p.severity}
                for p in result.problems
            ],
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    for item in result.inputs:
        console.print(
            Text(item.path, style="bold")
            + Text(f" ({item.format}): {item.messages} messages, {item.rejected} rejected, sha256 {item.sha256[:16]}…")
        )
    console.print(conversations_table(summaries, width=console.width, wide=wide))
    if scope is not None:
        _print_scope(scope, graph.conversations())
    print_problems(result, rest="the output of 'threadlens inspect --json'")


def _scope_rules(consent: Path | None):
    """The machine-checked scope of a manifest, filled in or not (None when it has only prose, or no manifest is
    given)."""
    if consent is None:
        return None
    from threadlens.privacy.manifest import load_scope_rules

    return load_scope_rules(consent)


def _print_scope(scope: dict, conversations: dict[str, list[str]]) -> None:
    """Per conversation, how many messages the scope keeps, keeps as context and leaves out (and why)."""
    if not scope["checked"]:
        err_console.print(Text("warning: ", style="yellow") + Text(scope["warning"]), highlight=False)
        return
    status = {item["id"]: item["status"] for item in scope["messages"]}
    table = Table("conversation", "in scope", "context", "left out", "why left out", title="scope")
    for key, ids in conversations.items():
        found = [status[i] for i in ids if i in status]
        reasons = sorted({s.removeprefix("out: ") for s in found if s.startswith("out: ")})
        table.add_row(
            Text(key),
            str(found.count("in")),
            str(sum(s.startswith("context") for s in found)),
            str(sum(s.startswith("out") for s in found)),
            Text(", ".join(reasons)),
        )
    console.print(table)
    console.print(
        f"{scope['in']} in scope ({scope['context']} as context), {scope['left_out']} left out", highlight=False
    )
    for missing in scope["conversations_not_found"]:
        err_console.print(Text(f"warning: scope conversation {missing} is not in the data", style="yellow"))
