"""The generic csv and jsonl readers: columns, mapping, ids that stay exact, bad rows kept apart."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from threadlens.errors import InputError
from threadlens.ingest import rows, tabular
from threadlens.ingest.base import Sink, SourceFile
from threadlens.model import Message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tabular"
TWEET_COLUMNS = {
    "id": "tweet_id",
    "reply_to": "in_reply_to",
    "author": "user",
    "created_at": "time",
    "text": "full_text",
}


def read(path: Path, *, strict: bool = False, **options) -> tuple[list[Message], Sink]:
    sink = Sink(strict=strict, options=options)
    reader = tabular.read_jsonl if path.suffix == ".jsonl" else tabular.read_csv
    return list(reader(SourceFile(path), sink)), sink


def test_csv_rows_become_messages_with_exact_ids():
    messages, sink = read(FIXTURES / "messages.csv")
    assert [m.id for m in messages] == [f"generic:20299053582615021{n}" for n in (68, 69, 70, 72, 73)]
    root, reply, answer, report, deleted = messages
    assert reply.reply_to == "generic:2029905358261502168"
    assert answer.reply_to == "generic:2029905358261502169"
    assert report.reply_to == "generic:2029905358261502170"
    assert root.conversation_id == "generic:2029905358261502168"
    assert reply.author_id == "generic:991002" and reply.author_name == "bob_t"
    assert reply.platform == "generic"
    assert deleted.deleted is True and reply.deleted is False
    assert sink.records == 8


def test_csv_times_iso_epoch_seconds_and_milliseconds():
    root, reply, answer, report, _ = read(FIXTURES / "messages.csv")[0]
    assert root.created_at == datetime(2026, 3, 6, 13, 2, 5, tzinfo=UTC)
    assert reply.created_at == datetime(2026, 3, 6, 13, 10, 44, tzinfo=UTC)
    assert answer.created_at == datetime(2026, 3, 6, 13, 12, tzinfo=UTC)  # written as 14:12 +01:00
    assert report.created_at == datetime(2026, 3, 6, 13, 20, tzinfo=UTC)  # epoch milliseconds


def test_csv_quoted_multiline_text_and_positions():
    answer = read(FIXTURES / "messages.csv")[0][2]
    assert answer.text == "Don't call us that.\nIt's the \"rabble\" that does the work."
    assert answer.source.position == "row 3, line 4"
    assert answer.source.format == "csv"


def test_csv_bad_rows_are_rejected_with_row_and_line():
    _, sink = read(FIXTURES / "messages.csv")
    assert [(p.position, p.reason.split(" (expected")[0]) for p in sink.problems] == [
        ("row 4, line 6", "id is empty"),
        ("row 5, line 7", "not an ISO-8601, Twitter or epoch time: 'last Tuesday'"),
        ("row 8, line 10", "row has 9 fields but the header has 8"),
    ]


def test_unclosed_quote_is_reported_and_the_rows_after_it_are_still_read(tmp_path):
    path = tmp_path / "rows.csv"
    rows = [f"{n},{n - 1 if n > 1 else ''},user{n % 2},{1772802125 + n},message {n}" for n in range(1, 11)]
    rows[2] = '3,2,user1,1772802128,"he said hello there'
    path.write_text("id,reply_to,author,created_at,text\n" + "\n".join(rows) + "\n")
    messages, sink = read(path)
    assert [m.id for m in messages] == [f"generic:{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10)]
    assert messages[2].source.position == "row 4, line 5"
    assert messages[-1].source.position == "row 10, line 11"
    (problem,) = sink.problems
    assert problem.position == "row 3, line 4" and "unclosed quote" in problem.reason
    assert sink.records == 10


def test_unclosed_quote_closed_by_a_later_quote_loses_no_row(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(
        "id,reply_to,author,created_at,text\n1,,a,1772802125,fine\n"
        '2,1,b,1772802130,"an unclosed quote\n3,2,a,1772802140,later\n4,3,b,1772802150,"quoted" word\n'
        "5,4,a,1772802160,last\n"
    )
    messages, sink = read(path)
    assert [m.id for m in messages] == ["generic:1", "generic:3", "generic:5"]
    assert [p.position for p in sink.problems] == ["row 2, line 3", "row 4, line 5"]
    assert sink.records == 5


def test_a_csv_field_over_128_kb_is_read(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(f'id,reply_to,author,created_at,text\n1,,a,1772802125,"{"x" * 200_000}"\n2,1,b,1772802130,after\n')
    messages, sink = read(path)
    assert [len(m.text) for m in messages] == [200_000, 5] and not sink.problems


def test_strict_fails_on_the_first_bad_row():
    with pytest.raises(InputError, match="id is empty") as caught:
        read(FIXTURES / "messages.csv", strict=True)
    assert caught.value.position == "row 4, line 6"


def test_tsv_with_mapped_columns_and_platform_option():
    messages, sink = read(FIXTURES / "tweets.tsv", columns=TWEET_COLUMNS, platform="x")
    assert [m.id for m in messages] == ["x:1899012345678901234", "x:1899012345678901299", "x:1899012345678901300"]
    assert [m.reply_to for m in messages] == [None, "x:1899012345678901234", "x:1899012345678901299"]
    assert messages[0].author_id == "x:783214" and messages[0].platform == "x"
    assert sink.problems == []


def test_missing_column_is_one_clear_error_naming_found_expected_and_option():
    with pytest.raises(InputError) as caught:
        read(FIXTURES / "tweets.tsv")
    error = str(caught.value)
    assert "missing required column(s): id, reply_to, author, created_at, text" in error
    assert "found: tweet_id, in_reply_to, user, time, full_text" in error
    assert "--column" in error
    assert caught.value.position == "line 1 (header)"


def test_mapped_column_that_is_absent_is_named_with_its_mapping():
    with pytest.raises(InputError, match=r"text \(as 'body'\)"):
        read(FIXTURES / "tweets.tsv", columns={**TWEET_COLUMNS, "text": "body"})


def test_unknown_canonical_column_in_the_mapping_is_refused():
    with pytest.raises(InputError, match=r"unknown column name.*tweet_text"):
        read(FIXTURES / "tweets.tsv", columns={"tweet_text": "full_text"})


def test_semicolon_csv_and_per_row_platform(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "id;reply_to;author;created_at;text;platform\n"
        "t1_a;;ann;2026-03-06T10:00:00Z;hello;reddit\n"
        "7;;bo;2026-03-06T10:01:00Z;hi;\n"
    )
    messages, _ = read(path)
    assert [(m.id, m.platform) for m in messages] == [("reddit:t1_a", "reddit"), ("generic:7", "generic")]


def test_jsonl_ids_stay_exact_and_floats_are_refused():
    messages, sink = read(FIXTURES / "messages.jsonl")
    ids = [m.id for m in messages]
    assert ids == [
        "generic:2029905358261502168",
        "generic:2029905358261502169",
        "reddit:t1_kq3d4",
        "bsky:2029905358261502171",
    ]
    assert messages[1].reply_to == "generic:2029905358261502168"  # a JSON integer, read exactly
    assert messages[1].quote_of == "generic:2029905358261502168"
    assert messages[2].reply_to == "reddit:t1_kq3c3"  # already qualified
    assert messages[3].platform == "bluesky" and messages[3].reply_to == "bsky:2029905358261502169"
    assert [(p.position, p.reason.split(" (expected")[0]) for p in sink.problems] == [
        ("line 3", "id 2.0299053582615022e+18 is not a string or an integer; ids must never be floats"),
        ("line 5", "invalid JSON at column 104: Unterminated string starting at"),
        ("line 6", "line holds a JSON list"),
    ]
    assert sink.records == 7


def test_jsonl_missing_column_is_one_clear_error(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text(json.dumps({"post_id": "1", "body": "x"}) + "\n")
    with pytest.raises(InputError, match="missing required column") as caught:
        read(path)
    assert "found: post_id, body" in str(caught.value)
    assert caught.value.position == "line 1"


def test_jsonl_mapped_columns(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text(json.dumps({"post_id": "9", "parent": None, "user": "u", "ts": 1772802125, "body": "x"}) + "\n")
    messages, _ = read(
        path, columns={"id": "post_id", "reply_to": "parent", "author": "user", "created_at": "ts", "text": "body"}
    )
    assert [(m.id, m.author_id, m.text) for m in messages] == [("generic:9", "generic:u", "x")]


def test_bad_deleted_flag_is_rejected(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("id,reply_to,author,created_at,text,deleted\n1,,a,1772802125,x,maybe\n")
    messages, sink = read(path)
    assert messages == []
    assert "deleted is 'maybe'" in sink.problems[0].reason


@pytest.mark.parametrize(
    ("name", "content", "csv", "jsonl"),
    [
        ("messages.csv", "id,text\n", True, False),
        ("tweets.csv", "tweet_id,full_text\n", False, False),  # mapped names: named with --format csv
        ("quoted.csv", '"id","reply_to","text"\r\n', True, False),
        ("messages.tsv", "id\ttext\n", True, False),
        ("notes.txt", "id,text\n", False, False),
        ("messages.jsonl", '{"id": "1", "text": "x", "author": "a"}\n', False, True),
        ("tweets.jsonl", '{"id": "1", "text": "x", "author_id": "7", "edit_history_tweet_ids": ["1"]}\n', False, False),
        ("pages.jsonl", '{"data": [{"id": "1", "text": "x"}], "includes": {}}\n', False, False),
        ("utterances.jsonl", '{"id": "u1", "speaker": "s", "text": "x", "reply_to": null}\n', False, False),
        ("other.jsonl", '{"uri": "at://x", "record": {}}\n', False, False),
    ],
)
def test_sniff(tmp_path, name, content, csv, jsonl):
    path = tmp_path / name
    path.write_text(content)
    assert tabular.sniff_csv(SourceFile(path)) is csv
    assert tabular.sniff_jsonl(SourceFile(path)) is jsonl


def test_generic_readers_are_sniffed_after_every_platform_reader():
    from threadlens.ingest import bluesky, convokit, mastodon, reddit  # noqa: F401  (registers them)
    from threadlens.ingest.base import READERS

    platform_readers = [reader.priority for name, reader in READERS.items() if name not in ("csv", "jsonl")]
    assert len(platform_readers) >= 4
    assert min(READERS["csv"].priority, READERS["jsonl"].priority) > max(platform_readers)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("mastodon/context.json", "mastodon"),
        ("mastodon/statuses.json", "mastodon"),
        ("mastodon/archive", "mastodon"),
        ("mastodon/archive/outbox.json", "mastodon"),
        ("bluesky/thread.json", "bluesky"),
        ("bluesky/threads.jsonl", "bluesky"),
        ("bluesky/posts.json", "bluesky"),
        ("reddit/thread.json", "reddit"),
        ("reddit/morechildren.json", "reddit"),
        ("reddit/listing.json", "reddit"),
        ("tabular/messages.csv", "csv"),
        ("tabular/messages.jsonl", "jsonl"),
        ("convokit/corpus", "convokit"),
        ("convokit/meeting_utterances.jsonl", "convokit"),
    ],
)
def test_every_fixture_is_detected_as_its_own_format(relative, expected):
    from threadlens.ingest import bluesky, convokit, mastodon, reddit  # noqa: F401  (registers them)
    from threadlens.ingest.base import detect_format

    assert detect_format(SourceFile(FIXTURES.parent / relative)).name == expected


@pytest.mark.parametrize(
    ("value", "prefix", "expected"),
    [
        ("2029905358261502168", "x", "x:2029905358261502168"),
        (2029905358261502168, "x", "x:2029905358261502168"),
        ("x:123", "generic", "x:123"),
        ("mastodon:https://h/users/a/statuses/1", "generic", "mastodon:https://h/users/a/statuses/1"),
        ("https://h/1", "generic", "generic:https://h/1"),
        ("  ", "generic", None),
        (None, "generic", None),
    ],
)
def test_qualify(value, prefix, expected):
    assert rows.qualify(value, prefix) == expected


def test_qualify_refuses_floats():
    with pytest.raises(ValueError, match="never be floats"):
        rows.qualify(1.5e18, "x")


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("")
    with pytest.raises(InputError, match="empty"):
        read(path)
