"""Batches of submissions: good ones all finish, bad ones are listed with reasons, reruns resume, all audited."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import threadlens
from threadlens.batch import SUMMARY_COLUMNS, batch, run_submission
from threadlens.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
SAMPLES = Path(__file__).parent.parent / "sample_threads"
GOOD = ("branch-meeting", "rota-thread")
NON_PARTIES = ("carol_c", "dave_d", "grace@other.example")


def local(submissions: Path, out: Path, **options):
    """A batch on a small in-process cluster, without the slower reports unless asked for."""
    options = {"workers": 1, "processes": False, "html": False, "pdf": False} | options
    return batch(submissions, out, **options)


@pytest.fixture
def submissions(tmp_path) -> Path:
    """Two good submissions among corrupt, unusable, empty, unconsented, expired and duplicate ones."""
    root = tmp_path / "submissions"
    for name in GOOD:
        shutil.copytree(FIXTURES / name, root / name)
    manifest = (FIXTURES / "branch-meeting" / "submission.toml").read_text(encoding="utf-8")

    corrupt = root / "corrupt"
    corrupt.mkdir()
    (corrupt / "thread.jsonl").write_text('{"id": "1", "reply_to": null, "author": "x\n{"id": \n', encoding="utf-8")
    (corrupt / "submission.toml").write_text(manifest.replace("2026-041", "2026-043"), encoding="utf-8")

    unusable = root / "unusable"
    unusable.mkdir()
    (unusable / "thread.jsonl").write_text(
        '{"id": "1", "reply_to": null, "author": "", "created_at": "2026-03-02T09:00:00Z", "text": "a"}\n'
        '{"id": "2", "reply_to": "1", "author": "ann", "created_at": "yesterday", "text": "b"}\n',
        encoding="utf-8",
    )
    (unusable / "submission.toml").write_text(manifest.replace("2026-041", "2026-045"), encoding="utf-8")

    empty = root / "empty"
    empty.mkdir()
    (empty / "submission.toml").write_text(manifest.replace("2026-041", "2026-044"), encoding="utf-8")

    unconsented = root / "unconsented"
    unconsented.mkdir()
    lines = (FIXTURES / "branch-meeting" / "thread.jsonl").read_text(encoding="utf-8").splitlines()
    (unconsented / "thread.jsonl").write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")

    expired = root / "expired"
    expired.mkdir()
    (expired / "thread.jsonl").write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    (expired / "submission.toml").write_text(manifest.replace("2027-03-31", "2026-04-01"), encoding="utf-8")

    shutil.copytree(FIXTURES / "branch-meeting", root / "zz-duplicate")
    return root


def audit(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


def test_good_submissions_finish_and_bad_ones_are_listed_with_reasons(submissions, tmp_path):
    out = tmp_path / "out"
    summary = local(submissions, out)
    status = dict(zip(summary["submission"], summary["status"], strict=True))
    reason = dict(zip(summary["submission"], summary["reason"], strict=True))

    assert status == {
        "branch-meeting": "ok",
        "rota-thread": "ok",
        "corrupt": "failed",
        "unusable": "failed",
        "empty": "rejected",
        "unconsented": "rejected",
        "expired": "rejected",
        "zz-duplicate": "rejected",
    }
    assert "corrupt/thread.jsonl: no reader recognises" in reason["corrupt"]
    assert reason["unusable"].startswith("no message could be read; first: ")
    assert "no export files" in reason["empty"]
    assert "no consent manifest" in reason["unconsented"]
    assert "retention date 2026-04-01 has passed" in reason["expired"]
    assert reason["zz-duplicate"].startswith("duplicate of branch-meeting")

    errors = pd.read_csv(out / "errors.csv")
    assert set(errors["submission"]) >= {"corrupt", "empty", "unconsented", "expired", "zz-duplicate"}
    assert errors.loc[errors["submission"] == "corrupt", "file"].str.endswith("corrupt/thread.jsonl").all()
    assert set(errors.loc[errors["submission"] == "unusable", "position"].dropna()) == {"line 1", "line 2"}
    assert pd.read_csv(out / "summary.csv")["status"].tolist() == summary["status"].tolist()
    for name in GOOD:
        assert {p.name for p in (out / "cases" / name).iterdir()} >= {"findings.json", "messages.parquet", "done.json"}
    assert not (out / "cases" / "corrupt").exists()

    messages = pd.read_parquet(out / "messages.parquet")
    assert set(messages["submission"]) == set(GOOD)
    assert len(messages) == int(summary.loc[summary["status"] == "ok", "messages"].sum())
    assert {"score", "level", "author_name", "text"} <= set(messages.columns)
    findings = pd.read_parquet(out / "findings.parquet")
    assert set(findings["submission"]) == set(GOOD)
    assert {"conversation_id", "first_escalator", "chains"} <= set(findings.columns)

    events = audit(out)
    assert [e["event"] for e in events] == ["run-start", *["submission"] * 8, "run-end"]
    assert events[-1]["completed"] is True and events[-1]["counts"] == {"ok": 2, "failed": 2, "rejected": 4}
    logged = {e["submission"]: e for e in events if e["event"] == "submission"}
    thread = hashlib.sha256((submissions / "branch-meeting" / "thread.jsonl").read_bytes()).hexdigest()
    assert logged["branch-meeting"]["inputs"] == [{"path": "thread.jsonl", "sha256": thread}]
    assert len(logged["branch-meeting"]["manifest"]["sha256"]) == 64
    assert len(logged["branch-meeting"]["definition"]["sha256"]) == 64


def test_non_parties_are_pseudonymised_and_parties_keep_their_names(submissions, tmp_path):
    out = tmp_path / "out"
    local(submissions, out)
    messages = pd.read_parquet(out / "messages.parquet")
    everything = messages[["author_id", "author_name", "text"]].astype(str).to_csv()
    findings = (out / "cases" / "branch-meeting" / "findings.json").read_text(encoding="utf-8")

    for handle in NON_PARTIES:
        assert handle not in everything
        assert handle not in findings
    assert {"alice_ward", "bob_kerr", "erin_p"} <= set(messages["author_name"])
    assert messages["author_name"].str.startswith("Person-").any()
    alice = messages[messages["author_name"] == "alice_ward"]["text"].iloc[0]
    assert alice.startswith("@Person-") and "@Person-" in alice.split("uncalled for.")[1]
    assert json.loads(findings)["consent"]["case_id"] == "2026-041"


def test_a_rerun_skips_finished_cases_and_keeps_pseudonyms(submissions, tmp_path):
    out = tmp_path / "out"
    local(submissions, out)
    first = pd.read_parquet(out / "messages.parquet")
    with (submissions / "rota-thread" / "thread.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(
            '{"id": "t5", "reply_to": "t4", "author": "grace@other.example", "platform": "mastodon", '
            '"created_at": "2026-04-01T19:30:00Z", "text": "Sorted, thanks @frank."}\n'
        )

    shutil.copytree(submissions / "branch-meeting", submissions / "a-late-copy")

    summary = local(submissions, out)
    status = dict(zip(summary["submission"], summary["status"], strict=True))

    assert status["branch-meeting"] == "skipped" and status["rota-thread"] == "ok"
    assert summary.set_index("submission").loc["a-late-copy", "reason"].startswith("duplicate of branch-meeting")
    assert summary.set_index("submission").loc["branch-meeting", "messages"] == 6
    second = pd.read_parquet(out / "messages.parquet")
    assert len(second) == len(first) + 1
    assert (
        first.groupby("id")["author_name"].first().to_dict().items()
        <= second.groupby("id")["author_name"].first().to_dict().items()
    )
    events = audit(out)
    assert sum(e["event"] == "run-start" for e in events) == 2
    assert sum(e["event"] == "run-end" for e in events) == 2


def test_revealing_reprocesses_and_shows_real_handles(submissions, tmp_path):
    out = tmp_path / "out"
    local(submissions, out)
    summary = local(submissions, out, reveal=True)
    messages = pd.read_parquet(out / "messages.parquet")

    assert set(summary.loc[summary["submission"].isin(GOOD), "status"]) == {"ok"}
    assert "carol_c" in set(messages["author_name"])
    assert audit(out)[-2]["options"]["reveal"] is True


def test_allow_unconsented_analyses_them_with_everyone_pseudonymised(submissions, tmp_path):
    out = tmp_path / "out"
    summary = local(submissions, out, allow_unconsented=True)
    status = dict(zip(summary["submission"], summary["status"], strict=True))

    assert status["unconsented"] == "ok" and status["expired"] == "ok"
    names = set(pd.read_parquet(out / "cases" / "unconsented" / "messages.parquet")["author_name"].dropna())
    assert names and all(name.startswith("Person-") for name in names)
    logged = {e["submission"]: e for e in audit(out) if e["event"] == "submission"}
    assert logged["unconsented"]["consent"] == "allow-unconsented"
    assert logged["expired"]["manifest"]["valid"] is False
    consent = json.loads((out / "cases" / "unconsented" / "findings.json").read_text(encoding="utf-8"))["consent"]
    assert consent["consent_basis"].startswith("none")


def test_an_interrupted_run_leaves_no_half_case_and_the_rerun_completes(submissions, tmp_path):
    out = tmp_path / "out"
    local(submissions, out)
    (out / "cases" / "rota-thread" / "done.json").unlink()  # as if killed before the case was finished
    (out / "cases" / ".branch-meeting.dead.tmp").mkdir()  # a half-written folder of a killed worker

    summary = local(submissions, out)

    assert summary.set_index("submission").loc["rota-thread", "status"] == "ok"
    assert summary.set_index("submission").loc["branch-meeting", "status"] == "skipped"
    assert not [p for p in (out / "cases").iterdir() if p.name.startswith(".")]


def test_reports_are_written_per_case(submissions, tmp_path):
    for name in ("corrupt", "unusable", "empty", "unconsented", "expired", "zz-duplicate", "rota-thread"):
        shutil.rmtree(submissions / name)
    out = tmp_path / "out"
    summary = local(submissions, out, workers=1, html=True, pdf=True)

    assert summary["status"].tolist() == ["ok"]
    case = out / "cases" / "branch-meeting"
    assert (case / "report.html").stat().st_size > 0
    assert (case / "timeline.pdf").read_bytes().startswith(b"%PDF")
    assert "carol_c" not in (case / "report.html").read_text(encoding="utf-8")


def test_a_task_lost_on_the_cluster_is_a_failed_row_and_the_rest_finish(submissions, tmp_path, monkeypatch):
    from threadlens.batch import run as module

    def dies_on_rota(job):
        if job["submission"] == "rota-thread":
            raise SystemError("worker lost")
        return run_submission(job)

    monkeypatch.setattr(module, "run_submission", dies_on_rota)
    summary = local(submissions, tmp_path / "out").set_index("submission")

    assert summary.loc["rota-thread", "status"] == "failed"
    assert "the worker running it failed" in summary.loc["rota-thread", "reason"]
    assert summary.loc["branch-meeting", "status"] == "ok"


def test_an_interrupted_run_is_recorded_as_such(submissions, tmp_path, monkeypatch):
    from threadlens.report import tables

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(tables, "write_batch_tables", interrupt)
    with pytest.raises(KeyboardInterrupt):
        local(submissions, tmp_path / "out")

    end = audit(tmp_path / "out")[-1]
    assert end["event"] == "run-end" and end["completed"] is False
    assert end["interrupted_by"] == "KeyboardInterrupt" and end["counts"]["ok"] == 2


def test_cases_finished_before_an_interrupt_are_logged_as_analysed_once(submissions, tmp_path, monkeypatch):
    from threadlens.batch.audit import AuditLog

    logged = AuditLog.submission

    def interrupt_on_an_analysed_case(self, run_id, plan, row, *args):
        if row["status"] == "ok":  # a worker finished it (done.json written), the driver is stopped before logging
            raise KeyboardInterrupt
        logged(self, run_id, plan, row, *args)

    out = tmp_path / "out"
    monkeypatch.setattr(AuditLog, "submission", interrupt_on_an_analysed_case)
    with pytest.raises(KeyboardInterrupt):
        local(submissions, out)
    monkeypatch.setattr(AuditLog, "submission", logged)
    finished = {p.name for p in (out / "cases").iterdir() if (p / "done.json").is_file()}
    assert finished

    def analysed(name: str) -> list[dict]:
        return [e for e in audit(out) if e["event"] == "submission" and e["submission"] == name and e["status"] == "ok"]

    for name in finished:
        [line] = analysed(name)
        assert line["reason"].startswith("analysed (recovered)") and line["analysed_in_run"] == audit(out)[0]["run"]
    local(submissions, out)
    local(submissions, out)
    assert all(len(analysed(name)) == 1 for name in GOOD)


def test_a_done_case_without_an_audit_line_is_logged_as_analysed_on_the_rerun(submissions, tmp_path):
    out = tmp_path / "out"
    local(submissions, out)
    lines = (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if '"submission": "branch-meeting"' not in line]  # as if killed before logging
    (out / "audit.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")

    summary = local(submissions, out)

    assert summary.set_index("submission").loc["branch-meeting", "status"] == "skipped"
    about = [e for e in audit(out) if e.get("submission") == "branch-meeting"]
    assert [e["status"] for e in about] == ["ok", "skipped"]
    assert about[0]["reason"].startswith("analysed (recovered)") and about[0]["analysed_in_run"] == audit(out)[0]["run"]


def test_batch_keeps_keys_in_the_key_directory_never_in_the_output_folder(submissions, tmp_path):
    from threadlens.errors import ConsentError
    from threadlens.privacy.keys import key_fingerprint, key_path

    out, keys = tmp_path / "out", tmp_path / "panel-keys"
    local(submissions, out, key_dir=keys)

    assert not (out / "keys").exists()
    assert not [p for p in out.rglob("*.key")]
    key = key_path(keys, "2026-041").read_bytes()
    findings = json.loads((out / "cases" / "branch-meeting" / "findings.json").read_text(encoding="utf-8"))
    assert findings["options"]["pseudonym_key"] == key_fingerprint(key)
    with pytest.raises(ConsentError, match="inside the output folder"):
        local(submissions, out, key_dir=out / "keys")


def test_the_sample_threads_are_submissions(tmp_path):
    summary = local(SAMPLES, tmp_path / "out", today=date(2026, 6, 1)).set_index("submission")

    assert set(summary.index) == {"calm-control", "missing-and-edited", "mixed-platform", "pra-x-archive"}
    assert set(summary["status"]) == {"ok"}, summary["reason"].to_dict()
    messages = pd.read_parquet(tmp_path / "out" / "messages.parquet")
    names = set(messages["author_name"].dropna())
    assert {"cllr_gvoss", "tamsin_oh_left", "harbourside_hugh", "hughharbour.bsky.social"} <= names
    assert not names & {"idrisf_ward7", "morwennac", "quiet_canal_walker", "solwhitcombe.bsky.social"}
    assert not messages["text"].str.contains("@idrisf_ward7|@morwennac", regex=True).any()
    pra = messages[messages["submission"] == "pra-x-archive"]
    assert set(pra["conversation_id"]) == {"x:2028818216587677735"}
    assert not messages["text"].str.contains("Bin collections|Ward surgery", regex=True).any()
    logged = {e["submission"]: e for e in audit(tmp_path / "out") if e["event"] == "submission"}
    assert logged["pra-x-archive"]["scope_checked"] is True and logged["pra-x-archive"]["left_out"] == 3


def test_a_prose_only_scope_is_a_warning_row_in_errors_csv(submissions, tmp_path):
    local(submissions, tmp_path / "out")
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    warned = errors[(errors["severity"] == "warning") & (errors["position"] == "scope")]

    assert set(warned["submission"]) == set(GOOD)
    assert warned["reason"].str.contains("prose only").all()


def test_a_submission_that_crashes_is_a_failed_row_not_an_exception(tmp_path):
    job = {
        "submission": "s",
        "case_id": "c",
        "output": str(tmp_path / "out"),
        "definition": str(tmp_path / "nope"),
        "definition_sha256": "0",
        "paths": [],
        "manifest": None,
        "key_dir": str(tmp_path / "k"),
        "reveal": False,
        "html": False,
        "pdf": False,
        "fingerprint": "f",
        "today": "2026-06-01",
    }

    row = run_submission(job)

    assert row["status"] == "failed" and "no definition" in row["reason"]


def test_threadlens_batch_is_the_python_api_and_a_missing_folder_is_a_clear_error(tmp_path):
    (tmp_path / "none").mkdir()
    summary = threadlens.batch(tmp_path / "none", tmp_path / "out")

    assert list(summary.columns) == list(SUMMARY_COLUMNS) and summary.empty
    assert [e["event"] for e in audit(tmp_path / "out")] == ["run-start", "run-end"]
    with pytest.raises(InputError, match="submissions folder not found"):
        threadlens.batch(tmp_path / "absent", tmp_path / "out")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_a_batch_runs_on_a_real_scheduler_and_worker(submissions, tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"
    dask = [sys.executable, "-m", "dask"]
    logs = tmp_path / "dask.log"
    with logs.open("w") as log:
        scheduler = subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [
                *dask,
                "worker",
                address,
                "--nthreads",
                "1",
                "--nworkers",
                "1",
                "--no-dashboard",
                "--local-directory",
                str(tmp_path / "worker"),
                "--death-timeout",
                "60",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_worker(address)
            summary = batch(submissions, tmp_path / "out", scheduler=address, html=False, pdf=False)
        finally:
            for process in (worker, scheduler):
                process.terminate()
            for process in (worker, scheduler):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()

    assert set(summary.loc[summary["status"] == "ok", "submission"]) == set(GOOD)
    assert audit(tmp_path / "out")[0]["options"]["scheduler"] == address


def _wait_for_worker(address: str, timeout: float = 60) -> None:
    from dask.distributed import Client

    deadline = time.monotonic() + timeout
    while True:
        try:
            with Client(address, timeout="2s") as client:
                client.wait_for_workers(1, timeout=max(1.0, deadline - time.monotonic()))
                return
        except (OSError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_the_command_prints_the_summary_and_exits_zero_when_the_run_completed(submissions, tmp_path):
    for name in ("rota-thread", "expired", "zz-duplicate", "unconsented", "unusable"):
        shutil.rmtree(submissions / name)
    command = [
        sys.executable,
        "-m",
        "threadlens",
        "batch",
        str(submissions),
        "--out",
        str(tmp_path / "out"),
        "--workers",
        "1",
        "--no-html",
        "--no-pdf",
    ]

    wide = {**os.environ, "COLUMNS": "300"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=wide)

    assert done.returncode == 0, done.stderr
    assert "branch-meeting" in done.stdout and "no export files" in done.stdout
    shutil.rmtree(submissions / "branch-meeting")
    failed = subprocess.run(command, capture_output=True, text=True, timeout=300, env=wide)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
