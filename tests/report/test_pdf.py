"""The PDF timeline: every message as extractable text, Unicode intact, pages that render, provenance complete."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO

import pytest

from tests.report.sample_case import DEFINITION_SHA, IMG_PAYLOAD, INPUT_SHA, ROWS, SCRIPT_PAYLOAD
from threadlens.errors import ReportError
from threadlens.report import fonts
from threadlens.report.pdf import render_pdf, write_pdf

pypdf = pytest.importorskip("pypdf")


def _fonts_installed() -> bool:
    try:
        fonts.find_fonts()
    except ReportError:
        return False
    return True


needs_fonts = pytest.mark.skipif(not _fonts_installed(), reason=f"install {' '.join(fonts.PACKAGES)}")


@pytest.fixture(scope="module")
def pages() -> list[str]:
    from tests.report.sample_case import build_sample_case

    if not _fonts_installed():
        pytest.skip(f"install {' '.join(fonts.PACKAGES)}")
    reader = pypdf.PdfReader(BytesIO(render_pdf(build_sample_case())))
    return [page.extract_text() for page in reader.pages]


def _flat(text: str) -> str:
    """Text without spaces, and without the NULs pypdf puts between the CJK font's two-byte characters."""
    return re.sub(r"[\s\x00]+", "", text)


def test_every_message_is_text_in_the_pdf(pages):
    text = _flat("\n".join(pages))
    for row in ROWS:
        words = [w for w in re.split(r"\s+", row[4]) if w]
        for word in words:
            assert _flat(word) in text, word


def test_unicode_samples_survive_as_text(pages):
    text = "\n".join(pages)
    assert "Ça suffit, Zoë" in text
    assert "😡🔥" in _flat(text)
    assert "这是骚扰" in _flat(text)  # CJK may come back with spaces between the characters
    arabic = [line for line in text.splitlines() if "هذا" in line]
    assert arabic and "إساءة" in arabic[0]  # right-to-left words may come back in visual order


def test_hostile_payloads_are_plain_text(pages):
    text = "\n".join(pages)
    assert SCRIPT_PAYLOAD in text
    assert _flat(IMG_PAYLOAD) in _flat(text)


def test_first_page_has_findings_and_parties(pages):
    first = pages[0]
    assert "who escalated first" in first
    assert "bob_k escalated first at 2024-03-01 18:05:00 UTC" in " ".join(first.split())
    assert "Parties" in first and "alice_h" in first
    assert "chain" in first


def test_pages_are_numbered_and_provenance_is_complete(pages):
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {total}" in page
    appendix = pages[-1]
    for expected in (
        "Provenance",
        INPUT_SHA,
        DEFINITION_SHA,
        "reddit-json",
        "threadlens 0.1.0",
        "HR-2024-017",
        "Generated",
    ):
        assert expected in appendix


def test_messages_show_time_level_and_reply_reference(pages):
    text = "\n".join(pages)
    assert "2024-03-01 18:05:00 UTC" in text
    assert "level 3 abusive" in text
    assert "reply to #2 (reddit:t1_a1)" in text
    assert "missing message reddit:t1_gone" in text


@needs_fonts
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_pages_render(sample_case, tmp_path):
    pdf = write_pdf(sample_case, tmp_path / "timeline.pdf")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(pypdf.PdfReader(pdf).pages)
    assert all(image.stat().st_size > 5_000 for image in images)


@needs_fonts
def test_missing_emoji_font_names_its_package(sample_case, monkeypatch):
    real = fonts._find
    monkeypatch.setattr(fonts, "_find", lambda name, *rest: None if name == "emoji" else real(name, *rest))
    fonts.find_fonts.cache_clear()
    try:
        with pytest.raises(ReportError, match="fonts-noto-color-emoji"):
            render_pdf(sample_case)
    finally:
        fonts.find_fonts.cache_clear()


def test_missing_main_font_names_its_package(monkeypatch):
    monkeypatch.setattr(fonts, "_find", lambda *args: None)
    monkeypatch.setattr(fonts.shutil, "which", lambda name: "/usr/bin/fc-list")
    fonts.find_fonts.cache_clear()
    try:
        with pytest.raises(ReportError, match="fonts-noto-core"):
            fonts.find_fonts()
    finally:
        fonts.find_fonts.cache_clear()


def test_first_page_puts_each_chain_side_by_side_in_words(pages):
    first = _flat(pages[0])
    for row in ROWS[1:4]:  # the provocation, the reaction and the accusation
        assert _flat(row[4][:40]) in first, row[0]
    assert _flat("came 4.0 min after a level 3 abusive provocation by bob_k aimed at its author") in first
    assert first.index(_flat("Provocation → reaction → accusation")) < first.index(_flat("who escalated first"))


def test_civil_messages_say_no_hostile_language_was_found(pages):
    text = " ".join("\n".join(pages).split())
    assert "no hostile language found" in text


@needs_fonts
def test_a_thousand_emoji_do_not_crash_the_pdf(sample_case):
    sample_case.read.messages[0].text = "😡" * 1000
    sample_case.graph.message("reddit:t1_a1").text = "😡" * 1000
    text = _flat("".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(render_pdf(sample_case))).pages))
    assert text.replace("\u200e", "").count("😡") >= 1000


@needs_fonts
def test_a_very_long_message_is_cut_with_its_length_and_hash_noted(sample_case):
    import hashlib

    from threadlens.limits import MAX_PDF_MESSAGE_CHARS

    long_text = "word " * 200_000  # a million characters
    sample_case.graph.message("reddit:t1_a1").text = long_text
    reader = pypdf.PdfReader(BytesIO(render_pdf(sample_case)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert f"{MAX_PDF_MESSAGE_CHARS:,} of {len(long_text):,} characters shown" in text
    assert hashlib.sha256(long_text.encode()).hexdigest() in text
    assert len(reader.pages) < 15


@needs_fonts
def test_the_timeline_gives_the_disputed_conversation_its_own_axis_with_readable_ticks(sample_case):
    from tests.report.sample_case import with_unrelated_conversations

    case = with_unrelated_conversations(sample_case, hours_before=24)
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(render_pdf(case))).pages)
    assert "The whole case: a row per conversation" in text
    assert "a row per participant" in text
    assert "2024-03-01 18:00" in text and "18:10" in text  # the conversation's own 25 minutes, date once
