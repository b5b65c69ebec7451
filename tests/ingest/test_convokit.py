"""The ConvoKit reader: corpus folders and utterances.jsonl, platform detection, Reddit ids."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from threadlens.errors import InputError
from threadlens.ingest import convokit, reddit
from threadlens.ingest.base import Sink, SourceFile
from threadlens.model import Message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "convokit"


def read(path: Path) -> tuple[list[Message], Sink]:
    sink = Sink()
    return list(convokit.read(SourceFile(path), sink)), sink


def test_reddit_corpus_folder_gets_reddit_fullnames():
    messages, sink = read(FIXTURES / "corpus")
    assert [m.id for m in messages] == [
        "reddit:t3_1b7xq2k",
        "reddit:t1_kq3a1",
        "reddit:t1_kq3b2",
        "reddit:t1_kq3c3",
        "reddit:t1_kq3d4",
    ]
    assert [m.reply_to for m in messages] == [
        None,
        "reddit:t3_1b7xq2k",
        "reddit:t1_kq3a1",
        "reddit:t1_kq3b2",
        "reddit:t1_kq3c3",
    ]
    assert {m.conversation_id for m in messages} == {"reddit:t3_1b7xq2k"}
    assert {m.platform for m in messages} == {"reddit"}
    assert sink.problems == [] and sink.records == 5


def test_reddit_corpus_matches_the_reddit_reader():
    """The same thread from a ConvoKit corpus and from Reddit JSON has the same ids, links and authors."""
    corpus = {m.id: m for m in read(FIXTURES / "corpus")[0]}
    page = {m.id: m for m in reddit.read(SourceFile(FIXTURES.parent / "reddit" / "thread.json"), Sink())}
    for key, message in corpus.items():
        assert page[key].text == message.text
        assert page[key].reply_to == message.reply_to
        assert page[key].author_id == message.author_id
        assert page[key].deleted == message.deleted
        assert page[key].created_at == message.created_at


def test_submission_text_is_preceded_by_its_title():
    submission = read(FIXTURES / "corpus")[0][0]
    assert submission.text == "Minutes for March\n\nPosted for comment before Thursday.\n\nPlease be civil."


def test_speaker_names_and_times():
    messages = {m.id: m for m in read(FIXTURES / "corpus")[0]}
    alice = messages["reddit:t1_kq3b2"]
    assert alice.author_id == "reddit:alice_moss" and alice.author_name == "Alice Moss"
    assert alice.created_at == datetime(2026, 3, 6, 13, 12, tzinfo=UTC)
    assert alice.source.path.endswith("utterances.jsonl") and alice.source.position == "line 3"
    assert alice.source.format == "convokit"
    assert messages["reddit:t1_kq3c3"].deleted is True
    assert messages["reddit:t1_kq3a1"].author_name == "bob_t"


def test_plain_utterances_file_with_unknown_platform():
    messages, sink = read(FIXTURES / "meeting_utterances.jsonl")
    assert [(m.id, m.reply_to, m.author_id) for m in messages] == [
        ("convokit:u0", None, "convokit:chair"),
        ("convokit:u1", "convokit:u0", "convokit:member_b"),
        ("convokit:u3", "convokit:u1", "convokit:member_c"),  # older corpora: user / root
    ]
    assert messages[1].created_at is None  # a null timestamp is unknown, not a reason to drop the utterance
    assert {m.platform for m in messages} == {"convokit"}
    assert [(p.position, p.reason.split(" (expected")[0]) for p in sink.problems] == [
        ("line 3", "not an ISO-8601, Twitter or epoch time: 'not a time'"),
        ("line 5", "not a ConvoKit utterance"),
    ]
    assert sink.records == 5


def test_platform_named_in_corpus_json(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "meeting_utterances.jsonl", corpus / "utterances.jsonl")
    (corpus / "corpus.json").write_text(json.dumps({"platform": "Mastodon"}))
    messages, _ = read(corpus)
    assert messages[0].id == "mastodon:u0" and messages[0].platform == "mastodon"


def test_folder_without_utterances_is_a_clear_error(tmp_path):
    (tmp_path / "speakers.json").write_text("{}")
    assert not convokit.sniff(SourceFile(tmp_path))
    with pytest.raises(InputError, match=r"no utterances\.jsonl"):
        read(tmp_path)


def test_broken_corpus_json_is_a_clear_error(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    (corpus / "corpus.json").write_text('{"subreddit": ')
    with pytest.raises(InputError, match="truncated") as caught:
        read(corpus)
    assert caught.value.path.endswith("corpus.json")


def test_sniff():
    fixtures = FIXTURES.parent
    assert convokit.sniff(SourceFile(FIXTURES / "corpus"))
    assert convokit.sniff(SourceFile(FIXTURES / "corpus" / "utterances.jsonl"))
    assert convokit.sniff(SourceFile(FIXTURES / "meeting_utterances.jsonl"))
    assert not convokit.sniff(SourceFile(fixtures / "tabular" / "messages.jsonl"))
    assert not convokit.sniff(SourceFile(fixtures / "bluesky" / "threads.jsonl"))
    assert not convokit.sniff(SourceFile(fixtures / "mastodon" / "archive"))
