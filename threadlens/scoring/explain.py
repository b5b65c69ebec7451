"""Show a score's evidence: the text with its evidence spans highlighted, and a table of contributions.

Message text is hostile input: it is only ever put into ``rich.text.Text`` objects, never parsed as markup.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from threadlens.model import Score

_COLOURS = {"lexicon": "bold red", "rule": "bold magenta", "model": "yellow"}


def _style(contribution: float, kind: str) -> str:
    if contribution < 0:
        return "bold green"
    return _COLOURS.get(kind, "yellow")


def highlighted(text: str, score: Score) -> Text:
    """The text with every evidence span styled: red lexicon, magenta rules, yellow model, green lowering."""
    rendered = Text(text)
    for item in sorted(score.evidence, key=lambda e: abs(e.contribution)):
        if item.end > item.start:
            rendered.stylize(_style(item.contribution, item.kind), item.start, item.end)
    return rendered


def evidence_table(score: Score) -> Table:
    """One row per evidence item, largest contribution first; the total row equals the score."""
    table = Table("contribution", "kind", "name", "span", "text", title=None)
    for item in sorted(score.evidence, key=lambda e: -abs(e.contribution)):
        span = f"{item.start}–{item.end}" if item.end > item.start else "whole text"
        table.add_row(
            Text(f"{item.contribution:+.4f}", style=_style(item.contribution, item.kind)),
            item.kind,
            Text(item.name),
            span,
            Text(item.text),
        )
    table.add_row(Text(f"{sum(e.contribution for e in score.evidence):.4f}", style="bold"), "", "= score", "", "")
    return table


def summary(score: Score) -> Text:
    """One line: score, level, hostile, categories, accusation, scorer."""
    return Text(
        f"score {score.value:.4f} · level {score.level} ({score.level_name}) · "
        f"{'hostile' if score.hostile else 'not hostile'} · categories: {', '.join(score.categories) or 'none'}"
        f"{' · accusation' if score.accusation else ''} · {score.scorer} {score.version}"
    )
