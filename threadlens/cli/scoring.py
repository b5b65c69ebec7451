"""Scoring texts outside a case: ``score`` a file, ``explain`` one text, ``audit`` the scorer's fairness."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from threadlens.cli.options import DefinitionOption, ScorerOption
from threadlens.cli.output import console

app = typer.Typer()


@app.command()
def score(
    path: Annotated[Path, typer.Argument(help="CSV, TSV, JSONL or Parquet file with a text column.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file: .csv or .parquet.")],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the text.")] = "text",
    definition: DefinitionOption = None,
    scorer: ScorerOption = "lens",
) -> None:
    """Score every text of a file; writes its columns plus score, level, hostile, categories and evidence (JSON)."""
    from threadlens.scoring.files import score_file

    frame = score_file(path, out, text_column=text_column, definition=definition, scorer=scorer)
    console.print(f"scored {len(frame)} texts ({int(frame['hostile'].sum())} hostile); wrote {out}", highlight=False)


@app.command()
def explain(
    text: Annotated[str, typer.Argument(help="The text to score and explain.")],
    definition: DefinitionOption = None,
    scorer: ScorerOption = "lens",
    detail: Annotated[bool, typer.Option("--detail", help="Also list every piece of evidence.")] = False,
) -> None:
    """Score one text and say why, in plain words: its level's reason, what fired and what each adds (the
    additions sum to the score)."""
    from threadlens.definition import load_definition
    from threadlens.scoring import score_texts
    from threadlens.scoring.explain import evidence_table, explanation_table, highlighted, summary

    chosen = load_definition(definition)
    result = score_texts([text], chosen, scorer)[0]
    console.print(highlighted(text, result))
    console.print(summary(result))
    console.print(explanation_table(result))
    if detail:
        console.print(evidence_table(result))
    console.print(Text(f"definition {chosen.name} {chosen.version} sha256 {chosen.sha256}", style="dim"))


@app.command()
def audit(
    definition: DefinitionOption = None,
    scorer: ScorerOption = "lens",
) -> None:
    """Fairness audit: faction, identity, name and dialect swaps must score identically; exit 1 if not."""
    from threadlens.scoring.audit import run_audit

    result = run_audit(definition, scorer)
    table = Table("kind", "template", "variants", "scores", "invariant")
    for group in result.groups:
        spread = f"{min(group.values):.4f}" if group.invariant else f"{min(group.values):.4f}–{max(group.values):.4f}"
        table.add_row(
            group.kind,
            Text(group.template),
            str(len(group.variants)),
            spread,
            "yes" if group.invariant else Text("NO", style="bold red"),
        )
    console.print(table)
    console.print(
        f"{result.invariant_share:.1%} of templates invariant; "
        f"{len(result.hostile_identity_statements)} identity statements scored hostile; "
        f"{len(result.hostile_dialect_statements)} benign dialect sentences scored hostile "
        "(false positives, the same in both spellings)",
        highlight=False,
    )
    for text in result.hostile_identity_statements:
        console.print(Text(f"hostile identity statement: {text}"))
    for text in result.hostile_dialect_statements:
        console.print(Text(f"false positive: {text}"))
    if not result.passed:
        raise typer.Exit(1)
