"""Fetching a Bluesky thread with atproto, driven offline by recorded-format XRPC responses."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from atproto import Client
from atproto_client.request import Request

from tests.fetch.fetch_support import all_text, fixture_json
from threadlens.errors import ConsentError, FetchError
from threadlens.fetch import bluesky
from threadlens.fetch.bluesky import fetch_thread

APPVIEW = "https://public.api.bsky.app"
FOCAL = "at://did:plc:ragtjsm2j2vknwkz3zp4oxrd/app.bsky.feed.post/3lk2xvt7wfc2a"
WEB_URL = "https://bsky.app/profile/bobkerr.bsky.social/post/3lk2xvt7wfc2a"
THREAD = "/xrpc/app.bsky.feed.getPostThread"


class FakeXrpc:
    """An httpx transport answering XRPC paths with queued recorded-format responses."""

    def __init__(self) -> None:
        self.queued: dict[str, list[httpx.Response]] = {}
        self.requests: list[httpx.Request] = []

    def add(
        self,
        path: str,
        body: dict | None = None,
        *,
        status: int = 200,
        headers: dict | None = None,
        error: Exception | None = None,
    ) -> None:
        self.queued.setdefault(path, []).append(error or httpx.Response(status, json=body, headers=headers))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.queued.get(request.url.path)
        if not queue:
            raise httpx.ConnectError(f"no recorded response for {request.url}")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def xrpc() -> FakeXrpc:
    return FakeXrpc()


@pytest.fixture
def client(xrpc) -> Client:
    return Client(base_url=APPVIEW, request=Request(transport=httpx.MockTransport(xrpc)))


def fetch(tmp_path, consent, clock, console, client, post=FOCAL):
    return fetch_thread(
        post, consent=consent, out=tmp_path / "thread.json", client=client, clock=clock, console=console
    )


def test_thread_is_written_as_the_raw_get_post_thread_response(xrpc, client, tmp_path, consent, clock, console):
    xrpc.add(THREAD, fixture_json("bluesky", "thread.json"))

    result = fetch(tmp_path, consent, clock, console, client)

    assert result.complete and result.pages == 1
    assert json.loads(result.out.read_text()) == fixture_json("bluesky", "thread.json")
    (request,) = xrpc.requests
    assert str(request.url).startswith(f"{APPVIEW}{THREAD}?")
    assert dict(request.url.params) == {"uri": FOCAL, "depth": "1000", "parentHeight": "1000"}
    record = json.loads(result.provenance.read_text())
    assert record["platform"] == "bluesky" and record["complete"] is True
    assert record["requests"][0]["endpoint"] == "GET app.bsky.feed.getPostThread"
    assert record["requests"][0]["params"] == {"uri": FOCAL, "depth": 1000, "parentHeight": 1000}
    assert record["consent"]["case_id"] == "2026-031"


def test_a_bsky_app_url_with_a_handle_is_resolved_first(xrpc, client, tmp_path, consent, clock, console):
    xrpc.add("/xrpc/com.atproto.identity.resolveHandle", fixture_json("bluesky", "resolve_handle.json"))
    xrpc.add(THREAD, fixture_json("bluesky", "thread.json"))

    result = fetch(tmp_path, consent, clock, console, client, post=WEB_URL)

    assert result.complete
    assert xrpc.requests[0].url.params["handle"] == "bobkerr.bsky.social"
    assert xrpc.requests[1].url.params["uri"] == FOCAL


def test_rate_limit_waits_until_ratelimit_reset_on_the_injected_clock(xrpc, client, tmp_path, consent, clock, console):
    xrpc.add(
        THREAD,
        fixture_json("bluesky", "error_429.json"),
        status=429,
        headers={"ratelimit-limit": "3000", "ratelimit-remaining": "0", "ratelimit-reset": str(int(clock.now()) + 45)},
    )
    xrpc.add(THREAD, fixture_json("bluesky", "thread.json"))

    result = fetch(tmp_path, consent, clock, console, client)

    assert result.complete and sum(clock.sleeps) == 46
    assert "Bluesky rate limit reached (429): waiting 46 s" in console.file.getvalue()


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (400, "error_400.json", "Bluesky rejected the request (400 NotFound: Post not found"),
        (401, "error_401.json", "Bluesky refused the request (401 AuthenticationRequired"),
    ],
)
def test_refusals_stop_with_a_clear_message(xrpc, client, tmp_path, consent, clock, console, status, body, message):
    xrpc.add(THREAD, fixture_json("bluesky", body), status=status)

    with pytest.raises(FetchError, match=re.escape(message)) as caught:
        fetch(tmp_path, consent, clock, console, client)

    assert "Nothing was fetched" in str(caught.value)
    assert len(xrpc.requests) == 1 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (
            {"body": {"error": "InternalServerError", "message": "Internal Server Error"}, "status": 500},
            "Bluesky answered 500",
        ),
        (
            {"error": httpx.ConnectError("Name or service not known")},
            "could not reach Bluesky (ConnectError: Name or service not known)",
        ),
    ],
)
def test_server_and_network_errors_are_retried_then_reported(
    xrpc, client, tmp_path, consent, clock, console, failure, expected
):
    xrpc.add(THREAD, **failure)

    with pytest.raises(FetchError, match=re.escape(expected)):
        fetch(tmp_path, consent, clock, console, client)

    assert len(xrpc.requests) == 3 and sum(clock.sleeps) == 5 + 15


def test_login_uses_the_app_password_from_the_environment_and_never_writes_it(
    xrpc, client, tmp_path, consent, clock, console, monkeypatch
):
    password = "abcd-efgh-ijkl-mnop"
    monkeypatch.setenv("BSKY_HANDLE", "alice-ward.bsky.social")
    monkeypatch.setenv("BSKY_APP_PASSWORD", password)
    monkeypatch.setattr(bluesky, "_client", lambda login: client if login else pytest.fail("login expected"))
    xrpc.add("/xrpc/com.atproto.server.createSession", fixture_json("bluesky", "error_401.json"), status=401)

    with pytest.raises(FetchError, match="Bluesky refused the request") as caught:
        fetch_thread(FOCAL, consent=consent, out=tmp_path / "thread.json", clock=clock, console=console)

    assert json.loads(xrpc.requests[0].content)["password"] == password
    assert "BSKY_APP_PASSWORD" in str(caught.value) and password not in str(caught.value)
    assert password not in all_text(tmp_path)


def test_no_consent_record_is_refused(xrpc, client, tmp_path, clock, console):
    with pytest.raises(ConsentError, match="consent record"):
        fetch(tmp_path, None, clock, console, client)
    assert xrpc.requests == [] and list(tmp_path.iterdir()) == []


def test_a_post_reference_must_be_a_bluesky_post(tmp_path, consent, clock, console, client):
    with pytest.raises(FetchError, match="not a Bluesky post"):
        fetch(tmp_path, consent, clock, console, client, post="https://example.com/post/1")
