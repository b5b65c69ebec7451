"""The PDF document and how text is drawn on it: A4 pages with a running title and page numbers, the Noto
fonts, headings, paragraphs safe for the bidi algorithm, colour swatches, and text with its evidence marked."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

from fpdf import FPDF

from threadlens.errors import ReportError
from threadlens.model import Case
from threadlens.report import fonts
from threadlens.report.view import TOOL, EvidenceLine, Segment, evidence_segments

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
_FIRST_WORD = re.compile(r"\S+")  # at the very start of a run of text: the word fpdf2 would cut


def rgb(colour: str) -> tuple[int, int, int]:
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


def new_document(case: Case) -> tuple[_Timeline, list[str]]:
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


def heading(pdf: FPDF, text: str, size: float = 14) -> None:
    pdf.ln(3)
    pdf.set_font("sans", "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 10)
    pdf.ln(1)


def shape_for(pdf: FPDF, *texts: str) -> None:
    """Shape text (HarfBuzz, bidi) only where a script needs it: shaping every line would be slow."""
    pdf.set_text_shaping(any(_SHAPED.search(text) for text in texts))


def bidi_safe(text: str) -> str:
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


def para(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, colour=(0, 0, 0), indent: float = 0) -> None:
    shape_for(pdf, text)
    pdf.set_font("sans", "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(0, size * 0.5, bidi_safe(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("sans", "", 10)


def swatch(pdf: FPDF, colour: str, size: float = 3.2) -> None:
    """A small filled square in a level's colour at the current position."""
    pdf.set_fill_color(*rgb(colour))
    pdf.set_draw_color(60, 60, 60)
    pdf.rect(pdf.get_x(), pdf.get_y() + 0.8, size, size, style="DF")
    pdf.set_x(pdf.get_x() + size + 1.5)


def marked_text(pdf: FPDF, text: str, score, size: float, tail: str = "") -> None:
    """Message text written inline, what raised the score in bold underlined red, what lowered it underlined
    blue, then ``tail`` (a note on a cut) in grey."""
    segments: list[Segment] = evidence_segments(text, score)
    shape_for(pdf, text)
    for segment in segments:
        style = "BU" if segment.marked else ("U" if segment.lowers else "")
        pdf.set_font("sans", style, size)
        pdf.set_text_color(*(EVIDENCE_RGB if segment.marked else LOWERS_RGB if segment.lowers else (0, 0, 0)))
        _room_for_first_word(pdf, segment.text, size * 0.5)
        pdf.write(size * 0.5, bidi_safe(segment.text))
    if tail:
        pdf.set_font("sans", "", size - 1)
        pdf.set_text_color(*GREY)
        pdf.write(size * 0.5, f" {tail}")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("sans", "", 10)
    pdf.ln(size * 0.5 + 0.5)


def _room_for_first_word(pdf: FPDF, text: str, height: float) -> None:
    """A new line before ``text`` when its first word does not fit in what is left of the line but fits on a line
    of its own: fpdf2 fits a ``write`` from wherever the line stands, and would cut that word in two."""
    first = _FIRST_WORD.match(text)
    if first is None or pdf.x <= pdf.l_margin + 0.01:
        return
    width = pdf.get_string_width(first.group()) + 2 * pdf.c_margin  # fpdf2 keeps a cell margin at each end
    if width > pdf.w - pdf.r_margin - pdf.x and width <= pdf.w - pdf.r_margin - pdf.l_margin:
        pdf.ln(height)


def draw_evidence(pdf: FPDF, lines: list[EvidenceLine], indent: float = 0) -> None:
    """Evidence lines, each in its tone's colour: raising red, lowering blue, baseline and sums grey."""
    for line in lines:
        para(pdf, f"evidence: {line.text}", size=8, colour=TONE_RGB[line.tone], indent=indent)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
