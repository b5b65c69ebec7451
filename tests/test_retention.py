"""Retention: an expired case is listed, and --delete removes it completely and logs it."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from threadlens.batch import batch
from threadlens.cli import app
from threadlens.errors import InputError
from threadlens.privacy.keys import default_key_dir, key_path
from threadlens.retention import delete_expired, expired_cases

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
BETWEEN = date(2027, 4, 15)  # branch-meeting's retention (2027-03-31) has passed, rota-thread's (2027-04-30) not


@pytest.fixture
def batch_out(tmp_path) -> Path:
    for name in ("branch-meeting", "rota-thread"):
        shutil.copytree(FIXTURES / name, tmp_path / "submissions" / name)
    out = tmp_path / "out"
    batch(tmp_path / "submissions", out, workers=1, processes=False, html=False, pdf=False, today=date(2026, 6, 1))
    return out


def test_a_batch_with_one_expired_case_loses_that_case_completely(batch_out):
    assert [case.name for case in expired_cases(batch_out, BETWEEN)] == ["branch-meeting"]
    key = key_path(default_key_dir(), "2026-041")  # batch keeps keys where analyse does, never in OUT
    assert key.is_file()

    [event] = delete_expired(batch_out, BETWEEN)

    assert not (batch_out / "cases" / "branch-meeting").exists() and not key.exists()
    assert (batch_out / "cases" / "rota-thread" / "findings.json").is_file()
    for name in ("messages.parquet", "findings.parquet"):
        assert set(pd.read_parquet(batch_out / name)["submission"]) == {"rota-thread"}
    for name in ("summary.csv", "errors.csv"):
        assert "branch-meeting" not in (batch_out / name).read_text(encoding="utf-8")
    assert "alice_ward" not in "".join(
        p.read_bytes().decode("utf-8", "replace")
        for p in batch_out.rglob("*")
        if p.is_file() and p.name != "audit.jsonl"
    )
    logged = json.loads((batch_out / "audit.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert logged.pop("when") and logged == event
    assert logged["event"] == "retention-delete" and logged["case_id"] == "2026-041"
    assert "cases/branch-meeting/findings.json" in logged["removed"] and logged["key_removed"] == str(key)
    assert delete_expired(batch_out, BETWEEN) == []


def test_the_command_lists_expired_cases_and_deletes_only_when_told(batch_out):
    listed = CliRunner().invoke(app, ["retention", str(batch_out)], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "branch-meeting" in listed.output and "0 expired case(s)" in listed.output  # today is before both dates
    assert (batch_out / "cases" / "branch-meeting").is_dir()


def test_an_expired_analysis_folder_keeps_only_its_audit_line(tmp_path):
    from tests.test_scope import word_scores, write_case
    from threadlens.pipeline import analyse_case

    export, manifest = write_case(tmp_path)
    out = tmp_path / "case"
    with pytest.MonkeyPatch.context() as patch:
        import threadlens.scoring as scoring

        patch.setattr(scoring, "score_messages", word_scores)
        analyse_case([export], out, consent=manifest, key_dir=tmp_path / "keys", html=False, pdf=False)

    [event] = delete_expired(out, date(2027, 4, 1), key_dir=tmp_path / "keys")

    assert [p.name for p in out.iterdir()] == ["audit.jsonl"]
    assert not key_path(tmp_path / "keys", "2026-070").exists() and event["key_removed"]
    assert "findings.json" in event["removed"]


def test_a_folder_threadlens_did_not_write_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="not an output folder"):
        expired_cases(tmp_path, BETWEEN)
