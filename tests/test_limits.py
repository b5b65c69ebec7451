"""The limits module: one place for every size limit, and the cut of an over-long text."""

import hashlib

from threadlens.limits import MAX_PDF_MESSAGE_CHARS, MAX_SCORED_CHARS, cut_text


def test_short_text_is_kept_whole_without_a_note():
    kept = cut_text("hello", 10)
    assert (kept.text, kept.cut, kept.full_length, kept.note) == ("hello", False, 5, "")


def test_long_text_is_cut_with_its_full_length_and_hash_in_a_visible_note():
    text = "ab" * 50
    kept = cut_text(text, 10)
    assert kept.text == text[:10] and kept.cut and kept.full_length == 100
    assert kept.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert "10 of 100 characters" in kept.note and kept.sha256 in kept.note


def test_limits_are_positive_and_the_pdf_shows_no_more_than_is_scored():
    assert 0 < MAX_PDF_MESSAGE_CHARS <= MAX_SCORED_CHARS
