"""The judgement suites of issue 22 have the sizes and labels the bench relies on, and the bench counts right."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "judgement_bench.py"
_spec = importlib.util.spec_from_file_location("judgement_bench", BENCH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def _texts(rows, *columns):
    return [row[column] for row in rows for column in columns]


@pytest.mark.parametrize(
    ("name", "columns", "labels"),
    [
        ("ordinary_posts.csv", ("text",), {}),
        (
            "languages.csv",
            ("text",),
            {"language": {"cy", "de", "fr", "es", "pl", "ur", "en"}, "tone": {"civil", "hostile"}},
        ),
        ("threats.csv", ("text",), {"expected": {"threat", "non_threat"}, "target": {"person", "group", "none"}}),
        ("identity_statements.csv", ("text",), {}),
        ("criticism_pairs.csv", ("civil", "hostile"), {"subject": {"policy", "vote", "decision", "conduct"}}),
    ],
)
def test_suite_is_well_formed(name, columns, labels):
    rows = bench.read_suite(name)
    texts = _texts(rows, *columns)
    assert all(text.strip() for text in texts)
    assert len(set(texts)) == len(texts)
    for column, allowed in labels.items():
        assert {row[column] for row in rows} <= allowed


def test_suites_have_the_sizes_issue_22_asks_for():
    assert len(bench.read_suite("ordinary_posts.csv")) >= 300
    assert len(bench.read_suite("identity_statements.csv")) >= 100
    assert len(bench.read_suite("criticism_pairs.csv")) >= 80
    languages = [row["language"] for row in bench.read_suite("languages.csv")]
    assert languages.count("en") >= 100
    assert len(languages) - languages.count("en") >= 100
    assert {"cy", "de", "fr", "es", "pl", "ur"} <= set(languages)
    expected = [row["expected"] for row in bench.read_suite("threats.csv")]
    assert expected.count("threat") >= 150 and expected.count("non_threat") >= 50


def test_languages_counts_what_was_read(monkeypatch):
    rows = bench.read_suite("languages.csv")
    english = {row["text"] for row in rows if row["language"] == "en"}

    def reads_english_only(texts, definition):
        return [SimpleNamespace(level=0, read=text in english, language="en") for text in texts]

    monkeypatch.setattr(bench, "score_texts", reads_english_only)
    figures = bench.languages(None)["figures"]
    total, other = len(rows), len(rows) - len(english)
    assert figures["non-English not read (goal 1.0)"] == f"{other} of {other} (1.0)"
    assert figures["English read (goal >= 0.99)"] == f"{len(english)} of {len(english)} (1.0)"
    assert figures["language detected as labelled"] == f"{len(english)} of {total} ({round(len(english) / total, 3)})"


def test_a_scorer_without_read_reads_everything():
    assert bench.is_read(SimpleNamespace(level=3))
    assert not bench.is_read(SimpleNamespace(level=3, read=False))


def test_criticism_pairs_count_each_side(monkeypatch):
    hostile = {row["hostile"] for row in bench.read_suite("criticism_pairs.csv")}

    def levels_by_side(texts, definition):
        return [SimpleNamespace(level=3 if text in hostile else 0) for text in texts]

    monkeypatch.setattr(bench, "score_texts", levels_by_side)
    result = bench.criticism_pairs(None)
    n = len(hostile)
    assert result["figures"]["civil below level 2 (goal >= 0.95)"] == f"{n} of {n} (1.0)"
    assert result["table"]["rows"]["all"] == [n, 1.0, 1.0, 1.0]
    assert result["misses"] == []
