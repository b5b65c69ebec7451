"""Consent manifests are checked key by key, and only parties appear under their own names."""

from __future__ import annotations

import json
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from threadlens.errors import ConsentError
from threadlens.model import Message, Revision, Source
from threadlens.privacy.keys import case_key, derived_key, read_key
from threadlens.privacy.manifest import load_manifest, unconsented
from threadlens.privacy.pseudonyms import pseudonymise

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
MANIFEST = FIXTURES / "branch-meeting" / "submission.toml"
KEY = bytes(range(32))
WHEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SOURCE = Source(path="thread.jsonl", position="line 1", sha256="0" * 64, format="jsonl")


def message(id: str, author_id: str, author_name: str, text: str = "", **fields) -> Message:
    platform = fields.pop("platform", author_id.split(":", 1)[0].replace("bsky", "bluesky"))
    return Message(
        id=id,
        platform=platform,
        author_id=author_id,
        author_name=author_name,
        created_at=WHEN,
        text=text,
        sources=(SOURCE,),
        **fields,
    )


def write_manifest(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "submission.toml"
    path.write_text(text, encoding="utf-8")
    return path


VALID = MANIFEST.read_text(encoding="utf-8")


def test_a_manifest_is_read_with_its_parties_dates_and_hash():
    manifest = load_manifest(MANIFEST)

    assert manifest.case_id == "2026-041"
    assert manifest.consent_date == date(2026, 3, 10)
    assert [(p.name, p.role) for p in manifest.parties] == [("Alice Ward", "complainant"), ("Bob Kerr", "respondent")]
    assert manifest.parties[0].handles == {"x": ("alice_ward",)}
    assert manifest.parties[1].handles == {"x": ("bob_kerr",), "mastodon": ("bob@mastodon.example",)}
    record = manifest.record()
    assert json.loads(json.dumps(record)) == record
    assert record["manifest"] == str(MANIFEST)
    assert len(record["sha256"]) == 64
    assert record["retention_date"] == "2027-03-31"


def test_string_dates_are_accepted(tmp_path):
    path = write_manifest(tmp_path, VALID.replace("consent_date = 2026-03-10", 'consent_date = "2026-03-10"'))

    assert load_manifest(path).consent_date == date(2026, 3, 10)


@pytest.mark.parametrize(
    ("edit", "position", "message"),
    [
        (lambda t: t.replace('case_id = "2026-041"\n', ""), "case_id", "case_id is missing"),
        (
            lambda t: t.replace("consent_date = 2026-03-10", 'consent_date = "10/03/2026"'),
            "consent_date",
            "expected a date",
        ),
        (
            lambda t: t.replace("retention_date = 2027-03-31", "retention_date = 2026-01-01"),
            "retention_date",
            "before the consent date",
        ),
        (lambda t: t.replace("scope =", "scpoe ="), "scpoe", "unknown key 'scpoe'"),
        (
            lambda t: t.replace('x = ["@alice_ward"]', '"my space" = ["alice"]'),
            "parties[1].handles.my space",
            "is not a platform name",
        ),
        (lambda t: t.replace('x = ["@alice_ward"]', "x = [7]"), "parties[1].handles.x", "handles for x are [7]"),
        (
            lambda t: t.replace('handles = { x = ["@alice_ward"] }', "handles = {}"),
            "parties[1].handles",
            "handles is missing",
        ),
        (lambda t: t.replace('name = "Bob Kerr"', "name = 7"), "parties[2].name", "name is 7"),
        (lambda t: t.split("[[parties]]")[0], "parties", "parties is missing"),
    ],
)
def test_an_invalid_manifest_names_the_key_and_what_was_expected(tmp_path, edit, position, message):
    path = write_manifest(tmp_path, edit(VALID))

    with pytest.raises(ConsentError) as raised:
        load_manifest(path)

    assert raised.value.path == str(path)
    assert raised.value.position == position
    assert message in str(raised.value)


def test_broken_toml_and_a_missing_file_are_consent_errors(tmp_path):
    with pytest.raises(ConsentError, match="not valid TOML"):
        load_manifest(write_manifest(tmp_path, 'case_id = "unterminated\n'))
    with pytest.raises(ConsentError, match="no consent manifest"):
        load_manifest(tmp_path / "absent" / "submission.toml")


def test_dates_are_checked_against_today():
    manifest = load_manifest(MANIFEST)

    manifest.check_dates(date(2026, 6, 1))
    with pytest.raises(ConsentError, match="after today"):
        manifest.check_dates(date(2026, 3, 9))
    with pytest.raises(ConsentError, match="retention date 2027-03-31 has passed"):
        manifest.check_dates(date(2027, 4, 1))


def test_parties_are_matched_by_handle_or_id_without_case_or_at():
    manifest = load_manifest(MANIFEST)

    assert manifest.party_of("x", "x:783214", "Alice_Ward").name == "Alice Ward"
    assert manifest.party_of("x", "x:bob_kerr").name == "Bob Kerr"
    assert manifest.party_of("mastodon", "mastodon:bob@mastodon.example").name == "Bob Kerr"
    assert manifest.party_of("generic", "generic:alice_ward").name == "Alice Ward"
    assert manifest.party_of("reddit", "reddit:alice_ward") is None
    assert manifest.party_of("x", "x:carol_c", "carol_c") is None


def thread() -> list[Message]:
    return [
        message(
            "x:1",
            "x:100",
            "alice_ward",
            "@carol_c that is uncalled for, cc @Bob_Kerr",
            url="https://x.com/alice_ward/status/1",
        ),
        message(
            "x:2",
            "x:200",
            "carol_c",
            "@alice_ward shut up. Write to carol@example.com",
            reply_to="x:1",
            mentions=("x:100",),
            mention_names=("alice_ward",),
            url="https://x.com/carol_c/status/2",
            edits=(Revision(id="x:2a", text="@dave_d look at @alice_ward", created_at=WHEN),),
        ),
        message(
            "x:3",
            "x:300",
            "dave_d",
            "Agreed, @carol_c. And @zed_unknown too. .@carol_c see x.com/@dave_d https://x.com/carol_c/status/2",
            reply_to="x:2",
            url="https://x.com/dave_d/status/3",
        ),
    ]


def test_parties_keep_their_names_and_others_get_pseudonyms_everywhere():
    out = pseudonymise(thread(), load_manifest(MANIFEST), key=KEY)
    carol, dave = out[1].author_name, out[2].author_name

    assert (out[0].author_id, out[0].author_name) == ("x:100", "alice_ward")
    assert carol.startswith("Person-") and dave.startswith("Person-") and carol != dave
    assert out[1].author_id == f"x:{carol}"
    assert out[0].text == f"@{carol} that is uncalled for, cc @Bob_Kerr"
    assert out[1].text == "@alice_ward shut up. Write to carol@example.com"
    assert out[1].mentions == ("x:100",) and out[1].mention_names == ("alice_ward",)
    assert out[1].edits[0].text == f"@{dave} look at @alice_ward"
    assert out[2].text.startswith(f"Agreed, @{carol}. And @Person-")
    assert out[2].text.endswith(f" too. .@{carol} see x.com/@{dave} https://x.com/{carol}/status/2")
    assert "zed_unknown" not in out[2].text
    assert out[1].url == f"https://x.com/{carol}/status/2"
    assert out[0].url == "https://x.com/alice_ward/status/1"
    assert out[2].reply_to == "x:2" and out[2].sources == (SOURCE,)


def test_no_real_handle_of_a_non_party_survives():
    out = pseudonymise(thread(), load_manifest(MANIFEST), key=KEY)
    text = json.dumps(
        [[m.author_id, m.author_name, m.text, m.url, m.mention_names, [r.text for r in m.edits]] for m in out]
    )

    for handle in ("carol_c", "dave_d", "zed_unknown", "x:200", "x:300"):
        assert handle not in text


def test_pseudonyms_are_stable_per_key_and_differ_between_keys():
    manifest = load_manifest(MANIFEST)
    first = [m.author_name for m in pseudonymise(thread(), manifest, key=KEY)]
    again = [m.author_name for m in pseudonymise(list(reversed(thread())), manifest, key=KEY)][::-1]
    other = [m.author_name for m in pseudonymise(thread(), manifest, key=b"another key")]

    assert first == again
    assert first[1:] != other[1:]
    assert (
        pseudonymise(thread(), manifest)[1].author_name
        == pseudonymise(thread(), manifest, key=derived_key("2026-041"))[1].author_name
    )


def test_the_inputs_are_not_modified():
    messages = thread()
    pseudonymise(messages, load_manifest(MANIFEST), key=KEY)

    assert messages[1].author_name == "carol_c"


def test_mastodon_short_mentions_and_ids_with_handles():
    manifest = load_manifest(MANIFEST)
    messages = [
        message(
            "mastodon:https://mastodon.example/users/bob/statuses/1",
            "mastodon:bob@mastodon.example",
            "bob@mastodon.example",
            "@frank please stop",
            mentions=("mastodon:frank@social.example",),
            mention_names=("frank",),
            url="https://mastodon.example/@bob/1",
        ),
        message(
            "mastodon:https://social.example/users/frank/statuses/2",
            "mastodon:frank@social.example",
            "frank@social.example",
            "@bob no. Ask @gina@other.example",
            reply_to="mastodon:https://mastodon.example/users/bob/statuses/1",
            mentions=("mastodon:bob@mastodon.example",),
            mention_names=("bob",),
            url="https://social.example/@frank/2",
        ),
    ]
    out = pseudonymise(messages, manifest, key=KEY)
    frank = out[1].author_name

    assert out[0].author_name == "bob@mastodon.example"
    assert out[0].text == f"@{frank} please stop"
    assert out[0].mention_names == (frank,)
    assert out[1].text.startswith("@bob no. Ask @Person-")
    assert out[1].id == f"mastodon:https://social.example/users/{frank}/statuses/2"
    assert out[1].url == f"https://social.example/@{frank}/2"
    assert out[1].reply_to == messages[0].id


def test_bluesky_dids_in_post_uris_are_replaced_and_links_kept():
    manifest = load_manifest(MANIFEST)
    root = "bsky:at://did:plc:abc123/app.bsky.feed.post/3k1"
    messages = [
        message(root, "bsky:did:plc:abc123", "hal.bsky.social", "hello @ivy.bsky.social"),
        message(
            "bsky:at://did:plc:def456/app.bsky.feed.post/3k2",
            "bsky:did:plc:def456",
            "ivy.bsky.social",
            "@hal.bsky.social hi.",
            reply_to=root,
            conversation_id=root,
        ),
    ]
    out = pseudonymise(messages, manifest, key=KEY)

    assert "abc123" not in out[0].id and out[1].reply_to == out[0].id == out[1].conversation_id
    assert out[0].text == f"hello @{out[1].author_name}"
    assert out[1].text == f"@{out[0].author_name} hi."


def test_reddit_user_mentions_are_replaced():
    manifest = load_manifest(MANIFEST)
    text = "u/kim and /u/lee said so, see reddit.com/u/lee; not menu/lee"
    out = pseudonymise([message("reddit:t1_a", "reddit:kim", "kim", text)], manifest, key=KEY)

    assert "kim" not in out[0].text and out[0].text.count("lee") == 1
    assert out[0].text.startswith(f"u/{out[0].author_name} and /u/Person-")


def test_without_a_manifest_everyone_is_pseudonymised():
    out = pseudonymise(thread(), unconsented("loose-1"), key=KEY)

    assert all(m.author_name.startswith("Person-") for m in out)
    assert unconsented("loose-1").record()["consent_basis"].startswith("none")


def test_case_keys_are_random_private_and_reused(tmp_path):
    first = case_key(tmp_path / "keys", "2026-041")
    path = tmp_path / "keys" / "2026-041.key"

    assert len(first) == 32 and case_key(tmp_path / "keys", "2026-041") == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert case_key(tmp_path / "other", "2026-041") != first
    assert case_key(tmp_path / "keys", "../etc/passwd") != first
    assert all(p.parent == tmp_path / "keys" for p in (tmp_path / "keys").iterdir())


def test_other_platforms_are_named_freely_and_deleted_accounts_stay_visible(tmp_path):
    manifest = load_manifest(write_manifest(tmp_path, VALID.replace('x = ["@alice_ward"]', 'whatsapp = "alice.w"')))
    messages = [
        message("whatsapp:1", "whatsapp:alice.w", "Alice Ward", "hello", platform="whatsapp"),
        message("whatsapp:2", "whatsapp:sol.w", "Sol Whitcombe", "hi", platform="whatsapp"),
        message("reddit:t1_b", "reddit:[deleted]:t1_b", "[deleted]", "[removed]"),
    ]
    out = pseudonymise(messages, manifest, key=KEY)

    assert [m.author_name for m in out][::2] == ["Alice Ward", "[deleted]"]
    assert out[1].author_name.startswith("Person-") and out[1].author_id.startswith("whatsapp:Person-")


def test_a_missing_or_damaged_key_is_a_clear_error(tmp_path):
    with pytest.raises(ConsentError, match="cannot be read"):
        read_key(tmp_path / "absent.key")
    (tmp_path / "short.key").write_bytes(b"abc")
    with pytest.raises(ConsentError, match="holds 3 bytes"):
        read_key(tmp_path / "short.key")
