"""Running planned submissions: each one's analysis on a worker, the Dask client, signals and progress.

:func:`run_submission` is what a worker runs: :func:`threadlens.pipeline.analyse_case` (consent, scope,
pseudonyms, the pipeline, the outputs) into a hidden folder, ``done.json`` last, then renamed into place,
so a case folder is either complete or absent. It always returns a summary row, never raises.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from threadlens.batch.audit import now
from threadlens.batch.plan import CONVERSATIONS, DONE, Plan
from threadlens.definition import load_definition
from threadlens.errors import ConsentError, ThreadlensError
from threadlens.io import atomic_write_bytes, atomic_write_text
from threadlens.model import Case
from threadlens.version import __version__


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
        refused = isinstance(error, ConsentError)
        row["status"], row["output"] = ("rejected" if refused else "failed"), ""
        row["reason"] = f"consent: {error}" if refused else _reason(error)
        row["file"] = getattr(error, "path", None) or ""
    row["seconds"] = round(time.perf_counter() - started, 3)
    return row


def _analyse(job: dict[str, Any]) -> dict[str, Any]:
    from threadlens.errors import ConfigError
    from threadlens.pipeline import NothingRead, analyse_case
    from threadlens.report.tables import conversations_frame, parquet_bytes

    chosen = load_definition(job["definition"])
    if chosen.sha256 != job["definition_sha256"]:
        raise ConfigError(
            "the definition changed while the batch was running", path=str(chosen.path), hint="Run the batch again"
        )
    final = Path(job["output"])
    temp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")
    try:
        try:
            case = analyse_case(
                job["paths"],
                temp,
                consent=job["manifest"],
                allow_unconsented=job["manifest"] is None,
                case_id=job["case_id"],
                definition=chosen,
                reveal=job["reveal"],
                key_dir=job["key_dir"],
                html=job["html"],
                pdf=job["pdf"],
                today=date.fromisoformat(job["today"]),
            )
        except NothingRead as error:
            problems = _problems(error.read.problems)
            first = next((p for p in problems if p["severity"] == "error"), None)
            return {
                "status": "failed",
                "reason": str(error),
                "output": "",
                "file": first["file"] if first else "",
                "problems": problems,
            }
        problems = _problems(case.read.problems) + _scope_problems(case, job["manifest"])
        atomic_write_bytes(temp / CONVERSATIONS, parquet_bytes(conversations_frame(case)))
        counts = _counts(case)
        record = {
            "submission": job["submission"],
            "case_id": job["case_id"],
            "fingerprint": job["fingerprint"],
            "run": job.get("run"),
            "finished_at": now(),
            "tool_version": __version__,
            "counts": counts,
            "problems": problems,
        }
        atomic_write_text(temp / DONE, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        _swap_into_place(temp, final)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return counts | {"status": "ok", "reason": "", "problems": problems}


def _problems(problems: list) -> list[dict[str, Any]]:
    return [{"file": p.path, "position": p.position, "severity": p.severity, "reason": p.reason} for p in problems]


def _scope_problems(case: Case, manifest: str | None) -> list[dict[str, Any]]:
    """The scope's warning (prose only, or no manifest) as a row of ``errors.csv``."""
    record = (case.consent or {}).get("minimisation") or {}
    if not record.get("warning"):
        return []
    return [{"file": manifest or "", "position": "scope", "severity": "warning", "reason": record["warning"]}]


def _swap_into_place(temp: Path, final: Path) -> None:
    """Replace ``final`` by the finished folder ``temp``: at every moment the case folder is whole or absent."""
    old = final.with_name(f".{final.name}.{secrets.token_hex(4)}.old")
    if final.exists():
        os.rename(final, old)
    os.rename(temp, final)
    shutil.rmtree(old, ignore_errors=True)


def _counts(case: Case) -> dict[str, Any]:
    from threadlens.report.view import all_chains, author_names

    names = author_names(case)
    firsts = [c.first_escalation for c in case.findings.conversations if c.first_escalation is not None]
    escalators = dict.fromkeys(names.get(e.author_id, e.author_id) for e in firsts)
    minimisation = (case.consent or {}).get("minimisation") or {}
    return {
        "scope_checked": minimisation.get("checked"),
        "left_out": minimisation.get("left_out", 0),
        "messages": len(case.read.messages),
        "conversations": len(case.findings.conversations),
        "first_escalators": ", ".join(escalators),
        "chains": len(all_chains(case)),
    }


def _reason(error: BaseException) -> str:
    if isinstance(error, ThreadlensError):
        return str(error)
    return f"{type(error).__name__}: {error} (an error in threadlens; please report it with this submission)"


def run_all(
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
