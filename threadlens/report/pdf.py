"""The investigator's timeline: a PDF with the findings first, every message in order, and the provenance last.

Drawn with fpdf2 in Noto fonts with text shaping (Arabic joined and right to left, CJK and colour
emoji through fallback fonts). Message text is only ever written as plain text (no markdown, no
HTML), so nothing in it is interpreted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from fpdf import FPDF

from threadlens.errors import ReportError
from threadlens.io import atomic_write_bytes
from threadlens.model import LEVEL_NAMES, Case, Message
from threadlens.report import fonts
from threadlens.report.view import (
    CHAIN_COLOUR,
    LEVEL_COLOURS,
    PLACEHOLDER_COLOUR,
    TOOL,
    all_chains,
    author_label,
    author_names,
    chain_roles,
    completeness_warnings,
    escalation_sentence,
    evidence_lines,
    evidence_segments,
    gap_text,
    generated_at,
    is_placeholder,
    level_label,
    messages_in_time_order,
    utc,
)

MAX_TIMELINE_ROWS = 30  # participants drawn in the chart; the rest are named below it
DETAILED_FINDINGS = 5  # first escalations shown with their reasons on the first page; the rest in one line
MAX_FIRST_PAGE_CHAINS = 10  # chains summarised on the first page; all are listed after the messages
EVIDENCE_RGB = (150, 20, 40)
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
    numbers = {m.id: n for n, m in enumerate(messages_in_time_order(case), start=1)}
    pdf.add_page()
    _first_page(pdf, case, names, numbers)
    pdf.add_page()
    _timeline_chart(pdf, case, names)
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


def _para(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, colour=(0, 0, 0), indent: float = 0) -> None:
    _shape_for(pdf, text)
    pdf.set_font("sans", "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
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
    _para(pdf, f"{case_name}{len(case.read.messages)} messages in {len(case.graph.conversations())} "
          f"conversation(s), {span}. Definition {definition.name} {definition.version}, {TOOL}. "
          f"Generated {generated_at()}.", colour=GREY, size=9)
    if case.options.get("pseudonymised"):
        _para(pdf, "Authors who are not parties named in the consent record appear under pseudonyms.",
              colour=GREY, size=9)

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
        for line in (*escalation.reasons, *evidence_lines(case.scores.get(escalation.message_id))):
            _para(pdf, f"• {line}", size=9, indent=4)
        for reason in conversation.inconclusive_reasons:
            _para(pdf, f"• inconclusive: {reason}", size=9, indent=4, colour=EVIDENCE_RGB)
    chains = all_chains(case)
    _para(pdf, f"{len(chains)} provocation → reaction → accusation chain(s):", bold=True)
    for number, chain in enumerate(chains[:MAX_FIRST_PAGE_CHAINS], start=1):
        steps = " → ".join(
            f"{role} #{numbers.get(message_id, '?')} by {names.get(author, author)} ({utc(time)})"
            for role, message_id, author, time in chain_roles(chain)
        )
        _para(pdf, f"{number}. {steps}; accuser: {chain.accuser_role}", size=9, indent=4)
    if len(chains) > MAX_FIRST_PAGE_CHAINS:
        _para(pdf, f"… and {len(chains) - MAX_FIRST_PAGE_CHAINS} more, all listed after the messages.", size=9,
              indent=4)

    _heading(pdf, "Parties")
    pdf.set_font("sans", "", 8)
    _shape_for(pdf, *(p.author_name for p in case.findings.participants))
    with pdf.table(col_widths=(38, 50, 16, 24, 18, 16, 18), text_align="LEFT", line_height=4.5,
                   markdown=False) as table:
        table.row(("name", "id", "messages", "highest level", "escalations started", "reactions",
                   "accusations received / made"))
        for p in case.findings.participants:
            table.row((p.author_name or p.author_id, p.author_id, str(p.messages),
                       f"{p.max_level} {LEVEL_NAMES[p.max_level]}", str(p.escalations), str(p.reactions),
                       f"{p.accusations_received} / {p.accusations_made}"))
    pdf.set_font("sans", "", 10)

    warnings = completeness_warnings(case)
    if warnings:
        _heading(pdf, "Data completeness")
        for warning in warnings:
            _para(pdf, f"• {warning}", size=9)


def _timeline_chart(pdf: FPDF, case: Case, names: dict[str, str]) -> None:
    """Participants as rows, their messages as dots coloured by level, chains as lines through P, R and A."""
    _heading(pdf, "Timeline (UTC)")
    messages = [m for m in messages_in_time_order(case) if m.created_at is not None and not is_placeholder(case, m.id)]
    if not messages:
        _para(pdf, "No dated messages to draw.")
        return
    counts: dict[str, int] = {}
    for message in messages:
        counts[message.author_id] = counts.get(message.author_id, 0) + 1
    authors = sorted(counts, key=lambda a: (-counts[a], a))
    shown, hidden = authors[:MAX_TIMELINE_ROWS], authors[MAX_TIMELINE_ROWS:]
    row_of = {author: index for index, author in enumerate(shown)}
    left, top, width = pdf.l_margin + 38, pdf.get_y() + 2, pdf.epw - 40
    row_height = min(8.0, 150 / max(len(shown), 1))
    height = row_height * len(shown)
    start, end = min(m.created_at for m in messages), max(m.created_at for m in messages)
    span = (end - start).total_seconds() or 1.0

    def x_of(moment: datetime) -> float:
        return left + width * (moment - start).total_seconds() / span

    def y_of(author: str) -> float:
        return top + row_height * (row_of[author] + 0.5)

    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.2)
    pdf.set_font("sans", "", 7)
    _shape_for(pdf, *(names.get(author, author) for author in shown))
    for author in shown:
        pdf.line(left, y_of(author), left + width, y_of(author))
        pdf.set_xy(pdf.l_margin, y_of(author) - 2)
        pdf.cell(36, 4, _clip(names.get(author, author), 24), align="R")
    for tick in range(5):
        moment = start + (end - start) * tick / 4
        pdf.line(x_of(moment), top, x_of(moment), top + height)
        pdf.set_xy(x_of(moment) - (0, 15, 15, 15, 30)[tick], top + height + 1)
        pdf.cell(30, 4, moment.strftime("%Y-%m-%d %H:%M" if tick in (0, 4) else "%m-%d %H:%M"),
                 align="LCCCR"[tick])
    times = {m.id: m for m in messages}
    pdf.set_draw_color(*_rgb(CHAIN_COLOUR))
    pdf.set_line_width(0.8)
    for chain in all_chains(case):
        dots = [(x_of(times[i].created_at), y_of(times[i].author_id)) for _, i, _, _ in chain_roles(chain)
                if i in times and times[i].author_id in row_of]
        for (x0, y0), (x1, y1) in pairwise(dots):
            pdf.line(x0, y0, x1, y1)
    pdf.set_draw_color(60, 60, 60)
    pdf.set_line_width(0.1)
    radius = 1.6 if len(messages) <= 200 else 1.0
    for message in messages:
        if message.author_id not in row_of:
            continue
        score = case.scores.get(message.id)
        pdf.set_fill_color(*_rgb(LEVEL_COLOURS[score.level] if score else PLACEHOLDER_COLOUR))
        pdf.circle(x_of(message.created_at), y_of(message.author_id), radius, style="DF")
    pdf.set_xy(pdf.l_margin, top + height + 7)
    pdf.set_font("sans", "", 8)
    for level, name in enumerate(LEVEL_NAMES):
        _swatch(pdf, LEVEL_COLOURS[level])
        pdf.cell(22, 5, f"{level} {name}")
    pdf.set_draw_color(*_rgb(CHAIN_COLOUR))
    pdf.set_line_width(0.8)
    pdf.line(pdf.get_x(), pdf.get_y() + 2.5, pdf.get_x() + 6, pdf.get_y() + 2.5)
    pdf.set_x(pdf.get_x() + 7)
    pdf.cell(40, 5, "P→R→A chain", new_x="LMARGIN", new_y="NEXT")
    pdf.set_line_width(0.2)
    if hidden:
        _para(pdf, f"Not drawn ({len(hidden)} participants with fewer messages): "
              + ", ".join(names.get(a, a) for a in hidden), size=8, colour=GREY)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _messages(pdf: FPDF, case: Case, numbers: dict[str, int]) -> None:
    """Every message per conversation in time order: number, time, author, level, links, marked text, evidence."""
    _heading(pdf, "Messages")
    for conversation_id, ids in case.graph.conversations().items():
        _para(pdf, f"Conversation {conversation_id} ({len(ids)} messages)", bold=True, size=11)
        pdf.ln(1)
        for message_id in ids:
            _message(pdf, case, case.graph.message(message_id), numbers)


def _message(pdf: FPDF, case: Case, message: Message, numbers: dict[str, int]) -> None:
    number = numbers[message.id]
    if is_placeholder(case, message.id):
        _para(pdf, f"#{number}  missing message {message.id}: referenced, but not in the input", colour=GREY,
              size=9)
        pdf.ln(1.5)
        return
    score = case.scores.get(message.id)
    if pdf.will_page_break(14):
        pdf.add_page()
    _shape_for(pdf, message.text, message.author_name)
    pdf.set_font("sans", "B", 9.5)
    pdf.cell(0, 5, f"#{number}   {utc(message.created_at)}   {author_label(message)}", new_x="LMARGIN",
             new_y="NEXT")
    _swatch(pdf, LEVEL_COLOURS[score.level] if score else PLACEHOLDER_COLOUR)
    links = [f"level {level_label(score)}", message.id]
    if message.reply_to:
        links.append(f"reply to #{numbers.get(message.reply_to, '?')} ({message.reply_to})")
    if message.quote_of:
        links.append(f"quotes #{numbers.get(message.quote_of, '?')} ({message.quote_of})")
    links += ["deleted"] * message.deleted + [f"edited ({len(message.edits)} earlier version(s))"] * bool(
        message.edits or message.edited_from)
    pdf.set_font("sans", "", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4.2, " · ".join(links), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_left_margin(pdf.l_margin + 4)
    pdf.set_x(pdf.l_margin)
    for segment in evidence_segments(message.text, score):
        pdf.set_font("sans", "BU" if segment.marked else "", 10)
        pdf.set_text_color(*(EVIDENCE_RGB if segment.marked else (0, 0, 0)))
        pdf.write(5, segment.text)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(5.5)
    for line in evidence_lines(score):
        _para(pdf, f"evidence: {line}", size=8, colour=EVIDENCE_RGB)
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
        _para(pdf, f"Chain {number} (accuser: {chain.accuser_role}{where}); gaps {gap_text(chain.gaps_seconds[0])} "
              f"and {gap_text(chain.gaps_seconds[1])}", bold=True)
        for role, message_id, author, time in chain_roles(chain):
            known = message_id in case.graph.graph
            text = case.graph.message(message_id).text if known else ""
            _para(pdf, f"{role}: #{numbers.get(message_id, '?')} {utc(time)} {names.get(author, author)}, level "
                  f"{level_label(case.scores.get(message_id))}: “{_clip(' '.join(text.split()), 200)}”",
                  size=9, indent=4)
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
        _para(pdf, f"format {item.format}; {item.messages} messages, {item.rejected} rejected; SHA-256 {item.sha256}",
              size=8, indent=4)
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
        _para(pdf, "Characters no installed font can draw (shown as boxes): "
              + " ".join(f"U+{ord(c):04X}" for c in undrawn[:40]), size=8, colour=EVIDENCE_RGB)
