"""The PDF's first page: who escalated first and why, and the first chains side by side."""

from __future__ import annotations

from fpdf import FPDF

from threadlens.model import LEVEL_NAMES, Case, Chain
from threadlens.report.pdf.document import EVIDENCE_RGB, GREY, heading, marked_text, para, rgb, shape_for, swatch
from threadlens.report.pdf.readings import draw_readings
from threadlens.report.view import (
    CHAIN_COLOUR,
    LEVEL_COLOURS,
    PLACEHOLDER_COLOUR,
    TOOL,
    all_chains,
    chain_comparison,
    chain_roles,
    completeness_warnings,
    distinct,
    escalation_sentence,
    gap_text,
    generated_at,
    highest_messages,
    is_placeholder,
    level_label,
    other_branch_escalations,
    participant_roles,
    utc,
)

DETAILED_FINDINGS = 5  # first escalations shown with their reasons on the first page; the rest in one line
MAX_FIRST_PAGE_CHAINS = 3  # chains shown side by side at the front; all are listed after the messages
CHAIN_CHARS = 320  # message characters in the side-by-side chain; the whole text is in the message list


def draw_first_page(pdf: FPDF, case: Case, names: dict[str, str], numbers: dict[str, int]) -> None:
    definition = case.findings.definition
    pdf.set_font("sans", "B", 20)
    pdf.cell(0, 10, "Case timeline", new_x="LMARGIN", new_y="NEXT")
    dated = [m.created_at for m in case.read.messages if m.created_at is not None]
    span = f"{utc(min(dated))} to {utc(max(dated))}" if dated else "no dated messages"
    case_name = f"Case {case.consent['case']}. " if case.consent and case.consent.get("case") else ""
    para(
        pdf,
        f"{case_name}{len(case.read.messages)} messages in {len(case.graph.conversations())} "
        f"conversation(s), {span}. Definition {definition.name} {definition.version}, {TOOL}. "
        f"Generated {generated_at()}.",
        colour=GREY,
        size=9,
    )
    if case.options.get("pseudonymised"):
        para(
            pdf, "Authors who are not parties named in the consent record appear under pseudonyms.", colour=GREY, size=9
        )

    draw_readings(pdf, case)
    chains = all_chains(case)
    heading(pdf, f"Provocation → reaction → accusation ({len(chains)} chain{'s' if len(chains) != 1 else ''})")
    if not chains:
        para(pdf, "None found: no reaction to a provocation was followed by an accusation.")
    else:
        para(
            pdf,
            "Bold underlined red: words that raised a message's score; underlined blue: words that lowered it "
            "(quoted or reported speech, negation).",
            size=8,
            colour=GREY,
        )
    for number, chain in enumerate(chains[:MAX_FIRST_PAGE_CHAINS], start=1):
        _chain_columns(pdf, case, number, chain, names, numbers)
    if len(chains) > MAX_FIRST_PAGE_CHAINS:
        para(pdf, f"… and {len(chains) - MAX_FIRST_PAGE_CHAINS} more, all listed after the messages.", size=9)

    heading(pdf, "Findings: who escalated first")
    escalated = [c for c in case.findings.conversations if c.first_escalation is not None]
    if not escalated:
        para(pdf, "No message crossed the definition's escalation threshold: no one escalated.", bold=True)
    for index, conversation in enumerate(escalated):
        escalation = conversation.first_escalation
        flag = " (inconclusive)" if conversation.inconclusive or escalation.inconclusive else ""
        sentence = f"#{numbers.get(escalation.message_id, '?')}: {escalation_sentence(escalation, names)}{flag}"
        if index >= DETAILED_FINDINGS:  # the rest in one line each; their reasons are with the messages
            para(pdf, f"{conversation.conversation_id}: {sentence}", size=8)
            continue
        para(pdf, f"Conversation {conversation.conversation_id}", size=9, colour=GREY)
        para(pdf, sentence, bold=True)
        for reason in distinct(escalation.reasons):  # its evidence line by line is with the message
            para(pdf, f"• {reason}", size=9, indent=4)
        for reason in conversation.inconclusive_reasons:
            para(pdf, f"• inconclusive: {reason}", size=9, indent=4, colour=EVIDENCE_RGB)
        others = other_branch_escalations(conversation)
        para(
            pdf,
            f"{len(others)} other branch(es) escalated too: "
            + ", ".join(f"#{numbers.get(e.message_id, '?')} by {names.get(e.author_id, e.author_id)}" for e in others)
            if others
            else "No other branch of this conversation escalated.",
            size=8,
            colour=GREY,
            indent=4,
        )

    heading(pdf, "Parties")
    para(
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
    shape_for(pdf, *(p.author_name for p in case.findings.participants))
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
        heading(pdf, "Data completeness")
        for warning in warnings:
            para(pdf, f"• {warning}", size=9)


def _chain_columns(
    pdf: FPDF, case: Case, number: int, chain: Chain, names: dict[str, str], numbers: dict[str, int]
) -> None:
    """A chain side by side: provocation, reaction and accusation in three columns, the gaps between them, then
    the comparison a panel needs in one sentence."""
    if pdf.will_page_break(90):
        pdf.add_page()
    who = "the provoker" if chain.accuser_role == "provoker" else "a third party"
    extra = ", across conversations" if chain.cross_conversation else ""
    para(pdf, f"Chain {number}: accuser is {who} ({names.get(chain.authors[2], chain.authors[2])}){extra}", bold=True)
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
        para(
            pdf,
            f"{role.capitalize()} {role[0].upper()}{number} · #{numbers.get(message_id, '?')}",
            bold=True,
            size=9,
            colour=rgb(CHAIN_COLOUR),
        )
        para(pdf, f"{names.get(author, author)}, {utc(time)}", size=8)
        swatch(pdf, LEVEL_COLOURS[score.level] if score else PLACEHOLDER_COLOUR)
        pdf.set_font("sans", "", 8)
        pdf.cell(width - 5, 5, f"level {level_label(score)}", new_x="LMARGIN", new_y="NEXT")
        if message_id in case.graph.graph and not is_placeholder(case, message_id):
            text = case.graph.message(message_id).text
            marked_text(pdf, text[:CHAIN_CHARS], score, 9, "…" if len(text) > CHAIN_CHARS else "")
        else:
            para(pdf, "missing from the input", size=8, colour=GREY)
        bottoms.append(pdf.get_y())
    pdf.set_left_margin(left)
    pdf.set_right_margin(right)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_text_shaping(False)
    pdf.set_font("sans", "B", 8)
    pdf.set_text_color(*rgb(CHAIN_COLOUR))
    pdf.set_draw_color(*rgb(CHAIN_COLOUR))
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
    para(pdf, chain_comparison(case, chain, names), bold=True, size=9)
    pdf.ln(2)
