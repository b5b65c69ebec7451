"""Fetch one Mastodon thread with Mastodon.py: the status and its ``/context``, written as the API's JSON.

The raw response bodies are kept (Mastodon.py's parsed objects convert dates and types), so the
``mastodon`` reader sees exactly what the instance sent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from rich.console import Console

from threadlens.errors import FetchError
from threadlens.fetch.base import (
    Clock,
    Collection,
    Failure,
    FetchResult,
    SystemClock,
    library_version,
    network_reason,
    require_consent,
)
from threadlens.timeparse import parse_time

TOKEN_VARIABLE = "MASTODON_ACCESS_TOKEN"
INSTANCE_VARIABLE = "MASTODON_API_BASE_URL"
REQUEST_TIMEOUT_SECONDS = 60

_STATUS_URL = re.compile(r"^(https?://[^/]+)/(?:@[^/]+|users/[^/]+/statuses|web/statuses)/(\d+)/?$")


def fetch_thread(
    status: str,
    *,
    consent: str | Path | None,
    out: str | Path,
    instance: str | None = None,
    client: Any = None,
    clock: Clock | None = None,
    console: Console | None = None,
) -> FetchResult:
    """Fetch the status ``status`` (an id on ``instance``, or its URL) with its ancestors and descendants.

    ``out`` gets one JSON object: the ``/context`` response (``ancestors``, ``descendants``) with the
    status itself under ``status``, each as the instance sent it; if the context cannot be fetched,
    the status alone is kept (marked incomplete).
    The access token comes from ``MASTODON_ACCESS_TOKEN`` (optional for public statuses); the
    instance from ``instance``, the status URL or ``MASTODON_API_BASE_URL``. A ``client`` (a
    ``mastodon.Mastodon``) may be given instead.
    """
    status_id, instance = _status_and_instance(status, instance, client)
    clock = clock or SystemClock()
    consent_record = require_consent(consent, platform="mastodon", clock=clock)
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if client is None:
        client = _client(instance, token)
    bodies = _RawBodies(client.session)
    collection = Collection(
        out,
        platform="mastodon",
        client=f"Mastodon.py {library_version('Mastodon.py')}",
        target={"instance": client.api_base_url, "status_id": status_id, "authenticated": bool(token)},
        consent=consent_record,
        clock=clock,
        console=console,
        secrets=(token,) if token else (),
    )
    if not token:
        collection.note(
            f"{TOKEN_VARIABLE} was not set: fetched without logging in, so the instance may have "
            "returned fewer descendants and no private replies"
        )
    with bodies, collection:
        status_body = _get(collection, bodies, f"GET /api/v1/statuses/{status_id}", lambda: client.status(status_id))
        try:
            context = _get(
                collection,
                bodies,
                f"GET /api/v1/statuses/{status_id}/context",
                lambda: client.status_context(status_id),
            )
        except FetchError:
            collection.write_page(status_body)
            raise
        collection.write_page({"status": status_body, **context})
    assert collection.result is not None
    return collection.result


def _get(collection: Collection, bodies: _RawBodies, endpoint: str, request: Callable[[], Any]) -> Any:
    """One GET through Mastodon.py, returning the raw JSON body the instance sent."""
    collection.call(request, endpoint=endpoint, params={}, classify=bodies.classify)
    return bodies.last_json()


class _RawBodies:
    """Keeps the last raw HTTP response a ``requests.Session`` received (a response hook while in use)."""

    def __init__(self, session: requests.Session) -> None:
        self.session = session
        self.last: requests.Response | None = None

    def __enter__(self) -> _RawBodies:
        self.session.hooks.setdefault("response", []).append(self._keep)
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.session.hooks["response"].remove(self._keep)

    def _keep(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> requests.Response:
        self.last = response
        return response

    def last_json(self) -> Any:
        assert self.last is not None, "no response was received"
        try:
            return self.last.json()
        except ValueError:
            raise FetchError(
                f"the instance answered {self.last.url} with something that is not JSON",
                hint="Check --instance points at the Mastodon server's base URL",
            ) from None

    def classify(self, error: BaseException) -> Failure | None:
        """What a Mastodon.py error means for the fetch (the rate-limit reset comes from the raw headers)."""
        from mastodon import errors

        if isinstance(error, errors.MastodonRatelimitError):
            return Failure("rate-limit", "Mastodon rate limit reached (429)", reset_at=self._reset_at())
        if isinstance(error, errors.MastodonNetworkError):
            return Failure(
                "transient",
                f"could not reach the instance ({network_reason(error)})",
                hint="Check the network connection and the instance URL",
            )
        if isinstance(error, errors.MastodonServerError):
            return Failure(
                "transient",
                f"the instance had a server error ({_status(error)})",
                hint="The instance is having trouble; try again later",
            )
        if isinstance(error, errors.MastodonUnauthorizedError):
            return Failure(
                "fatal",
                f"the instance rejected the access token (401){_detail(error)}",
                hint=f"Check {TOKEN_VARIABLE} holds a valid token for this instance",
            )
        if isinstance(error, errors.MastodonNotFoundError):
            return Failure(
                "fatal",
                f"status not found (404){_detail(error)}",
                hint="Check the status id and instance; the status may be deleted or not visible",
            )
        if isinstance(error, errors.MastodonAPIError):
            status = _status(error)
            hint = "The token may lack the read:statuses scope, or the instance blocks this" if status == 403 else None
            return Failure("fatal", f"the instance refused the request ({status}){_detail(error)}", hint=hint)
        return None

    def _reset_at(self) -> float | None:
        reset = self.last.headers.get("X-RateLimit-Reset") if self.last is not None else None
        if not reset:
            return None
        try:
            return parse_time(reset).timestamp()
        except ValueError:
            return None


def _status(error: BaseException) -> Any:
    return error.args[1] if len(error.args) > 1 else "unknown status"


def _detail(error: BaseException) -> str:
    message = error.args[3] if len(error.args) > 3 else None
    return f": {message}" if message else ""


def _status_and_instance(status: str, instance: str | None, client: Any) -> tuple[str, str | None]:
    text = str(status).strip()
    url = _STATUS_URL.match(text)
    if url:
        return url.group(2), instance or url.group(1)
    if not text.isdigit():
        raise FetchError(
            f"{text!r} is not a Mastodon status id or URL",
            expected="a numeric status id with --instance, or a URL such as https://host/@user/123",
        )
    instance = instance or os.environ.get(INSTANCE_VARIABLE, "").strip() or None
    if instance is None and client is None:
        raise FetchError(
            "no Mastodon instance given",
            hint=f"Pass --instance https://your.instance (or set {INSTANCE_VARIABLE}), or give the status URL",
        )
    return text, instance


def _client(instance: str | None, token: str) -> Any:
    from mastodon import Mastodon

    return Mastodon(
        access_token=token or None,
        api_base_url=instance,
        ratelimit_method="throw",
        version_check_mode="none",
        request_timeout=REQUEST_TIMEOUT_SECONDS,
    )
