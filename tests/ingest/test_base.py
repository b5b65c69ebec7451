"""The shared input handling: decoding, JSON errors, ZIP limits, sniffing and time parsing."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest

from threadlens import limits
from threadlens.errors import FormatError, InputError
from threadlens.ingest import read_inputs
from threadlens.ingest.base import SourceFile, parse_time
from threadlens.ingest.decoding import noticing


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


def zip_file(path, members: dict[str, str | bytes], compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    path.write_bytes(buffer.getvalue())
    return path


def test_zip_member_over_limit_is_refused(tmp_path, monkeypatch):
    path = zip_file(tmp_path / "archive.zip", {"data/tweets.js": "x" * 2000})
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBER_BYTES", 1000)
    with pytest.raises(InputError, match="over the 1,000 byte limit") as caught:
        _ = SourceFile(path).members()["data/tweets.js"].data
    assert caught.value.path == f"{path}!data/tweets.js"


def test_zip_member_with_a_bad_crc_is_a_clear_error_naming_the_member(tmp_path):
    path = zip_file(
        tmp_path / "archive.zip", {"data/tweets.js": "window.YTD.tweets.part0 = []"}, compression=zipfile.ZIP_STORED
    )
    data = path.read_bytes()
    path.write_bytes(data.replace(b"window.YTD", b"window.YTE", 1))
    with pytest.raises(InputError, match="cannot be expanded") as caught:
        read_inputs([path], format="x-archive")
    assert caught.value.path == f"{path}!data/tweets.js" and "CRC" in caught.value.reason


def test_zip_member_whose_header_lies_about_its_size_is_a_clear_error(tmp_path):
    path = zip_file(tmp_path / "archive.zip", {"notes.jsonl": '{"id": "1", "text": "' + "a" * 5000 + '"}\n'})
    archive = zipfile.ZipFile(path)
    info = archive.infolist()[0]
    data = bytearray(path.read_bytes())
    real = info.file_size.to_bytes(4, "little")
    for start in (22, archive.start_dir + 24):  # the local header's and the central directory's size fields
        assert data[start : start + 4] == real
        data[start : start + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="cannot be expanded"):
        _ = SourceFile(path).members()["notes.jsonl"].data


def test_zip_expansion_is_limited_in_total_and_members_are_expanded_only_when_read(tmp_path, monkeypatch):
    path = zip_file(tmp_path / "archive.zip", {"a.jsonl": "a" * 2000, "b.jsonl": "b" * 2000, "c.bin": "c" * 9000})
    monkeypatch.setattr(limits, "MAX_ZIP_EXPANDED_BYTES", 3000)
    members = SourceFile(path).members()
    assert len(members["a.jsonl"].data) == 2000  # c.bin, over the total alone, was never expanded
    with pytest.raises(InputError, match="expands to more than 3,000 bytes") as caught:
        _ = members["b.jsonl"].data
    assert caught.value.path == f"{path}!b.jsonl"


def test_truncated_zip_is_a_clear_error(tmp_path):
    path = tmp_path / "archive.zip"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 20)
    with pytest.raises(InputError, match="ZIP"):
        SourceFile(path).members()
    with pytest.raises(InputError, match="not a readable ZIP archive"):
        read_inputs([path])


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


@pytest.mark.parametrize(
    "value",
    [
        99999999999999999999,
        "99999999999999999999",
        1e300,
        float("nan"),
        float("inf"),
        -1e20,
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00+01:00",
    ],
)
def test_parse_time_refuses_absurd_times_with_a_value_error(value):
    with pytest.raises(ValueError, match=r"out of range|not a time"):
        parse_time(value)


def test_one_absurd_time_rejects_its_row_and_keeps_the_rest(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(
        "id,reply_to,author,created_at,text\n1,,a,99999999999999999999,one\n"
        "2,,a,9999-12-31T23:59:59-01:00,two\n3,,a,1772802125,three\n"
    )
    result = read_inputs([path])
    assert [m.id for m in result.messages] == ["generic:3"]
    assert [p.position for p in result.problems] == ["row 1, line 2", "row 2, line 3"]


def test_jsonl_keeps_line_separators_inside_strings(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "one\u2028two\u0085three"}\n{"text": "next"}\n', encoding="utf-8")
    parsed = [value for _, value in SourceFile(path).jsonl()]
    assert parsed == [{"text": "one\u2028two\u0085three"}, {"text": "next"}]


def test_json_with_a_lone_surrogate_escape_is_read_with_it_replaced_and_reported(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"id": "1", "text": "broken emoji \\ud83d", "\\udfff": ["\\ud83d\\ude00"]}', encoding="utf-8")
    with noticing() as notices:
        value = SourceFile(path).json()
    assert value == {"id": "1", "text": "broken emoji \ufffd", "\ufffd": ["\U0001f600"]}
    assert [(n.position, n.severity) for n in notices] == [("whole file", "warning")]
    assert notices[0].reason.startswith("2 lone surrogate(s)")
