"""The Mastodon reader: API statuses and /context responses, account archives, HTML to text."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from threadlens.errors import InputError
from threadlens.ingest import mastodon
from threadlens.ingest.base import Sink, SourceFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mastodon"
ALICE_ROOT = "mastodon:https://social.example/users/alice/statuses/112001"
BOB_REPLY = "mastodon:https://social.example/users/bob/statuses/112002"
ALICE_FOCAL = "mastodon:https://social.example/users/alice/statuses/112003"
CAROL_REPORT = "mastodon:https://other.example/users/carol/statuses/99887766"


def read(path: Path, **options) -> tuple[dict[str, mastodon.Message], Sink]:
    sink = Sink(options=options)
    messages = list(mastodon.read(SourceFile(path), sink))
    return {m.id: m for m in messages}, sink


def test_context_response_keeps_every_reply_link():
    messages, sink = read(FIXTURES / "context.json")
    assert list(messages) == [
        ALICE_ROOT,
        BOB_REPLY,
        CAROL_REPORT,
        "mastodon:https://social.example/users/bob/statuses/112005",
    ]
    assert messages[ALICE_ROOT].reply_to is None
    assert messages[BOB_REPLY].reply_to == ALICE_ROOT
    assert sink.problems == [] and sink.records == 4


def test_parent_outside_the_file_is_resolved_from_its_local_authors_uris():
    messages, _ = read(FIXTURES / "context.json")
    # The focal status (112003) is not in a /context response; Alice's other status gives its URI.
    assert messages[CAROL_REPORT].reply_to == ALICE_FOCAL


def test_reply_to_an_unknown_status_points_at_the_instance_api_url():
    messages, _ = read(FIXTURES / "context.json")
    gone = messages["mastodon:https://social.example/users/bob/statuses/112005"]
    assert gone.reply_to == "mastodon:https://social.example/api/v1/statuses/111999"


def test_status_fields_authors_mentions_and_times():
    messages, _ = read(FIXTURES / "context.json")
    reply = messages[BOB_REPLY]
    assert reply.platform == "mastodon"
    assert reply.author_id == "mastodon:bob@social.example"
    assert reply.author_name == "bob@social.example"
    assert reply.created_at == datetime(2026, 3, 6, 13, 10, 44, tzinfo=UTC)
    assert reply.mentions == ("mastodon:alice@social.example",)
    assert reply.mention_names == ("alice",)
    assert reply.url == "https://social.example/@bob/112002"
    assert reply.text == "@alice The usual rabble wrote these, I see.\nTrots, the lot of you."
    assert reply.source.position == "$.ancestors[1]"
    assert reply.source.format == "mastodon"
    carol = messages[CAROL_REPORT]
    assert carol.author_id == "mastodon:carol@other.example"
    assert carol.mentions == ("mastodon:bob@social.example", "mastodon:alice@social.example")


def test_content_warning_becomes_the_first_line():
    messages, _ = read(FIXTURES / "context.json")
    assert messages[CAROL_REPORT].text == "CW: moderation\n@bob @alice this is abuse, reported."


def test_context_with_its_focal_status_links_through_local_ids(tmp_path):
    context = json.loads((FIXTURES / "context.json").read_text())
    context["status"] = json.loads((FIXTURES / "focal_status.json").read_text())
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(context))
    messages, _ = read(path)
    assert messages[ALICE_FOCAL].reply_to == BOB_REPLY
    assert messages[ALICE_FOCAL].source.position == "$.status"
    assert messages[CAROL_REPORT].reply_to == ALICE_FOCAL


def test_boosts_are_not_messages_and_are_reported_once():
    messages, sink = read(FIXTURES / "statuses.json")
    assert list(messages) == [ALICE_ROOT, BOB_REPLY]
    assert [p.reason for p in sink.problems] == [
        "1 boost(s) skipped: a boost repeats someone's post and is not a message"
    ]
    assert sink.problems[0].severity == "warning"
    assert sink.records == 3


def test_edited_status_is_reported():
    messages, sink = read(FIXTURES / "focal_status.json")
    assert list(messages) == [ALICE_FOCAL]
    assert messages[ALICE_FOCAL].text == "@bob Don't call us that. It's a \"rabble\" that does the work."
    assert len(sink.problems) == 1
    assert "edited after posting" in sink.problems[0].reason and ALICE_FOCAL in sink.problems[0].reason


def test_deleted_status_carries_its_source_text(tmp_path):
    status = json.loads((FIXTURES / "focal_status.json").read_text())
    status["text"] = status.pop("content").replace("<p>", "").replace("</p>", "")
    path = tmp_path / "deleted.json"
    path.write_text(json.dumps(status))
    messages, _ = read(path)
    assert messages[ALICE_FOCAL].deleted is True


def test_archive_folder_reads_the_outbox_with_the_owner():
    src = SourceFile(FIXTURES / "archive")
    assert mastodon.sniff(src)
    messages, sink = read(FIXTURES / "archive")
    assert list(messages) == [ALICE_ROOT, ALICE_FOCAL, "mastodon:https://social.example/users/alice/statuses/112030"]
    assert {m.author_id for m in messages.values()} == {"mastodon:alice@social.example"}
    assert messages[ALICE_FOCAL].reply_to == BOB_REPLY
    assert messages[ALICE_FOCAL].mentions == ("mastodon:bob@social.example",)
    last = messages["mastodon:https://social.example/users/alice/statuses/112030"]
    assert last.reply_to == CAROL_REPORT
    assert last.mentions == ("mastodon:carol@other.example",)
    assert last.mention_names == ("carol",)
    assert last.text == "CW: panel\n@carol Thanks.\nI will bring it to the panel.\n\n— A"
    assert last.source.position == "$.orderedItems[3]"
    assert [p.reason for p in sink.problems] == [
        "1 boost(s) skipped: a boost repeats someone's post and is not a message"
    ]
    assert sink.records == 4


def test_archive_zip_is_read_like_the_folder(tmp_path):
    archive = tmp_path / "archive-20260307.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("outbox.json", "actor.json", "likes.json"):
            zf.write(FIXTURES / "archive" / name, name)
    assert mastodon.sniff(SourceFile(archive))
    messages, _ = read(archive)
    assert len(messages) == 3
    assert messages[ALICE_ROOT].source.path == f"{archive}!outbox.json"


def test_outbox_alone_takes_the_author_from_attributed_to():
    messages, _ = read(FIXTURES / "archive" / "outbox.json")
    assert messages[ALICE_ROOT].author_id == "mastodon:alice@social.example"


def test_archive_and_api_records_of_one_status_share_an_id():
    archive, _ = read(FIXTURES / "archive")
    api, _ = read(FIXTURES / "context.json")
    assert ALICE_ROOT in archive and ALICE_ROOT in api
    assert archive[ALICE_ROOT].text == api[ALICE_ROOT].text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<p>line<br>break<br />again</p>", "line\nbreak\nagain"),
        ("<p>fish &amp; chips &lt;3 &#39;quoted&#39; &quot;too&quot;</p>", "fish & chips <3 'quoted' \"too\""),
        (
            '<p>see <a href="https://x.example/a/b"><span class="invisible">https://</span>'
            '<span class="ellipsis">x.example/a</span><span class="invisible">/b</span></a> now</p>',
            "see https://x.example/a/b now",
        ),
        ("plain text, no tags", "plain text, no tags"),
        ("<p>  spaced \n  out  </p>", "spaced out"),
    ],
)
def test_html_to_text(html, text):
    assert mastodon.html_to_text(html) == text


def test_a_status_without_uri_is_rejected_and_the_rest_kept(tmp_path):
    statuses = json.loads((FIXTURES / "statuses.json").read_text())
    del statuses[2]["uri"]
    statuses.append(None)
    path = tmp_path / "statuses.json"
    path.write_text(json.dumps(statuses))
    messages, sink = read(path)
    assert list(messages) == [ALICE_ROOT]
    errors = [p for p in sink.problems if p.severity == "error"]
    assert [(p.position, p.reason) for p in errors] == [
        ("$[2]", "missing field 'uri' (expected a status with id, uri, created_at and account)"),
        ("$[3]", "not a status object: NoneType (expected a JSON object)"),
    ]


def test_strict_mode_raises_on_the_first_bad_status(tmp_path):
    path = tmp_path / "statuses.json"
    path.write_text(json.dumps([{"id": "1", "content": "<p>x</p>", "account": {"acct": "a"}}]))
    with pytest.raises(InputError, match="uri") as caught:
        list(mastodon.read(SourceFile(path), Sink(strict=True)))
    assert caught.value.position == "$[0]"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"ancestors": [{"id": "1"', "truncated"),
        ("", "empty"),
        ('{"statuses": []}', "not Mastodon statuses"),
        ('{"ancestors": {}, "descendants": []}', "ancestors is not a list"),
        ('{"type": "OrderedCollection", "orderedItems": {}}', "orderedItems is not a list"),
    ],
)
def test_unusable_files_are_clear_errors(tmp_path, content, message):
    path = tmp_path / "statuses.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message) as caught:
        list(mastodon.read(SourceFile(path), Sink()))
    assert caught.value.path == str(path)


def test_archive_without_outbox_is_a_clear_error(tmp_path):
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("actor.json", "{}")
    assert not mastodon.sniff(SourceFile(archive))
    with pytest.raises(InputError, match=r"no outbox\.json at the top"):
        list(mastodon.read(SourceFile(archive), Sink()))


def test_only_an_archive_at_the_top_is_claimed_whole(tmp_path):
    submission = tmp_path / "submission"
    (submission / "mastodon").mkdir(parents=True)
    (submission / "reddit.json").write_text((FIXTURES.parent / "reddit" / "thread.json").read_text())
    for name in ("outbox.json", "actor.json", "likes.json"):
        (submission / "mastodon" / name).write_text((FIXTURES / "archive" / name).read_text())
    assert not mastodon.sniff(SourceFile(submission))
    assert mastodon.sniff(SourceFile(submission / "mastodon"))
    # Read file by file, the archive's collections of liked URIs are not taken for posts.
    assert not mastodon.sniff(SourceFile(submission / "mastodon" / "likes.json"))
    assert not mastodon.sniff(SourceFile(submission / "mastodon" / "actor.json"))


def test_corrupt_zip_is_not_sniffed(tmp_path):
    path = tmp_path / "archive.zip"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 30)
    assert not mastodon.sniff(SourceFile(path))


def test_sniff_claims_mastodon_and_nothing_else():
    fixtures = FIXTURES.parent
    assert all(
        mastodon.sniff(SourceFile(FIXTURES / name)) for name in ("context.json", "statuses.json", "focal_status.json")
    )
    assert mastodon.sniff(SourceFile(FIXTURES / "archive" / "outbox.json"))
    assert not mastodon.sniff(SourceFile(fixtures / "bluesky" / "thread.json"))
    assert not mastodon.sniff(SourceFile(fixtures / "reddit" / "thread.json"))
    assert not mastodon.sniff(SourceFile(fixtures / "tabular" / "messages.jsonl"))


# --- conformance over statuses recorded by Mastodon.py's tests (../shared/data) ---------------------


def _cassette_bodies(cassette: Path) -> list[tuple[str, str, object]]:
    """``(method, request uri, parsed body)`` of every JSON response in a vcrpy cassette."""
    recorded = yaml.safe_load(cassette.read_text())
    return [
        (item["request"]["method"], item["request"]["uri"], json.loads(item["response"]["body"]["string"]))
        for item in recorded["interactions"]
    ]


def test_conformance_mastodon_py_statuses(shared_data, tmp_path):
    folder = shared_data / "formats" / "mastodon-api"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not present")
    checked_links = 0
    for cassette in sorted(folder.glob("*.yaml")):
        bodies = _cassette_bodies(cassette)
        statuses = [body for method, uri, body in bodies if "/statuses" in uri and "account" in body]
        assert statuses, cassette.name
        for index, (method, uri, body) in enumerate(bodies):
            path = tmp_path / f"{cassette.stem}.{index}.json"
            path.write_text(json.dumps(body))
            if "/statuses" not in uri:
                continue
            assert mastodon.sniff(SourceFile(path)), path.name
            messages, sink = read(path)
            assert [p for p in sink.problems if p.severity == "error"] == []
            if uri.endswith("/context"):
                assert len(messages) == len(body["ancestors"]) + len(body["descendants"])
                continue
            (message,) = messages.values()
            assert message.id == f"mastodon:{body['uri']}"
            assert message.author_id.startswith(f"mastodon:{body['account']['acct']}@")
            assert message.deleted == (method == "DELETE")
        together = tmp_path / f"{cassette.stem}.all.json"
        together.write_text(json.dumps(statuses))
        messages, _ = read(together)
        assert set(messages) == {f"mastodon:{s['uri']}" for s in statuses}
        uris = {s["id"]: s["uri"] for s in statuses}
        for status in statuses:
            if status["in_reply_to_id"] in uris:
                assert messages[f"mastodon:{status['uri']}"].reply_to == f"mastodon:{uris[status['in_reply_to_id']]}"
                checked_links += 1
    assert checked_links > 0
