"""Consent is enforced in the library: analyse_case refuses what the CLI refuses, and batch goes through it."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_scope import write_case
from threadlens.cli import app
from threadlens.errors import ConsentError, InputError, ReportError
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


def _hostile_case(tmp_path: Path) -> tuple[Path, Path]:
    """A case folder with a rejected row and a second file that contradicts message 1: paths in problems too."""
    case = tmp_path / "case"
    case.mkdir()
    export, manifest = write_case(case, rules="")
    with export.open("a", encoding="utf-8") as handle:
        handle.write(",,alice_ward,2026-03-03T09:00:00Z,a row without an id,,x\n")
    (case / "notes.csv").write_text(
        "id,reply_to,author,created_at,text,quote_of,platform\n"
        "1,,alice_ward,2026-03-01T23:59:01Z,Friendly minutes.,,x\n",
        encoding="utf-8",
    )
    return case, manifest


def _analyse_from(where: Path, case: Path, out: Path, keys: Path, manifest: Path | None = None) -> bytes:
    """Analyse ``case`` into ``out`` from the working directory ``where``, every path typed relative to it."""
    where.mkdir(parents=True, exist_ok=True)
    os.chdir(where)
    consent = {"consent": os.path.relpath(manifest, where)} if manifest else {"allow_unconsented": True}
    analyse_case(
        [os.path.relpath(case, where)], os.path.relpath(out, where), key_dir=keys, html=False, pdf=False, **consent
    )
    return (out / "findings.json").read_bytes()


def test_findings_are_byte_identical_across_output_folders_and_working_directories(tmp_path, monkeypatch):
    case, manifest = _hostile_case(tmp_path)
    monkeypatch.chdir(tmp_path)
    keys = tmp_path / "keys"

    first = _analyse_from(tmp_path / "a", case, tmp_path / "out-1", keys, manifest)
    second = _analyse_from(tmp_path / "b" / "deeper", case, tmp_path / "b" / "out-2", keys, manifest)
    again = _analyse_from(tmp_path, case, tmp_path / "out-1", keys, manifest)

    assert first == second == again
    assert str(tmp_path) not in first.decode() and "../" not in first.decode()
    record = json.loads(first)
    assert [item["path"] for item in record["inputs"]] == ["case/notes.csv", "case/thread.csv"]
    assert record["options"]["manifest"] == record["consent"]["manifest"] == "submission.toml"
    reasons = " ".join(item["reason"] for item in record["problems"]["items"])
    assert "case/notes.csv" in reasons and "case/thread.csv" in reasons
    located = json.loads((tmp_path / "out-1" / "inputs.json").read_text(encoding="utf-8"))
    assert located["inputs"] == [{"name": "case", "path": str(case)}] and located["manifest"] == str(manifest)


def test_an_unconsented_case_is_named_by_its_content_not_its_output_folder(tmp_path, monkeypatch):
    case, _ = _hostile_case(tmp_path)
    monkeypatch.chdir(tmp_path)

    first = _analyse_from(tmp_path / "a", case, tmp_path / "one", tmp_path / "keys")
    second = _analyse_from(tmp_path / "b", case, tmp_path / "two", tmp_path / "keys")

    assert first == second
    assert json.loads(first)["consent"]["case_id"].startswith("unconsented-")


def test_report_finds_the_inputs_from_any_working_directory_and_refuses_an_added_one(tmp_path, monkeypatch):
    from threadlens.report.tables import findings_json

    case, manifest = _hostile_case(tmp_path)
    monkeypatch.chdir(tmp_path)
    written = _analyse_from(tmp_path / "a", case, tmp_path / "out", tmp_path / "keys", manifest)
    os.chdir(tmp_path / "a")

    assert findings_json(case_from_outputs("../out", key_dir=tmp_path / "keys")).encode() == written
    shutil.copy(case / "notes.csv", case / "later.csv")
    with pytest.raises(InputError, match="added since the analysis") as raised:
        case_from_outputs("../out", key_dir=tmp_path / "keys")
    assert raised.value.path == "case/later.csv"
