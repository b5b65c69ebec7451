"""Many submissions through the same pipeline on Dask: consent checked, resumable, audited.

``SUBMISSIONS_DIR/<name>/`` holds one submission: its export files and a ``submission.toml`` consent
manifest (``docs/submissions.md``). :func:`batch` plans every submission (:mod:`threadlens.batch.plan`:
hashes, manifest, duplicates, what is unchanged since the last run), runs the rest on a Dask cluster
(:mod:`threadlens.batch.run`, each task one :func:`threadlens.pipeline.analyse_case`), logs every step
(:mod:`threadlens.batch.audit`) and writes into ``OUT``:

- ``cases/<name>/``: the case's outputs (``findings.json``, ``messages.csv``/``.parquet``, reports),
  ``conversations.parquet`` and, written last, ``done.json``; built in a hidden folder and renamed
  into place, so a case folder is either complete or absent;
- ``messages.parquet`` and ``findings.parquet``: every case's messages and conversation findings, with
  a ``submission`` column, built from the case folders (results do not travel through the scheduler);
- ``errors.csv`` (rejected and failed submissions, the records readers could not use, scope warnings) and
  ``summary.csv``;
- ``audit.jsonl``: append-only, one line when a run starts and ends and one per submission.

The per-case pseudonym keys (:func:`threadlens.privacy.keys.case_key`) are kept where ``analyse`` keeps them: in
``key_dir`` (default :func:`threadlens.privacy.keys.default_key_dir`), never inside ``OUT``; the findings record
each key's fingerprint.

``threadlens.batch`` is this function once :mod:`threadlens` is imported (its ``__init__`` binds the name);
the package itself stays reachable as ``sys.modules["threadlens.batch"]`` and through its submodules.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from threadlens.definition import Definition

_MOVED = {
    "SUMMARY_COLUMNS": "threadlens.report.tables",
    "ERROR_COLUMNS": "threadlens.report.tables",
    "Plan": "threadlens.batch.plan",
    "plan_submissions": "threadlens.batch.plan",
    "run_submission": "threadlens.batch.run",
    "AuditLog": "threadlens.batch.audit",
}


def __getattr__(name: str) -> Any:
    """The names batch users import from here, loaded on first use so ``import threadlens`` stays fast."""
    if name in _MOVED:
        return getattr(import_module(_MOVED[name]), name)
    raise AttributeError(f"module 'threadlens.batch' has no attribute {name!r}")


def batch(
    submissions_dir: str | Path,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    definition: str | Path | Definition | None = None,
    allow_unconsented: bool = False,
    reveal: bool = False,
    key_dir: str | Path | None = None,
    html: bool = True,
    pdf: bool = True,
    progress: bool | None = None,
    processes: bool = True,
    today: date | None = None,
) -> pd.DataFrame:
    r"""Analyse every submission in ``submissions_dir`` into ``out``; the summary, one row per submission.

    ``workers`` sets the size of the local cluster (default: one per CPU), ``scheduler`` the address of
    an existing one (``tcp://host:port``) instead; ``processes=False`` runs local workers as threads.
    ``allow_unconsented`` analyses submissions without a valid manifest (everyone pseudonymised),
    ``reveal`` turns pseudonymisation off; both are recorded. Pseudonym keys are kept in ``key_dir``
    (default: :func:`threadlens.privacy.keys.default_key_dir`), which must not lie inside ``out``. ``progress``
    shows a progress bar (default: when stderr is a terminal). ``today`` dates the consent checks (default: today, UTC).

    >>> import tempfile
    >>> from pathlib import Path
    >>> scratch = tempfile.TemporaryDirectory()
    >>> path = Path(scratch.name) / "submissions" / "case-1" / "thread.csv"
    >>> path.parent.mkdir(parents=True)
    >>> _ = path.write_text("id,reply_to,author,created_at,text\n"
    ...                     "1,,ann,2024-03-01T18:00:00Z,Minutes attached.\n"
    ...                     "2,1,bob,2024-03-01T18:05:00Z,Thanks Ann.\n")
    >>> summary = batch(path.parent.parent, Path(scratch.name) / "out", workers=1, processes=False,
    ...                 allow_unconsented=True, key_dir=Path(scratch.name) / "keys", html=False, pdf=False)
    >>> summary[["submission", "status", "messages"]].to_dict("records")
    [{'submission': 'case-1', 'status': 'ok', 'messages': 2}]
    >>> scratch.cleanup()
    """
    from threadlens.batch.audit import AuditLog
    from threadlens.batch.plan import clean_partial, plan_submissions, planned_row
    from threadlens.batch.run import run_all
    from threadlens.definition import load_definition
    from threadlens.errors import InputError
    from threadlens.privacy.keys import check_key_dir, default_key_dir
    from threadlens.report.tables import summary_frame, write_batch_tables

    source = Path(submissions_dir).resolve()
    if not source.is_dir():
        raise InputError(
            "submissions folder not found", path=str(source), expected="a folder with one sub-folder per submission"
        )
    target = Path(out).resolve()
    keys = Path(key_dir).resolve() if key_dir is not None else default_key_dir()
    check_key_dir(keys, target)
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
        audit.recover(run_id, target / "cases")
        clean_partial(target / "cases")
        plans = plan_submissions(
            source,
            target,
            chosen,
            allow_unconsented=allow_unconsented,
            reveal=reveal,
            key_dir=keys,
            html=html,
            pdf=pdf,
            today=today or datetime.now(UTC).date(),
        )
        for plan in plans:
            if plan.status != "pending":
                rows.append(planned_row(plan, target))
                audit.submission(run_id, plan, rows[-1], chosen, options)
        pending = [plan for plan in plans if plan.status == "pending"]
        for plan in pending:
            plan.job["run"] = run_id  # done.json names the run, so a case it finished is never left unlogged
        by_name = {plan.name: plan for plan in pending}
        for row in run_all(pending, workers=workers, scheduler=scheduler, processes=processes, progress=progress):
            rows.append(row)
            audit.submission(run_id, by_name[row["submission"]], row, chosen, options)
        summary = summary_frame(rows)
        write_batch_tables(target, summary, rows)
    except BaseException as error:
        audit.recover(run_id, target / "cases")  # cases workers finished before the driver could log them
        audit.end(run_id, rows, time.perf_counter() - started, interrupted=type(error).__name__)
        raise
    audit.end(run_id, rows, time.perf_counter() - started)
    return summary
