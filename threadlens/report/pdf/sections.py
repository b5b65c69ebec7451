"""The PDF's later pages: every message in order with its evidence, every chain, and the provenance."""

from __future__ import annotations

import json

from fpdf import FPDF

from threadlens.limits import MAX_PDF_MESSAGE_CHARS, cut_text
from threadlens.model import Case, Message
from threadlens.report.pdf.document import (
    EVIDENCE_RGB,
    GREY,
    clip,
    draw_evidence,
    heading,
    marked_text,
    para,
    shape_for,
    swatch,
)
from threadlens.report.view import (
    LEVEL_COLOURS,
    PLACEHOLDER_COLOUR,
    TOOL,
    all_chains,
    author_label,
    chain_marks,
    chain_roles,
    evidence_lines,
    gap_text,
    generated_at,
    is_placeholder,
    level_label,
    utc,
)


def draw_messages(pdf: FPDF, case: Case, numbers: dict[str, int]) -> None:
    """Every message per conversation in time order: number, time, author, level, links, marked text, evidence."""
    heading(pdf, "Messages")
    marks = chain_marks(case)
    for conversation_id, ids in case.graph.conversations().items():
        para(pdf, f"Conversation {conversation_id} ({len(ids)} messages)", bold=True, size=11)
        pdf.ln(1)
        for message_id in ids:
            _message(pdf, case, case.graph.message(message_id), numbers, marks.get(message_id, []))


def _message(pdf: FPDF, case: Case, message: Message, numbers: dict[str, int], roles: list[str]) -> None:
    number = numbers[message.id]
    if is_placeholder(case, message.id):
        para(pdf, f"#{number}  missing message {message.id}: referenced, but not in the input", colour=GREY, size=9)
        pdf.ln(1.5)
        return
    score = case.scores.get(message.id)
    if pdf.will_page_break(14):
        pdf.add_page()
    shape_for(pdf, message.text, message.author_name)
    pdf.set_font("sans", "B", 9.5)
    pdf.cell(0, 5, f"#{number}   {utc(message.created_at)}   {author_label(message)}", new_x="LMARGIN", new_y="NEXT")
    swatch(pdf, LEVEL_COLOURS[score.level] if score else PLACEHOLDER_COLOUR)
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
    marked_text(pdf, kept.text, score, 10, kept.note)
    pdf.ln(0.5)
    draw_evidence(pdf, evidence_lines(score))
    pdf.set_left_margin(pdf.l_margin - 4)
    pdf.set_draw_color(225, 225, 225)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.l_margin + pdf.epw, pdf.get_y() + 1)
    pdf.ln(2.5)


def draw_chains(pdf: FPDF, case: Case, names: dict[str, str], numbers: dict[str, int]) -> None:
    chains = all_chains(case)
    if pdf.will_page_break(40):
        pdf.add_page()
    heading(pdf, f"Provocation → reaction → accusation chains ({len(chains)})")
    if not chains:
        para(pdf, "None found.")
    for number, chain in enumerate(chains, start=1):
        where = ", across conversations" if chain.cross_conversation else ""
        para(
            pdf,
            f"Chain {number} (accuser: {chain.accuser_role}{where}); gaps {gap_text(chain.gaps_seconds[0])} "
            f"and {gap_text(chain.gaps_seconds[1])}",
            bold=True,
        )
        for role, message_id, author, time in chain_roles(chain):
            known = message_id in case.graph.graph
            text = case.graph.message(message_id).text if known else ""
            para(
                pdf,
                f"{role}: #{numbers.get(message_id, '?')} {utc(time)} {names.get(author, author)}, level "
                f"{level_label(case.scores.get(message_id))}: “{clip(' '.join(text.split()), 200)}”",
                size=9,
                indent=4,
            )
        pdf.ln(2)


def draw_provenance(pdf: FPDF, case: Case, undrawn: list[str]) -> None:
    definition = case.findings.definition
    heading(pdf, "Provenance")
    for label, value in (
        ("Tool", TOOL),
        ("Definition", f"{definition.name} {definition.version}"),
        ("Definition SHA-256", definition.sha256),
        ("Scorer", case.findings.scorer),
        ("Options", json.dumps(case.options, ensure_ascii=False, sort_keys=True, default=str)),
        ("Generated", generated_at()),
    ):
        para(pdf, f"{label}: {value}", size=9)
    heading(pdf, "Input files", 11)
    for item in case.read.inputs:
        para(pdf, item.path, size=9, bold=True)
        para(
            pdf,
            f"format {item.format}; {item.messages} messages, {item.rejected} rejected; SHA-256 {item.sha256}",
            size=8,
            indent=4,
        )
    heading(pdf, f"Records not used ({len(case.read.problems)})", 11)
    for problem in case.read.problems:
        para(pdf, f"{problem.severity}: {problem.path} {problem.position}: {problem.reason}", size=8)
    heading(pdf, "Consent record", 11)
    if case.consent:
        for key, value in case.consent.items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            para(pdf, f"{key}: {shown}", size=9)
    else:
        para(pdf, "No consent record was given for this case.", size=9)
    if undrawn:
        para(
            pdf,
            "Characters no installed font can draw (shown as boxes): "
            + " ".join(f"U+{ord(c):04X}" for c in undrawn[:40]),
            size=8,
            colour=EVIDENCE_RGB,
        )
