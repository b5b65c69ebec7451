"""The PDF's timeline charts: each participant's messages over time, coloured by level."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from fpdf import FPDF

from threadlens.model import LEVEL_NAMES, Case, Message
from threadlens.report.pdf.document import GREY, bidi_safe, clip, heading, para, rgb, shape_for, swatch
from threadlens.report.view import (
    CHAIN_COLOUR,
    LEVEL_COLOURS,
    PLACEHOLDER_COLOUR,
    all_chains,
    chain_marks,
    chain_roles,
    focus_conversations,
    is_placeholder,
    messages_in_time_order,
    time_ticks,
)

MAX_TIMELINE_ROWS = 30  # participants drawn in the chart; the rest are named below it


def draw_timeline_charts(pdf: FPDF, case: Case, names: dict[str, str]) -> None:
    """The whole case as an overview (a row per conversation), then each conversation with findings on its own time
    axis (a row per participant), so unrelated messages never compress the disputed exchange."""
    heading(pdf, "Timeline (UTC)")
    dated = [m for m in messages_in_time_order(case) if m.created_at is not None and not is_placeholder(case, m.id)]
    if not dated:
        para(pdf, "No dated messages to draw.")
        return
    conversations = case.graph.conversations()
    conversation_of = {node: key for key, ids in conversations.items() for node in ids}
    numbering = {key: number for number, key in enumerate(conversations, start=1)}
    if len(conversations) > 1:
        para(pdf, "The whole case: a row per conversation", bold=True, size=10)
        _chart(
            pdf,
            case,
            dated,
            lambda m: conversation_of[m.id],
            lambda key: f"{numbering[key]}. {clip(key, 20)} ({len(conversations[key])})",
            chains=False,
        )
    marks = chain_marks(case)
    for key in focus_conversations(case):
        messages = [m for m in dated if conversation_of[m.id] == key]
        if not messages:
            continue
        rows = len({m.author_id for m in messages})
        if pdf.will_page_break(min(rows, MAX_TIMELINE_ROWS) * 8 + 40):
            pdf.add_page()
        para(
            pdf,
            f"Conversation {numbering[key]}. {key}: {len(conversations[key])} message(s); a row per participant",
            bold=True,
            size=10,
        )
        _chart(pdf, case, messages, lambda m: m.author_id, lambda author: names.get(author, author), marks=marks)


def _chart(
    pdf: FPDF,
    case: Case,
    messages: list[Message],
    row_key,
    label,
    *,
    chains: bool = True,
    marks: dict[str, list[str]] | None = None,
) -> None:
    """Messages as dots over time on rows (``row_key`` of a message; ``label`` of a row), coloured by level, the
    severest drawn last so none hides behind a lesser one; chains as lines through P, R and A, labelled above."""
    counts: dict[str, int] = {}
    for message in messages:
        counts[row_key(message)] = counts.get(row_key(message), 0) + 1
    keys = list(counts) if not chains else sorted(counts, key=lambda k: (-counts[k], k))
    shown, hidden = keys[:MAX_TIMELINE_ROWS], keys[MAX_TIMELINE_ROWS:]
    row_of = {key: index for index, key in enumerate(shown)}
    left, top, width = pdf.l_margin + 44, pdf.get_y() + 3, pdf.epw - 48
    row_height = min(8.0, 150 / max(len(shown), 1))
    height = row_height * len(shown)
    start, end = min(m.created_at for m in messages), max(m.created_at for m in messages)
    pad = max((end - start) * 0.03, timedelta(seconds=30))
    start, end = start - pad, end + pad
    span = (end - start).total_seconds()

    def x_of(moment: datetime) -> float:
        return left + width * (moment - start).total_seconds() / span

    def y_of(message: Message) -> float:
        return top + row_height * (row_of[row_key(message)] + 0.5)

    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.2)
    pdf.set_font("sans", "", 7)
    shape_for(pdf, *(label(key) for key in shown))
    for key in shown:
        y = top + row_height * (row_of[key] + 0.5)
        pdf.line(left, y, left + width, y)
        pdf.set_xy(pdf.l_margin, y - 2)
        pdf.cell(42, 4, bidi_safe(clip(label(key), 30)), align="R")
    pdf.set_text_shaping(False)
    for moment, text in time_ticks(start, end):
        pdf.line(x_of(moment), top, x_of(moment), top + height)
        pdf.set_xy(x_of(moment) - 15, top + height + 1)
        pdf.cell(30, 4, text, align="C")
    drawn = [m for m in messages if row_key(m) in row_of]
    if chains:
        by_id = {m.id: m for m in drawn}
        pdf.set_draw_color(*rgb(CHAIN_COLOUR))
        pdf.set_line_width(0.8)
        for chain in all_chains(case):
            dots = [(x_of(by_id[i].created_at), y_of(by_id[i])) for _, i, _, _ in chain_roles(chain) if i in by_id]
            for (x0, y0), (x1, y1) in pairwise(dots):
                pdf.line(x0, y0, x1, y1)
    pdf.set_draw_color(60, 60, 60)
    pdf.set_line_width(0.1)
    radius = 1.6 if len(messages) <= 200 else 1.0
    for message in sorted(drawn, key=lambda m: s.level if (s := case.scores.get(m.id)) else -1):
        score = case.scores.get(message.id)
        pdf.set_fill_color(*rgb(LEVEL_COLOURS[score.level] if score else PLACEHOLDER_COLOUR))
        pdf.circle(x_of(message.created_at), y_of(message), radius, style="DF")
    _chart_labels(pdf, [(x_of(m.created_at), y_of(m), " ".join(marks[m.id])) for m in drawn if m.id in (marks or {})])
    pdf.set_xy(pdf.l_margin, top + height + 6)
    pdf.set_font("sans", "", 8)
    for level, name in enumerate(LEVEL_NAMES):
        swatch(pdf, LEVEL_COLOURS[level])
        pdf.cell(22, 5, f"{level} {name}")
    if chains:
        pdf.set_draw_color(*rgb(CHAIN_COLOUR))
        pdf.set_line_width(0.8)
        pdf.line(pdf.get_x(), pdf.get_y() + 2.5, pdf.get_x() + 6, pdf.get_y() + 2.5)
        pdf.set_x(pdf.get_x() + 7)
        pdf.cell(40, 5, "P→R→A chain")
    pdf.ln(7)
    pdf.set_line_width(0.2)
    if hidden:
        para(
            pdf,
            f"Not drawn ({len(hidden)} rows with fewer messages): " + ", ".join(label(k) for k in hidden),
            size=8,
            colour=GREY,
        )


def _chart_labels(pdf: FPDF, labels: list[tuple[float, float, str]]) -> None:
    """Chain role labels above their dots, each raised a step when it would touch a label already placed."""
    pdf.set_font("sans", "B", 7)
    pdf.set_text_color(*rgb(CHAIN_COLOUR))
    placed: list[tuple[float, float, float]] = []
    for x, y, text in sorted(labels):
        half = pdf.get_string_width(text) / 2 + 0.5
        lift = 2.2
        while any(
            x - half < right and left < x + half and abs((y - lift) - other) < 2.8 for left, right, other in placed
        ):
            lift += 3.0
        placed.append((x - half, x + half, y - lift))
        pdf.set_xy(x - half, y - lift - 2.8)
        pdf.cell(2 * half, 2.8, text, align="C")
    pdf.set_text_color(0, 0, 0)
