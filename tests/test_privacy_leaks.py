"""Nothing names a non-party by the back door: reader warnings, conflicting versions, unknown ids, key files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_privacy import KEY, MANIFEST, SOURCE, message
from threadlens.errors import ConsentError
from threadlens.model import Conflict, Message, Problem, ReadResult, Revision
from threadlens.privacy.keys import case_key, check_key_dir, default_key_dir, key_fingerprint, read_case_key
from threadlens.privacy.manifest import load_manifest
from threadlens.privacy.pseudonyms import pseudonymise_read

DID = "did:plc:hpovmlkbhuphy3onxrpeyf2r"


def read_of(*messages: Message, problems: list[Problem] | None = None) -> ReadResult:
    return ReadResult(messages=list(messages), problems=problems or [])


def test_reader_warnings_name_no_non_party():
    manifest = load_manifest(MANIFEST)
    carol = message("x:10", "x:555", "carol_c", "hello @alice_ward")
    read = read_of(
        message("x:1", "x:101", "alice_ward", "hi"),
        carol,
        problems=[
            Problem("a.json", "$.errors[0]", "Forbidden: User has been suspended: [@mallory_m]", "warning"),
            Problem("b.json", "$.thread", f"reply at://{DID}/app.bsky.feed.post/3mji to x:10 was deleted", "warning"),
            Problem("c.json", "line 3", "carol_c wrote twice (x:555); @alice_ward kept", "error"),
        ],
    )
    pseudonymise_read(read, manifest, KEY)
    text = " ".join(p.reason for p in read.problems)
    for secret in ("mallory_m", DID, "carol_c", "x:555"):
        assert secret not in text
    assert "@alice_ward" in text and "Person-" in text
    assert [p.position for p in read.problems] == ["$.errors[0]", "$.thread", "line 3"]


def test_unknown_dids_in_ids_are_pseudonymised():
    manifest = load_manifest(MANIFEST)
    reply = message("x:2", "x:101", "alice_ward", "re", reply_to=f"bsky:at://{DID}/app.bsky.feed.post/3m")
    read = read_of(reply)
    pseudonymise_read(read, manifest, KEY)
    assert DID not in read.messages[0].reply_to and "Person-" in read.messages[0].reply_to


def test_a_conflicting_version_by_a_non_party_and_its_conflict_are_pseudonymised():
    manifest = load_manifest(MANIFEST)
    forged = Revision("x:1", "friendly", None, SOURCE, author_id="x:666", author_name="mallory_m")
    read = read_of(message("x:1", "x:101", "alice_ward", "rude", edits=(forged,)))
    read.conflicts = [Conflict("x:1", ("author",), (SOURCE, SOURCE))]
    pseudonymise_read(read, manifest, KEY)
    (revision,) = read.messages[0].edits
    assert revision.author_name.startswith("Person-") and "666" not in revision.author_id
    assert read.conflicts[0].message_id == "x:1"


def test_keys_live_outside_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("THREADLENS_KEY_DIR", str(tmp_path / "keys"))
    assert default_key_dir() == tmp_path / "keys"
    monkeypatch.delenv("THREADLENS_KEY_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_key_dir() == tmp_path / "data" / "threadlens" / "keys"
    out = tmp_path / "report"
    for inside in (out, out / "keys", out / "a" / ".." / "keys"):
        with pytest.raises(ConsentError, match="inside the output folder"):
            check_key_dir(inside, out)
    check_key_dir(tmp_path / "elsewhere", out)


def test_the_fingerprint_names_a_key_without_revealing_it(tmp_path):
    key = case_key(tmp_path, "2026-041")
    fingerprint = key_fingerprint(key)
    assert fingerprint.startswith("sha256:") and key.hex() not in fingerprint
    assert fingerprint == key_fingerprint(case_key(tmp_path, "2026-041")) != key_fingerprint(bytes(32))
    assert read_case_key(tmp_path, "2026-041", fingerprint) == key
    with pytest.raises(ConsentError, match="fingerprint"):
        read_case_key(tmp_path, "2026-041", key_fingerprint(bytes(32)))
    with pytest.raises(ConsentError, match="no pseudonym key"):
        read_case_key(tmp_path / "empty", "2026-041", fingerprint)


def test_default_key_dir_is_never_relative(monkeypatch):
    monkeypatch.delenv("THREADLENS_KEY_DIR", raising=False)
    assert Path(default_key_dir()).is_absolute()
