"""The investigator's timeline: a PDF with the findings first, every message in order, and the provenance last.

Drawn with fpdf2 in Noto fonts with text shaping (Arabic joined and right to left, CJK and colour
emoji through fallback fonts). Message text is only ever written as plain text (no markdown, no
HTML), so nothing in it is interpreted.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

from fpdf import FPDF

from threadlens.errors import ReportError
from threadlens.io import atomic_write_bytes
from threadlens.limits import MAX_PDF_MESSAGE_CHARS, cut_text
from threadlens.model import LEVEL_NAMES, Case, Chain, Message
from threadlens.report import fonts
from threadlens.report.view import (
    CHAIN_COLOUR,
    LEVEL_COLOURS,
    PLACEHOLDER_COLOUR,
    TOOL,
    EvidenceLine,
    Segment,
    all_chains,
    author_label,
    author_names,
    chain_comparison,
    chain_marks,
    chain_roles,
    completeness_warnings,
    escalation_sentence,
    evidence_lines,
    evidence_segments,
    focus_conversations,
    gap_text,
    generated_at,
    highest_messages,
    is_placeholder,
    level_label,
    message_numbers,
    messages_in_time_order,
    other_branch_escalations,
    participant_roles,
    time_ticks,
    utc,
)

MAX_TIMELINE_ROWS = 30  # participants drawn in the chart; the rest are named below it
DETAILED_FINDINGS = 5  # first escalations shown with their reasons on the first page; the rest in one line
MAX_FIRST_PAGE_CHAINS = 3  # chains shown side by side at the front; all are listed after the messages
CHAIN_CHARS = 320  # message characters in the side-by-side chain; the whole text is in the message list
NEUTRAL_RUN = 200  # fpdf2's bidi algorithm recurses once per character of a run without a strong direction
EVIDENCE_RGB = (150, 20, 40)
LOWERS_RGB = (20, 70, 110)  # words and evidence that lowered a score: never the colour of abuse
TONE_RGB = {"raises": EVIDENCE_RGB, "lowers": LOWERS_RGB, "neutral": (110, 110, 110)}
_STRONG = frozenset(("L", "R", "AL", "EN", "AN"))
# Scripts that need shaping or right-to-left ordering (Hebrew to Tibetan, Myanmar, Khmer), joiners and
# direction marks, Arabic presentation forms, emoji (sequences, skin tones) and variation selectors.
_SHAPED = re.compile(
    "[\u0590-\u0fff\u1000-\u109f\u1780-\u17ff\u200c-\u200f\u202a-\u202e\u2066-\u2069"
    "\ufb1d-\ufdff\ufe00-\ufe0f\ufe70-\ufeff\U0001f000-\U0001faff]"
)
GREY = (110, 110, 110)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


class _Timeline(FPDF):
    """A4 pages with a running title and "page x of y" in the footer."""

    def header(self) -> None:
        if self.page_no() > 1:
            self._small(8, GREY)
            self.cell(0, 5, "threadlens case timeline (all times UTC)", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)
        self._reset()

    def footer(self) -> None:
        self.set_y(-12)
        self._small(8, GREY)
        self.set_text_shaping(False)  # the page-count alias is replaced only in unshaped text
        self.cell(0, 6, f"page {self.page_no()} of {{nb}}", align="C")
        self._reset()

    def _small(self, size: float, colour: tuple[int, int, int]) -> None:
        self.set_font("sans", "", size)
        self.set_text_color(*colour)

    def _reset(self) -> None:
        self.set_font("sans", "", 10)
        self.set_text_color(0, 0, 0)


def render_pdf(case: Case) -> bytes:
    """The timeline PDF of a case."""
    pdf, undrawn = _new_document(case)
    names = author_names(case)
    numbers = message_numbers(case)
    pdf.add_page()
    _first_page(pdf, case, names, numbers)
    pdf.add_page()
    _timeline_charts(pdf, case, names)
    _messages(pdf, case, numbers)
    _chains(pdf, case, names, numbers)
    pdf.add_page()
    _provenance(pdf, case, undrawn)
    return bytes(pdf.output())


def write_pdf(case: Case, path: Path) -> Path:
    """Write the timeline atomically to ``path``."""
    return atomic_write_bytes(path, render_pdf(case))


def _new_document(case: Case) -> tuple[_Timeline, list[str]]:
    """A document with the fonts loaded, and the characters of the case no installed font can draw."""
    found = fonts.find_fonts()
    pdf = _Timeline(format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title("threadlens case timeline")
    pdf.set_creator(TOOL)
    for font in (*found.main, *found.fallbacks):
        pdf.add_font(font.name, font.style, str(font.path), collection_font_number=font.index)
    pdf.set_fallback_fonts([font.name for font in found.fallbacks], exact_match=False)
    pdf.alias_nb_pages()
    covered: set[int] = set()
    for font in pdf.fonts.values():
        covered.update(font.cmap)
    undrawn = sorted({c for text in _texts(case) for c in text if fonts.needs_glyph(c) and ord(c) not in covered})
    wanted = sorted({fonts.package_for(ord(c)) for c in undrawn} & set(found.missing_packages))
    if wanted:
        raise ReportError(
            f"the messages hold characters ({' '.join(f'U+{ord(c):04X}' for c in undrawn[:8])}) that no installed "
            "font can draw",
            hint=f"Install apt-get install {' '.join(wanted)} (or write the report with --no-pdf)",
        )
    return pdf, undrawn


def _texts(case: Case) -> Iterable[str]:
    for message in case.read.messages:
        yield message.text
        yield message.author_name
    if case.consent:
        yield json.dumps(case.consent, ensure_ascii=False, default=str)


def _heading(pdf: FPDF, text: str, size: float = 14) -> None:
    pdf.ln(3)
    pdf.set_font("sans", "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 10)
    pdf.ln(1)


def _shape_for(pdf: FPDF, *texts: str) -> None:
    """Shape text (HarfBuzz, bidi) only where a script needs it: shaping every line would be slow."""
    pdf.set_text_shaping(any(_SHAPED.search(text) for text in texts))


def _bidi_safe(text: str) -> str:
    """``text`` with a left-to-right mark (U+200E, invisible) after every ``NEUTRAL_RUN`` characters that have no
    strong direction (emoji, spaces, punctuation), so fpdf2's recursive bidi pass never runs out of stack."""
    if len(text) <= NEUTRAL_RUN:
        return text
    out: list[str] = []
    run = 0
    for character in text:
        out.append(character)
        run = 0 if unicodedata.bidirectional(character) in _STRONG else run + 1
        if run >= NEUTRAL_RUN:
            out.append("\u200e")
            run = 0
    return "".join(out)


def _para(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, colour=(0, 0, 0), indent: float = 0) -> None:
    _shape_for(pdf, text)
    pdf.set_font("sans", "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(0, size * 0.5, _bidi_safe(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("sans", "", 10)


def _swatch(pdf: FPDF, colour: str, size: float = 3.2) -> None:
    """A small filled square in a level's colour at the current position."""
    pdf.set_fill_color(*_rgb(colour))
    pdf.set_draw_color(60, 60, 60)
    pdf.rect(pdf.get_x(), pdf.get_y() + 0.8, size, size, style="DF")
    pdf.set_x(pdf.get_x() + size + 1.5)


def _first_page(pdf: FPDF, case: Case, names: dict[str, str], numbers: dict[str, int]) -> None:
    definition = case.findings.definition
    pdf.set_font("sans", "B", 20)
    pdf.cell(0, 10, "Case timeline", new_x="LMARGIN", new_y="NEXT")
    dated = [m.created_at for m in case.read.messages if m.created_at is not None]
    span = f"{utc(min(dated))} to {utc(max(dated))}" if dated else "no dated messages"
    case_name = f"Case {case.consent['case']}. " if case.consent and case.consent.get("case") else ""
    _para(
        pdf,
        f"{case_name}{len(case.read.messages)} messages in {len(case.graph.conversations())} "
        f"conversation(s), {span}. Definition {definition.name} {definition.version}, {TOOL}. "
        f"Generated {generated_at()}.",
        colour=GREY,
        size=9,
    )
    if case.options.get("pseudonymised"):
        _para(
            pdf, "Authors who are not parties named in the consent record appear under pseudonyms.", colour=GREY, size=9
        )

    chains = all_chains(case)
    _heading(pdf, f"Provocation → reaction → accusation ({len(chains)} chain{'s' if len(chains) != 1 else ''})")
    if not chains:
        _para(pdf, "None found: no reaction to a provocation was followed by an accusation.")
    else:
        _para(
            pdf,
            "Bold underlined red: words that raised a message's score; underlined blue: words that lowered it "
            "(quoted or reported speech, negation).",
            size=8,
            colour=GREY,
        )
    for number, chain in enumerate(chains[:MAX_FIRST_PAGE_CHAINS], start=1):
        _chain_columns(pdf, case, number, chain, names, numbers)
    if len(chains) > MAX_FIRST_PAGE_CHAINS:
        _para(pdf, f"… and {len(chains) - MAX_FIRST_PAGE_CHAINS} more, all listed after the messages.", size=9)

    _heading(pdf, "Findings: who escalated first")
    escalated = [c for c in case.findings.conversations if c.first_escalation is not None]
    if not escalated:
        _para(pdf, "No message crossed the definition's escalation threshold: no one escalated.", bold=True)
    for index, conversation in enumerate(escalated):
        escalation = conversation.first_escalation
        flag = " (inconclusive)" if conversation.inconclusive or escalation.inconclusive else ""
        sentence = f"#{numbers.get(escalation.message_id, '?')}: {escalation_sentence(escalation, names)}{flag}"
        if index >= DETAILED_FINDINGS:  # the rest in one line each; their reasons are with the messages
            _para(pdf, f"{conversation.conversation_id}: {sentence}", size=8)
            continue
        _para(pdf, f"Conversation {conversation.conversation_id}", size=9, colour=GREY)
        _para(pdf, sentence, bold=True)
        for reason in escalation.reasons:  # its evidence line by line is with the message
            _para(pdf, f"• {reason}", size=9, indent=4)
        for reason in conversation.inconclusive_reasons:
            _para(pdf, f"• inconclusive: {reason}", size=9, indent=4, colour=EVIDENCE_RGB)
        others = other_branch_escalations(conversation)
        _para(
            pdf,
            f"{len(others)} other branch(es) escalated too: "
            + ", ".join(f"#{numbers.get(e.message_id, '?')} by {names.get(e.author_id, e.author_id)}" for e in others)
            if others
            else "No other branch of this conversation escalated.",
            size=8,
            colour=GREY,
            indent=4,
        )

    _heading(pdf, "Parties")
    _para(
        pdf,
        "An escalation started answered no provocation aimed at its author; a reaction answers one. "
        "Accusations count only when aimed at a reactor.",
        size=8,
        colour=GREY,
    )
    roles = participant_roles(case)
    highest = highest_messages(case)
    pdf.set_font("sans", "", 8)
    pdf.set_fill_color(255, 255, 255)
    _shape_for(pdf, *(p.author_name for p in case.findings.participants))
    with pdf.table(
        col_widths=(34, 44, 17, 24, 19, 21, 21), text_align="LEFT", line_height=4.5, markdown=False
    ) as table:
        table.row(
            (
                "name, id",
                "part in the findings",
                "messages",
                "highest level (message)",
                "escalations started",
                "reactions to provocation",
                "accusations made / received",
            )
        )
        for p in case.findings.participants:
            reached = f" (#{numbers[highest[p.author_id]]})" if highest.get(p.author_id) in numbers else ""
            table.row(
                (
                    f"{p.author_name or p.author_id}\n{p.author_id}",
                    "; ".join(roles.get(p.author_id, ())) or "—",
                    str(p.messages),
                    f"{p.max_level} {LEVEL_NAMES[p.max_level]}{reached}",
                    str(p.escalations),
                    str(p.reactions),
                    f"{p.accusations_made} / {p.accusations_received}",
                )
            )
    pdf.set_font("sans", "", 10)

    warnings = completeness_warnings(case)
    if warnings:
        _heading(pdf, "Data completeness")
        for warning in warnings:
            _para(pdf, f"• {warning}", size=9)


def _chain_columns(
    pdf: FPDF, case: Case, number: int, chain: Chain, names: dict[str, str], numbers: dict[str, int]
) -> None:
    """A chain side by side: provocation, reaction and accusation in three columns, the gaps between them, then
    the comparison a panel needs in one sentence."""
    if pdf.will_page_break(90):
        pdf.add_page()
    who = "the provoker" if chain.accuser_role == "provoker" else "a third party"
    extra = ", across conversations" if chain.cross_conversation else ""
    _para(pdf, f"Chain {number}: accuser is {who} ({names.get(chain.authors[2], chain.authors[2])}){extra}", bold=True)
    gap_width = 14.0
    width = (pdf.epw - 2 * gap_width) / 3
    top, left, right = pdf.get_y() + 1, pdf.l_margin, pdf.r_margin
    bottoms = []
    pdf.set_auto_page_break(False)
    for index, (role, message_id, author, time) in enumerate(chain_roles(chain)):
        x = left + index * (width + gap_width)
        pdf.set_left_margin(x)
        pdf.set_right_margin(pdf.w - x - width)
        pdf.set_xy(x, top)
        score = case.scores.get(message_id)
        _para(
            pdf,
            f"{role.capitalize()} {role[0].upper()}{number} · #{numbers.get(message_id, '?')}",
            bold=True,
            size=9,
            colour=_rgb(CHAIN_COLOUR),
        )
        _para(pdf, f"{names.get(author, author)}, {utc(time)}", size=8)
        _swatch(pdf, LEVEL_COLOURS[score.level] if score else PLACEHOLDER_COLOUR)
        pdf.set_font("sans", "", 8)
        pdf.cell(width - 5, 5, f"level {level_label(score)}", new_x="LMARGIN", new_y="NEXT")
        if message_id in case.graph.graph and not is_placeholder(case, message_id):
            text = case.graph.message(message_id).text
            _marked_text(pdf, text[:CHAIN_CHARS], score, 9, "…" if len(text) > CHAIN_CHARS else "")
        else:
            _para(pdf, "missing from the input", size=8, colour=GREY)
        bottoms.append(pdf.get_y())
    pdf.set_left_margin(left)
    pdf.set_right_margin(right)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_text_shaping(False)
    pdf.set_font("sans", "B", 8)
    pdf.set_text_color(*_rgb(CHAIN_COLOUR))
    pdf.set_draw_color(*_rgb(CHAIN_COLOUR))
    pdf.set_line_width(0.5)
    for index, gap in enumerate(chain.gaps_seconds):
        x = left + (index + 1) * width + index * gap_width
        pdf.set_xy(x, top + 8)
        pdf.cell(gap_width, 4, gap_text(gap), align="C")
        pdf.line(x + 2, top + 14, x + gap_width - 2, top + 14)  # an arrow: the shaft, then its head
        pdf.line(x + gap_width - 4, top + 12.8, x + gap_width - 2, top + 14)
        pdf.line(x + gap_width - 4, top + 15.2, x + gap_width - 2, top + 14)
    pdf.set_line_width(0.2)
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(max(bottoms) + 1)
    _para(pdf, chain_comparison(case, chain, names), bold=True, size=9)
    pdf.ln(2)


def _marked_text(pdf: FPDF, text: str, score, size: float, tail: str = "") -> None:
    """Message text written inline, what raised the score in bold underlined red, what lowered it underlined
    blue, then ``tail`` (a note on a cut) in grey."""
    segments: list[Segment] = evidence_segments(text, score)
    _shape_for(pdf, text)
    for segment in segments:
        style = "BU" if segment.marked else ("U" if segment.lowers else "")
        pdf.set_font("sans", style, size)
        pdf.set_text_color(*(EVIDENCE_RGB if segment.marked else LOWERS_RGB if segment.lowers else (0, 0, 0)))
        pdf.write(size * 0.5, _bidi_safe(segment.text))
    if tail:
        pdf.set_font("sans", "", size - 1)
        pdf.set_text_color(*GREY)
        pdf.write(size * 0.5, f" {tail}")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("sans", "", 10)
    pdf.ln(size * 0.5 + 0.5)


def _evidence(pdf: FPDF, lines: list[EvidenceLine], indent: float = 0) -> None:
    """Evidence lines, each in its tone's colour: raising red, lowering blue, baseline and sums grey."""
    for line in lines:
        _para(pdf, f"evidence: {line.text}", size=8, colour=TONE_RGB[line.tone], indent=indent)


def _timeline_charts(pdf: FPDF, case: Case, names: dict[str, str]) -> None:
    """The whole case as an overview (a row per conversation), then each conversation with findings on its own time
    axis (a row per participant), so unrelated messages never compress the disputed exchange."""
    _heading(pdf, "Timeline (UTC)")
    dated = [m for m in messages_in_time_order(case) if m.created_at is not None and not is_placeholder(case, m.id)]
    if not dated:
        _para(pdf, "No dated messages to draw.")
        return
    conversations = case.graph.conversations()
    conversation_of = {node: key for key, ids in conversations.items() for node in ids}
    numbering = {key: number for number, key in enumerate(conversations, start=1)}
    if len(conversations) > 1:
        _para(pdf, "The whole case: a row per conversation", bold=True, size=10)
        _chart(
            pdf,
            case,
            dated,
            lambda m: conversation_of[m.id],
            lambda key: f"{numbering[key]}. {_clip(key, 20)} ({len(conversations[key])})",
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
        _para(
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
    _shape_for(pdf, *(label(key) for key in shown))
    for key in shown:
        y = top + row_height * (row_of[key] + 0.5)
        pdf.line(left, y, left + width, y)
        pdf.set_xy(pdf.l_margin, y - 2)
        pdf.cell(42, 4, _bidi_safe(_clip(label(key), 30)), align="R")
    pdf.set_text_shaping(False)
    for moment, text in time_ticks(start, end):
        pdf.line(x_of(moment), top, x_of(moment), top + height)
        pdf.set_xy(x_of(moment) - 15, top + height + 1)
        pdf.cell(30, 4, text, align="C")
    drawn = [m for m in messages if row_key(m) in row_of]
    if chains:
        by_id = {m.id: m for m in drawn}
        pdf.set_draw_color(*_rgb(CHAIN_COLOUR))
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
        pdf.set_fill_color(*_rgb(LEVEL_COLOURS[score.level] if score else PLACEHOLDER_COLOUR))
        pdf.circle(x_of(message.created_at), y_of(message), radius, style="DF")
    _chart_labels(pdf, [(x_of(m.created_at), y_of(m), " ".join(marks[m.id])) for m in drawn if m.id in (marks or {})])
    pdf.set_xy(pdf.l_margin, top + height + 6)
    pdf.set_font("sans", "", 8)
    for level, name in enumerate(LEVEL_NAMES):
        _swatch(pdf, LEVEL_COLOURS[level])
        pdf.cell(22, 5, f"{level} {name}")
    if chains:
        pdf.set_draw_color(*_rgb(CHAIN_COLOUR))
        pdf.set_line_width(0.8)
        pdf.line(pdf.get_x(), pdf.get_y() + 2.5, pdf.get_x() + 6, pdf.get_y() + 2.5)
        pdf.set_x(pdf.get_x() + 7)
        pdf.cell(40, 5, "P→R→A chain")
    pdf.ln(7)
    pdf.set_line_width(0.2)
    if hidden:
        _para(
            pdf,
            f"Not drawn ({len(hidden)} rows with fewer messages): " + ", ".join(label(k) for k in hidden),
            size=8,
            colour=GREY,
        )


def _chart_labels(pdf: FPDF, labels: list[tuple[float, float, str]]) -> None:
    """Chain role labels above their dots, each raised a step when it would touch a label already placed."""
    pdf.set_font("sans", "B", 7)
    pdf.set_text_color(*_rgb(CHAIN_COLOUR))
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


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _messages(pdf: FPDF, case: Case, numbers: dict[str, int]) -> None:
    """Every message per conversation in time order: number, time, author, level, links, marked text, evidence."""
    _heading(pdf, "Messages")
    marks = chain_marks(case)
    for conversation_id, ids in case.graph.conversations().items():
        _para(pdf, f"Conversation {conversation_id} ({len(ids)} messages)", bold=True, size=11)
        pdf.ln(1)
        for message_id in ids:
            _message(pdf, case, case.graph.message(message_id), numbers, marks.get(message_id, []))


def _message(pdf: FPDF, case: Case, message: Message, numbers: dict[str, int], roles: list[str]) -> None:
    number = numbers[message.id]
    if is_placeholder(case, message.id):
        _para(pdf, f"#{number}  missing message {message.id}: referenced, but not in the input", colour=GREY, size=9)
        pdf.ln(1.5)
        return
    score = case.scores.get(message.id)
    if pdf.will_page_break(14):
        pdf.add_page()
    _shape_for(pdf, message.text, message.author_name)
    pdf.set_font("sans", "B", 9.5)
    pdf.cell(0, 5, f"#{number}   {utc(message.created_at)}   {author_label(message)}", new_x="LMARGIN", new_y="NEXT")
    _swatch(pdf, LEVEL_COLOURS[score.level] if score else PLACEHOLDER_COLOUR)
    links = [*(f"chain role {role}" for role in roles), f"level {level_label(score)}", message.id]
    if message.reply_to:
        links.append(f"reply to #{numbers.get(message.reply_to, '?')} ({message.reply_to})")
    if message.quote_of:
        links.append(f"quotes #{numbers.get(message.quote_of, '?')} ({message.quote_of})")
    links += ["deleted"] * message.deleted + [f"edited ({len(message.edits)} earlier version(s))"] * bool(
        message.edits or message.edited_from
    )
    pdf.set_font("sans", "", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4.2, " · ".join(links), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_left_margin(pdf.l_margin + 4)
    pdf.set_x(pdf.l_margin)
    kept = cut_text(message.text, MAX_PDF_MESSAGE_CHARS)
    _marked_text(pdf, kept.text, score, 10, kept.note)
    pdf.ln(0.5)
    _evidence(pdf, evidence_lines(score))
    pdf.set_left_margin(pdf.l_margin - 4)
    pdf.set_draw_color(225, 225, 225)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.l_margin + pdf.epw, pdf.get_y() + 1)
    pdf.ln(2.5)


def _chains(pdf: FPDF, case: Case, names: dict[str, str], numbers: dict[str, int]) -> None:
    chains = all_chains(case)
    if pdf.will_page_break(40):
        pdf.add_page()
    _heading(pdf, f"Provocation → reaction → accusation chains ({len(chains)})")
    if not chains:
        _para(pdf, "None found.")
    for number, chain in enumerate(chains, start=1):
        where = ", across conversations" if chain.cross_conversation else ""
        _para(
            pdf,
            f"Chain {number} (accuser: {chain.accuser_role}{where}); gaps {gap_text(chain.gaps_seconds[0])} "
            f"and {gap_text(chain.gaps_seconds[1])}",
            bold=True,
        )
        for role, message_id, author, time in chain_roles(chain):
            known = message_id in case.graph.graph
            text = case.graph.message(message_id).text if known else ""
            _para(
                pdf,
                f"{role}: #{numbers.get(message_id, '?')} {utc(time)} {names.get(author, author)}, level "
                f"{level_label(case.scores.get(message_id))}: “{_clip(' '.join(text.split()), 200)}”",
                size=9,
                indent=4,
            )
        pdf.ln(2)


def _provenance(pdf: FPDF, case: Case, undrawn: list[str]) -> None:
    definition = case.findings.definition
    _heading(pdf, "Provenance")
    for label, value in (
        ("Tool", TOOL),
        ("Definition", f"{definition.name} {definition.version}"),
        ("Definition SHA-256", definition.sha256),
        ("Scorer", case.findings.scorer),
        ("Options", json.dumps(case.options, ensure_ascii=False, sort_keys=True, default=str)),
        ("Generated", generated_at()),
    ):
        _para(pdf, f"{label}: {value}", size=9)
    _heading(pdf, "Input files", 11)
    for item in case.read.inputs:
        _para(pdf, item.path, size=9, bold=True)
        _para(
            pdf,
            f"format {item.format}; {item.messages} messages, {item.rejected} rejected; SHA-256 {item.sha256}",
            size=8,
            indent=4,
        )
    _heading(pdf, f"Records not used ({len(case.read.problems)})", 11)
    for problem in case.read.problems:
        _para(pdf, f"{problem.severity}: {problem.path} {problem.position}: {problem.reason}", size=8)
    _heading(pdf, "Consent record", 11)
    if case.consent:
        for key, value in case.consent.items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            _para(pdf, f"{key}: {shown}", size=9)
    else:
        _para(pdf, "No consent record was given for this case.", size=9)
    if undrawn:
        _para(
            pdf,
            "Characters no installed font can draw (shown as boxes): "
            + " ".join(f"U+{ord(c):04X}" for c in undrawn[:40]),
            size=8,
            colour=EVIDENCE_RGB,
        )
