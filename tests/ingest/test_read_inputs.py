"""read_inputs on hostile inputs: forged duplicates, links out of the input, empty and unrecognised folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadlens.errors import FormatError, InputError
from threadlens.ingest import read_inputs

HEADER = "id,reply_to,author,created_at,text\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_forged_copy_of_a_message_is_a_reported_conflict_and_both_versions_are_kept(tmp_path):
    original = write(
        tmp_path / "case" / "export.csv",
        HEADER + "1,,alice,1772802125,You lot are a rabble\n2,1,bob,1772802130,How dare you\n",
    )
    forged = write(
        tmp_path / "notes.csv", HEADER + "1,,alice,1772802126,Have a lovely day\n3,,carol,1772802127,unrelated\n"
    )
    result = read_inputs([original, forged])
    first = result.messages[0]
    assert first.text == "You lot are a rabble"
    assert [r.text for r in first.edits] == ["Have a lovely day"]
    (conflict,) = result.conflicts
    assert conflict.message_id == "generic:1" and conflict.fields == ("text",)
    assert [s.path for s in conflict.sources] == [str(original), str(forged)]
    (problem,) = [p for p in result.problems if "generic:1" in p.reason]
    assert str(original) in problem.reason and str(forged) in problem.reason


def test_a_jsonl_whose_first_line_is_over_64_kb_is_recognised(tmp_path):
    path = write(
        tmp_path / "thread.jsonl",
        '{"id": "1", "reply_to": null, "author": "a", "created_at": 1772802125, '
        f'"text": "{"x" * 100_000}"}}\n'
        '{"id": "2", "reply_to": "1", "author": "b", "created_at": '
        '1772802130, "text": "short"}\n',
    )
    result = read_inputs([path])
    assert [m.id for m in result.messages] == ["generic:1", "generic:2"]


def test_a_tweets_js_ending_in_a_semicolon_is_read_not_called_truncated(tmp_path):
    from tests.ingest.test_x_archive import ARCHIVE

    text = (ARCHIVE / "data" / "tweets.js").read_text(encoding="utf-8").rstrip() + ";\n"
    path = write(tmp_path / "tweets.js", text)
    assert read_inputs([path]).messages


def test_a_csv_with_the_wrong_columns_names_the_columns_it_needs(tmp_path):
    path = write(tmp_path / "export.csv", "tweet_id,when,who,body\n1,2026-03-06,a,hello\n")
    with pytest.raises(FormatError) as caught:
        read_inputs([path])
    message = str(caught.value)
    assert "tweet_id, when, who, body" in message and "id, reply_to, author, created_at, text" in message
    assert "--column" in message


def test_an_empty_folder_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no files"):
        read_inputs([tmp_path / "empty"])


def test_a_wrong_format_says_the_format_is_wrong_not_the_file(tmp_path):
    from tests.ingest.test_x_api_v2 import FIXTURES as X_FIXTURES

    with pytest.raises(FormatError, match="not reddit") as caught:
        read_inputs([X_FIXTURES / "search-pages.jsonl"], format="reddit")
    assert "x-api-v2" in str(caught.value)


def test_links_that_leave_the_input_are_reported_and_not_followed(tmp_path):
    outside = write(tmp_path / "private" / "secret.csv", HEADER + "9,,eve,1772802125,private words\n")
    case = tmp_path / "case"
    write(case / "export.csv", HEADER + "1,,alice,1772802125,hello\n")
    (case / "linked.csv").symlink_to(outside)
    (case / "etc").symlink_to(tmp_path / "private", target_is_directory=True)
    (case / "loop").symlink_to(".", target_is_directory=True)
    result = read_inputs([case])
    assert [m.id for m in result.messages] == ["generic:1"]
    assert all("private words" not in m.text for m in result.messages)
    skipped = sorted(p.path for p in result.problems if "link" in p.reason)
    assert skipped == sorted(str(case / name) for name in ("etc", "linked.csv", "loop"))
    assert [i.path for i in result.inputs] == [str(case / "export.csv")]


def test_an_analysis_folder_inside_the_input_is_not_read_again(tmp_path):
    case = tmp_path / "case"
    write(case / "export.csv", HEADER + "1,,alice,1772802125,hello\n")
    write(case / "out" / "findings.json", '{"schema_version": "1.0", "tool": {"name": "threadlens"}}\n')
    write(case / "out" / "messages.csv", "id,conversation_id,text\ngeneric:1,generic:1,hello\n")
    result = read_inputs([case])
    assert [i.path for i in result.inputs] == [str(case / "export.csv")]
    assert any("analysis" in p.reason and p.severity == "warning" for p in result.problems)
