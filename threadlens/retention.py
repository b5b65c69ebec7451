"""Retention: a case's outputs are kept no longer than its consent allows.

:func:`expired_cases` lists the cases of an output folder (one ``threadlens analyse`` folder, or the ``cases/``
of a ``threadlens batch`` output) whose recorded retention date has passed; :func:`delete_expired` removes
their outputs, pseudonym keys and resume state, takes their rows out of a batch's combined tables, and
writes one audit line per case (``OUT/audit.jsonl``; in an analysis folder, the only file left in it).
"""

from __future__ import annotations

import json
import shutil
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from threadlens.errors import InputError

AUDIT = "audit.jsonl"
FINDINGS = "findings.json"


@dataclass(frozen=True, slots=True)
class CaseOutputs:
    """The outputs of one case: where they are, which case, and until when its consent lets them be kept."""

    name: str
    folder: Path
    case_id: str
    retention_date: date | None
    batch: bool

    def expired(self, today: date) -> bool:
        """Whether the retention date has passed (a case with none, analysed without consent, never expires)."""
        return self.retention_date is not None and self.retention_date < today


def case_outputs(out: str | Path) -> list[CaseOutputs]:
    """Every case in ``out``: an analysis folder (``findings.json``) or a batch output (``cases/*/``)."""
    folder = Path(out)
    if (folder / FINDINGS).is_file():
        return [_read(folder, folder.name, batch=False)]
    if (folder / "cases").is_dir():
        return [
            _read(case, case.name, batch=True)
            for case in sorted((folder / "cases").iterdir())
            if case.is_dir() and not case.name.startswith(".")
        ]
    raise InputError(
        "not an output folder of threadlens",
        path=str(folder),
        expected="a folder written by 'threadlens analyse' (findings.json) or 'threadlens batch' (cases/)",
    )


def expired_cases(out: str | Path, today: date) -> list[CaseOutputs]:
    """The cases in ``out`` whose retention date is before ``today``."""
    return [case for case in case_outputs(out) if case.expired(today)]


def _read(folder: Path, name: str, *, batch: bool) -> CaseOutputs:
    consent: dict[str, Any] = {}
    with suppress(OSError, json.JSONDecodeError, AttributeError):  # unreadable: no recorded date, listed as such
        consent = json.loads((folder / FINDINGS).read_text(encoding="utf-8")).get("consent") or {}
    retention = consent.get("retention_date")
    return CaseOutputs(
        name=name,
        folder=folder,
        case_id=consent.get("case_id") or name,
        retention_date=date.fromisoformat(retention) if retention else None,
        batch=batch,
    )


def delete_expired(out: str | Path, today: date, *, key_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """Remove every expired case of ``out`` completely; the audit events written, one per case.

    A batch case loses its folder (outputs and ``done.json``) and its rows of the combined tables; an
    analysis folder loses every file. Either loses its key in ``key_dir`` (default: the user's key directory).
    """
    from threadlens.batch.audit import AuditLog
    from threadlens.privacy.keys import default_key_dir, key_path

    target = Path(out)
    keys = Path(key_dir) if key_dir is not None else default_key_dir()
    events = []
    for case in expired_cases(target, today):
        removed = [str(p.relative_to(target)) for p in sorted(case.folder.rglob("*")) if p.is_file()]
        key = key_path(keys, case.case_id)
        if case.batch:
            shutil.rmtree(case.folder)
            _drop_rows(target, case.name)
        else:
            for item in case.folder.iterdir():
                if item.name != AUDIT:
                    shutil.rmtree(item) if item.is_dir() else item.unlink()
        had_key = key.is_file()
        key.unlink(missing_ok=True)
        event = {
            "event": "retention-delete",
            "submission": case.name if case.batch else None,
            "case_id": case.case_id,
            "retention_date": case.retention_date.isoformat(),
            "today": today.isoformat(),
            "removed": removed,
            "key_removed": str(key) if had_key else None,
        }
        AuditLog(target / AUDIT).write(event)
        events.append(event)
    return events


def _drop_rows(out: Path, submission: str) -> None:
    """Take one submission's rows out of a batch's combined tables (each rewritten atomically)."""
    import io

    import pandas as pd

    from threadlens.io import atomic_write_bytes, atomic_write_text

    for name in ("messages.parquet", "findings.parquet"):
        if (out / name).is_file():
            frame = pd.read_parquet(out / name)
            buffer = io.BytesIO()
            frame[frame["submission"] != submission].to_parquet(buffer, index=False)
            atomic_write_bytes(out / name, buffer.getvalue())
    for name in ("summary.csv", "errors.csv"):
        if (out / name).is_file():
            frame = pd.read_csv(out / name, dtype=str, keep_default_na=False)
            kept = frame[frame["submission"] != submission]
            atomic_write_text(out / name, kept.to_csv(index=False, lineterminator="\n"))
