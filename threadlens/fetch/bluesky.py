"""Fetch one Bluesky thread with atproto's ``app.bsky.feed.getPostThread``, written as the raw response JSON.

The query goes through the client's ``invoke_query`` so the response body is kept exactly as sent
(the SDK's models add ``$type`` keys when dumped); it is still checked against the lexicon's
response model before it is written.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

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

HANDLE_VARIABLE = "BSKY_HANDLE"
PASSWORD_VARIABLE = "BSKY_APP_PASSWORD"
PUBLIC_APPVIEW = "https://public.api.bsky.app"
MAX_DEPTH = 1000
MAX_PARENT_HEIGHT = 1000

_AT_URI = re.compile(r"^at://([^/]+)/app\.bsky\.feed\.post/([A-Za-z0-9._~:-]+)$")
_WEB_URL = re.compile(r"^https://(?:www\.)?bsky\.app/profile/([^/]+)/post/([A-Za-z0-9._~:-]+)/?$")


def fetch_thread(
    post: str,
    *,
    consent: str | Path | None,
    out: str | Path,
    client: Any = None,
    clock: Clock | None = None,
    console: Console | None = None,
    depth: int = MAX_DEPTH,
    parent_height: int = MAX_PARENT_HEIGHT,
) -> FetchResult:
    """Fetch the thread around ``post`` (an ``at://`` URI or a bsky.app post URL) into ``out`` (one JSON object).

    Without ``client``, logs in with ``BSKY_HANDLE`` / ``BSKY_APP_PASSWORD`` when both are set, and
    otherwise asks the public AppView, which needs no login.
    """
    author, rkey = _post_reference(post)
    clock = clock or SystemClock()
    consent_record = require_consent(consent, platform="bluesky", clock=clock)
    handle = os.environ.get(HANDLE_VARIABLE, "").strip()
    password = os.environ.get(PASSWORD_VARIABLE, "").strip()
    login = client is None and bool(handle and password)
    if client is None:
        client = _client(login)
    collection = Collection(
        out,
        platform="bluesky",
        client=f"atproto {library_version('atproto')}",
        target={"post": post, "depth": depth, "parent_height": parent_height, "authenticated": login},
        consent=consent_record,
        clock=clock,
        console=console,
        secrets=(password,) if password else (),
    )
    with collection:
        if login:
            collection.call(
                lambda: client.login(handle, password, fetch_bsky_profile=False),
                endpoint="POST com.atproto.server.createSession",
                params={"identifier": handle},
                classify=classify,
            )
        if not author.startswith("did:"):
            resolved = collection.call(
                lambda: client.resolve_handle(author),
                endpoint="GET com.atproto.identity.resolveHandle",
                params={"handle": author},
                classify=classify,
            )
            author = resolved.did
        uri = f"at://{author}/app.bsky.feed.post/{rkey}"
        params = {"uri": uri, "depth": depth, "parentHeight": parent_height}
        response = collection.call(
            lambda: _get_post_thread(client, params),
            endpoint="GET app.bsky.feed.getPostThread",
            params=params,
            classify=classify,
        )
        collection.write_page(response.content)
    assert collection.result is not None
    return collection.result


def _get_post_thread(client: Any, params: dict[str, Any]) -> Any:
    """``getPostThread`` as the raw response, checked against the lexicon's response model."""
    from atproto_client import models
    from atproto_client.models.utils import get_or_create, get_response_model

    response = client.invoke_query(
        "app.bsky.feed.getPostThread",
        params=get_or_create(params, models.AppBskyFeedGetPostThread.Params),
        output_encoding="application/json",
    )
    get_response_model(response, models.AppBskyFeedGetPostThread.Response)
    return response


def classify(error: BaseException) -> Failure | None:
    """What an atproto error means for the fetch (see :class:`~threadlens.fetch.base.Failure`)."""
    from atproto_client import exceptions

    response = getattr(error, "response", None)
    if isinstance(error, exceptions.RateLimitExceededError):
        reset = response.headers.get("ratelimit-reset") if response is not None else None
        return Failure("rate-limit", "Bluesky rate limit reached (429)", reset_at=float(reset) if reset else None)
    if isinstance(error, exceptions.UnauthorizedError):
        return Failure(
            "fatal",
            f"Bluesky refused the request ({error})",
            hint=f"Check {HANDLE_VARIABLE} and {PASSWORD_VARIABLE} (an app password, not the account's)",
        )
    if isinstance(error, exceptions.BadRequestError):
        return Failure(
            "fatal",
            f"Bluesky rejected the request ({error})",
            hint="Check the post URI; the post may be deleted or its author blocked",
        )
    if isinstance(error, exceptions.NetworkError):
        return Failure(
            "transient",
            f"could not reach Bluesky ({network_reason(error)})",
            hint="Check the network connection and try again",
        )
    if isinstance(error, exceptions.RequestException):
        status = response.status_code if response is not None else 0
        return Failure("transient" if status >= 500 else "fatal", f"Bluesky answered {error}")
    if isinstance(error, exceptions.ModelError):
        return Failure("fatal", f"Bluesky's answer is not a getPostThread response ({error})")
    return None


def _post_reference(post: str) -> tuple[str, str]:
    text = str(post).strip()
    match = _AT_URI.match(text) or _WEB_URL.match(text)
    if not match:
        raise FetchError(
            f"{text!r} is not a Bluesky post",
            expected="at://DID/app.bsky.feed.post/RKEY or https://bsky.app/profile/HANDLE/post/RKEY",
        )
    return match.group(1), match.group(2)


def _client(login: bool) -> Any:
    from atproto import Client

    return Client() if login else Client(base_url=PUBLIC_APPVIEW)
