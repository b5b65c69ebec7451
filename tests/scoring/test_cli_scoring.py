"""CLI: score, explain, eval and audit."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from threadlens.cli import app

runner = CliRunner()


def test_score_writes_columns_and_definition(tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": ["a", "b"], "body": ["you idiot", "nice one"]}).to_csv(source, index=False)
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["score", str(source), "--text-column", "body", "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert list(frame["id"]) == ["a", "b"]
    assert {"score", "level", "hostile", "categories", "evidence", "definition_sha256"} <= set(frame.columns)
    evidence = json.loads(frame["evidence"][0])
    assert abs(sum(e["contribution"] for e in evidence) - frame["score"][0]) < 1e-9


def test_score_parquet_and_missing_column(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "hello"}\n', encoding="utf-8")
    assert runner.invoke(app, ["score", str(source), "--out", str(tmp_path / "o.parquet")]).exit_code == 0
    assert len(pd.read_parquet(tmp_path / "o.parquet")) == 1
    bad = runner.invoke(app, ["score", str(source), "--text-column", "body", "--out", str(tmp_path / "x.csv")])
    assert bad.exit_code != 0


def test_explain_escapes_markup():
    result = runner.invoke(app, ["explain", "you [bold]idiot[/bold]"])
    assert result.exit_code == 0, result.output
    assert "[bold]idiot[/bold]" in result.output
    assert "= score" in result.output


def test_eval_prints_metrics(tmp_path):
    source = tmp_path / "labelled.csv"
    pd.DataFrame(
        {"text": ["you moron", "lovely day", "I will kill you", "thanks all"], "label": ["OFF", "NOT", "OFF", "NOT"]}
    ).to_csv(source, index=False)
    result = runner.invoke(app, ["eval", str(source), "--label-column", "label"])
    assert result.exit_code == 0, result.output
    assert "ROC-AUC 1.0000" in result.output
    assert "worst errors" in result.output


def test_audit_command_passes():
    result = runner.invoke(app, ["audit"])
    assert result.exit_code == 0, result.output
    assert "100.0% of templates invariant" in result.output
