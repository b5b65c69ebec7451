"""The shared input handling: decoding, JSON errors, ZIP limits, sniffing and time parsing."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest

from threadlens.errors import FormatError, InputError
from threadlens.ingest import base, read_inputs
from threadlens.ingest.base import SourceFile, parse_time


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("  \n")
    with pytest.raises(InputError, match="empty") as caught:
        _ = SourceFile(path).text
    assert caught.value.path == str(path)


def test_binary_file_is_named_as_binary(tmp_path):
    path = tmp_path / "photo.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    with pytest.raises(InputError, match="binary"):
        _ = SourceFile(path).text


def test_wrong_encoding_names_line_and_offset(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,text\n1,ok\n2,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        _ = SourceFile(path).text
    assert caught.value.position == "line 3"
    assert "UTF-8" in str(caught.value)


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffid,text\n".encode())
    assert SourceFile(path).text == "id,text\n"


def test_truncated_json_says_truncated(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('{"data": [{"id": "1", "text": "hi"}')
    with pytest.raises(InputError, match="truncated") as caught:
        SourceFile(path).json()
    assert caught.value.position.startswith("line 1")


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "a": 1,\n  "b": oops\n}\n')
    with pytest.raises(InputError, match="invalid JSON") as caught:
        SourceFile(path).json()
    assert caught.value.position == "line 3, column 8"


def test_jsonl_reports_bad_lines_and_keeps_good(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n\n{"a": \n{"a": 3}\n')
    parsed = list(SourceFile(path).jsonl())
    assert [number for number, _ in parsed] == [1, 3, 4]
    assert isinstance(parsed[1][1], InputError)
    assert parsed[2][1] == {"a": 3}


def test_zip_member_over_limit_is_refused(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/tweets.js", "x" * 2000)
    path = tmp_path / "archive.zip"
    path.write_bytes(buffer.getvalue())
    monkeypatch.setattr(base, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(InputError, match="over the 1,000 byte limit") as caught:
        SourceFile(path).members()
    assert caught.value.path == f"{path}!data/tweets.js"


def test_truncated_zip_is_a_clear_error(tmp_path):
    path = tmp_path / "archive.zip"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 20)
    with pytest.raises(InputError, match="ZIP"):
        SourceFile(path).members()


def test_unknown_format_lists_the_readers(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    with pytest.raises(FormatError) as caught:
        read_inputs([path])
    assert "--format" in str(caught.value)


def test_unknown_file_inside_a_folder_is_reported_not_fatal(tmp_path):
    (tmp_path / "notes.txt").write_text("just some notes\n")
    result = read_inputs([tmp_path])
    assert result.messages == []
    assert [p.reason.startswith("skipped") for p in result.problems] == [True]
    assert result.inputs[0].format == "unrecognised"


def test_unknown_format_name_is_refused(tmp_path):
    with pytest.raises(FormatError, match="unknown format"):
        read_inputs([tmp_path], format="myspace")


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_inputs([tmp_path / "nope.json"])


def test_folder_hash_changes_with_content(tmp_path):
    (tmp_path / "a.json").write_text("[]")
    first = SourceFile(tmp_path).sha256
    (tmp_path / "a.json").write_text("[ ]")
    assert SourceFile(tmp_path).sha256 != first


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fri Mar 06 13:02:05 +0000 2026", datetime(2026, 3, 6, 13, 2, 5, tzinfo=UTC)),
        ("2026-03-06T13:02:05.000Z", datetime(2026, 3, 6, 13, 2, 5, tzinfo=UTC)),
        ("2026-03-06T14:02:05+01:00", datetime(2026, 3, 6, 13, 2, 5, tzinfo=UTC)),
        ("2026-03-06 13:02:05", datetime(2026, 3, 6, 13, 2, 5, tzinfo=UTC)),
        (1772802125, datetime(2026, 3, 6, 13, 2, 5, tzinfo=UTC)),
        ("1772802125000", datetime(2026, 3, 6, 13, 2, 5, tzinfo=UTC)),
        (1772802125.0, datetime(2026, 3, 6, 13, 2, 5, tzinfo=UTC)),
    ],
)
def test_parse_time_gives_aware_utc(value, expected):
    parsed = parse_time(value)
    assert parsed == expected
    assert parsed.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("value", ["", None, "yesterday", True, "13/03/2026"])
def test_parse_time_refuses_what_is_not_a_time(value):
    with pytest.raises(ValueError):
        parse_time(value)


def test_jsonl_keeps_line_separators_inside_strings(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "one\u2028two\u0085three"}\n{"text": "next"}\n', encoding="utf-8")
    parsed = [value for _, value in SourceFile(path).jsonl()]
    assert parsed == [{"text": "one\u2028two\u0085three"}, {"text": "next"}]


def test_json_with_a_lone_surrogate_escape_is_still_read(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"id": "1", "text": "broken emoji \\ud83d"}', encoding="utf-8")
    assert SourceFile(path).json()["text"] == "broken emoji \ud83d"
