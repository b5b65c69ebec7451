"""The investigator's timeline: a PDF with the findings first, every message in order, and the provenance last.

Drawn with fpdf2 in Noto fonts with text shaping (Arabic joined and right to left, CJK and colour
emoji through fallback fonts). Message text is only ever written as plain text (no markdown, no
HTML), so nothing in it is interpreted.

The document is assembled here from its parts: the first page (:mod:`.first_page`), the timeline charts
(:mod:`.timeline`), the message list, the chains and the provenance (:mod:`.sections`), all drawn with
:mod:`.document`'s pages, fonts and text.
"""

from __future__ import annotations

from pathlib import Path

from threadlens.io import atomic_write_bytes
from threadlens.model import Case
from threadlens.report.pdf.document import new_document
from threadlens.report.pdf.first_page import draw_first_page
from threadlens.report.pdf.sections import draw_chains, draw_messages, draw_provenance
from threadlens.report.pdf.timeline import draw_timeline_charts
from threadlens.report.view import author_names, message_numbers


def render_pdf(case: Case) -> bytes:
    """The timeline PDF of a case."""
    pdf, undrawn = new_document(case)
    names = author_names(case)
    numbers = message_numbers(case)
    pdf.add_page()
    draw_first_page(pdf, case, names, numbers)
    pdf.add_page()
    draw_timeline_charts(pdf, case, names)
    draw_messages(pdf, case, numbers)
    draw_chains(pdf, case, names, numbers)
    pdf.add_page()
    draw_provenance(pdf, case, undrawn)
    return bytes(pdf.output())


def write_pdf(case: Case, path: Path) -> Path:
    """Write the timeline atomically to ``path``."""
    return atomic_write_bytes(path, render_pdf(case))
