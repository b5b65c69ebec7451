"""messages.csv cannot run in a spreadsheet; every version and source of a message is exported."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pandas as pd

from tests.report.test_tables import analysed_case
from threadlens.model import Conflict, Revision
from threadlens.report.tables import findings_document, spreadsheet_safe, write_tables

PAYLOADS = ('=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTAB", "\rCR")


def with_payloads(case):
    """The analysed case with formula payloads as the first message's text and its author's name."""
    first = case.graph.messages()[0]
    changed = replace(first, text=PAYLOADS[0] + " and more", author_name=PAYLOADS[1])
    case.graph.graph.nodes[first.id]["message"] = changed
    return case, changed


def test_spreadsheet_safe_prefixes_formula_starts_only():
    assert [spreadsheet_safe(value) for value in PAYLOADS] == ["'" + value for value in PAYLOADS]
    assert [spreadsheet_safe(value) for value in ("fine", "a=b", "", None, 3, -1.5)] == [
        "fine",
        "a=b",
        "",
        None,
        3,
        -1.5,
    ]


def test_messages_csv_escapes_formula_cells_and_parquet_keeps_them_exact(tmp_path):
    case, changed = with_payloads(analysed_case())
    write_tables(case, tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "messages.csv").read_text())))
    row = next(r for r in rows if r["id"] == changed.id)
    assert row["text"] == "'" + changed.text and row["author_name"] == "'" + changed.author_name
    assert all(not value.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for value in r.values())
    parquet = pd.read_parquet(tmp_path / "messages.parquet")
    assert parquet.loc[parquet["id"] == changed.id, "text"].iloc[0] == changed.text
    assert parquet["score"].notna().any()  # numbers stay numbers


def test_every_version_and_source_of_a_conflicting_message_is_exported(tmp_path):
    case = analysed_case()
    first = case.graph.messages()[0]
    forged_source = replace(first.source, path="notes.csv", position="row 1, line 2") if first.source else None
    revision = Revision(first.id, "Have a lovely day", first.created_at, forged_source, "x:mallory", "mallory")
    merged = replace(first, edits=(revision,), sources=(*first.sources, *(s for s in [forged_source] if s)))
    case.graph.graph.nodes[first.id]["message"] = merged
    case.read.conflicts = [Conflict(first.id, ("author", "text"), merged.sources)]
    write_tables(case, tmp_path)
    parquet = pd.read_parquet(tmp_path / "messages.parquet")
    row = parquet.loc[parquet["id"] == first.id].iloc[0]
    edits = json.loads(row["edits"])
    assert [(e["text"], e["author_id"]) for e in edits] == [("Have a lovely day", "x:mallory")]
    assert row["conflict"] == "author,text"
    assert len(json.loads(row["sources"])) == len(merged.sources)
    (conflict,) = findings_document(case)["conflicts"]
    assert conflict["message_id"] == first.id and conflict["fields"] == ["author", "text"]
    assert [v["text"] for v in conflict["versions"]] == [first.text, "Have a lovely day"]
