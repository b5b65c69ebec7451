"""`threadlens report DIR` regenerates reports only from unchanged inputs and the same definition."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from threadlens.cli import app
from threadlens.definition import load_definition
from threadlens.errors import InputError, ReportError
from threadlens.pipeline import case_from_outputs

SAMPLES = Path(__file__).resolve().parents[2] / "sample_threads"


def _record(folder: Path, inputs: list[dict], definition: dict | None = None, **options) -> None:
    """A findings.json naming a small definition of its own (so the test needs no config/)."""
    own = folder / "definition"
    own.mkdir(exist_ok=True)
    (own / "definition.toml").write_text('[definition]\nname = "panel"\nversion = "1"\n', encoding="utf-8")
    chosen = load_definition(own)
    record = {
        "definition": definition or {"name": chosen.name, "sha256": chosen.sha256},
        "inputs": inputs,
        "options": {"format": "auto", "definition": str(own), **options},
    }
    (folder / "findings.json").write_text(json.dumps(record), encoding="utf-8")


def _export(tmp_path: Path) -> dict:
    export = tmp_path / "export.jsonl"
    export.write_text('{"id": "1", "text": "hello"}\n', encoding="utf-8")
    return {"path": str(export), "sha256": hashlib.sha256(export.read_bytes()).hexdigest(), "format": "jsonl"}


def test_a_folder_without_findings_is_a_clear_error(tmp_path):
    with pytest.raises(ReportError, match=r"no findings\.json"):
        case_from_outputs(tmp_path)


def test_a_changed_input_is_refused(tmp_path):
    entry = _export(tmp_path)
    _record(tmp_path, [entry])
    Path(entry["path"]).write_text('{"id": "1", "text": "edited"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="changed since the analysis"):
        case_from_outputs(tmp_path)


def test_a_missing_input_is_refused(tmp_path):
    _record(tmp_path, [{"path": str(tmp_path / "gone.json"), "sha256": "0" * 64, "format": "jsonl"}])
    with pytest.raises(InputError, match="missing"):
        case_from_outputs(tmp_path)


def test_a_changed_definition_is_refused(tmp_path):
    _record(tmp_path, [_export(tmp_path)], definition={"name": "panel", "sha256": "0" * 64})
    with pytest.raises(ReportError, match="changed since the analysis"):
        case_from_outputs(tmp_path)


def test_pseudonymised_analysis_without_manifest_is_refused(tmp_path):
    _record(tmp_path, [_export(tmp_path)], pseudonymised=True)
    with pytest.raises(ReportError, match="pseudonymised"):
        case_from_outputs(tmp_path)


def _analysis_available() -> bool:
    try:
        from threadlens.analysis import analyse  # noqa: F401
        from threadlens.report.tables import write_tables  # noqa: F401
        from threadlens.scoring import score_messages  # noqa: F401
    except ImportError:
        return False
    return "analyse" in {command.name or command.callback.__name__ for command in app.registered_commands}


def test_report_command_regenerates_the_reports(tmp_path):
    if not _analysis_available():
        pytest.skip("the analysis stages are not available in this checkout")
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLES / "pra-x-archive", sample)
    out = tmp_path / "out"
    runner = CliRunner()
    analysed = runner.invoke(
        app, ["analyse", str(sample), "--consent", str(sample / "submission.toml"), "--out", str(out)]
    )
    assert analysed.exit_code == 0, analysed.output
    (out / "report.html").unlink()
    (out / "timeline.pdf").unlink(missing_ok=True)
    result = runner.invoke(app, ["report", str(out), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not (out / "timeline.pdf").exists()
