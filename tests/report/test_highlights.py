"""Highlights and evidence as a panel reads them: words whole on the PDF's first page, each reason said once, and
a highlight on the hostile words rather than the function words beside them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fpdf import FPDF

from threadlens.model import Score
from threadlens.pipeline import analyse_case
from threadlens.report.pdf.document import marked_text, new_document
from threadlens.report.pdf.first_page import MAX_FIRST_PAGE_CHAINS
from threadlens.report.view import (
    all_chains,
    chain_roles,
    distinct,
    evidence_lines,
    evidence_segments,
    highlighted_spans,
    said,
)

SAMPLES = Path(__file__).resolve().parents[2] / "sample_threads"
CASES = sorted(path.name for path in SAMPLES.iterdir() if (path / "submission.toml").is_file())


def hostile(spans: tuple[tuple[int, int], ...]) -> Score:
    return Score(value=0.98, level=3, hostile=True, categories=(), evidence=(), scorer="lens", version="1", spans=spans)


@pytest.fixture(scope="module", params=CASES)
def analysed(request, tmp_path_factory):
    """A sample case through the whole pipeline, its PDF written."""
    folder = SAMPLES / request.param
    out = tmp_path_factory.mktemp(request.param)
    return analyse_case([folder], out, consent=folder / "submission.toml", html=False), out


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_each_chain_message_stands_in_whole_words_on_the_first_page(analysed):
    case, out = analysed
    page = subprocess.run(  # -raw: in the order written, so each chain column reads on from line to line
        ["pdftotext", "-raw", "-f", "1", "-l", "1", str(out / "timeline.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flowing = " ".join(page.split())
    for chain in all_chains(case)[:MAX_FIRST_PAGE_CHAINS]:
        for _, message_id, _, _ in chain_roles(chain):
            text = " ".join(case.graph.message(message_id).text.split())
            shown = text[:200].rsplit(" ", 1)[0]  # well inside what the first page shows of it, whole words
            assert shown in flowing, message_id


def test_no_evidence_line_or_reason_says_what_another_says(analysed):
    case, _ = analysed
    checked = 0
    for score in case.scores.values():
        lines = [line.text for line in evidence_lines(score)]
        assert distinct(lines) == lines, lines
        checked += len(lines) > 1
    for conversation in case.findings.conversations:
        if conversation.first_escalation is not None:
            reasons = distinct(conversation.first_escalation.reasons)
            assert all(not said(reason, [r for r in reasons if r != reason]) for reason in reasons)
    assert checked


def test_a_repeated_reason_is_said_once_with_its_figure():
    reason = "abusive: abuse of a faction or party: 'rabble of Trots' (lexicon)"
    lines = [reason, "abuse of a faction or party: 'rabble of Trots'", "insult: 'rabble'", "insult: 'rabble' +0.11"]
    assert distinct(lines) == [reason, "insult: 'rabble'"]


@pytest.mark.parametrize(
    ("text", "span", "highlighted"),
    [
        ("The dogs in that meeting", (0, 11), "dogs"),
        ("a rabble of Trots who joined", (2, 17), "rabble of Trots"),  # a function word inside stays
        ("you absolute idiot, really", (13, 19), "idiot"),  # the comma beside it is not a word
        ("what rubbish", (6, 9), "rubbish"),  # a span that cuts a word takes all of it
        ("the Trump-haters hate", (10, 16), "haters"),  # a hyphen parts words
        ("in the", (0, 6), "in the"),  # nothing but function words: left as it is
    ],
)
def test_a_highlight_covers_the_hostile_words(text, span, highlighted):
    [(start, end)] = highlighted_spans(text, [span])
    assert text[start:end] == highlighted


def test_the_marked_segments_of_a_message_leave_out_the_words_beside_them():
    text = "@tamsin_oh_left Passed by a rabble of Trots who joined. The dogs in that meeting don't speak for us."
    score = hostile(spans=((28, 43), (56, 67)))
    assert [s.text for s in evidence_segments(text, score) if s.marked] == ["rabble of Trots", "dogs"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_a_marked_word_at_the_end_of_a_line_moves_whole_to_the_next(sample_case, tmp_path):
    pdf: FPDF = new_document(sample_case)[0]
    pdf.add_page()
    text = "Passed by a " * 7 + "rabblerousers of Trots who joined"
    start = text.index("rabblerousers")
    for indent in range(0, 40, 2):  # the marked word meets the line's end somewhere in these
        pdf.set_x(pdf.l_margin + indent)
        marked_text(pdf, text, hostile(spans=((start, start + 13),)), 10)
    path = tmp_path / "lines.pdf"
    path.write_bytes(bytes(pdf.output()))
    page = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert set(re.findall(r"\w*(?:rabble|rousers)\w*", page)) == {"rabblerousers"}
    assert any(line.startswith("rabblerousers") for line in page.splitlines())  # it did meet a line's end
