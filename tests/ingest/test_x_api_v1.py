"""The X API v1.1 reader: statuses as JSON lines, lists, single objects and search responses."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_path
from threadlens.errors import InputError
from threadlens.ingest import read_inputs, x_api_v1
from threadlens.ingest.base import Sink, SourceFile
from threadlens.model import Message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x"
STATUSES = FIXTURES / "statuses.jsonl"
SEARCH = FIXTURES / "search-tweets.json"
ROOT = "x:2029905358261502168"
REPLY, QUOTE, QUOTED = "x:2029907012390125811", "x:2029911502387392512", "x:2029904113786740736"
LONG = "x:2029916620138565632"
DAN, PRIYA = "x:1290384756102938475", "x:1502938475610293847"
CASSETTES = (
    "testgetretweets.json",
    "testgetstatus.json",
    "testhometimeline.json",
    "testmentionstimeline.json",
    "testsearchtweets.json",
    "testusertimeline.json",
)


def read(path: Path, **kwargs) -> tuple[list[Message], Sink]:
    sink = Sink(**kwargs)
    return list(x_api_v1.read(SourceFile(path), sink)), sink


def by_id(messages: list[Message]) -> dict[str, Message]:
    return {m.id: m for m in messages}


def test_statuses_become_messages_with_exact_ids_and_utc_times():
    messages, sink = read(STATUSES)
    assert [m.id for m in messages] == [REPLY, QUOTE, QUOTED, ROOT, LONG]
    assert sink.records == 6  # four statuses, the quoted one and the retweeted one
    reply = by_id(messages)[REPLY]
    assert reply.id == "x:2029907012390125811"  # the JSON number 2029907012390125811 is never read as a float
    assert reply.created_at == datetime(2026, 3, 6, 13, 8, 39, tzinfo=UTC)
    assert reply.author_id == DAN and reply.author_name == "dan_hewitt"
    assert reply.url == "https://x.com/dan_hewitt/status/2029907012390125811"
    assert reply.source.position == "line 1: $" and reply.source.format == "x-api-v1"
    assert reply.conversation_id is None


def test_replies_quotes_and_embedded_statuses():
    messages = by_id(read(STATUSES)[0])
    assert messages[REPLY].reply_to == ROOT
    assert messages[QUOTE].quote_of == QUOTED
    quoted = messages[QUOTED]
    assert quoted.context_only and quoted.source.position == "line 2: $.quoted_status"
    assert messages[LONG].reply_to == "x:2029913876225523854"
    assert not messages[REPLY].context_only


def test_retweet_is_counted_and_its_original_kept_as_context():
    messages, sink = read(STATUSES)
    found = by_id(messages)
    assert "x:2029912208713859072" not in found
    assert found[ROOT].context_only and found[ROOT].source.position == "line 3: $.retweeted_status"
    assert [p.reason for p in sink.problems] == [
        "1 retweet(s) are not messages (a retweet repeats another tweet's words); they are counted as records only"
    ]


def test_text_is_decoded_expanded_and_extended():
    messages = by_id(read(STATUSES)[0])
    assert messages[REPLY].text == "@priya_lanner Who wrote these? The usual rabble & hangers-on"
    assert messages[ROOT].text == (
        "March minutes: https://eastgate-labour.example.org/minutes/2026-03 & comments by Friday <please>"
    )
    assert messages[QUOTE].text == "Not a great look, Dan. https://twitter.com/dan_hewitt/status/2029904113786740736"
    assert messages[LONG].text.endswith("If there is a problem with them, raise it at the meeting.")
    assert messages[LONG].mentions == (PRIYA,) and messages[LONG].mention_names == ("priya_lanner",)


def test_search_response_single_status_and_list(tmp_path):
    messages, _ = read(SEARCH)
    assert [m.id for m in messages] == [REPLY, QUOTE, QUOTED]
    assert messages[0].source.position == "$.statuses[0]"
    statuses = [json.loads(line) for line in STATUSES.read_text(encoding="utf-8").splitlines()]
    single = tmp_path / "status.json"
    single.write_text(json.dumps(statuses[0], indent=2), encoding="utf-8")
    assert [(m.id, m.source.position) for m in read(single)[0]] == [(REPLY, "$")]
    listed = tmp_path / "timeline.json"
    listed.write_text(json.dumps(statuses[:2]), encoding="utf-8")
    assert [(m.id, m.source.position) for m in read(listed)[0]] == [
        (REPLY, "$[0]"),
        (QUOTE, "$[1]"),
        (QUOTED, "$[1].quoted_status"),
    ]


def test_auto_detection_picks_v1_not_v2():
    result = read_inputs([STATUSES, SEARCH])
    assert [i.format for i in result.inputs] == ["x-api-v1", "x-api-v1"]
    assert not x_api_v1.sniff(SourceFile(FIXTURES / "search-pages.jsonl"))


def test_bad_status_among_good_ones_and_strict(tmp_path):
    lines = STATUSES.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[0])
    broken["id_str"], broken["id"] = "2029906000000000001", 2029906000000000001
    del broken["user"]
    path = tmp_path / "statuses.jsonl"
    path.write_text("\n".join([lines[0], json.dumps(broken), lines[3]]) + "\n", encoding="utf-8")
    messages, sink = read(path)
    assert [m.id for m in messages] == [REPLY, LONG]
    (error,) = [p for p in sink.problems if p.severity == "error"]
    assert error.position == "line 2: $" and "user" in error.reason
    assert sink.records == 3
    with pytest.raises(InputError) as caught:
        read(path, strict=True)
    assert (caught.value.path, caught.value.position) == (str(path), "line 2: $")


def test_truncated_wrong_and_empty_files_are_clear_errors(tmp_path):
    truncated = tmp_path / "search.json"
    truncated.write_text(SEARCH.read_text(encoding="utf-8")[:900], encoding="utf-8")
    with pytest.raises(InputError, match="truncated") as caught:
        read(truncated)
    assert caught.value.path == str(truncated) and caught.value.position.startswith("line ")
    wrong = tmp_path / "config.json"
    wrong.write_text('{"name": "not statuses",\n "items": []}', encoding="utf-8")
    with pytest.raises(InputError, match=r"not an X API v1\.1 status") as caught:
        read(wrong)
    assert caught.value.position == "$"
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read(empty)


# --- conformance over the v1.1 responses recorded by tweepy's tests -------------------------------------


def cassette_body(name: str, tmp_path: Path) -> list[Path]:
    """The response bodies of a vcrpy JSON cassette, written to files."""
    cassette = json.loads(shared_path("formats", "x-api-tweepy-cassettes", name).read_text(encoding="utf-8"))
    paths = []
    for index, interaction in enumerate(cassette["interactions"]):
        path = tmp_path / f"{name.removesuffix('.json')}-{index}.json"
        path.write_text(interaction["response"]["body"]["string"], encoding="utf-8")
        paths.append(path)
    return paths


def raw_statuses(value: Any) -> list[dict[str, Any]]:
    """Every status object in a v1.1 response, embedded ones included."""
    statuses = value["statuses"] if isinstance(value, dict) and "statuses" in value else value
    found: list[dict[str, Any]] = []
    pending = list(statuses if isinstance(statuses, list) else [statuses])
    while pending:
        status = pending.pop()
        found.append(status)
        pending += [status[k] for k in ("retweeted_status", "quoted_status") if isinstance(status.get(k), dict)]
    return found


@pytest.mark.shared_data
@pytest.mark.parametrize("name", CASSETTES)
def test_tweepy_v1_responses_every_status_is_a_message_or_counted(name, tmp_path):
    for path in cassette_body(name, tmp_path):
        statuses = raw_statuses(json.loads(path.read_text(encoding="utf-8")))
        by_key = {s["id_str"]: s for s in statuses}
        retweets = {key for key, s in by_key.items() if isinstance(s.get("retweeted_status"), dict)}
        messages, sink = read(path)
        found = by_id(messages)
        assert len(found) == len(messages)
        assert set(found) == {f"x:{key}" for key in by_key.keys() - retweets}
        assert sink.records == len(by_key)
        assert [p for p in sink.problems if p.severity == "error"] == []
        assert any(f"{len(retweets)} retweet(s)" in p.reason for p in sink.problems) == bool(retweets)
        for key, status in by_key.items():
            if key in retweets:
                continue
            message = found[f"x:{key}"]
            parent = status.get("in_reply_to_status_id_str")
            assert message.reply_to == (f"x:{parent}" if parent else None)
            assert message.author_id == f"x:{status['user']['id_str']}"
            assert message.created_at.tzinfo is not None
            assert message.id == f"x:{status['id']}"  # the JSON integer, exact
