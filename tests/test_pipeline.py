"""Consent is enforced in the library: analyse_case refuses what the CLI refuses, and batch goes through it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_scope import write_case
from threadlens.cli import app
from threadlens.errors import ConsentError, ReportError
from threadlens.pipeline import analyse_case, case_from_outputs

OTHER_CASE = """case_id = "2026-099"
submitted_by = "Priya Natarajan, case officer"
consent_basis = "consent"
consent_date = 2026-03-05
scope = "another case"
retention_date = 2027-03-31

[[parties]]
name = "Nobody Here"
handles = { x = ["@nobody_here", "123"] }
"""


@pytest.fixture(autouse=True)
def words(monkeypatch):
    import threadlens.scoring as scoring
    from tests.test_scope import word_scores

    monkeypatch.setattr(scoring, "score_messages", word_scores)


def test_the_python_api_refuses_unconsented_data_unless_told(tmp_path):
    export, _ = write_case(tmp_path)

    with pytest.raises(ConsentError, match="no consent manifest given"):
        analyse_case([export])
    case = analyse_case([export], allow_unconsented=True, case_id="trial")
    assert case.consent["case_id"] == "trial" and case.options["unconsented"] is True
    assert all(m.author_name.startswith("Person-") for m in case.read.messages)


def test_a_manifest_of_another_case_is_refused_by_the_api_and_the_command(tmp_path):
    export, _ = write_case(tmp_path)
    other = tmp_path / "other.toml"
    other.write_text(OTHER_CASE, encoding="utf-8")

    with pytest.raises(ConsentError, match="no party of this manifest appears in the data") as raised:
        analyse_case([export], consent=other)
    assert raised.value.path == str(other) and "@nobody_here" not in str(raised.value).split("(")[0]
    result = CliRunner().invoke(app, ["analyse", str(export), "--consent", str(other), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 or isinstance(result.exception, ConsentError)
    assert not (tmp_path / "o" / "findings.json").exists()


def test_the_command_and_each_batch_task_go_through_analyse_case(tmp_path, monkeypatch):
    import threadlens.pipeline as pipeline
    from threadlens.batch import batch

    calls = []

    def refuses(paths, out=None, **options):
        calls.append(options["consent"])
        raise ConsentError("refused by analyse_case")

    monkeypatch.setattr(pipeline, "analyse_case", refuses)
    (tmp_path / "submissions" / "one").mkdir(parents=True)
    export, manifest = write_case(tmp_path / "submissions" / "one")
    result = CliRunner().invoke(app, ["analyse", str(export), "--consent", str(manifest), "--out", str(tmp_path / "o")])
    summary = batch(tmp_path / "submissions", tmp_path / "out", workers=1, processes=False, html=False, pdf=False)

    assert isinstance(result.exception, ConsentError)
    assert summary["status"].tolist() == ["rejected"] and "refused by analyse_case" in summary["reason"][0]
    assert [Path(c) for c in calls] == [manifest, manifest]


def test_report_rechecks_the_manifest_hash_and_its_dates(tmp_path):
    (tmp_path / "case").mkdir()
    export, manifest = write_case(tmp_path / "case")
    out = tmp_path / "out"
    analyse_case([export], out, consent=manifest, html=False, pdf=False)

    assert case_from_outputs(out).consent["case_id"] == "2026-070"
    with pytest.raises(ConsentError, match="retention date 2027-03-31 has passed"):
        case_from_outputs(out, today=date(2027, 4, 1))
    shutil.copy(manifest, tmp_path / "kept.toml")
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("2027-03-31", "2028-03-31"), encoding="utf-8")
    with pytest.raises(ReportError, match="consent manifest changed since the analysis"):
        case_from_outputs(out)
    manifest.unlink()
    with pytest.raises(ConsentError, match="consent manifest of this analysis is missing"):
        case_from_outputs(out)
