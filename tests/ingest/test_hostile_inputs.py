"""The smallest inputs that once ended in a traceback or lost data without a word, each read as it should be now:
a clear error, or every record kept and what was odd about it reported."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import zipfile

import pytest

from threadlens.errors import InputError
from threadlens.ingest import read_inputs

HEADER = "id,reply_to,author,created_at,text\n"
TWEET = {"id": "1", "text": "first", "author_id": "10", "created_at": "2026-03-01T18:00:00.000Z"}


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def errors(result):
    return [p for p in result.problems if p.severity == "error"]


def warnings_of(result):
    return [p for p in result.problems if p.severity == "warning"]


# --- decoding ---------------------------------------------------------------------------------------


def test_utf16_cut_to_an_odd_length_is_a_clear_error_naming_the_encoding(tmp_path):
    path = write(tmp_path / "t.csv", (HEADER + "1,,ann,1772802125,hi\n").encode("utf-16") + b"\x00")
    with pytest.raises(InputError, match="UTF-16-LE and ends in the middle of a character"):
        read_inputs([path])


def test_utf16_with_a_lone_surrogate_is_read_with_it_replaced_and_reported(tmp_path):
    data = (HEADER + "1,,ann,1772802125,hi").encode("utf-16") + b"\x00\xd8" + "!\n".encode("utf-16-le")
    result = read_inputs([write(tmp_path / "t.csv", data)])
    assert [m.text for m in result.messages] == ["hi\ufffd!"]
    assert any("lone surrogate" in p.reason for p in warnings_of(result))


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_unicode_text_with_or_without_a_byte_order_mark_is_read(codec, tmp_path):
    path = write(tmp_path / "t.csv", (HEADER + "1,,ann,1772802125,café\n").encode(codec))
    assert [m.text for m in read_inputs([path]).messages] == ["café"]


def test_json_with_a_lone_surrogate_escape_reaches_no_message(tmp_path):
    path = write(
        tmp_path / "t.jsonl", '{"id": "1", "reply_to": "", "author": "a\\udc00", "created_at": 1, "text": "b"}'
    )
    result = read_inputs([path])
    assert [(m.author_name, m.text) for m in result.messages] == [("a\ufffd", "b")]
    assert [p.position for p in warnings_of(result)] == ["line 1"]


def test_csv_with_lines_ended_by_cr_alone_is_read_row_by_row(tmp_path):
    path = write(tmp_path / "t.csv", (HEADER + "1,,ann,1772802125,hi\n2,1,bob,1772802126,ho\n").replace("\n", "\r"))
    result = read_inputs([path])
    assert [(m.id, m.source.position) for m in result.messages] == [
        ("generic:1", "row 1, line 2"),
        ("generic:2", "row 2, line 3"),
    ]


# --- JSON limits ------------------------------------------------------------------------------------


def test_json_nested_past_the_depth_limit_is_a_clear_error(tmp_path):
    path = write(tmp_path / "t.json", '{"data": ' + "[" * 1100 + "]" * 1100 + ', "id": "1", "text": ""}')
    with pytest.raises(InputError, match="nested more than 1024 levels deep"):
        read_inputs([path], format="x-api-v2")


def test_a_deep_jsonl_line_is_rejected_and_the_other_lines_read(tmp_path):
    good = json.dumps({"id": "1", "reply_to": "", "author": "a", "created_at": 1, "text": "b"})
    path = write(tmp_path / "t.jsonl", good + "\n" + "[" * 5000 + "]" * 5000 + "\n")
    result = read_inputs([path])
    assert [m.id for m in result.messages] == ["generic:1"]
    assert [(p.position, "nested more than" in p.reason) for p in errors(result)] == [("line 2", True)]


def test_a_reddit_thread_with_replies_1200_deep_is_a_clear_error(tmp_path):
    opening = '{"kind": "t1", "data": {"name": "t1_%d", "replies": {"kind": "Listing", "data": {"children": ['
    thread = "".join(opening % depth for depth in range(1200)) + '{"kind": "t1", "data": {}}' + "]}}}}" * 1200
    with pytest.raises(InputError, match="nested"):
        read_inputs([write(tmp_path / "t.json", '[{"kind": "Listing", "data": {"children": [' + thread + "]}}]")])


def test_nested_lists_the_parser_accepts_but_too_deep_to_walk_are_a_clear_error(tmp_path):
    path = write(tmp_path / "t.json", "[" * 1000 + json.dumps({"data": [TWEET]}) + "]" * 1000)
    with pytest.raises(InputError, match="nested too deeply"):
        read_inputs([path], format="x-api-v2")


def test_an_integer_of_more_than_4300_digits_is_a_clear_error(tmp_path):
    path = write(tmp_path / "t.json", '{"data": [{"id": ' + "9" * 5000 + ', "text": "x"}]}')
    with pytest.raises(InputError, match="a number cannot be read"):
        read_inputs([path], format="x-api-v2")


# --- folders and ZIPs -------------------------------------------------------------------------------


def test_a_folder_with_symlink_loops_is_read_and_the_links_reported(tmp_path):
    case = tmp_path / "case"
    write(case / "export.csv", HEADER + "1,,ann,1772802125,hi\n")
    (case / "a.json").symlink_to("b.json")
    (case / "b.json").symlink_to("a.json")
    (case / "self.json").symlink_to("self.json")
    result = read_inputs([case])
    assert [m.id for m in result.messages] == ["generic:1"]
    assert sorted(p.path for p in result.problems if "link" in p.reason) == [
        str(case / n) for n in ("a.json", "b.json", "self.json")
    ]


def test_a_zip_member_name_held_twice_is_reported_and_both_copies_read(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("outbox.json", "{}")
        archive.writestr("data/tweets.js", "window.YTD.tweets.part0 = []")
        archive.writestr("data/account.js", _ACCOUNT)
        archive.writestr("data/tweets.js", _archive_tweets(["7", "8"]))
        archive.writestr("data/tweets.js", _archive_tweets(["9"]))
    result = read_inputs([path], format="x-archive")
    assert sorted(m.id for m in result.messages) == ["x:7", "x:8", "x:9"]
    assert any("3 members named data/tweets.js" in p.reason for p in warnings_of(result))


_ACCOUNT = 'window.YTD.account.part0 = [{"account": {"accountId": "42", "username": "owner"}}]'


def _archive_tweets(ids: list[str]) -> str:
    tweets = [
        {"tweet": {"id_str": i, "created_at": "Thu Mar 05 14:02:05 +0000 2026", "full_text": f"tweet {i}"}} for i in ids
    ]
    return "window.YTD.tweets.part0 = " + json.dumps(tweets)


@pytest.mark.slow
def test_a_zip_of_three_400_mib_members_is_refused_before_expanding_any(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("data/account.js", _ACCOUNT)
        block = b" " * (1 << 20)
        for name in ("tweets.js", "tweets-part1.js", "tweets-part2.js"):
            with archive.open(f"data/{name}", "w", force_zip64=True) as member:
                for _ in range(400):
                    member.write(block)
    assert path.stat().st_size < 3_000_000
    script = textwrap.dedent(
        f"""
        from threadlens.errors import InputError
        from threadlens.ingest import read_inputs
        try:
            read_inputs([{str(path)!r}])
        except InputError as error:
            print(error.reason)
        # the peak of this process alone (ru_maxrss would count the test process it was forked from)
        peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
        print(int(peak.split()[1]) // 1024)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    reason, peak_mb = done.stdout.strip().splitlines()
    assert re.search(r"declare 1,258,29\d,\d{3} bytes expanded, over the 1,073,741,824 byte limit", reason)
    assert int(peak_mb) < 300


# --- records of the wrong shape ---------------------------------------------------------------------

WRONG_TYPES = {
    "reddit": (
        "t.json",
        json.dumps(
            {
                "kind": "Listing",
                "data": {
                    "children": [
                        {
                            "kind": "t1",
                            "data": {
                                "name": "t1_a",
                                "body": "ok",
                                "author": "u",
                                "created_utc": 1772802125,
                                "parent_id": "t3_p",
                                "link_id": "t3_p",
                            },
                        },
                        {
                            "kind": "t1",
                            "data": {
                                "name": "t1_b",
                                "body": "x",
                                "author": "v",
                                "created_utc": 1772802125,
                                "parent_id": "t3_p",
                                "link_id": 5,
                            },
                        },
                        {"kind": "t1", "data": [1]},
                        {"kind": "more", "data": {"parent_id": "t1_a", "children": 3, "count": "many"}},
                    ]
                },
            }
        ),
        ["reddit:t1_a"],
    ),
    "mastodon": (
        "t.json",
        json.dumps(
            [
                {
                    "id": "1",
                    "uri": "https://h/users/a/statuses/1",
                    "created_at": "2026-03-01T18:00:00Z",
                    "content": "<p>ok</p>",
                    "account": {"acct": "a", "url": "https://h/@a"},
                    "in_reply_to_id": None,
                    "in_reply_to_account_id": None,
                },
                {
                    "id": "2",
                    "uri": 5,
                    "created_at": "2026-03-01T18:00:00Z",
                    "content": "x",
                    "account": {"acct": "a", "url": "https://h/@a"},
                    "in_reply_to_id": "1",
                    "in_reply_to_account_id": "9",
                    "mentions": [{"acct": 3}],
                },
            ]
        ),
        ["mastodon:https://h/users/a/statuses/1"],
    ),
    "bluesky": (
        "t.json",
        json.dumps(
            {
                "posts": [
                    {
                        "uri": "at://did:a/app.bsky.feed.post/1",
                        "author": {"did": "did:a", "handle": "a"},
                        "record": {"text": "ok", "createdAt": "2026-03-01T18:00:00Z"},
                    },
                    {"uri": "at://did:a/app.bsky.feed.post/2", "author": "did:a", "record": {"text": "x"}},
                    {"uri": "at://did:a/app.bsky.feed.post/3", "author": {"did": "did:a"}, "record": [1]},
                ]
            }
        ),
        ["bsky:at://did:a/app.bsky.feed.post/1"],
    ),
    "x-api-v2": (
        "t.json",
        json.dumps(
            {
                "data": [TWEET, {**TWEET, "id": "2", "entities": [5]}, {**TWEET, "id": "3", "referenced_tweets": 7}],
                "includes": {"users": [{"id": "10", "username": 5}, 3]},
                "errors": 4,
            }
        ),
        ["x:1"],
    ),
}


@pytest.mark.parametrize("reader", sorted(WRONG_TYPES))
def test_a_field_of_the_wrong_type_rejects_its_record_with_its_position(reader, tmp_path):
    name, text, kept = WRONG_TYPES[reader]
    result = read_inputs([write(tmp_path / name, text)], format=reader)
    assert [m.id for m in result.messages] == kept
    assert errors(result) and all(p.position and p.reason for p in errors(result))
    assert result.inputs[0].rejected == len(errors(result))


def test_an_archive_with_wrong_typed_owner_and_notes_is_read(tmp_path):
    data = tmp_path / "archive" / "data"
    write(data / "account.js", 'window.YTD.account.part0 = [{"account": {"accountId": [1], "username": 5}}]')
    tweets = json.loads(_archive_tweets(["7"]).split("= ", 1)[1])
    tweets[0]["tweet"]["edit_info"] = {"initial": {"editTweetIds": 5}}
    tweets.append({"tweet": {**tweets[0]["tweet"], "id_str": "8", "edit_info": [1]}})
    write(data / "tweets.js", "window.YTD.tweets.part0 = " + json.dumps(tweets))
    notes = [{"noteTweet": {"noteTweetId": "7", "createdAt": "2026-03-05T14:02:05.000Z", "core": [1]}}]
    write(data / "note-tweet.js", "window.YTD.note_tweet.part0 = " + json.dumps(notes))
    result = read_inputs([tmp_path / "archive"])
    assert {p.position for p in errors(result)} >= {"$[0].tweet", "$[1].tweet", "$[0]"}
    assert any("owner is unknown" in p.reason for p in warnings_of(result))


# --- nothing lost without a word --------------------------------------------------------------------


def test_the_same_tweet_id_twice_in_one_file_with_another_author_is_a_conflict_and_both_are_kept(tmp_path):
    forged = {**TWEET, "author_id": "66", "text": "forged"}
    path = write(tmp_path / "t.jsonl", json.dumps({"data": [TWEET]}) + "\n" + json.dumps({"data": [forged]}) + "\n")
    result = read_inputs([path])
    assert [(m.id, m.author_id, m.text) for m in result.messages] == [("x:1", "x:10", "first")]
    assert [(r.author_id, r.text) for r in result.messages[0].edits] == [("x:66", "forged")]
    assert [c.fields for c in result.conflicts] == [("author", "text")]
    assert [s.position for s in result.conflicts[0].sources] == ["line 1: $.data[0]", "line 2: $.data[0]"]


def test_the_same_row_id_twice_in_one_csv_is_a_conflict_not_an_edit(tmp_path):
    path = write(tmp_path / "t.csv", HEADER + "1,,ann,1772802125,hi\n1,,mallory,1772802999,forged\n")
    result = read_inputs([path])
    assert [(m.author_id, m.text) for m in result.messages] == [("generic:ann", "hi")]
    assert [c.fields for c in result.conflicts] == [("author", "text")]


def test_the_same_tweet_twice_in_one_file_unchanged_is_one_message_and_no_conflict(tmp_path):
    path = write(tmp_path / "t.jsonl", json.dumps({"data": [TWEET]}) + "\n" + json.dumps({"data": [TWEET]}) + "\n")
    result = read_inputs([path])
    assert [len(m.sources) for m in result.messages] == [2] and not result.conflicts


def test_a_referenced_tweet_that_is_not_an_object_is_reported(tmp_path):
    tweet = {**TWEET, "id": "2", "referenced_tweets": [5, {"type": "quoted", "id": "1"}]}
    result = read_inputs([write(tmp_path / "t.json", json.dumps({"data": [tweet]}))])
    assert [(m.id, m.quote_of) for m in result.messages] == [("x:2", "x:1")]
    assert [p.position for p in warnings_of(result)] == ["$.data[0].referenced_tweets[0]"]
