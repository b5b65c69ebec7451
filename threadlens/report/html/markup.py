"""Text for the page and its plots: escaped wherever it lands, evidence words marked, short cells."""

from __future__ import annotations

import html
from collections.abc import Sequence

from threadlens.model import LEVEL_NAMES, Case
from threadlens.report.view import LEVEL_COLOURS, evidence_lines, evidence_segments, said


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def plot_text(value: object) -> str:
    """Text for plotly labels: ``<``, ``>`` and ``&`` escaped, which plotly decodes back; quotes are left as
    they are, since plotly shows ``&quot;`` literally and, with no raw ``<``, a quote cannot reach a tag."""
    return html.escape(str(value), quote=False)


def marked_html(text: str, case: Case, message_id: str) -> str:
    """Message text for the page: escaped; words that raised the score in ``<mark>``, words that lowered it
    (quotation, negation…) in a quiet style of their own."""
    return "".join(
        f'<mark title="raises the score">{esc(s.text)}</mark>'
        if s.marked
        else f'<span class="lowers" title="lowers the score">{esc(s.text)}</span>'
        if s.lowers
        else esc(s.text)
        for s in evidence_segments(text, case.scores.get(message_id))
    )


def evidence_html(case: Case, message_id: str, shown: Sequence[str] = ()) -> str:
    """The evidence list of a message, each line in its tone, but for what the ``shown`` lines above it say; a civil
    message says no hostile language was found."""
    items = "".join(
        f'<li class="ev-{line.tone}">{esc(line.text)}</li>'
        for line in evidence_lines(case.scores.get(message_id))
        if not said(line.text, shown)
    )
    return f'<ul class="evidence">{items}</ul>' if items else ""


def short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def level_cell(level: int | None, suffix: str = "") -> str:
    if level is None:
        return '<td class="muted">—</td>'
    return (
        f'<td><span class="level" style="background:{LEVEL_COLOURS[level]}"></span>'
        f"{level} {LEVEL_NAMES[level]}{esc(suffix)}</td>"
    )
