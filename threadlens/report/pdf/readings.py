"""The readings to check on the PDF's first page, the findings that stand, and the panel's review applied."""

from __future__ import annotations

from fpdf import FPDF

from threadlens.model import Case
from threadlens.report.pdf.document import GREY, heading, para
from threadlens.report.view import STANDS, readings_to_check, review_summary, standing_findings

FIRST_PAGE_CONVERSATIONS = 2  # conversations whose readings to check are on the first page; all are in findings.json


def draw_readings(pdf: FPDF, case: Case) -> None:
    """ "Readings to check": per conversation, the sentences of the readings a finding rests on, most worth
    checking first; then which findings stand however any one message is read, and the review applied."""
    listed = readings_to_check(case)
    standing = standing_findings(case)
    review = review_summary(case)
    if not (listed or standing or review):
        return
    heading(pdf, "Readings to check")
    para(
        pdf,
        "Each finding rests on how a few messages were read; if one of these readings is wrong, the finding changes.",
        size=8,
        colour=GREY,
    )
    for conversation in listed[:FIRST_PAGE_CONVERSATIONS]:
        para(pdf, f"Conversation {conversation.conversation_id}:", size=8, bold=True)
        for number, reading in enumerate(conversation.readings_to_check, start=1):
            para(pdf, f"{number}. {reading.sentence}", size=8, indent=3)
    if len(listed) > FIRST_PAGE_CONVERSATIONS:
        para(
            pdf,
            f"Readings to check in {len(listed) - FIRST_PAGE_CONVERSATIONS} more conversation(s) are in "
            "findings.json and the HTML report.",
            size=8,
            colour=GREY,
        )
    for conversation in standing:
        para(pdf, f"Conversation {conversation.conversation_id}: its findings {STANDS}.", size=8)
    for line in review:
        para(pdf, line, size=8, bold=line is review[0])
