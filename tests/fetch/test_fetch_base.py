"""The parts every fetcher shares: countdown, consent checks, partial output and provenance."""

from __future__ import annotations

import json

import pytest

from tests.fetch.fetch_support import FakeClock
from threadlens.errors import ConsentError, FetchError
from threadlens.fetch.base import (
    Collection,
    Failure,
    countdown,
    network_reason,
    provenance_path,
    redact,
    require_consent,
)


def collection(tmp_path, clock, console, **options) -> Collection:
    return Collection(
        tmp_path / "out.jsonl",
        platform="test",
        client="none",
        target={"id": "1"},
        consent={"case_id": "c"},
        clock=clock,
        console=console,
        **options,
    )


def test_countdown_sleeps_second_by_second_on_the_clock_and_shows_the_wait(clock, console):
    countdown(2.5, reason="rate limit", clock=clock, console=console)

    assert clock.sleeps == [1.0, 1.0, 0.5]
    assert "rate limit: waiting 3 s, until 2026-03-10T12:00:02Z" in console.file.getvalue()


def test_provenance_sits_beside_the_output():
    assert provenance_path("cases/conv.jsonl").as_posix() == "cases/conv.provenance.json"
    assert provenance_path("thread.json").as_posix() == "thread.provenance.json"


def test_an_interrupted_fetch_keeps_its_pages_marked_incomplete(tmp_path, clock, console):
    with pytest.raises(KeyboardInterrupt), collection(tmp_path, clock, console) as fetch:
        fetch.write_page({"data": [{"id": "1"}]})
        raise KeyboardInterrupt

    assert (tmp_path / "out.jsonl").read_text() == '{"data":[{"id":"1"}]}\n'
    record = json.loads((tmp_path / "out.provenance.json").read_text())
    assert record["complete"] is False
    assert record["incomplete_reason"] == "interrupted by KeyboardInterrupt: "
    assert not (tmp_path / "out.jsonl.part").exists()


def test_repeated_rate_limits_give_up_with_a_clear_error(tmp_path, clock, console):
    def limited():
        raise RuntimeError("429")

    def classify(error):
        return Failure("rate-limit", "limited", reset_at=clock.now() + 10)

    with pytest.raises(FetchError, match="limited"), collection(tmp_path, clock, console) as fetch:
        fetch.call(limited, endpoint="GET /x", params={}, classify=classify)

    assert sum(clock.sleeps) == 5 * 11


def test_unclassified_errors_propagate_unchanged(tmp_path, clock, console):
    def broken():
        raise KeyError("bug")

    with pytest.raises(KeyError), collection(tmp_path, clock, console) as fetch:
        fetch.call(broken, endpoint="GET /x", params={}, classify=lambda error: None)


def test_secrets_are_redacted_from_errors_and_provenance(tmp_path, clock, console):
    secret = "s3cr3t-token"

    def refused():
        raise RuntimeError("401")

    def classify(error):
        return Failure("fatal", f"bad token {secret}")

    with pytest.raises(FetchError) as caught, collection(tmp_path, clock, console, secrets=(secret,)) as fetch:
        fetch.write_page({"ok": True})
        fetch.call(refused, endpoint="GET /x", params={}, classify=classify)

    assert secret not in str(caught.value) and "bad token [redacted]" in str(caught.value)
    assert secret not in (tmp_path / "out.provenance.json").read_text()
    assert redact("a s3cr3t-token b", (secret, "")) == "a [redacted] b"


def test_consent_dated_in_the_future_is_refused(consent):
    before = FakeClock(start=1_700_000_000)  # November 2023

    with pytest.raises(ConsentError, match="consent is dated 2026-03-10, after today"):
        require_consent(consent, platform="x", clock=before)


def test_an_unreadable_manifest_is_refused(tmp_path, clock):
    with pytest.raises(ConsentError):
        require_consent(tmp_path / "absent.toml", platform="x", clock=clock)


def test_consent_without_a_handle_on_the_platform_is_refused(tmp_path, consent, clock):
    manifest = tmp_path / "submission.toml"
    manifest.write_text(consent.read_text().replace('x = "alice_ward", ', "").replace('x = "bob_kerr", ', ""))

    with pytest.raises(ConsentError, match="names no party's x handle, so it does not cover collection on x"):
        require_consent(manifest, platform="x", clock=clock)
    assert require_consent(manifest, platform="mastodon", clock=clock)["case_id"] == "2026-031"


def test_network_reason_is_the_innermost_cause():
    outer = RuntimeError("Could not complete request: a very long wrapped message")
    assert network_reason(outer) == "RuntimeError: Could not complete request: a very long wrapped message"

    outer.__context__ = ConnectionError(OSError("[Errno -2] Name or service not known"))
    assert network_reason(outer) == "OSError: [Errno -2] Name or service not known"


def test_an_earlier_fetch_is_never_overwritten(tmp_path, clock, console):
    (tmp_path / "out.jsonl").write_text("earlier evidence\n")

    with pytest.raises(FetchError, match="already exists"), collection(tmp_path, clock, console):
        pass

    assert (tmp_path / "out.jsonl").read_text() == "earlier evidence\n"
