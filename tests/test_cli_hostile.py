"""The command line as a hostile tester or a new user meets it: no success that is not one, no silent rejection."""

from __future__ import annotations

import io

from rich.console import Console

from tests.test_cli import run_cli
from threadlens.cli import output
from threadlens.model import ConversationFindings, Problem, ReadResult

HEADER = "id,reply_to,author,created_at,text\n"


def test_inspect_of_a_folder_with_nothing_readable_fails_with_exit_2(tmp_path):
    (tmp_path / "notes.txt").write_text("just notes\n")
    (tmp_path / "more.md").write_text("# more notes\n")
    result = run_cli("inspect", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no message could be read" in result.stderr


def test_inspect_summarises_rejected_records_on_the_terminal(tmp_path):
    path = tmp_path / "thread.jsonl"
    path.write_text(
        '{"id": "1", "reply_to": null, "author": "a", "created_at": 1772802125, "text": "hi"}\n'
        '{"id": "2", "reply_to": "1", "author": "b", "created_at": 17728\n'
    )
    result = run_cli("inspect", str(path))
    assert result.returncode == 0
    err = " ".join(result.stderr.split())
    assert "1 record(s) could not be used" in err and f"{path}: 1" in err and "line 2" in err and "--json" in err


def test_analyse_names_a_missing_path_before_asking_for_consent(tmp_path):
    result = run_cli("analyse", str(tmp_path / "absent"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not found" in result.stderr and "consent" not in result.stderr


def test_the_summary_counts_per_file_says_where_the_rest_are_and_flags_inconclusive_findings(monkeypatch):
    buffer = io.StringIO()
    monkeypatch.setattr(output, "err_console", Console(file=buffer, width=300))
    problems = [Problem("a.jsonl", f"line {n}", f"bad line {n}") for n in range(1, 6)]
    problems += [Problem("b.csv", "row 2, line 3", "id is empty"), Problem("b.csv", "whole file", "note", "warning")]
    findings = [ConversationFindings("c1", (), None, inconclusive=True), ConversationFindings("c2", (), None)]
    output.print_problems(ReadResult(problems=problems), rest="out/findings.json", conversations=findings)
    text = buffer.getvalue()
    assert "6 record(s) could not be used" in text
    assert "a.jsonl: 5" in text and "b.csv: 1" in text
    assert "line 1: bad line 1" in text and "bad line 5" not in text
    assert "out/findings.json" in text
    assert "1 conversation(s) are inconclusive" in text
