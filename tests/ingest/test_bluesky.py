"""The Bluesky reader: getPostThread responses, placeholders for deleted and blocked posts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from threadlens.errors import InputError
from threadlens.ingest import bluesky
from threadlens.ingest.base import Sink, SourceFile
from threadlens.model import Message
from threadlens.thread import build_graph

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bluesky"
ALICE = "did:plc:alice4h2kq7x3vmfj5ldn2yo"
BOB = "did:plc:bobt7yq3c2m6rwx4nelpk5ab"
CAROL = "did:plc:carolq8v2d5n7sfh3ztmxw6e"
GONE_ROOT = f"bsky:at://{CAROL}/app.bsky.feed.post/3lgone2root22"
ALICE_POST = f"bsky:at://{ALICE}/app.bsky.feed.post/3lkalice0001a"
BOB_POST = f"bsky:at://{BOB}/app.bsky.feed.post/3lkbob00002bb"
CAROL_POST = f"bsky:at://{CAROL}/app.bsky.feed.post/3lkcarol003cc"
ALICE_REPLY = f"bsky:at://{ALICE}/app.bsky.feed.post/3lkalice004dd"


def read(path: Path) -> tuple[dict[str, Message], Sink]:
    sink = Sink()
    return {m.id: m for m in bluesky.read(SourceFile(path), sink)}, sink


def test_thread_walks_up_through_parents_and_down_through_replies():
    messages, sink = read(FIXTURES / "thread.json")
    assert list(messages) == [BOB_POST, ALICE_POST, CAROL_POST, ALICE_REPLY]
    assert messages[BOB_POST].reply_to == ALICE_POST
    assert messages[CAROL_POST].reply_to == BOB_POST
    assert messages[ALICE_REPLY].reply_to == CAROL_POST
    assert {m.conversation_id for m in messages.values()} == {GONE_ROOT}
    assert sink.records == 4


def test_post_fields():
    messages, _ = read(FIXTURES / "thread.json")
    bob = messages[BOB_POST]
    assert bob.platform == "bluesky"
    assert bob.author_id == f"bsky:{BOB}"
    assert bob.author_name == "bobtran.bsky.social"
    assert bob.created_at == datetime(2026, 3, 6, 13, 10, 44, 120000, tzinfo=UTC)
    assert bob.text == "@alice.branch.example the usual rabble wrote these. Dogs, the lot of you."
    assert bob.mentions == (f"bsky:{ALICE}",)
    assert bob.mention_names == ("alice.branch.example",)
    assert bob.url == "https://bsky.app/profile/bobtran.bsky.social/post/3lkbob00002bb"
    assert bob.source.position == "$.thread.post"
    assert messages[ALICE_POST].source.position == "$.thread.parent.post"
    assert messages[ALICE_REPLY].source.position == "$.thread.replies[0].replies[0].post"


def test_mention_facets_count_utf8_bytes(tmp_path):
    thread = json.loads((FIXTURES / "thread.json").read_text())
    record = thread["thread"]["post"]["record"]
    record["text"] = "Ça va? " + record["text"]
    for facet in record["facets"]:
        facet["index"]["byteStart"] += len("Ça va? ".encode())
        facet["index"]["byteEnd"] += len("Ça va? ".encode())
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(thread, ensure_ascii=False))
    messages, _ = read(path)
    assert messages[BOB_POST].mention_names == ("alice.branch.example",)


def test_quote_embed_is_quote_of():
    messages, _ = read(FIXTURES / "thread.json")
    assert messages[CAROL_POST].quote_of == BOB_POST
    assert messages[BOB_POST].quote_of is None


def test_deleted_parent_becomes_a_placeholder_and_is_reported():
    messages, sink = read(FIXTURES / "thread.json")
    assert messages[ALICE_POST].reply_to == GONE_ROOT
    assert GONE_ROOT not in messages
    (warning,) = [p for p in sink.problems if p.position == "$.thread.parent.parent"]
    assert warning.severity == "warning" and "deleted or cannot be found" in warning.reason
    graph = build_graph(list(messages.values()))
    assert graph.graph.nodes[GONE_ROOT]["missing"] is True
    assert graph.graph.has_edge(GONE_ROOT, ALICE_POST)


def test_posts_without_reply_refs_are_linked_by_the_thread_structure(tmp_path):
    thread = json.loads((FIXTURES / "thread.json").read_text())
    del thread["thread"]["post"]["record"]["reply"]
    del thread["thread"]["replies"][0]["post"]["record"]["reply"]
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(thread))
    messages, _ = read(path)
    assert messages[BOB_POST].reply_to == ALICE_POST
    assert messages[CAROL_POST].reply_to == BOB_POST


def test_parent_without_reply_ref_still_links_to_the_placeholder(tmp_path):
    thread = json.loads((FIXTURES / "thread.json").read_text())
    del thread["thread"]["parent"]["post"]["record"]["reply"]
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(thread))
    messages, _ = read(path)
    assert messages[ALICE_POST].reply_to == GONE_ROOT


def test_blocked_reply_is_counted_on_its_parent():
    messages, sink = read(FIXTURES / "thread.json")
    assert messages[BOB_POST].missing_children == 1
    assert all(m.missing_children == 0 for key, m in messages.items() if key != BOB_POST)
    (warning,) = [p for p in sink.problems if p.position == "$.thread.replies[1]"]
    assert "hidden by a block" in warning.reason
    assert not any("3lkzed0005ee" in key for key in messages)


def test_jsonl_of_responses():
    messages, sink = read(FIXTURES / "threads.jsonl")
    assert list(messages) == [CAROL_POST, BOB_POST, f"bsky:at://{CAROL}/app.bsky.feed.post/3lkcarol006ff"]
    assert messages[CAROL_POST].source.position == "line 1: $.thread.post"
    calm = messages[f"bsky:at://{CAROL}/app.bsky.feed.post/3lkcarol006ff"]
    assert calm.reply_to is None and calm.conversation_id == calm.id
    assert sink.problems == []


def test_jsonl_with_a_broken_line_keeps_the_others(tmp_path):
    lines = (FIXTURES / "threads.jsonl").read_text().splitlines()
    path = tmp_path / "threads.jsonl"
    path.write_text(lines[0] + "\n" + lines[1][:40] + "\n" + lines[1] + "\n")
    messages, sink = read(path)
    assert len(messages) == 3
    assert [(p.position, p.severity) for p in sink.problems] == [("line 2", "error")]


def test_list_of_post_views():
    messages, _ = read(FIXTURES / "posts.json")
    assert list(messages) == [ALICE_POST, f"bsky:at://{CAROL}/app.bsky.feed.post/3lkcarol006ff"]
    assert messages[ALICE_POST].reply_to == GONE_ROOT


def test_bad_post_is_rejected_with_its_path(tmp_path):
    thread = json.loads((FIXTURES / "thread.json").read_text())
    del thread["thread"]["replies"][0]["post"]["author"]
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(thread))
    messages, sink = read(path)
    assert CAROL_POST not in messages
    assert messages[ALICE_REPLY].reply_to == CAROL_POST  # the walk goes on below the unreadable post
    errors = [p for p in sink.problems if p.severity == "error"]
    assert [(p.position, p.reason.split(" (")[0]) for p in errors] == [
        ("$.thread.replies[0].post", "missing field 'author'")
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": {"uri": "at://did:plc:x",', "truncated"),
        ("   \n", "empty"),
    ],
)
def test_unusable_files_are_clear_errors(tmp_path, content, message):
    path = tmp_path / "thread.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        list(bluesky.read(SourceFile(path), Sink()))


def test_wrong_shape_is_rejected_not_read(tmp_path):
    path = tmp_path / "thread.json"
    path.write_text('{"feed": "at://did:plc:x/app.bsky.feed.generator/y"}')
    messages, sink = read(path)
    assert messages == {}
    assert [p.reason for p in sink.problems] == [
        "not a Bluesky post or thread (expected a getPostThread response, a thread view post or a post view)"
    ]


def test_sniff_claims_bluesky_and_nothing_else():
    fixtures = FIXTURES.parent
    assert all(bluesky.sniff(SourceFile(FIXTURES / name)) for name in ("thread.json", "threads.jsonl", "posts.json"))
    assert not bluesky.sniff(SourceFile(fixtures / "mastodon" / "context.json"))
    assert not bluesky.sniff(SourceFile(fixtures / "reddit" / "thread.json"))
    assert not bluesky.sniff(SourceFile(fixtures / "tabular" / "messages.jsonl"))


def test_conformance_atproto_get_post_thread(shared_data):
    path = shared_data / "formats" / "bluesky-atproto" / "thread_view_post_with_embed_media.json"
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    response = json.loads(path.read_text())
    assert bluesky.sniff(SourceFile(path))
    messages, sink = read(path)
    post = response["thread"]["post"]
    (message,) = messages.values()
    assert message.id == f"bsky:{post['uri']}"
    assert message.author_id == f"bsky:{post['author']['did']}"
    assert message.author_name == post["author"]["handle"]
    assert message.created_at == datetime(2023, 9, 28, 12, 49, 36, 735000, tzinfo=UTC)
    assert message.quote_of == f"bsky:{post['record']['embed']['record']['record']['uri']}"
    assert message.reply_to is None
    assert sink.problems == []
