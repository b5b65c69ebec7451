"""Fetching a Mastodon thread with Mastodon.py, driven offline by recorded-format API responses."""

from __future__ import annotations

import json
import re
import sys

import pytest
import requests
import responses

from tests.fetch.fetch_support import all_text, fixture_json
from threadlens.errors import ConsentError, FetchError
from threadlens.fetch.mastodon import fetch_thread

INSTANCE = "https://social.example"
STATUS = "113960000000000003"
TOKEN = "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
STATUS_URL = f"{INSTANCE}/api/v1/statuses/{STATUS}"
CONTEXT_URL = f"{STATUS_URL}/context"


@pytest.fixture(autouse=True)
def access_token(monkeypatch):
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", TOKEN)
    monkeypatch.delenv("MASTODON_API_BASE_URL", raising=False)


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def whole_thread(api):
    api.get(STATUS_URL, json=fixture_json("mastodon", "status.json"))
    api.get(CONTEXT_URL, json=fixture_json("mastodon", "context.json"))


def fetch(tmp_path, consent, clock, console, status=STATUS, **options):
    options.setdefault("instance", INSTANCE)
    return fetch_thread(status, consent=consent, out=tmp_path / "thread.json", clock=clock, console=console, **options)


def test_status_and_context_are_written_as_the_instance_sent_them(api, tmp_path, consent, clock, console):
    whole_thread(api)

    result = fetch(tmp_path, consent, clock, console)

    assert result.complete and result.pages == 1
    assert json.loads(result.out.read_text()) == {
        "status": fixture_json("mastodon", "status.json"),
        **fixture_json("mastodon", "context.json"),
    }
    assert [call.request.url for call in api.calls] == [STATUS_URL, CONTEXT_URL]
    assert api.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    record = json.loads(result.provenance.read_text())
    assert record["platform"] == "mastodon" and record["complete"] is True
    assert record["target"] == {"instance": INSTANCE, "status_id": STATUS, "authenticated": True}
    assert [r["endpoint"] for r in record["requests"]] == [
        f"GET /api/v1/statuses/{STATUS}",
        f"GET /api/v1/statuses/{STATUS}/context",
    ]
    assert record["consent"]["case_id"] == "2026-031"
    assert TOKEN not in all_text(tmp_path) and TOKEN not in console.file.getvalue()


def test_a_status_url_names_the_instance(api, tmp_path, consent, clock, console):
    whole_thread(api)

    result = fetch(
        tmp_path, consent, clock, console, status=f"{INSTANCE}/@bob@mastodon.example/{STATUS}", instance=None
    )

    assert result.complete and api.calls[0].request.url == STATUS_URL


def test_without_a_token_the_public_thread_is_fetched_and_the_limit_noted(
    api, tmp_path, consent, clock, console, monkeypatch
):
    monkeypatch.delenv("MASTODON_ACCESS_TOKEN")
    whole_thread(api)

    result = fetch(tmp_path, consent, clock, console)

    assert result.complete
    assert "Authorization" not in api.calls[0].request.headers
    assert any("MASTODON_ACCESS_TOKEN was not set" in note for note in result.notes)
    assert json.loads(result.provenance.read_text())["target"]["authenticated"] is False


def test_rate_limit_waits_until_the_reset_header_on_the_injected_clock(api, tmp_path, consent, clock, console):
    api.get(
        STATUS_URL,
        json=fixture_json("mastodon", "error_429.json"),
        status=429,
        headers={
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": "2026-03-10T12:00:20.000Z",
        },
    )
    whole_thread(api)

    result = fetch(tmp_path, consent, clock, console)

    assert result.complete and result.pages == 1
    assert sum(clock.sleeps) == 21
    assert "Mastodon rate limit reached (429): waiting 21 s" in console.file.getvalue()


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (401, "error_401.json", "the instance rejected the access token (401): The access token is invalid"),
        (404, "error_404.json", "status not found (404): Record not found"),
        (403, "error_401.json", "the instance refused the request (403)"),
    ],
)
def test_refusals_stop_with_a_clear_message_and_write_nothing(
    api, tmp_path, consent, clock, console, status, body, message
):
    api.get(STATUS_URL, json=fixture_json("mastodon", body), status=status)

    with pytest.raises(FetchError, match=re.escape(message)) as caught:
        fetch(tmp_path, consent, clock, console)

    assert "Nothing was fetched" in str(caught.value) and TOKEN not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        ({"json": fixture_json("mastodon", "error_503.json"), "status": 503}, "the instance had a server error (503)"),
        ({"body": requests.ConnectionError("Name or service not known")}, "could not reach the instance"),
    ],
)
def test_failed_context_keeps_the_status_marked_incomplete(api, tmp_path, consent, clock, console, failure, expected):
    api.get(STATUS_URL, json=fixture_json("mastodon", "status.json"))
    api.get(CONTEXT_URL, **failure)

    with pytest.raises(FetchError, match=re.escape(expected)):
        fetch(tmp_path, consent, clock, console)

    assert sum(clock.sleeps) == 5 + 15
    assert json.loads((tmp_path / "thread.json").read_text()) == fixture_json("mastodon", "status.json")
    record = json.loads((tmp_path / "thread.provenance.json").read_text())
    assert record["complete"] is False and expected in record["incomplete_reason"]


def test_no_consent_record_is_refused(api, tmp_path, clock, console):
    with pytest.raises(ConsentError, match="consent record"):
        fetch(tmp_path, None, clock, console)
    assert len(api.calls) == 0 and list(tmp_path.iterdir()) == []


def test_an_instance_is_required_for_a_bare_status_id(tmp_path, consent, clock, console):
    with pytest.raises(FetchError, match="no Mastodon instance given"):
        fetch(tmp_path, consent, clock, console, instance=None)


def test_cli_fetches_a_status_url(api, tmp_path, consent, monkeypatch, capsys):
    from threadlens.cli import main

    whole_thread(api)
    out = tmp_path / "thread.json"
    monkeypatch.setattr(
        sys,
        "argv",
        [
            "threadlens",
            "fetch",
            "mastodon",
            "--status",
            f"{INSTANCE}/@alice/{STATUS}",
            "--consent",
            str(consent),
            "--out",
            str(out),
        ],
    )

    with pytest.raises(SystemExit) as exited:
        main()

    assert exited.value.code == 0, capsys.readouterr().err
    assert json.loads(out.read_text())["status"]["id"] == STATUS
