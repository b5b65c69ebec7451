"""Many submissions through the same pipeline on Dask: consent checked, resumable, audited.

``SUBMISSIONS_DIR/<name>/`` holds one submission: its export files and a ``submission.toml`` consent
manifest (``docs/submissions.md``). :func:`batch` plans every submission here (hashes, manifest,
duplicates, what is unchanged since the last run), runs the rest with :func:`run_submission` on a Dask
cluster, and writes into ``OUT``:

- ``cases/<name>/``: the case's outputs (``findings.json``, ``messages.csv``/``.parquet``, reports),
  ``conversations.parquet`` and, written last, ``done.json``; built in a hidden folder and renamed
  into place, so a case folder is either complete or absent;
- ``messages.parquet`` and ``findings.parquet``: every case's messages and conversation findings, with
  a ``submission`` column, built from the case folders (results do not travel through the scheduler);
- ``errors.csv`` (rejected and failed submissions, and the records readers could not use),
  ``summary.csv``, and ``keys/<case>.key``, the per-case pseudonym keys (:func:`threadlens.privacy.case_key`);
- ``audit.jsonl``: append-only, one line when a run starts and ends and one per submission.

A submission is skipped when its fingerprint (input and manifest hashes, definition hash, options,
tool version and pseudonym key) equals the one in its ``done.json``. Of submissions with identical
exports, one is analysed (one already finished, else the first by name); the others are rejected as
``duplicate of <name>``.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import secrets
import shutil
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from threadlens import __version__
from threadlens.definition import Definition, load_definition
from threadlens.errors import ConsentError, InputError, ThreadlensError
from threadlens.ingest import NOT_EXPORTS
from threadlens.ingest.base import SourceFile, file_sha256
from threadlens.io import atomic_write_bytes, atomic_write_text
from threadlens.model import LEVEL_NAMES, Case
from threadlens.privacy import MANIFEST_NAME, case_key, key_path, load_manifest, unconsented

SUMMARY_COLUMNS = (
    "submission",
    "case_id",
    "status",
    "reason",
    "messages",
    "conversations",
    "first_escalators",
    "chains",
    "output",
    "seconds",
)
ERROR_COLUMNS = ("submission", "file", "position", "severity", "reason")
DONE = "done.json"
CONVERSATIONS = "conversations.parquet"
MESSAGES = "messages.parquet"


@dataclass
class Plan:
    """One submission as planned by the driver: its inputs, consent and what to do with it."""

    name: str
    folder: Path
    inputs: list[dict[str, str]] = field(default_factory=list)
    manifest: dict[str, str] | None = None
    case_id: str = ""
    consent: str = "manifest"
    status: str = "pending"
    reason: str = ""
    file: str = ""
    fingerprint: str = ""
    job: dict[str, Any] = field(default_factory=dict)


def batch(
    submissions_dir: str | Path,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    definition: str | Path | Definition | None = None,
    allow_unconsented: bool = False,
    reveal: bool = False,
    html: bool = True,
    pdf: bool = True,
    progress: bool | None = None,
    processes: bool = True,
    today: date | None = None,
) -> pd.DataFrame:
    """Analyse every submission in ``submissions_dir`` into ``out``; the summary, one row per submission.

    ``workers`` sets the size of the local cluster (default: one per CPU), ``scheduler`` the address of
    an existing one (``tcp://host:port``) instead; ``processes=False`` runs local workers as threads.
    ``allow_unconsented`` analyses submissions without a valid manifest (everyone pseudonymised),
    ``reveal`` turns pseudonymisation off; both are recorded. ``progress`` shows a progress bar
    (default: when stderr is a terminal). ``today`` dates the consent checks (default: today, UTC).
    """
    source = Path(submissions_dir).resolve()
    if not source.is_dir():
        raise InputError(
            "submissions folder not found", path=str(source), expected="a folder with one sub-folder per submission"
        )
    target = Path(out).resolve()
    chosen = load_definition(definition)
    options = {
        "workers": workers,
        "scheduler": scheduler,
        "definition": chosen.name,
        "allow_unconsented": allow_unconsented,
        "reveal": reveal,
        "html": html,
        "pdf": pdf,
    }
    audit = AuditLog(target / "audit.jsonl")
    run_id = audit.start(source, chosen, options)
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    try:
        _clean_partial(target / "cases")
        plans = plan_submissions(
            source,
            target,
            chosen,
            allow_unconsented=allow_unconsented,
            reveal=reveal,
            html=html,
            pdf=pdf,
            today=today or datetime.now(UTC).date(),
        )
        for plan in plans:
            if plan.status != "pending":
                rows.append(_planned_row(plan, target))
                audit.submission(run_id, plan, rows[-1], chosen, options)
        pending = [plan for plan in plans if plan.status == "pending"]
        by_name = {plan.name: plan for plan in pending}
        for row in _run(pending, workers=workers, scheduler=scheduler, processes=processes, progress=progress):
            rows.append(row)
            audit.submission(run_id, by_name[row["submission"]], row, chosen, options)
        summary = _summary(rows)
        write_tables(target, summary, rows)
    except BaseException as error:
        audit.end(run_id, rows, time.perf_counter() - started, interrupted=type(error).__name__)
        raise
    audit.end(run_id, rows, time.perf_counter() - started)
    return summary


def plan_submissions(
    source: Path,
    out: Path,
    chosen: Definition,
    *,
    allow_unconsented: bool,
    reveal: bool,
    html: bool,
    pdf: bool,
    today: date,
) -> list[Plan]:
    """Every submission folder in ``source``, by name: hashed, its consent checked, duplicates and
    unchanged ones marked (``rejected``/``skipped``), the rest ``pending`` with the job a worker runs."""
    plans = [
        _read_submission(folder, allow_unconsented=allow_unconsented, today=today)
        for folder in sorted(p for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))
    ]
    for plan in plans:
        if plan.status == "pending":
            _prepare(plan, out, chosen, reveal=reveal, html=html, pdf=pdf)
    # Of submissions with identical exports, one is analysed: one already finished, else the first by name.
    first_with: dict[tuple[str, ...], str] = {}
    for plan in sorted(plans, key=lambda p: (p.status != "skipped", p.name)):
        if plan.status not in ("pending", "skipped"):
            continue
        original = first_with.setdefault(tuple(sorted(item["sha256"] for item in plan.inputs)), plan.name)
        if original != plan.name:
            plan.status, plan.reason = "rejected", f"duplicate of {original} (identical export files)"
    return plans


def _prepare(plan: Plan, out: Path, chosen: Definition, *, reveal: bool, html: bool, pdf: bool) -> None:
    """Give a pending submission its job and fingerprint, and mark it skipped when it is unchanged since done."""
    plan.job = {
        "submission": plan.name,
        "case_id": plan.case_id,
        "paths": [str(plan.folder / item["path"]) for item in plan.inputs],
        "manifest": plan.manifest["path"] if plan.manifest and plan.consent == "manifest" else None,
        "key_path": str(key_path(out / "keys", plan.case_id)),
        "definition": str(chosen.path.resolve()),
        "definition_sha256": chosen.sha256,
        "reveal": reveal,
        "html": html,
        "pdf": pdf,
        "output": str(out / "cases" / plan.name),
    }
    plan.fingerprint = plan.job["fingerprint"] = _fingerprint(plan, chosen, case_key(out / "keys", plan.case_id))
    done = _done_record(out / "cases" / plan.name)
    if done is not None and done.get("fingerprint") == plan.fingerprint:
        plan.status, plan.reason = "skipped", f"unchanged since {done.get('finished_at')}"


def _read_submission(folder: Path, *, allow_unconsented: bool, today: date) -> Plan:
    plan = Plan(name=folder.name, folder=folder, case_id=folder.name)
    try:
        entries = sorted(
            p for p in folder.iterdir() if p.name.lower() not in NOT_EXPORTS and not p.name.startswith(".")
        )
        plan.inputs = [
            {"path": p.name, "sha256": SourceFile(p).sha256 if p.is_dir() else file_sha256(p)} for p in entries
        ]
    except OSError as error:
        plan.status, plan.file = "rejected", str(error.filename or folder)
        plan.reason = f"the submission cannot be read ({error.strerror})"
        return plan
    manifest_path = folder / MANIFEST_NAME
    try:
        manifest = load_manifest(manifest_path)
        manifest.check_dates(today)
        plan.case_id = manifest.case_id
        plan.manifest = {"path": str(manifest_path), "sha256": manifest.sha256 or "", "valid": True}
    except ConsentError as error:
        if manifest_path.is_file():
            plan.manifest = {"path": str(manifest_path), "sha256": file_sha256(manifest_path), "valid": False}
        if not allow_unconsented:
            plan.status, plan.reason, plan.file = "rejected", f"consent: {error}", str(manifest_path)
            return plan
        plan.consent = "allow-unconsented"
    if not plan.inputs:
        plan.status, plan.reason, plan.file = "rejected", "no export files in the submission", str(folder)
    return plan


def _fingerprint(plan: Plan, chosen: Definition, key: bytes) -> str:
    """What a finished case must still match to be skipped: inputs, consent, definition, options, tool, key."""
    material = {
        "inputs": plan.inputs,
        "manifest": plan.manifest["sha256"] if plan.manifest else None,
        "consent": plan.consent,
        "definition": chosen.sha256,
        "options": {name: plan.job[name] for name in ("reveal", "html", "pdf")},
        "tool": __version__,
        "key": hashlib.sha256(b"threadlens key fingerprint\0" + key).hexdigest(),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def _done_record(case_dir: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((case_dir / DONE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return record if isinstance(record, dict) and (case_dir / MESSAGES).is_file() else None


def run_submission(job: dict[str, Any]) -> dict[str, Any]:
    """Analyse one planned submission on a worker; always a summary row, never an exception.

    Its outputs are written into a hidden folder beside the case folder, ``done.json`` last, then
    renamed into place.
    """
    started = time.perf_counter()
    row: dict[str, Any] = {"submission": job["submission"], "case_id": job["case_id"], "output": job["output"]}
    try:
        row |= _analyse(job)
    except Exception as error:  # one bad submission must never stop the others
        row["status"], row["reason"], row["output"] = "failed", _reason(error), ""
        row["file"] = getattr(error, "path", None) or ""
    row["seconds"] = round(time.perf_counter() - started, 3)
    return row


def _analyse(job: dict[str, Any]) -> dict[str, Any]:
    from threadlens.errors import ConfigError
    from threadlens.pipeline import run_case, write_outputs

    chosen = load_definition(job["definition"])
    if chosen.sha256 != job["definition_sha256"]:
        raise ConfigError(
            "the definition changed while the batch was running", path=str(chosen.path), hint="Run the batch again"
        )
    manifest = job["manifest"] or unconsented(job["case_id"])
    case = run_case(job["paths"], definition=chosen, manifest_path=manifest, reveal=job["reveal"],
                    pseudonym_key_file=job["key_path"])
    problems = [
        {"file": p.path, "position": p.position, "severity": p.severity, "reason": p.reason} for p in case.read.problems
    ]
    if not case.read.messages:
        first = next((p for p in problems if p["severity"] == "error"), None)
        detail = f"; first: {first['file']}: {first['position']}: {first['reason']}" if first else ""
        return {
            "status": "failed",
            "reason": f"no message could be read{detail}",
            "output": "",
            "file": first["file"] if first else "",
            "problems": problems,
        }
    final = Path(job["output"])
    temp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")
    try:
        write_outputs(case, temp, html=job["html"], pdf=job["pdf"])
        atomic_write_bytes(temp / CONVERSATIONS, _parquet(conversations_frame(case)))
        counts = _counts(case)
        record = {
            "submission": job["submission"],
            "case_id": job["case_id"],
            "fingerprint": job["fingerprint"],
            "finished_at": _now(),
            "tool_version": __version__,
            "counts": counts,
            "problems": problems,
        }
        atomic_write_text(temp / DONE, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        _swap_into_place(temp, final)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return counts | {"status": "ok", "reason": "", "problems": problems}


def _swap_into_place(temp: Path, final: Path) -> None:
    """Replace ``final`` by the finished folder ``temp``: at every moment the case folder is whole or absent."""
    old = final.with_name(f".{final.name}.{secrets.token_hex(4)}.old")
    if final.exists():
        os.rename(final, old)
    os.rename(temp, final)
    shutil.rmtree(old, ignore_errors=True)


def _counts(case: Case) -> dict[str, Any]:
    from threadlens.report.view import all_chains

    names = _author_names(case)
    firsts = [c.first_escalation for c in case.findings.conversations if c.first_escalation is not None]
    escalators = dict.fromkeys(names.get(e.author_id, e.author_id) for e in firsts)
    return {
        "messages": len(case.read.messages),
        "conversations": len(case.findings.conversations),
        "first_escalators": ", ".join(escalators),
        "chains": len(all_chains(case)),
    }


def _author_names(case: Case) -> dict[str, str]:
    """Author id → the name shown for it (the handle, or the pseudonym)."""
    return {m.author_id: m.author_name for m in case.read.messages}


def conversations_frame(case: Case) -> pd.DataFrame:
    """One row per conversation: its size, completeness, first escalation (who, when, why) and chains."""
    names = _author_names(case)
    rows = []
    for conversation in case.findings.conversations:
        first = conversation.first_escalation
        done = conversation.completeness
        rows.append(
            {
                "case_id": case.consent.get("case_id") if case.consent else None,
                "conversation_id": conversation.conversation_id,
                "messages": len(conversation.message_ids),
                "first_escalation_id": first.message_id if first else None,
                "first_escalator_id": first.author_id if first else None,
                "first_escalator": names.get(first.author_id, first.author_id) if first else None,
                "first_escalation_at": first.created_at if first else None,
                "first_escalation_level": LEVEL_NAMES[first.level] if first else None,
                "first_escalation_reasons": "; ".join(first.reasons) if first else None,
                "branch_escalations": len(conversation.branch_escalations),
                "chains": len(conversation.chains),
                "inconclusive": conversation.inconclusive,
                "inconclusive_reasons": "; ".join(conversation.inconclusive_reasons),
                "placeholders": done.placeholders,
                "missing_parents": len(done.missing_parents),
                "deleted": done.deleted,
                "edited": done.edited,
                "out_of_order": len(done.out_of_order),
            }
        )
    frame = pd.DataFrame(rows, columns=_CONVERSATION_COLUMNS)
    frame["first_escalation_at"] = pd.to_datetime(frame["first_escalation_at"], utc=True)
    return frame


_CONVERSATION_COLUMNS = (
    "case_id",
    "conversation_id",
    "messages",
    "first_escalation_id",
    "first_escalator_id",
    "first_escalator",
    "first_escalation_at",
    "first_escalation_level",
    "first_escalation_reasons",
    "branch_escalations",
    "chains",
    "inconclusive",
    "inconclusive_reasons",
    "placeholders",
    "missing_parents",
    "deleted",
    "edited",
    "out_of_order",
)


def _reason(error: BaseException) -> str:
    if isinstance(error, ThreadlensError):
        return str(error)
    return f"{type(error).__name__}: {error} (an error in threadlens; please report it with this submission)"


def _planned_row(plan: Plan, out: Path) -> dict[str, Any]:
    """The summary row of a submission the driver settled without running it (rejected or skipped)."""
    row: dict[str, Any] = {
        "submission": plan.name,
        "case_id": plan.case_id,
        "status": plan.status,
        "reason": plan.reason,
        "file": plan.file,
        "seconds": 0.0,
    }
    if plan.status == "skipped":
        done = _done_record(out / "cases" / plan.name) or {}
        row |= done.get("counts", {}) | {"output": str(out / "cases" / plan.name), "problems": done.get("problems", [])}
    return row


def _run(
    plans: list[Plan], *, workers: int | None, scheduler: str | None, processes: bool, progress: bool | None
) -> Iterator[dict[str, Any]]:
    """Summary rows of the planned submissions, as they finish on the cluster."""
    if not plans:
        return
    from dask.distributed import as_completed

    with _client(workers, scheduler, processes, len(plans)) as client, _progress(progress, len(plans)) as advance:
        futures = {
            client.submit(
                run_submission, plan.job, key=f"threadlens-{plan.name}-{secrets.token_hex(4)}", pure=False
            ): plan
            for plan in plans
        }
        for future in as_completed(futures):
            plan = futures[future]
            if future.status == "finished":
                row = future.result()
            else:
                row = {
                    "submission": plan.name,
                    "case_id": plan.case_id,
                    "status": "failed",
                    "reason": f"the worker running it failed: {_reason(future.exception())}",
                    "output": "",
                    "seconds": 0.0,
                }
            future.release()
            advance(row)
            yield row


@contextmanager
def _client(workers: int | None, scheduler: str | None, processes: bool, jobs: int) -> Iterator[Any]:
    """A Dask client: of the cluster at ``scheduler``, or of a local one with ``workers`` single-threaded workers."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise ThreadlensError(
                f"cannot reach the Dask scheduler ({error})",
                path=scheduler,
                hint="Check the address (tcp://host:port) and that the scheduler runs",
            ) from None
        with client:
            yield client
        return
    count = max(1, min(workers or os.cpu_count() or 1, jobs))
    with _workers_ignore_interrupts():
        cluster = LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    with cluster, Client(cluster) as client:
        yield client


@contextmanager
def _workers_ignore_interrupts() -> Iterator[None]:
    """Start worker processes with Ctrl-C ignored: the driver alone stops the run and closes the cluster,
    instead of every worker printing a traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _progress(show: bool | None, total: int) -> Iterator[Any]:
    """A function to call per finished submission, drawing a rich progress bar when wanted."""
    if show is None:
        show = sys.stderr.isatty()
    if not show:
        yield lambda row: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("[bold]batch"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("", total=total)
        failed = 0

        def advance(row: dict[str, Any]) -> None:
            nonlocal failed
            failed += row["status"] != "ok"
            bar.update(
                task,
                advance=1,
                description=f"{row['submission']} {row['status']}" + (f" ({failed} failed)" if failed else ""),
            )

        yield advance


def _summary(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame([{name: row.get(name) for name in SUMMARY_COLUMNS} for row in rows], columns=SUMMARY_COLUMNS)
    for name in ("messages", "conversations", "chains"):
        frame[name] = frame[name].astype("Int64")
    frame["seconds"] = frame["seconds"].astype(float)
    return frame.sort_values("submission", kind="stable").reset_index(drop=True)


def write_tables(out: Path, summary: pd.DataFrame, rows: list[dict[str, Any]]) -> None:
    """``messages.parquet``, ``findings.parquet``, ``errors.csv`` and ``summary.csv`` of a run, each atomically."""
    analysed = [row for row in rows if row["status"] in ("ok", "skipped")]
    atomic_write_bytes(out / MESSAGES, _parquet(_gather(out, analysed, MESSAGES)))
    atomic_write_bytes(out / "findings.parquet", _parquet(_gather(out, analysed, CONVERSATIONS)))
    errors = [
        {
            "submission": row["submission"],
            "file": row.get("file") or "",
            "position": "",
            "severity": "error",
            "reason": row["reason"],
        }
        for row in rows
        if row["status"] in ("rejected", "failed")
    ] + [{"submission": row["submission"], **problem} for row in rows for problem in row.get("problems", [])]
    errors_frame = pd.DataFrame(errors, columns=ERROR_COLUMNS).sort_values(["submission"], kind="stable")
    atomic_write_text(out / "errors.csv", errors_frame.to_csv(index=False, lineterminator="\n"))
    atomic_write_text(out / "summary.csv", summary.to_csv(index=False, lineterminator="\n"))


def _gather(out: Path, rows: list[dict[str, Any]], name: str) -> pd.DataFrame:
    """The per-case tables ``name`` of the analysed submissions, one frame with a ``submission`` column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = []
    for row in sorted(rows, key=lambda r: r["submission"]):
        table = pq.read_table(out / "cases" / row["submission"] / name)
        tables.append(table.add_column(0, "submission", pa.array([row["submission"]] * table.num_rows, pa.string())))
    if not tables:
        return pd.DataFrame({"submission": pd.Series(dtype="string")})
    return pa.concat_tables(tables, promote_options="permissive").to_pandas(types_mapper=pd.ArrowDtype)


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _clean_partial(cases: Path) -> None:
    """Remove the hidden folders an interrupted run left half-written."""
    if cases.is_dir():
        for leftover in cases.glob(".*"):
            if leftover.is_dir() and leftover.suffix in (".tmp", ".old"):
                shutil.rmtree(leftover, ignore_errors=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class AuditLog:
    """The append-only ``audit.jsonl``: each line one event, flushed to disk as it is written."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, event: dict[str, Any]) -> None:
        """Append one event (with the time, UTC) as one JSON line."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"when": _now(), **event}, ensure_ascii=False, default=str) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def start(self, source: Path, chosen: Definition, options: dict[str, Any]) -> str:
        """Record the start of a run; its id."""
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + secrets.token_hex(3)
        self.write(
            {
                "event": "run-start",
                "run": run_id,
                "tool_version": __version__,
                "submissions_dir": str(source),
                "definition": _definition(chosen),
                "options": options,
            }
        )
        return run_id

    def submission(
        self, run_id: str, plan: Plan, row: dict[str, Any], chosen: Definition, options: dict[str, Any]
    ) -> None:
        """Record what became of one submission, with the hashes of what it was made of."""
        self.write(
            {
                "event": "submission",
                "run": run_id,
                "submission": plan.name,
                "case_id": plan.case_id,
                "status": row["status"],
                "reason": row.get("reason", ""),
                "inputs": plan.inputs,
                "manifest": plan.manifest,
                "consent": plan.consent,
                "pseudonymised": not options["reveal"],
                "definition": _definition(chosen),
                "options": options,
                "tool_version": __version__,
                "fingerprint": plan.fingerprint or None,
                "output": row.get("output"),
                "seconds": row.get("seconds"),
            }
        )

    def end(self, run_id: str, rows: list[dict[str, Any]], seconds: float, interrupted: str | None = None) -> None:
        """Record the end of a run: counts by status, duration, and whether it was interrupted."""
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        self.write(
            {
                "event": "run-end",
                "run": run_id,
                "completed": interrupted is None,
                "interrupted_by": interrupted,
                "counts": counts,
                "seconds": round(seconds, 3),
            }
        )


def _definition(chosen: Definition) -> dict[str, str]:
    return {"name": chosen.name, "version": chosen.version, "sha256": chosen.sha256}


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`batch`.

    ``threadlens.batch(...)`` is the documented API, but importing this module sets ``threadlens.batch``
    to the module itself (Python binds a submodule on its package), so the module forwards calls.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> pd.DataFrame:
        return batch(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
