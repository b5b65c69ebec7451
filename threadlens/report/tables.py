"""Machine-readable outputs of a case: ``findings.json``, ``messages.csv`` and ``messages.parquet``.

``findings.json`` follows the versioned schema in ``docs/findings-schema.md``. It is deterministic:
keys sorted, floats rounded to ``FLOAT_DIGITS`` places, times in ISO-8601 UTC, no generation time, and files
named by :class:`threadlens.io.InputNames` (the manifest and a definition given as a path by their base names),
never by where they lie: the same inputs, definition, manifest and key give the same bytes in any output
folder, from any working directory.

CSV files are opened in spreadsheets, which run a cell that starts like a formula: every text cell starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading ``'`` (see
:func:`spreadsheet_safe`). Parquet and JSON keep every text exact.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from threadlens.io import InputNames, atomic_write_bytes, atomic_write_text
from threadlens.model import LEVEL_NAMES, Case, Conflict, Escalation
from threadlens.report.view import all_chains, author_names
from threadlens.thread import graph_frame
from threadlens.version import __version__

SCHEMA_VERSION = "1.1"
FLOAT_DIGITS = 4
# What a spreadsheet takes for the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

SCORE_COLUMNS = pa.schema(
    [
        ("score", pa.float64()),
        ("level", pa.int8()),
        ("level_name", pa.string()),
        ("hostile", pa.bool_()),
        ("accusation", pa.bool_()),
        ("categories", pa.string()),
        ("level_reason", pa.string()),
        ("spans", pa.string()),
        ("evidence", pa.string()),
        ("scorer", pa.string()),
        ("scorer_level", pa.int8()),
        ("first_escalation", pa.bool_()),
        ("chain_roles", pa.string()),
    ]
)
# Every other version of a message (JSON), every file it was read from (JSON), and what its sources disagree on.
HISTORY_COLUMNS = pa.schema(
    [
        ("edits", pa.string()),
        ("sources", pa.string()),
        ("conflict", pa.string()),
    ]
)


def findings_document(case: Case) -> dict[str, Any]:
    """The case's findings as the plain, JSON-ready document of ``docs/findings-schema.md``."""
    findings = case.findings
    problems = [asdict(problem) for problem in case.read.problems]
    document = _plain(
        {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "threadlens", "version": __version__},
            "definition": asdict(findings.definition),
            "scorer": findings.scorer,
            "review": _review(case),
            "conversations": [
                {
                    "id": conversation.conversation_id,
                    "readings_to_check": [asdict(reading) for reading in conversation.readings_to_check],
                    "stands_however_read": conversation.stands_however_read,
                    "changed_by_review": list(conversation.changed_by_review),
                    "messages": list(conversation.message_ids),
                    "first_escalation": _escalation(conversation.first_escalation),
                    "branch_escalations": [_escalation(event) for event in conversation.branch_escalations],
                    "chains": [asdict(chain) for chain in conversation.chains],
                    "completeness": asdict(conversation.completeness),
                    "inconclusive": conversation.inconclusive,
                    "inconclusive_reasons": list(conversation.inconclusive_reasons),
                }
                for conversation in findings.conversations
            ],
            "inputs": [
                {
                    "path": item.path,
                    "sha256": item.sha256,
                    "format": item.format,
                    "records": item.records,
                    "messages": item.messages,
                    "rejected": item.rejected,
                }
                for item in case.read.inputs
            ],
            "options": case.options,
            "consent": case.consent,
            "problems": {"count": len(problems), "items": problems},
            "conflicts": [_conflict(case, conflict) for conflict in case.read.conflicts],
            "graph_issues": [asdict(issue) for issue in case.graph.issues],
            "chains": [asdict(chain) for chain in findings.chains],
            "participants": [asdict(participant) for participant in findings.participants],
        }
    )
    return _stable_paths(document, InputNames(item["path"] for item in case.locations.get("inputs", [])))


def _stable_paths(document: dict[str, Any], names: InputNames) -> dict[str, Any]:
    """``document`` with every file named by ``names``: each ``path`` value, the paths problems quote, and the
    manifest and definition by their base names."""
    quoted = sorted(
        {item["path"] for item in document["inputs"]}
        | {source["path"] for conflict in document["conflicts"] for source in conflict["sources"]},
        key=len,
        reverse=True,
    )
    pattern = re.compile("|".join(re.escape(path) for path in quoted)) if quoted else None

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: names.name(item) if key == "path" and isinstance(item, str) else walk(item)
                for key, item in value.items()
            }
        return [walk(item) for item in value] if isinstance(value, list) else value

    stable = walk(document)
    if pattern is not None:
        for problem in stable["problems"]["items"]:
            problem["reason"] = pattern.sub(lambda match: names.name(match.group()), problem["reason"])
    for record in (stable["options"], stable["consent"] or {}):
        for key in ("manifest", "definition"):
            if record.get(key):
                record[key] = Path(record[key]).name
    return stable


def findings_json(case: Case) -> str:
    """``findings.json``: two-space indent and a final newline; the top level and each conversation in the
    document's own order (what a panel checks first comes first), every object below them with sorted keys."""
    found = findings_document(case)
    document = {key: sorted_keys(value) for key, value in found.items()}
    document["conversations"] = [
        {key: sorted_keys(value) for key, value in conversation.items()} for conversation in found["conversations"]
    ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def sorted_keys(value: Any) -> Any:
    """``value`` with the keys of every object in it sorted, so that its text never depends on insertion order."""
    if isinstance(value, dict):
        return {key: sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(item) for item in value]
    return value


def messages_frame(case: Case) -> pd.DataFrame:
    """Every message and placeholder with its score and role in the findings, pyarrow-backed, ids as strings.

    The columns of :func:`threadlens.thread.graph_frame` (ids, author, time, links, source file,
    position and SHA-256), then ``SCORE_COLUMNS``; ``categories``, ``spans`` (the highlighted character
    ranges, ``[[start, end], …]``) and ``evidence`` hold JSON, ``level_reason`` says why the level is what it
    is, and a placeholder's score columns are empty.
    """
    frame = graph_frame(case.graph)
    firsts = {c.first_escalation.message_id for c in case.findings.conversations if c.first_escalation}
    roles: dict[str, list[str]] = {}
    for chain in all_chains(case):
        for role, key in (
            ("provocation", chain.provocation),
            ("reaction", chain.reaction),
            ("accusation", chain.accusation),
        ):
            if role not in roles.setdefault(key, []):
                roles[key].append(role)
    columns: dict[str, list[Any]] = {name: [] for name in SCORE_COLUMNS.names}
    for key in frame["id"]:
        score = case.scores.get(key)
        values = (
            (
                round(score.value, FLOAT_DIGITS),
                score.level,
                LEVEL_NAMES[score.level],
                score.hostile,
                score.accusation,
                _compact(list(score.categories)),
                score.reason,
                _compact([list(span) for span in score.spans]),
                _compact([_plain(asdict(item)) for item in score.evidence]),
                f"{score.scorer} {score.version}",
                (score.replaces or score).level,
            )
            if score is not None
            else (None,) * 11
        )
        for name, value in zip(
            SCORE_COLUMNS.names, (*values, key in firsts, ",".join(roles.get(key, [])) or None), strict=True
        ):
            columns[name].append(value)
    extra = pa.table(columns, schema=SCORE_COLUMNS).to_pandas(types_mapper=pd.ArrowDtype)
    history = pa.table(_history_columns(case, list(frame["id"])), schema=HISTORY_COLUMNS)
    return pd.concat([frame.reset_index(drop=True), extra, history.to_pandas(types_mapper=pd.ArrowDtype)], axis=1)


def _history_columns(case: Case, ids: list[str]) -> dict[str, list[str | None]]:
    """The ``HISTORY_COLUMNS`` of every message in ``ids``: its other versions, its sources, its conflict."""
    conflicts = {conflict.message_id: ",".join(conflict.fields) for conflict in case.read.conflicts}
    columns: dict[str, list[str | None]] = {name: [] for name in HISTORY_COLUMNS.names}
    for key in ids:
        message = case.graph.message(key)
        columns["edits"].append(
            _compact([_plain(asdict(revision)) for revision in message.edits]) if message.edits else None
        )
        columns["sources"].append(_compact([asdict(source) for source in message.sources]) if message.sources else None)
        columns["conflict"].append(conflicts.get(key))
    return columns


def _conflict(case: Case, conflict: Conflict) -> dict[str, Any]:
    """A conflict for ``findings.json``: the message, what its sources disagree on, and every version."""
    versions: list[dict[str, Any]] = []
    if case.graph.graph.has_node(conflict.message_id):
        message = case.graph.message(conflict.message_id)
        versions.append(
            {
                "text": message.text,
                "author_id": message.author_id,
                "author_name": message.author_name,
                "created_at": message.created_at,
                "source": message.source,
                "current": True,
            }
        )
        versions.extend(
            {
                "text": revision.text,
                "author_id": revision.author_id or message.author_id,
                "author_name": revision.author_name or message.author_name,
                "created_at": revision.created_at,
                "source": revision.source,
                "current": False,
            }
            for revision in message.edits
        )
    return {
        "message_id": conflict.message_id,
        "fields": list(conflict.fields),
        "sources": [asdict(source) for source in conflict.sources],
        "versions": [
            {**version, "source": asdict(version["source"]) if version["source"] else None} for version in versions
        ],
    }


def spreadsheet_safe(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula; anything else as is."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text (no index, ``\\n`` line ends) with every text cell made :func:`spreadsheet_safe`."""
    safe = frame.copy()
    for name in safe.columns:
        column = safe[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            safe[name] = column.astype(object).map(spreadsheet_safe)
    return safe.to_csv(index=False, lineterminator="\n")


def write_tables(case: Case, out_dir: Path) -> list[Path]:
    """Write ``findings.json``, ``messages.csv`` and ``messages.parquet`` into ``out_dir``, each atomically."""
    folder = Path(out_dir)
    frame = messages_frame(case)
    csv = frame.assign(created_at=[_iso(value) for value in frame["created_at"]])
    parquet = io.BytesIO()
    frame.to_parquet(parquet, index=False)
    return [
        atomic_write_text(folder / "findings.json", findings_json(case)),
        atomic_write_text(folder / "messages.csv", csv_text(csv)),
        atomic_write_bytes(folder / "messages.parquet", parquet.getvalue()),
    ]


def _review(case: Case) -> dict[str, Any] | None:
    """The panel's review applied: its file (by name), SHA-256 and every reading, beside the scorer's."""
    review = case.findings.review
    if review is None:
        return None
    readings = []
    for reading in review.readings:
        scorer = case.scores[reading.message_id].replaces
        readings.append(
            asdict(reading)
            | {
                "level_name": LEVEL_NAMES[reading.level],
                "scorer_level": scorer.level if scorer else None,
                "scorer_accuses": scorer.accusation if scorer else None,
            }
        )
    return {"path": Path(review.path).name, "sha256": review.sha256, "readings": readings}


def _escalation(event: Escalation | None) -> dict[str, Any] | None:
    if event is None:
        return None
    return {
        "message_id": event.message_id,
        "author": event.author_id,
        "created_at": event.created_at,
        "level": event.level,
        "level_name": LEVEL_NAMES[event.level],
        "parent_id": event.parent_id,
        "parent_level": event.parent_level,
        "step": event.step,
        "reasons": list(event.reasons),
        "margin": event.margin,
        "inconclusive": event.inconclusive,
        "branch": event.branch,
    }


def _plain(value: Any) -> Any:
    """``value`` with times as ISO-8601 UTC, floats rounded, tuples as lists and paths as strings."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, float):
        return round(value, FLOAT_DIGITS)
    if isinstance(value, Path):
        return value.as_posix()
    return value


def _iso(moment: datetime | None) -> str | None:
    """ISO-8601 UTC with a ``Z``, to the microsecond when there is one; None stays None."""
    if moment is None or pd.isna(moment):
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _compact(value: Any) -> str:
    """JSON on one line with sorted keys, for a table cell."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# The tables of a batch output (``threadlens batch``): per-case conversations, and the run's combined tables.
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


def conversations_frame(case: Case) -> pd.DataFrame:
    """One row per conversation: its size, completeness, first escalation (who, when, why) and chains."""
    names = author_names(case)
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


def summary_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The batch summary: one row per submission, by name, with ``SUMMARY_COLUMNS``."""
    frame = pd.DataFrame([{name: row.get(name) for name in SUMMARY_COLUMNS} for row in rows], columns=SUMMARY_COLUMNS)
    for name in ("messages", "conversations", "chains"):
        frame[name] = frame[name].astype("Int64")
    frame["seconds"] = frame["seconds"].astype(float)
    return frame.sort_values("submission", kind="stable").reset_index(drop=True)


def write_batch_tables(out: Path, summary: pd.DataFrame, rows: list[dict[str, Any]]) -> None:
    """``messages.parquet``, ``findings.parquet``, ``errors.csv`` and ``summary.csv`` of a run, each atomically."""
    analysed = [row for row in rows if row["status"] in ("ok", "skipped")]
    atomic_write_bytes(out / "messages.parquet", parquet_bytes(_gather(out, analysed, "messages.parquet")))
    atomic_write_bytes(out / "findings.parquet", parquet_bytes(_gather(out, analysed, "conversations.parquet")))
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
    atomic_write_text(out / "errors.csv", csv_text(errors_frame))
    atomic_write_text(out / "summary.csv", csv_text(summary))


def _gather(out: Path, rows: list[dict[str, Any]], name: str) -> pd.DataFrame:
    """The per-case tables ``name`` of the analysed submissions, one frame with a ``submission`` column."""
    import pyarrow.parquet as pq

    tables = []
    for row in sorted(rows, key=lambda r: r["submission"]):
        table = pq.read_table(out / "cases" / row["submission"] / name)
        tables.append(table.add_column(0, "submission", pa.array([row["submission"]] * table.num_rows, pa.string())))
    if not tables:
        return pd.DataFrame({"submission": pd.Series(dtype="string")})
    return pa.concat_tables(tables, promote_options="permissive").to_pandas(types_mapper=pd.ArrowDtype)


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as Parquet file contents."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
