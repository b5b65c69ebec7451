"""Planning a batch: every submission hashed, its consent checked, duplicates and finished cases found.

The driver runs this before anything reaches the cluster. A submission is skipped when its fingerprint
(input and manifest hashes, definition hash, options, tool version and pseudonym key) equals the one in
its ``done.json``; of submissions with identical exports, one is analysed (one already finished, else the
first by name) and the others are rejected as ``duplicate of <name>``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from threadlens.definition import Definition
from threadlens.errors import ConsentError
from threadlens.ingest import NOT_EXPORTS
from threadlens.ingest.base import SourceFile
from threadlens.io import file_sha256
from threadlens.privacy.keys import case_key
from threadlens.privacy.manifest import MANIFEST_NAME, load_manifest
from threadlens.version import __version__

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


def plan_submissions(
    source: Path,
    out: Path,
    chosen: Definition,
    *,
    allow_unconsented: bool,
    reveal: bool,
    key_dir: Path,
    html: bool,
    pdf: bool,
    today: date,
) -> list[Plan]:
    """Every submission folder in ``source``, by name: hashed, its consent checked, duplicates and
    unchanged ones marked (``rejected``/``skipped``), the rest ``pending`` with the job a worker runs.
    Pseudonym keys are read from (or created in) ``key_dir``."""
    plans = [
        _read_submission(folder, out, allow_unconsented=allow_unconsented, today=today)
        for folder in sorted(p for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))
    ]
    for plan in plans:
        if plan.status == "pending":
            _prepare(plan, out, chosen, reveal=reveal, key_dir=key_dir, html=html, pdf=pdf, today=today)
    # Of submissions with identical exports, one is analysed: one already finished, else the first by name.
    first_with: dict[tuple[str, ...], str] = {}
    for plan in sorted(plans, key=lambda p: (p.status != "skipped", p.name)):
        if plan.status not in ("pending", "skipped"):
            continue
        original = first_with.setdefault(tuple(sorted(item["sha256"] for item in plan.inputs)), plan.name)
        if original != plan.name:
            plan.status, plan.reason = "rejected", f"duplicate of {original} (identical export files)"
    return plans


def _prepare(
    plan: Plan, out: Path, chosen: Definition, *, reveal: bool, key_dir: Path, html: bool, pdf: bool, today: date
) -> None:
    """Give a pending submission its job and fingerprint, and mark it skipped when it is unchanged since done."""
    plan.job = {
        "submission": plan.name,
        "case_id": plan.case_id,
        "paths": [str(plan.folder / item["path"]) for item in plan.inputs],
        "manifest": plan.manifest["path"] if plan.manifest and plan.consent == "manifest" else None,
        "key_dir": str(key_dir),
        "definition": str(chosen.path.resolve()),
        "definition_sha256": chosen.sha256,
        "reveal": reveal,
        "html": html,
        "pdf": pdf,
        "today": today.isoformat(),
        "output": str(out / "cases" / plan.name),
    }
    plan.fingerprint = plan.job["fingerprint"] = _fingerprint(plan, chosen, case_key(key_dir, plan.case_id))
    done = done_record(out / "cases" / plan.name)
    if done is not None and done.get("fingerprint") == plan.fingerprint:
        plan.status, plan.reason = "skipped", f"unchanged since {done.get('finished_at')}"


def _read_submission(folder: Path, out: Path, *, allow_unconsented: bool, today: date) -> Plan:
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
            if (out / "cases" / plan.name).is_dir() and error.position == "retention_date":
                plan.reason += f"; its earlier outputs remain until 'threadlens retention {out} --delete'"
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


def done_record(case_dir: Path) -> dict[str, Any] | None:
    """The ``done.json`` of a finished case folder, or None when the case is not (completely) there."""
    try:
        record = json.loads((case_dir / DONE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return record if isinstance(record, dict) and (case_dir / MESSAGES).is_file() else None


def planned_row(plan: Plan, out: Path) -> dict[str, Any]:
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
        done = done_record(out / "cases" / plan.name) or {}
        row |= done.get("counts", {}) | {"output": str(out / "cases" / plan.name), "problems": done.get("problems", [])}
    return row


def clean_partial(cases: Path) -> None:
    """Remove the hidden folders an interrupted run left half-written."""
    if cases.is_dir():
        for leftover in cases.glob(".*"):
            if leftover.is_dir() and leftover.suffix in (".tmp", ".old"):
                shutil.rmtree(leftover, ignore_errors=True)
