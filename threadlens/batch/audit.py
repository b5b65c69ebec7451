"""The append-only ``audit.jsonl`` of a batch output: runs, what became of each submission, and deletions."""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadlens.batch.plan import done_record
from threadlens.definition import Definition
from threadlens.version import __version__

if TYPE_CHECKING:
    from threadlens.batch.plan import Plan


def now() -> str:
    """The current time, UTC, to the second, as ``2026-03-10T09:00:00Z``."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class AuditLog:
    """The append-only ``audit.jsonl``: each line one event, flushed to disk as it is written."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, event: dict[str, Any]) -> None:
        """Append one event (with the time, UTC) as one JSON line."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"when": now(), **event}, ensure_ascii=False, default=str) + "\n"
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
                "scope_checked": row.get("scope_checked"),
                "left_out": row.get("left_out"),
                "definition": _definition(chosen),
                "options": options,
                "tool_version": __version__,
                "fingerprint": plan.fingerprint or None,
                "output": row.get("output"),
                "seconds": row.get("seconds"),
            }
        )

    def recover(self, run_id: str, cases: Path) -> list[str]:
        """Log every finished case that no line says was analysed; the submissions logged.

        A worker writes ``done.json`` (naming its run) when it finishes a case; the driver logs the case when
        it hears back. A run interrupted in between leaves a finished case without its line: this writes it,
        once, as ``analysed (recovered)``.
        """
        if not cases.is_dir():
            return []
        logged = {
            (event.get("submission"), event.get("analysed_in_run") or event.get("run"))
            for event in self.events()
            if event.get("event") == "submission" and event.get("status") == "ok"
        }
        recovered = []
        for folder in sorted(p for p in cases.iterdir() if p.is_dir() and not p.name.startswith(".")):
            done = done_record(folder)
            if done is None or not done.get("run") or (folder.name, done["run"]) in logged:
                continue
            self.write(
                {
                    "event": "submission",
                    "run": run_id,
                    "submission": folder.name,
                    "case_id": done.get("case_id"),
                    "status": "ok",
                    "reason": f"analysed (recovered): finished at {done.get('finished_at')} by run {done['run']}, "
                    "which was interrupted before logging it",
                    "analysed_in_run": done["run"],
                    "fingerprint": done.get("fingerprint"),
                    "counts": done.get("counts"),
                    "tool_version": done.get("tool_version"),
                    "output": str(folder),
                }
            )
            recovered.append(folder.name)
        return recovered

    def events(self) -> list[dict[str, Any]]:
        """Every event logged so far, in order (a line that cannot be read is left out)."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        events = []
        for line in lines:
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return events

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
