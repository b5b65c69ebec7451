"""The Reddit reader: thread pages, comment listings, morechildren responses and ``more`` stubs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from threadlens.errors import InputError
from threadlens.ingest import reddit
from threadlens.ingest.base import Sink, SourceFile
from threadlens.model import Message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reddit"
LINK = "reddit:t3_1b7xq2k"


def read(path: Path, **kwargs) -> tuple[list[Message], Sink]:
    sink = Sink(**kwargs)
    return list(reddit.read(SourceFile(path), sink)), sink


def by_id(messages: list[Message]) -> dict[str, Message]:
    return {m.id: m for m in messages}


def test_thread_page_reads_the_submission_and_nested_comments():
    messages, sink = read(FIXTURES / "thread.json")
    assert [m.id for m in messages] == [LINK] + [
        f"reddit:t1_{c}" for c in ("kq3a1", "kq3b2", "kq3c3", "kq3d4", "kq3e5", "kq3f6")
    ]
    replies = {m.id: m.reply_to for m in messages}
    assert replies == {
        LINK: None,
        "reddit:t1_kq3a1": LINK,
        "reddit:t1_kq3b2": "reddit:t1_kq3a1",
        "reddit:t1_kq3c3": "reddit:t1_kq3b2",
        "reddit:t1_kq3d4": "reddit:t1_kq3c3",
        "reddit:t1_kq3e5": "reddit:t1_kq3d4",
        "reddit:t1_kq3f6": LINK,
    }
    assert {m.conversation_id for m in messages} == {LINK}
    assert sink.records == 7


def test_submission_text_is_title_and_selftext():
    submission = by_id(read(FIXTURES / "thread.json")[0])[LINK]
    assert submission.text == "Minutes for March\n\nPosted for comment before Thursday.\n\nPlease be civil."
    assert submission.author_id == "reddit:alice_moss"
    assert submission.url == "https://www.reddit.com/r/LabourBranch/comments/1b7xq2k/minutes_for_march/"


def test_comment_fields():
    comment = by_id(read(FIXTURES / "thread.json")[0])["reddit:t1_kq3a1"]
    assert comment.platform == "reddit"
    assert comment.author_id == "reddit:bob_t" and comment.author_name == "bob_t"
    assert comment.created_at == datetime(2026, 3, 6, 13, 10, 44, tzinfo=UTC)
    assert comment.text == "The usual rabble wrote these. Trots, the lot of you."
    assert comment.url == "https://www.reddit.com/r/LabourBranch/comments/1b7xq2k/minutes_for_march/kq3a1/"
    assert comment.source.position == "$[1].data.children[0]"
    assert comment.deleted is False


def test_deleted_and_removed_comments_are_kept_as_deleted():
    messages = by_id(read(FIXTURES / "thread.json")[0])
    deleted, removed = messages["reddit:t1_kq3c3"], messages["reddit:t1_kq3f6"]
    assert deleted.deleted and deleted.text == "[deleted]"
    assert removed.deleted and removed.author_id == "reddit:dave_p"
    # Unknown authors are never merged into one participant.
    assert deleted.author_id == "reddit:[deleted]:t1_kq3c3"
    assert deleted.author_name == "[deleted]"
    # The reply under the deleted comment still hangs from it.
    assert messages["reddit:t1_kq3d4"].reply_to == "reddit:t1_kq3c3"


def test_comment_of_a_deleted_account_keeps_its_text(tmp_path):
    page = json.loads((FIXTURES / "thread.json").read_text())
    page[1]["data"]["children"][0]["data"]["author"] = "[deleted]"
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    comment = by_id(read(path)[0])["reddit:t1_kq3a1"]
    assert comment.deleted is True
    assert comment.text == "The usual rabble wrote these. Trots, the lot of you."
    assert comment.author_id == "reddit:[deleted]:t1_kq3a1"


def test_more_stubs_are_counted_on_their_parents():
    messages = by_id(read(FIXTURES / "thread.json")[0])
    assert messages["reddit:t1_kq3a1"].missing_children == 3  # the ids listed in ``children``
    assert messages[LINK].missing_children == 2
    assert messages["reddit:t1_kq3e5"].missing_children == 1  # "continue this thread"
    assert sum(m.missing_children for m in messages.values()) == 6


def test_edits_are_reported():
    _, sink = read(FIXTURES / "thread.json")
    assert [p.reason for p in sink.problems] == [
        "1 message(s) were edited after posting; their earlier text is not here"
    ]


def test_morechildren_response():
    messages, sink = read(FIXTURES / "morechildren.json")
    found = by_id(messages)
    assert list(found) == ["reddit:t1_kq3x9", "reddit:t1_kq3y8", "reddit:t1_kq3z7"]
    assert found["reddit:t1_kq3x9"].reply_to == "reddit:t1_kq3a1"
    assert found["reddit:t1_kq3y8"].missing_children == 1
    assert found["reddit:t1_kq3x9"].source.position == "$.json.data.things[0]"
    assert [(p.severity, p.reason) for p in sink.problems] == [
        ("warning", "2 more comment(s) under reddit:t1_kq3zz, which is not in this file")
    ]


def test_bare_listing_keeps_good_things_and_rejects_the_rest():
    messages, sink = read(FIXTURES / "listing.json")
    assert [m.id for m in messages] == ["reddit:t1_kq3d4"]
    assert [(p.position, p.reason) for p in sink.problems] == [
        ("$.data.children[1]", "not a comment or submission (kind 't2') (expected a t1 or t3 thing)"),
        ("$.data.children[2]", "missing field 'created_utc' (expected a t1 with name, author and created_utc)"),
    ]
    assert sink.records == 3


def test_strict_fails_on_the_first_bad_thing():
    with pytest.raises(InputError, match="kind 't2'") as caught:
        read(FIXTURES / "listing.json", strict=True)
    assert caught.value.position == "$.data.children[1]"


def test_comment_without_permalink_gets_an_address_from_its_ids(tmp_path):
    page = json.loads((FIXTURES / "thread.json").read_text())
    del page[1]["data"]["children"][0]["data"]["permalink"]
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    comment = by_id(read(path)[0])["reddit:t1_kq3a1"]
    assert comment.url == "https://www.reddit.com/comments/1b7xq2k/_/kq3a1/"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"kind": "Listing", "data": {"children": [', "truncated"),
        ("", "empty"),
        ('{"kind": "t5", "data": {}}', "not Reddit JSON"),
        ('[{"kind": "Listing", "data": {}}]', "not a Listing"),
        ('{"json": {"errors": [], "data": {}}}', "morechildren response without things"),
    ],
)
def test_unusable_files_are_clear_errors(tmp_path, content, message):
    path = tmp_path / "page.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message) as caught:
        read(path)
    assert caught.value.path == str(path)


def test_sniff_claims_reddit_and_nothing_else():
    fixtures = FIXTURES.parent
    assert all(reddit.sniff(SourceFile(FIXTURES / n)) for n in ("thread.json", "morechildren.json", "listing.json"))
    assert not reddit.sniff(SourceFile(fixtures / "mastodon" / "context.json"))
    assert not reddit.sniff(SourceFile(fixtures / "bluesky" / "thread.json"))
    assert not reddit.sniff(SourceFile(fixtures / "tabular" / "messages.jsonl"))


# --- conformance over responses recorded by PRAW's tests (../shared/data) ----------------------------


def _walk(node: Any, kind: str) -> list[dict[str, Any]]:
    """The ``data`` of every thing of ``kind`` anywhere in a response."""
    found = []
    if isinstance(node, dict):
        if node.get("kind") == kind and isinstance(node.get("data"), dict):
            found.append(node["data"])
        for value in node.values():
            found += _walk(value, kind)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value, kind)
    return found


def test_conformance_praw_responses(shared_data, tmp_path):
    folder = shared_data / "formats" / "reddit-praw" / "extracted"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not present")
    files = sorted(folder.glob("*.json"))
    assert any(".morechildren." in f.name for f in files) and any(".listing." in f.name for f in files)
    links = 0
    for original in files:
        response = json.loads(original.read_text())["response"]
        path = tmp_path / original.name
        path.write_text(json.dumps(response))
        assert reddit.sniff(SourceFile(path)), original.name
        messages, sink = read(path)
        comments = {data["name"]: data for data in _walk(response, "t1")}
        read_comments = by_id(m for m in messages if m.id.startswith("reddit:t1_"))
        rejected = [p for p in sink.problems if p.severity == "error"]
        assert len(comments) == len(read_comments) + len(rejected), original.name
        assert rejected == []
        for name, data in comments.items():
            message = read_comments[f"reddit:{name}"]
            assert message.reply_to == f"reddit:{data['parent_id']}"
            assert message.conversation_id == f"reddit:{data['link_id']}"
            assert message.text == data["body"]
            assert message.deleted == bool({data["body"], data["author"]} & {"[deleted]", "[removed]"})
            links += 1
        # Every ``more`` stub is counted: on its parent when present, else in a warning naming the parent.
        counted = by_id(messages)
        for stub in _walk(response, "more"):
            parent = f"reddit:{stub['parent_id']}"
            assert parent in counted or any(parent in p.reason for p in sink.problems)
        in_file = sum(
            len(s["children"]) or s["count"] or 1
            for s in _walk(response, "more")
            if f"reddit:{s['parent_id']}" in counted
        )
        assert sum(m.missing_children for m in counted.values()) == in_file
    assert links > 2000
