"""Measuring the scorer on labelled data: ``eval``, ``eval-spans`` and ``eval-escalation``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from threadlens.cli.options import DefinitionOption, ScorerOption
from threadlens.cli.output import console

app = typer.Typer()


@app.command("eval-escalation")
def eval_escalation(
    path: Annotated[Path, typer.Argument(help="A ToxiChat JSONL file (train.jsonl or dev.jsonl).")],
    definition: DefinitionOption = None,
) -> None:
    """How often the first escalation reported is the first offensive turn of a ToxiChat chain (exact match)."""
    from threadlens.analysis.evaluation import NONE, evaluate_toxichat

    result = evaluate_toxichat(path, definition)
    console.print(
        f"{result.chains} chains: first-escalation accuracy {result.accuracy:.3f} "
        f"(always '{NONE}': {result.always_none_accuracy:.3f})",
        highlight=False,
    )
    console.print("wrong: " + ", ".join(f"{kind} {n}" for kind, n in result.breakdown().items()), highlight=False)
    turns = sorted({turn for pair in result.confusion for turn in pair}, key=lambda turn: (turn == NONE, turn))
    table = Table("first offensive ↓ / reported →", *turns)
    for gold in turns:
        table.add_row(gold, *(str(result.confusion[gold, answer]) for answer in turns))
    console.print(table)


@app.command("eval")
def eval_scores(
    path: Annotated[Path, typer.Argument(help="Labelled CSV, TSV, JSONL or Parquet file.")],
    label_column: Annotated[str, typer.Option("--label-column", help="Column holding the label.")],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the text.")] = "text",
    positive: Annotated[
        str, typer.Option("--positive", help="Comma-separated label values that mean hostile.")
    ] = "1,true,yes,OFF,offensive,hostile,toxic,abusive",
    group_column: Annotated[
        str | None, typer.Option("--group-column", help="Also print accuracy per value of this column.")
    ] = None,
    definition: DefinitionOption = None,
    scorer: ScorerOption = "lens",
) -> None:
    """ROC-AUC, precision/recall/F1 at the hostile threshold, a confusion table and the worst errors."""
    from threadlens.scoring.evaluate import evaluate_file

    result = evaluate_file(path, label_column, text_column, positive.split(","), definition, scorer, group_column)
    auc = "n/a (one class)" if result.roc_auc is None else f"{result.roc_auc:.4f}"
    console.print(
        f"{result.n} texts · ROC-AUC {auc} · precision {result.precision:.3f} · recall {result.recall:.3f}"
        f" · F1 {result.f1:.3f} · accuracy {result.accuracy:.3f}",
        highlight=False,
    )
    confusion = Table("", "predicted hostile", "predicted not")
    confusion.add_row("labelled hostile", str(result.confusion["tp"]), str(result.confusion["fn"]))
    confusion.add_row("labelled not", str(result.confusion["fp"]), str(result.confusion["tn"]))
    console.print(confusion)
    if result.groups:
        groups = Table("group", "n", "accuracy")
        for name, figures in result.groups.items():
            groups.add_row(Text(name), str(figures["n"]), f"{figures['accuracy']:.3f}")
        console.print(groups)
    worst = Table("label", "score", "text", title="worst errors")
    for item in result.worst:
        worst.add_row(str(item["label"]), f"{item['score']:.3f}", Text(item["text"]))
    console.print(worst)


@app.command("eval-spans")
def eval_spans(
    path: Annotated[Path, typer.Argument(help="CSV, TSV, JSONL or Parquet with a text and a spans column.")],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the text.")] = "text",
    spans_column: Annotated[str, typer.Option("--spans-column", help="Column of toxic character offsets.")] = "spans",
    definition: DefinitionOption = None,
) -> None:
    """How well the highlighted spans match the words people marked: mean per-post F1 over character offsets
    (the Toxic Spans task's measure), micro precision and recall."""
    from threadlens.scoring.evaluate import evaluate_spans_file

    n, f1, precision, recall = evaluate_spans_file(path, text_column, spans_column, definition)
    console.print(
        f"{n} texts · span F1 {f1:.4f} · micro precision {precision:.3f} · micro recall {recall:.3f}", highlight=False
    )
