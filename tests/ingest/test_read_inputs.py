"""read_inputs on hostile inputs: forged duplicates, links out of the input, empty and unrecognised folders."""

from __future__ import annotations

from pathlib import Path

from threadlens.ingest import read_inputs

HEADER = "id,reply_to,author,created_at,text\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_forged_copy_of_a_message_is_a_reported_conflict_and_both_versions_are_kept(tmp_path):
    original = write(tmp_path / "case" / "export.csv", HEADER + "1,,alice,1772802125,You lot are a rabble\n"
                     "2,1,bob,1772802130,How dare you\n")
    forged = write(tmp_path / "notes.csv", HEADER + "1,,alice,1772802126,Have a lovely day\n"
                   "3,,carol,1772802127,unrelated\n")
    result = read_inputs([original, forged])
    first = result.messages[0]
    assert first.text == "You lot are a rabble"
    assert [r.text for r in first.edits] == ["Have a lovely day"]
    (conflict,) = result.conflicts
    assert conflict.message_id == "generic:1" and conflict.fields == ("text",)
    assert [s.path for s in conflict.sources] == [str(original), str(forged)]
    (problem,) = [p for p in result.problems if "generic:1" in p.reason]
    assert str(original) in problem.reason and str(forged) in problem.reason
