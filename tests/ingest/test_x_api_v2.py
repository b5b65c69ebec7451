"""The X API v2 reader: twarc2 pages, flattened tweets, tweepy responses; edits, context tweets, retweets."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_path
from threadlens.errors import InputError
from threadlens.ingest import read_inputs, x_api_v2
from threadlens.ingest.base import Sink, SourceFile
from threadlens.model import Message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x"
PAGES = FIXTURES / "search-pages.jsonl"
ROOT = "x:2029905358261502168"
REPLY, QUOTE, RETWEET = "x:2029907012390125811", "x:2029911502387392512", "x:2029912208713859072"
EDITED, FIRST_VERSION = "x:2029910134642155775", "x:2029909921370980611"
LATE_REPLY, NOT_FOUND = "x:2029916620138565632", "x:2029906100754362368"
DAN, PRIYA = "x:1290384756102938475", "x:1502938475610293847"
TWARC = ("formats", "x-api-v2-twarc", "test-data")
TWARC_FILES = (
    "2sets.jsonl",
    "brexit.jsonl",
    "cashtags.jsonl",
    "cotweet.jsonl",
    "edited.jsonl",
    "edited_after.jsonl",
    "edited_before.jsonl",
    "entities_test.jsonl",
    "flat.jsonl",
    "geo_tweets.jsonl",
    "kpop.jsonl",
    "many_urls.jsonl",
    "media_policy_violation_off.jsonl",
    "media_policy_violation_on.jsonl",
    "media_tweet.jsonl",
    "mentions_tweet.jsonl",
    "noflat.jsonl",
    "quoted_edit.jsonl",
    "streaming_output_with_error.jsonl",
    "two_tweets.jsonl",
    "verified_type.jsonl",
    "withheld.jsonl",
)
TWARC_NOT_TWEETS = {
    "counts.jsonl": "tweet counts",
    "lists.jsonl": "lists",
    "users.jsonl": "users",
    "tweets_compliance.jsonl": "compliance",
    "users_compliance.jsonl": "compliance",
}
CASSETTES = (
    "test_client_get_home_timeline.yaml",
    "test_client_get_quote_tweets.yaml",
    "test_client_get_tweet.yaml",
    "test_client_get_tweets.yaml",
    "test_client_get_users_mentions.yaml",
    "test_client_search_all_tweets.yaml",
    "test_client_search_recent_tweets.yaml",
)


def read(path: Path, **kwargs) -> tuple[list[Message], Sink]:
    sink = Sink(**kwargs)
    return list(x_api_v2.read(SourceFile(path), sink)), sink


def by_id(messages: list[Message]) -> dict[str, Message]:
    return {m.id: m for m in messages}


def test_pages_give_messages_context_and_exact_ids():
    messages, sink = read(PAGES)
    assert [m.id for m in messages] == [QUOTE, REPLY, EDITED, ROOT, LATE_REPLY]
    assert sink.records == 8  # 7 distinct tweets (the reply is also in includes) and one line of counts
    reply = by_id(messages)[REPLY]
    assert reply.id == "x:2029907012390125811"
    assert reply.created_at == datetime(2026, 3, 6, 13, 8, 39, tzinfo=UTC)
    assert reply.author_id == DAN and reply.author_name == "dan_hewitt"
    assert reply.url == "https://x.com/dan_hewitt/status/2029907012390125811"
    assert reply.conversation_id == ROOT and reply.platform == "x"
    assert reply.source.position == "line 1: $.data[2]"
    assert [s.position for s in reply.sources] == ["line 1: $.data[2]", "line 1: $.includes.tweets[2]"]
    assert not reply.context_only


def test_replies_and_quotes_are_linked():
    messages = by_id(read(PAGES)[0])
    assert messages[REPLY].reply_to == ROOT
    assert messages[QUOTE].quote_of == REPLY and messages[QUOTE].reply_to is None
    assert messages[LATE_REPLY].reply_to == NOT_FOUND


def test_tweets_only_in_includes_are_context_messages():
    root = by_id(read(PAGES)[0])[ROOT]
    assert root.context_only
    assert root.source.position == "line 1: $.includes.tweets[0]"
    assert root.author_name == "priya_lanner"


def test_entities_decoded_links_expanded_and_mentions_resolved():
    messages = by_id(read(PAGES)[0])
    assert messages[REPLY].text == (
        "@priya_lanner Who wrote these? The usual rabble & hangers-on "
        "https://eastgate-labour.example.org/minutes/2026-03"
    )
    assert messages[ROOT].text.endswith("& comments by Friday <please>")
    assert messages[REPLY].mentions == (PRIYA,) and messages[REPLY].mention_names == ("priya_lanner",)
    # A mention without an id takes it from includes.users.
    assert messages[LATE_REPLY].mentions == (PRIYA,)


def test_edit_history_folds_the_older_version_into_edits():
    edited = by_id(read(PAGES)[0])[EDITED]
    assert edited.text == "Branch meeting moved to Thursday 7pm."
    assert edited.edited_from == (FIRST_VERSION,)
    (earlier,) = edited.edits
    assert (earlier.id, earlier.text) == (FIRST_VERSION, "Branch meeting moved to Thursday 6pm.")
    assert earlier.source.position == "line 1: $.includes.tweets[1]"
    assert not edited.context_only


def test_retweets_are_counted_not_messages_and_errors_are_warnings():
    messages, sink = read(PAGES)
    assert RETWEET not in by_id(messages)
    warnings = [p for p in sink.problems if p.severity == "warning"]
    assert [p.reason for p in warnings if p.position == "whole file"] == [
        "1 retweet(s) are not messages (a retweet repeats another tweet's words); they are counted as records only"
    ]
    (error,) = [p for p in warnings if p.position == "line 1: $.errors[0]"]
    assert error.reason.startswith("Not Found Error: Could not find tweet") and "2029906100754362368" in error.reason


def test_lines_that_are_not_tweets_are_rejected_clearly():
    _, sink = read(PAGES)
    (rejected,) = [p for p in sink.problems if p.severity == "error"]
    assert rejected.position == "line 3: $"
    assert rejected.reason.startswith("holds tweet counts, not tweets")


def test_flattened_tweets_carry_author_and_referenced_tweets_inline():
    messages, sink = read(FIXTURES / "flattened.jsonl")
    assert [m.id for m in messages] == [ROOT, REPLY]
    root, reply = messages
    assert root.context_only and root.source.position == "line 1: $.referenced_tweets[0]"
    assert reply.author_name == "dan_hewitt" and reply.reply_to == ROOT
    assert sink.records == 3
    assert any("1 retweet(s)" in p.reason for p in sink.problems)


def test_single_page_and_bare_list_of_tweets(tmp_path):
    page = json.loads(PAGES.read_text(encoding="utf-8").splitlines()[0])
    single = tmp_path / "page.json"
    single.write_text(json.dumps(page, indent=2), encoding="utf-8")
    assert [m.id for m in read(single)[0]] == [QUOTE, REPLY, EDITED, ROOT]
    bare = tmp_path / "tweets.json"
    bare.write_text(json.dumps(page["data"]), encoding="utf-8")
    messages, _ = read(bare)
    assert [m.id for m in messages] == [QUOTE, REPLY, EDITED]
    assert messages[0].source.position == "$[0]"
    assert messages[1].author_name == ""  # no includes.users: the author is known by id only
    assert messages[1].author_id == DAN and messages[1].url is None


def test_auto_detection_and_ids_never_pass_through_floats(tmp_path):
    result = read_inputs([PAGES])
    assert [i.format for i in result.inputs] == ["x-api-v2"]
    assert result.inputs[0].records == 8 and result.inputs[0].rejected == 1
    float_id = tmp_path / "float.jsonl"
    float_id.write_text(
        '{"data": [{"id": 2.0299053582615022e18, "text": "x", "author_id": "1"}]}\n'
        '{"data": [{"id": "2029905358261502168", "text": "y", "author_id": "1"}]}\n'
    )
    messages, sink = read(float_id)
    assert [m.id for m in messages] == [ROOT]
    assert "must never be floats" in sink.problems[0].reason


def test_truncated_last_line_keeps_the_others_and_strict_raises(tmp_path):
    path = tmp_path / "search.jsonl"
    lines = PAGES.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:2], lines[1][:80]]), encoding="utf-8")
    messages, sink = read(path)
    assert len(messages) == 5
    (error,) = [p for p in sink.problems if p.severity == "error"]
    assert error.position == "line 3" and "invalid JSON" in error.reason
    with pytest.raises(InputError) as caught:
        read(path, strict=True)
    assert (caught.value.path, caught.value.position) == (str(path), "line 3")


def test_truncated_json_wrong_file_and_empty_file_are_clear_errors(tmp_path):
    truncated = tmp_path / "page.json"
    truncated.write_text(json.dumps({"data": [{"id": "1", "text": "a"}]}, indent=2)[:-8], encoding="utf-8")
    with pytest.raises(InputError, match="truncated") as caught:
        read(truncated)
    assert caught.value.path == str(truncated) and caught.value.position.startswith("line ")
    users = tmp_path / "users.jsonl"
    users.write_text('{"data": [{"id": "2847361190", "name": "M", "username": "morwenna_c"}]}\n', encoding="utf-8")
    with pytest.raises(InputError, match="holds users, not tweets") as caught:
        read(users)
    assert caught.value.position == "$"
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read(empty)
    text = tmp_path / "notes.txt"
    text.write_text("meeting notes\n", encoding="utf-8")
    with pytest.raises(InputError, match="not JSON"):
        read(text)


def test_bad_tweet_among_good_ones_is_rejected_with_its_position(tmp_path):
    page = {
        "data": [
            {"id": "2029905358261502168", "text": "fine", "author_id": "1"},
            {"id": "2029907012390125811", "text": "bad time", "author_id": "1", "created_at": "yesterday"},
        ]
    }
    path = tmp_path / "page.jsonl"
    path.write_text(json.dumps(page) + "\n" + json.dumps({"data": []}) + "\n", encoding="utf-8")
    messages, sink = read(path)
    assert [m.id for m in messages] == [ROOT]
    (error,) = [p for p in sink.problems if p.severity == "error"]
    assert error.position == "line 1: $.data[1]" and "yesterday" in error.reason
    assert sink.records == 2


# --- conformance over real twarc2 output and tweepy cassettes ------------------------------------------


def raw_tweets(path: Path) -> tuple[dict[str, dict[str, Any]], int, int]:
    """Every tweet object in a twarc2 file by id, the number of unparseable lines and of error entries."""
    tweets: dict[str, dict[str, Any]] = {}
    bad_lines = errors = 0

    def add(tweet: dict[str, Any]) -> None:
        tweets.setdefault(tweet["id"], tweet)
        for reference in tweet.get("referenced_tweets") or ():
            if "text" in reference:
                add(reference)

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            bad_lines += 1
            continue
        if "data" not in value:
            add(value)
            continue
        errors += len(value.get("errors") or ())
        data = value["data"]
        for tweet in (data if isinstance(data, list) else [data]) + value.get("includes", {}).get("tweets", []):
            add(tweet)
    return tweets, bad_lines, errors


@pytest.mark.shared_data
@pytest.mark.parametrize("name", TWARC_FILES)
def test_twarc_files_every_tweet_is_a_message_or_counted(name):
    path = shared_path(*TWARC, name)
    tweets, bad_lines, errors = raw_tweets(path)
    retweets = {
        key for key, t in tweets.items() if any(r.get("type") == "retweeted" for r in t.get("referenced_tweets") or ())
    }
    superseded = {
        key
        for key, t in tweets.items()
        if key not in retweets
        for later in (t.get("edit_history_tweet_ids") or [key])[
            (t.get("edit_history_tweet_ids") or [key]).index(key) + 1 :
        ]
        if later in tweets
    }
    messages, sink = read(path)
    found = by_id(messages)
    revisions = {r.id: m for m in messages for r in m.edits}
    assert len(found) == len(messages)
    assert set(found) == {f"x:{key}" for key in tweets.keys() - retweets - superseded}
    assert set(revisions) == {f"x:{key}" for key in superseded}
    assert sink.records == len(tweets) + bad_lines
    assert sum(p.severity == "error" for p in sink.problems) == bad_lines
    retweet_warnings = [p.reason for p in sink.problems if "retweet(s)" in p.reason]
    assert retweet_warnings == (
        [
            f"{len(retweets)} retweet(s) are not messages (a retweet repeats another tweet's "
            "words); they are counted as records only"
        ]
        if retweets
        else []
    )
    assert sum(".errors[" in p.position for p in sink.problems) == errors
    replies = 0
    for key, tweet in tweets.items():
        if key in retweets:
            continue
        message = found.get(f"x:{key}") or revisions[f"x:{key}"]
        for reference in tweet.get("referenced_tweets") or ():
            if reference["type"] == "replied_to":
                target = f"x:{reference['id']}"
                assert message.reply_to == (revisions[target].id if target in revisions else target)
                replies += 1
        assert message.created_at is None or message.created_at.tzinfo is not None
    assert all(m.id.startswith("x:") and m.id[2:].isdigit() for m in messages)
    if name == "noflat.jsonl":
        assert replies > 0


@pytest.mark.shared_data
def test_flat_and_noflat_twarc_files_agree():
    flat = read(shared_path(*TWARC, "flat.jsonl"))[0]
    noflat = read(shared_path(*TWARC, "noflat.jsonl"))[0]
    simple = [(m.id, m.author_id, m.author_name, m.text, m.reply_to, m.quote_of, m.context_only) for m in flat]
    assert sorted(simple) == sorted(
        (m.id, m.author_id, m.author_name, m.text, m.reply_to, m.quote_of, m.context_only) for m in noflat
    )


@pytest.mark.shared_data
@pytest.mark.parametrize(("name", "what"), sorted(TWARC_NOT_TWEETS.items()))
def test_twarc_files_without_tweets_are_a_clear_error(name, what):
    path = shared_path(*TWARC, name)
    with pytest.raises(InputError, match=f"holds [^,]*{what}[^,]*, not tweets") as caught:
        read(path)
    assert caught.value.path == str(path)
    assert caught.value.position == "$" or caught.value.position.startswith("line ")


@pytest.mark.shared_data
def test_twarc_edit_snapshots_give_one_message_with_its_history():
    for name in ("edited.jsonl", "edited_before.jsonl", "edited_after.jsonl"):
        (message,) = read(shared_path(*TWARC, name))[0]
        assert message.id == "x:1576994789110992896"
        assert message.edited_from == ("x:1576994746135764992",)
        assert [r.id for r in message.edits] == ["x:1576994746135764992"]
        assert not message.context_only


def cassette_bodies(name: str, tmp_path: Path) -> list[Path]:
    """The response bodies of a vcrpy YAML cassette, written to files."""
    yaml = pytest.importorskip("yaml")
    cassette = yaml.safe_load(shared_path("formats", "x-api-tweepy-cassettes", name).read_text(encoding="utf-8"))
    paths = []
    for index, interaction in enumerate(cassette["interactions"]):
        response = interaction["response"]
        body = response["body"]["string"]
        if isinstance(body, bytes) and "gzip" in "".join(response["headers"].get("content-encoding", [])):
            body = gzip.decompress(body)
        path = tmp_path / f"{name.removesuffix('.yaml')}-{index}.json"
        path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
        paths.append(path)
    return paths


@pytest.mark.shared_data
@pytest.mark.parametrize("name", CASSETTES)
def test_tweepy_responses_every_tweet_is_a_message(name, tmp_path):
    for path in cassette_bodies(name, tmp_path):
        page = json.loads(path.read_text(encoding="utf-8"))
        data = page.get("data") or []
        tweets = {
            t["id"] for t in (data if isinstance(data, list) else [data]) + page.get("includes", {}).get("tweets", [])
        }
        assert x_api_v2.sniff(SourceFile(path))
        messages, sink = read(path)
        assert {m.id for m in messages} == {f"x:{key}" for key in tweets}
        assert sink.records == len(tweets)
        assert [p for p in sink.problems if p.severity == "error"] == []


def test_an_error_about_a_user_writes_the_handle_as_an_at_handle_so_it_is_pseudonymised():
    from threadlens.ingest.x_api_v2 import _error_text

    error = {
        "value": "mallory_m",
        "detail": "User has been suspended: [mallory_m].",
        "title": "Forbidden",
        "resource_type": "user",
        "resource_id": "mallory_m",
    }
    assert _error_text(error) == "Forbidden: User has been suspended: [@mallory_m]."
    assert _error_text({**error, "detail": "Suspended."}) == "Forbidden: Suspended. (user @mallory_m)"
    assert "@" not in _error_text(
        {"value": "20299", "detail": "Could not find tweet [20299].", "resource_type": "tweet"}
    )
