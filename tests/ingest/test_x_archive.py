"""The X account archive reader: ZIP, data/ folder and single files; parts, notes, edits, deletions."""

from __future__ import annotations

import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from threadlens.errors import InputError
from threadlens.ingest import read_inputs, x_archive
from threadlens.ingest.base import Sink, SourceFile
from threadlens.model import Message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x"
ARCHIVE = FIXTURES / "archive"
DATA = ARCHIVE / "data"
OWNER = "x:1502938475610293847"
ROOT = "x:2029905358261502168"
LONG_REPLY = "x:2029913876225523854"
EDITED, FIRST_VERSION = "x:2029910134642155775", "x:2029909921370980611"
DELETED = "x:2029908606016254003"
RETWEET = "x:2029915290410549652"
EXPECTED_IDS = [ROOT, "x:2029907785413287936", EDITED, LONG_REPLY, RETWEET, DELETED]


def read(path: Path, **kwargs) -> tuple[list[Message], Sink]:
    sink = Sink(**kwargs)
    return list(x_archive.read(SourceFile(path), sink)), sink


def by_id(messages: list[Message]) -> dict[str, Message]:
    return {m.id: m for m in messages}


def zip_archive(tmp_path: Path) -> Path:
    """The fixture archive as X delivers it: a ZIP with data/ under a top folder, media included."""
    path = tmp_path / "twitter-2026-03-10-a81f.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(DATA.iterdir()):
            archive.write(file, f"data/{file.name}")
        archive.writestr("data/tweets_media/2029905358261502168-Fq1.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")
        archive.writestr("Your archive.html", "<html></html>")
    return path


@pytest.mark.parametrize("where", ["root folder", "data folder", "zip"])
def test_every_form_of_the_archive_gives_the_same_messages(tmp_path, where):
    path = {"root folder": ARCHIVE, "data folder": DATA, "zip": None}[where] or zip_archive(tmp_path)
    assert x_archive.sniff(SourceFile(path))
    messages, sink = read(path)
    assert [m.id for m in messages] == EXPECTED_IDS
    assert sink.records == 7  # six tweets in two parts, one of them edited once, and one deleted tweet
    assert [p for p in sink.problems if p.severity == "error"] == []


def test_zip_members_are_named_in_sources(tmp_path):
    path = zip_archive(tmp_path)
    messages = by_id(read(path)[0])
    assert messages[ROOT].source.path == f"{path}!data/tweets.js"
    assert messages[ROOT].source.position == "$[0].tweet"
    assert messages[LONG_REPLY].source.path == f"{path}!data/tweets-part1.js"
    assert messages[DELETED].source.path == f"{path}!data/deleted-tweets.js"
    assert messages[ROOT].source.format == "x-archive"


def test_ids_stay_exact_strings_and_times_are_utc():
    root = by_id(read(DATA)[0])[ROOT]
    assert root.id == "x:2029905358261502168"
    assert root.created_at == datetime(2026, 3, 6, 13, 2, 5, tzinfo=UTC)
    assert root.created_at.utcoffset().total_seconds() == 0
    assert root.platform == "x" and root.conversation_id is None


def test_tweets_are_the_owners_from_account_js():
    messages = read(DATA)[0]
    assert {m.author_id for m in messages} == {OWNER}
    assert {m.author_name for m in messages} == {"priya_lanner"}
    assert by_id(messages)[ROOT].url == "https://x.com/priya_lanner/status/2029905358261502168"


def test_owner_from_manifest_when_account_js_is_absent(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "account.js").unlink()
    messages, _ = read(data)
    assert {m.author_id for m in messages} == {OWNER}


def test_entities_decoded_and_tco_links_expanded():
    root = by_id(read(DATA)[0])[ROOT]
    assert root.text == (
        "March minutes: https://eastgate-labour.example.org/minutes/2026-03 & comments by Friday <please>"
    )


def test_replies_and_mentions_are_linked():
    messages = by_id(read(DATA)[0])
    reply = messages["x:2029907785413287936"]
    assert reply.reply_to == "x:2029907012390125811"
    assert reply.mentions == ("x:1290384756102938475",) and reply.mention_names == ("dan_hewitt",)
    assert messages[LONG_REPLY].reply_to == ROOT
    assert messages[ROOT].reply_to is None


def test_edited_tweet_keeps_the_last_version_and_the_history():
    messages = by_id(read(DATA)[0])
    assert FIRST_VERSION not in messages
    edited = messages[EDITED]
    assert edited.text == "Branch meeting moved to Thursday 7pm."
    assert edited.edited_from == (FIRST_VERSION,)
    (earlier,) = edited.edits
    assert earlier.id == FIRST_VERSION and earlier.text == "Branch meeting moved to Thursday 6pm."
    assert earlier.created_at == datetime(2026, 3, 6, 13, 20, 13, tzinfo=UTC)
    assert earlier.source.position == "$[2].tweet"


def test_deleted_tweets_are_kept_and_marked():
    messages = by_id(read(DATA)[0])
    assert messages[DELETED].deleted and messages[DELETED].text == "@dan_hewitt Typical of the rabble you run with."
    assert not messages[ROOT].deleted


def test_long_post_text_comes_from_the_note_created_in_the_same_second():
    messages, sink = read(DATA)
    text = by_id(messages)[LONG_REPLY].text
    assert text.startswith("@dan_hewitt A longer note on the selection timetable")
    assert text.endswith("and more questions to the secretary, please, not to me.")
    assert "https://eastgate-labour.example.org/selection" in text and "t.co" not in text
    # The other note of that second does not begin like the tweet: it is reported, not used.
    assert any("1 long-post text(s) in note-tweet.js matched no tweet" in p.reason for p in sink.problems)


def test_retweets_are_kept_as_the_owners_messages_with_a_warning():
    messages, sink = read(DATA)
    assert by_id(messages)[RETWEET].author_id == OWNER
    assert any(p.severity == "warning" and "1 retweet(s)" in p.reason for p in sink.problems)


def test_single_tweets_file_uses_the_account_beside_it():
    messages, _ = read(DATA / "tweets.js")
    assert [m.id for m in messages] == [ROOT, "x:2029907785413287936", EDITED]
    assert {m.author_id for m in messages} == {OWNER}


def test_owner_is_recognised_from_self_replies_without_account_files(tmp_path):
    single = tmp_path / "tweets-part1.js"
    shutil.copy(DATA / "tweets-part1.js", single)
    messages, sink = read(single)
    # The long reply answers the owner's root tweet, which is not in this part: the owner stays unknown.
    assert {m.author_id for m in messages} == {f"x:unknown-owner:{SourceFile(single).sha256[:12]}"}
    assert any("owner is unknown" in p.reason for p in sink.problems)
    shutil.copy(DATA / "tweets.js", tmp_path / "tweets.js")
    messages, _ = read(tmp_path)  # with part 0 the reply is to the archive's own tweet: its author is the owner
    assert {m.author_id for m in messages} == {OWNER}


def test_account_and_other_data_files_alone_give_no_messages():
    for name in ("account.js", "manifest.js", "note-tweet.js"):
        assert x_archive.sniff(SourceFile(DATA / name))
        assert read(DATA / name)[0] == []


def test_read_inputs_detects_the_archive_folder():
    result = read_inputs([ARCHIVE])
    assert [i.format for i in result.inputs] == ["x-archive"]
    assert len(result.messages) == len(EXPECTED_IDS)


def test_truncated_file_is_a_clear_error(tmp_path):
    path = tmp_path / "tweets.js"
    text = (DATA / "tweets.js").read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(path)
    assert caught.value.path == str(path)
    assert caught.value.position.startswith("line ")
    assert "truncated" in str(caught.value)


def test_wrong_and_empty_files_are_clear_errors(tmp_path):
    wrong = tmp_path / "tweets.js"
    wrong.write_text("var tweets = [];\n", encoding="utf-8")
    assert not x_archive.sniff(SourceFile(wrong))
    with pytest.raises(InputError, match="not an X archive data file") as caught:
        read(wrong)
    assert (caught.value.path, caught.value.position) == (str(wrong), "line 1")
    no_tweets = tmp_path / "no-tweets"
    no_tweets.mkdir()
    shutil.copy(DATA / "account.js", no_tweets / "account.js")
    with pytest.raises(InputError, match=r"no tweets\.js"):
        read(no_tweets)
    empty = tmp_path / "data" / "tweets.js"
    empty.parent.mkdir()
    empty.write_bytes(b"")
    shutil.copy(DATA / "account.js", empty.parent / "account.js")
    with pytest.raises(InputError, match="empty") as caught:
        read(empty.parent)
    assert caught.value.path == str(empty)


def test_a_bad_record_is_reported_and_the_good_ones_kept(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    text = (data / "tweets.js").read_text(encoding="utf-8")
    broken = '{ "tweet" : { "id_str" : "2029906000000000001", "full_text" : "no time" } },\n  "not a tweet",\n  '
    (data / "tweets.js").write_text(text.replace("[\n  {", "[\n  " + broken + "{", 1), encoding="utf-8")
    messages, sink = read(data)
    assert [m.id for m in messages] == EXPECTED_IDS
    errors = [p for p in sink.problems if p.severity == "error"]
    assert sorted((p.position, p.path) for p in errors) == [
        ("$[0].tweet", str(data / "tweets.js")),
        ("$[1]", str(data / "tweets.js")),
    ]
    assert any("created_at" in p.reason for p in errors)
    assert sink.records == 9
    with pytest.raises(InputError) as caught:
        read(data, strict=True)
    assert caught.value.position == "$[0].tweet"


def test_empty_single_file_and_broken_zip_are_clear_errors(tmp_path):
    empty = tmp_path / "tweets.js"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read(empty)
    broken = tmp_path / "archive.zip"
    broken.write_bytes(zip_archive(tmp_path).read_bytes()[:200])
    with pytest.raises(InputError, match="not a readable ZIP archive") as caught:
        read(broken)
    assert caught.value.path == str(broken)
