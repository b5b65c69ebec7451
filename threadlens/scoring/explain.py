"""Show a score's evidence: the text with its evidence spans highlighted, and a table of contributions.

Message text is hostile input: it is only ever put into ``rich.text.Text`` objects, never parsed as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from threadlens.model import Score
from threadlens.scoring.combine import BASELINE, HOSTILE_WORD, REST, WHOLE_TEXT

MAX_QUOTED = 60  # longer evidence text is cut in an explanation line


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a score's explanation in plain words, what it adds to the score, and whether it raises or
    lowers it ("raises", "lowers" or "neutral" for evidence that adds nothing or is the rest of the wording)."""

    text: str
    contribution: float
    tone: str


def explanation(score: Score) -> list[Line]:
    """The score in plain words: its level's reason, then each phrase or rule that fired ("insult: 'idiot'",
    "quoted or reported, so not counted: 'arrogant idiot'"), the words the model reads as hostile on one
    line, and the rest of the wording with the scorer's starting point on one line. The lines' contributions
    sum to the score."""
    lines = [Line(score.reason, 0.0, "neutral")] if score.reason else []
    hostile_words: list[str] = []
    hostile_total = rest = 0.0
    for item in score.evidence:
        if item.kind == "model" and item.name == HOSTILE_WORD:
            hostile_words.append(_quoted(item.text))
            hostile_total += item.contribution
        elif item.kind in ("model", "bias") or item.name in (REST, BASELINE):
            rest += item.contribution
        else:
            words = f": {_quoted(item.text)}" if item.text and item.name != WHOLE_TEXT[0] else ""
            tone = "raises" if item.contribution > 0 else "lowers" if item.contribution < 0 else "neutral"
            lines.append(Line(f"{item.name}{words}", item.contribution, tone))
    if hostile_words:
        unique = list(dict.fromkeys(hostile_words))
        lines.append(Line("words the model reads as hostile: " + ", ".join(unique), hostile_total, "raises"))
    lines.append(Line("the rest of the wording, from the scorer's starting point", rest, "neutral"))
    return lines


def _quoted(text: str) -> str:
    """'text' in single quotes, cut to MAX_QUOTED characters."""
    text = " ".join(text.split())
    return f"'{text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + '…'}'"


_TONES = {"raises": "bold red", "lowers": "underline blue", "neutral": "dim"}


def highlighted(text: str, score: Score) -> Text:
    """The text with its highlighted phrases (``Score.spans``) in red and the words whose evidence lowered the
    score (quoted, reported, negated, counter-speech) underlined in blue; a civil message has no red."""
    rendered = Text(text)
    for item in score.evidence:
        if item.contribution < 0 and item.end > item.start and item.kind != "model":
            rendered.stylize(_TONES["lowers"], item.start, item.end)
    for start, end in score.spans:
        rendered.stylize(_TONES["raises"], start, end)
    return rendered


def explanation_table(score: Score) -> Table:
    """The explanation lines with what each adds; the total row equals the score."""
    table = Table("adds", "why", title=None)
    for line in explanation(score):
        amount = f"{line.contribution:+.3f}" if line.contribution or line.tone != "neutral" else ""
        table.add_row(Text(amount, style=_TONES[line.tone]), Text(line.text))
    table.add_row(Text(f"{score.value:.3f}", style="bold"), "= score")
    return table


def evidence_table(score: Score) -> Table:
    """One row per evidence item, largest contribution first; the total row equals the score."""
    table = Table("contribution", "kind", "name", "span", "text", title=None)
    for item in sorted(score.evidence, key=lambda e: -abs(e.contribution)):
        span = f"{item.start}–{item.end}" if item.end > item.start else "whole text"
        table.add_row(
            Text(f"{item.contribution:+.4f}", style=_TONES["lowers" if item.contribution < 0 else "raises"]),
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
        f"score {score.value:.4f} (how likely it is hostile) · level {score.level} ({score.level_name}) · "
        f"{'hostile' if score.hostile else 'not hostile'} · categories: {', '.join(score.categories) or 'none'}"
        f"{' · accusation' if score.accusation else ''} · {score.scorer} {score.version}"
    )
