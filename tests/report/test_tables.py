"""findings.json (documented schema, byte-identical on rerun), messages.csv and messages.parquet."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.analysis.analysis_support import pattern_thread
from threadlens.analysis import analyse
from threadlens.definition import load_definition
from threadlens.model import Case, InputFile, ReadResult
from threadlens.report.tables import (
    SCHEMA_VERSION,
    findings_document,
    findings_json,
    messages_frame,
    sorted_keys,
    write_tables,
)
from threadlens.thread import build_graph

ESCALATION_FIELDS = {
    "message_id",
    "author",
    "created_at",
    "level",
    "level_name",
    "parent_id",
    "parent_level",
    "step",
    "reasons",
    "margin",
    "inconclusive",
    "branch",
}
CHAIN_FIELDS = {
    "provocation",
    "reaction",
    "accusation",
    "authors",
    "times",
    "gaps_seconds",
    "accuser_role",
    "cross_conversation",
}


def analysed_case() -> Case:
    """The pattern thread through graph building and analysis, from scratch."""
    rows = pattern_thread()
    messages = [m for m, _ in rows]
    scores = {m.id: s for m, s in rows}
    graph = build_graph(messages)
    findings = analyse(graph, scores, load_definition())
    read = ReadResult(messages=messages, inputs=[InputFile("thread.jsonl", "0" * 64, "jsonl", 5, 5, 0)])
    return Case(
        read=read,
        graph=graph,
        scores=scores,
        findings=findings,
        options={"format": "auto", "strict": False, "reveal": False, "pseudonymised": False},
    )


def test_findings_json_is_byte_identical_on_rerun():
    assert findings_json(analysed_case()) == findings_json(analysed_case())


def test_written_tables_are_byte_identical_on_rerun(tmp_path):
    first = [path.read_bytes() for path in write_tables(analysed_case(), tmp_path / "one")]
    second = [path.read_bytes() for path in write_tables(analysed_case(), tmp_path / "two")]
    assert first[:2] == second[:2]
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == ["findings.json", "messages.csv", "messages.parquet"]


def test_findings_document_has_the_documented_fields(sample_case):
    document = json.loads(findings_json(sample_case))
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["tool"]["name"] == "threadlens"
    assert set(document["definition"]) == {"name", "sha256", "version"}
    assert document["inputs"][0] == {
        "path": "export/council.json",
        "sha256": "3f" * 32,
        "format": "reddit-json",
        "records": 8,
        "messages": 7,
        "rejected": 1,
    }
    assert document["options"]["pseudonymised"] is True
    assert document["consent"]["case"] == "HR-2024-017"
    assert document["problems"]["count"] == 1
    assert set(document["problems"]["items"][0]) == {"path", "position", "reason", "severity"}
    [conversation] = document["conversations"]
    assert set(conversation) == {
        "id",
        "readings_to_check",
        "stands_however_read",
        "changed_by_review",
        "messages",
        "first_escalation",
        "branch_escalations",
        "chains",
        "completeness",
        "inconclusive",
        "inconclusive_reasons",
    }
    assert set(conversation["first_escalation"]) == ESCALATION_FIELDS
    assert conversation["first_escalation"]["created_at"] == "2024-03-01T18:05:00Z"
    assert set(conversation["chains"][0]) == CHAIN_FIELDS
    assert conversation["chains"][0]["gaps_seconds"] == [240.0, 300.0]
    assert conversation["completeness"]["missing_parents"] == ["reddit:t1_gone"]
    assert document["participants"][0]["author_id"] == "reddit:bob_k"


def test_document_order_is_fixed_and_times_are_utc(sample_case):
    """The top level and each conversation keep the document's order (the readings to check first); every
    object below them has sorted keys, so the text never depends on how a dict was filled."""
    text = findings_json(sample_case)
    assert text.endswith("}\n")
    document = json.loads(text)
    assert list(document)[:6] == ["schema_version", "tool", "definition", "scorer", "review", "conversations"]
    conversation = document["conversations"][0]
    assert list(conversation)[:4] == ["id", "readings_to_check", "stands_however_read", "changed_by_review"]
    below = {key: sorted_keys(value) for key, value in document.items() if key != "conversations"}
    assert all(below[key] == document[key] and json.dumps(below[key]) == json.dumps(document[key]) for key in below)
    assert all(json.dumps(sorted_keys(value)) == json.dumps(value) for value in conversation.values())
    assert "+00:00" not in text


def test_no_escalation_is_null(sample_case):
    sample_case.findings.conversations[0].first_escalation = None
    assert findings_document(sample_case)["conversations"][0]["first_escalation"] is None


def test_messages_frame_has_every_message_with_its_score():
    frame = messages_frame(analysed_case())
    assert list(frame["id"]) == [f"generic:{n}" for n in range(1, 6)]
    assert all(isinstance(dtype, pd.ArrowDtype) for dtype in frame.dtypes)
    row = frame.set_index("id").loc["generic:2"]
    assert (row["level"], row["level_name"], bool(row["hostile"]), row["score"]) == (3, "abusive", True, 0.7)
    assert json.loads(row["categories"]) == ["insult"]
    assert [e["text"] for e in json.loads(row["evidence"])] == ["rabble"]
    assert (bool(row["first_escalation"]), row["chain_roles"]) == (True, "provocation")
    assert bool(frame.set_index("id").loc["generic:5", "accusation"])
    assert row["source_position"] == "line 2"


def test_unscored_messages_have_empty_score_columns():
    case = analysed_case()
    case.scores.pop("generic:1")
    row = messages_frame(case).set_index("id").loc["generic:1"]
    assert pd.isna(row["score"]) and pd.isna(row["level"]) and pd.isna(row["evidence"])


@pytest.mark.parametrize("name", ["messages.csv", "messages.parquet"])
def test_message_tables_read_back_with_string_ids(tmp_path, name):
    write_tables(analysed_case(), tmp_path)
    path = tmp_path / name
    frame = pd.read_csv(path, dtype={"id": str}) if name.endswith(".csv") else pd.read_parquet(path)
    assert list(frame["id"]) == [f"generic:{n}" for n in range(1, 6)]
    if name.endswith(".csv"):
        assert frame.set_index("id").loc["generic:2", "created_at"] == "2025-05-01T20:05:00Z"
