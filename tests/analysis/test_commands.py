"""``threadlens analyse`` and ``threadlens eval-escalation`` end to end, with a word-list scorer standing in."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.analysis.analysis_support import score
from threadlens.cli import app
from threadlens.model import Message, Score

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LEVELS = {"rabble": 3, "dogs": 3, "idiot": 2}


def word_list_scores(messages: list[Message], definition=None) -> dict[str, Score]:
    """Level from a few words, accusation from "abuse"; enough to drive the analysis deterministically."""
    found = {}
    for message in messages:
        words = re.findall(r"\w+", message.text.casefold())
        found[message.id] = score(max((LEVELS.get(word, 0) for word in words), default=0), accusation="abuse" in words)
    return found


@pytest.fixture
def word_list_scorer(monkeypatch):
    scoring = pytest.importorskip("threadlens.scoring")
    monkeypatch.setattr(scoring, "score_messages", word_list_scores)


def test_analyse_writes_findings_and_names_the_first_escalator(tmp_path, word_list_scorer):
    out = tmp_path / "case"
    args = [
        "analyse",
        str(FIXTURES / "analysis" / "council.csv"),
        "--out",
        str(out),
        "--no-html",
        "--no-pdf",
        "--allow-unconsented",
        "--reveal",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    [conversation] = document["conversations"]
    assert conversation["first_escalation"]["message_id"] == "generic:2"
    assert conversation["first_escalation"]["author"] == "generic:bob"
    assert [(c["provocation"], c["reaction"], c["accusation"]) for c in conversation["chains"]] == [
        ("generic:2", "generic:4", "generic:5")
    ]
    printed = " ".join(result.output.split())
    assert "chain: generic:2 by Bob Trent → generic:4 by Alice Moss → generic:5 by Bob Trent (provoker)" in printed
    assert (out / "messages.csv").is_file() and (out / "messages.parquet").is_file()
    first = (out / "findings.json").read_bytes()
    assert CliRunner().invoke(app, args).exit_code == 0
    assert (out / "findings.json").read_bytes() == first


def test_eval_escalation_prints_the_accuracy(word_list_scorer):
    result = CliRunner().invoke(app, ["eval-escalation", str(FIXTURES / "toxichat" / "chains.jsonl")])
    assert result.exit_code == 0, result.output
    assert "3 chains: first-escalation accuracy 0.667 (always 'none': 0.333)" in result.output


def test_analyse_of_a_missing_file_is_one_clear_message(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "threadlens",
            "analyse",
            str(tmp_path / "absent.csv"),
            "--out",
            str(tmp_path / "o"),
            "--allow-unconsented",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "not found" in result.stderr and "Traceback" not in result.stderr


def test_analyse_without_consent_is_refused_with_what_to_do(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "threadlens",
            "analyse",
            str(FIXTURES / "analysis" / "council.csv"),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "no consent manifest" in result.stderr and "--consent" in result.stderr
    assert not (tmp_path / "o").exists()


def test_unconsented_analysis_pseudonymises_everyone_and_says_so(tmp_path, word_list_scorer):
    out = tmp_path / "case"
    args = [
        "analyse",
        str(FIXTURES / "analysis" / "council.csv"),
        "--out",
        str(out),
        "--no-html",
        "--no-pdf",
        "--allow-unconsented",
    ]
    assert CliRunner().invoke(app, args).exit_code == 0
    document = (out / "findings.json").read_text(encoding="utf-8")
    assert "generic:bob" not in document
    assert json.loads(document)["options"]["unconsented"] is True
