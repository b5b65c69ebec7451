"""Fetch one X conversation through the API v2 with tweepy, written as the raw pages the ``x-api-v2`` reader reads.

The conversation is searched (``conversation_id:ID``, recent search or the full archive), then every
replied-to or quoted tweet that is not yet in hand is looked up with ``get_tweets`` until none is
missing or ``max_rounds`` rounds have run. Every response is written unchanged as one JSONL line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
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
    env_secret,
    library_version,
    network_reason,
    quiet_logger,
    require_consent,
)

TOKEN_VARIABLE = "X_BEARER_TOKEN"
LOOKUP_BATCH = 100
SEARCH_PAGE_SIZE = 100
DEFAULT_MAX_ROUNDS = 25
FULL_ARCHIVE_PAUSE_SECONDS = 1.0
FOLLOWED_REFERENCES = ("replied_to", "quoted")

FIELDS: dict[str, list[str]] = {
    "expansions": ["author_id", "referenced_tweets.id", "referenced_tweets.id.author_id", "in_reply_to_user_id"],
    "tweet_fields": [
        "created_at",
        "conversation_id",
        "in_reply_to_user_id",
        "referenced_tweets",
        "author_id",
        "entities",
        "edit_history_tweet_ids",
    ],
    "user_fields": ["username", "name"],
}

_NUMERIC_ID = re.compile(r"^\d{1,25}$")


def fetch_conversation(
    conversation_id: str,
    *,
    consent: str | Path | None,
    out: str | Path,
    archive: bool = False,
    client: Any = None,
    clock: Clock | None = None,
    console: Console | None = None,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
) -> FetchResult:
    """Fetch the conversation ``conversation_id`` (the id of its first tweet) into ``out`` (JSONL pages).

    ``consent`` is the case's consent manifest; without a valid one nothing is fetched. The bearer
    token comes from ``X_BEARER_TOKEN`` unless ``client`` (a ``tweepy.Client`` made with
    ``return_type=dict``) is given. ``archive`` uses full-archive search instead of the last 7 days.
    """
    conversation_id = _conversation_id(conversation_id)
    clock = clock or SystemClock()
    consent_record = require_consent(consent, platform="x", clock=clock)
    secrets: tuple[str, ...] = ()
    if client is None:
        token = env_secret(
            TOKEN_VARIABLE,
            platform="X",
            hint=f"Set {TOKEN_VARIABLE} to the app's bearer token (developer portal → Keys and tokens); "
            "it is read from the environment only, never from the command line",
        )
        client = _client(token)
        secrets = (token,)
    elif client.return_type is not dict:
        raise FetchError("the tweepy Client must be made with return_type=dict to keep the raw API responses")
    query = f"conversation_id:{conversation_id}"
    collection = Collection(
        out,
        platform="x",
        client=f"tweepy {library_version('tweepy')}",
        target={"conversation_id": conversation_id, "query": query, "search": "full-archive" if archive else "recent"},
        consent=consent_record,
        clock=clock,
        console=console,
        secrets=secrets,
    )
    with quiet_logger("tweepy.client", logging.INFO), collection:
        tweets = _TweetIndex()
        _search(client, collection, tweets, query, archive=archive)
        if not tweets.have:
            collection.note(
                f"the search found no tweets in conversation {conversation_id}"
                + ("" if archive else "; recent search covers the last 7 days only (try --archive)")
            )
        tweets.referenced.add(conversation_id)  # the first tweet too, however old
        _follow_references(client, collection, tweets, max_rounds)
        _check_root(tweets, conversation_id, collection)
    assert collection.result is not None
    return collection.result


def _search(client: Any, collection: Collection, tweets: _TweetIndex, query: str, *, archive: bool) -> None:
    """Every page of the search, written as it arrives."""
    search = client.search_all_tweets if archive else client.search_recent_tweets
    endpoint = "GET /2/tweets/search/all" if archive else "GET /2/tweets/search/recent"
    params: dict[str, Any] = {"query": query, "max_results": SEARCH_PAGE_SIZE, **FIELDS}
    while True:
        page = collection.call(lambda p=params: search(**p), endpoint=endpoint, params=params, classify=classify)
        collection.write_page(page)
        tweets.add(page)
        next_token = page.get("meta", {}).get("next_token")
        if not next_token:
            return
        params = {**params, "next_token": next_token}
        if archive:
            collection.clock.sleep(FULL_ARCHIVE_PAUSE_SECONDS)


def classify(error: BaseException) -> Failure | None:
    """What a tweepy or network error means for the fetch (see :class:`~threadlens.fetch.base.Failure`)."""
    import requests
    import tweepy

    if isinstance(error, tweepy.TooManyRequests):
        reset = error.response.headers.get("x-rate-limit-reset")
        return Failure("rate-limit", "X rate limit reached (429)", reset_at=float(reset) if reset else None)
    if isinstance(error, tweepy.Unauthorized):
        return Failure(
            "fatal",
            f"X rejected the bearer token (401 Unauthorized){_api_detail(error)}",
            hint=f"Check that {TOKEN_VARIABLE} holds the app's current bearer token",
        )
    if isinstance(error, tweepy.Forbidden):
        return Failure(
            "fatal",
            f"X refused the request (403 Forbidden){_api_detail(error)}",
            hint="The app's access level may not include this endpoint (full-archive search needs Pro or "
            "academic access); check the project and app in the developer portal",
        )
    if isinstance(error, tweepy.TwitterServerError):
        return Failure(
            "transient",
            f"X server error ({error.response.status_code}){_api_detail(error)}",
            hint="X is having trouble; try again later",
        )
    if isinstance(error, tweepy.HTTPException):
        return Failure("fatal", f"X answered {error.response.status_code}{_api_detail(error)}")
    if isinstance(error, requests.RequestException):
        return Failure(
            "transient",
            f"could not reach the X API at api.twitter.com ({network_reason(error)})",
            hint="Check the network connection and try again",
        )
    return None


def _api_detail(error: Any) -> str:
    messages = [m for m in getattr(error, "api_messages", []) if m]
    return f": {'; '.join(messages)}" if messages else ""


def _check_root(tweets: _TweetIndex, conversation_id: str, collection: Collection) -> None:
    """Say so when the id given is not the first tweet of its conversation."""
    root = tweets.conversation_of.get(conversation_id)
    if root is not None and root != conversation_id:
        collection.note(
            f"tweet {conversation_id} is a reply in conversation {root}; "
            f"fetch --conversation {root} for the whole conversation"
        )


class _TweetIndex:
    """The tweets fetched so far (as ``data`` or ``includes.tweets``) and the ones they point to."""

    def __init__(self) -> None:
        self.have: set[str] = set()
        self.conversation_of: dict[str, str] = {}
        self.referenced: set[str] = set()
        self.errors: dict[str, str] = {}

    def add(self, page: dict[str, Any]) -> None:
        for tweet in [*_as_list(page.get("data")), *page.get("includes", {}).get("tweets", [])]:
            self.have.add(str(tweet["id"]))
            if tweet.get("conversation_id"):
                self.conversation_of[str(tweet["id"])] = str(tweet["conversation_id"])
            for reference in tweet.get("referenced_tweets") or []:
                if reference.get("type") in FOLLOWED_REFERENCES:
                    self.referenced.add(str(reference["id"]))
        for error in page.get("errors") or []:
            resource = error.get("resource_id") or error.get("value")
            if resource:
                self.errors[str(resource)] = error.get("title") or error.get("detail") or "error"

    def missing(self, tried: set[str]) -> list[str]:
        return sorted(self.referenced - self.have - tried, key=int)


def _follow_references(client: Any, collection: Collection, tweets: _TweetIndex, max_rounds: int) -> None:
    """Look up replied-to and quoted tweets not yet in hand, round after round, up the chains."""
    tried: set[str] = set()
    for _ in range(max_rounds):
        wanted = tweets.missing(tried)
        if not wanted:
            break
        for batch in _batches(wanted, LOOKUP_BATCH):
            params = {"ids": batch, **FIELDS}
            page = collection.call(
                lambda p=params: client.get_tweets(**p), endpoint="GET /2/tweets", params=params, classify=classify
            )
            collection.write_page(page)
            tweets.add(page)
        tried.update(wanted)
    else:
        left = tweets.missing(tried)
        if left:
            collection.note(
                f"stopped after {max_rounds} lookup rounds; {len(left)} referenced tweet(s) not "
                f"fetched: {', '.join(left)}"
            )
    unavailable = sorted(tried - tweets.have, key=int)
    if unavailable:
        collection.note(
            "referenced tweet(s) unavailable: "
            + ", ".join(f"{tweet_id} ({tweets.errors.get(tweet_id, 'not returned')})" for tweet_id in unavailable)
        )


def _as_list(data: Any) -> list[dict[str, Any]]:
    if data is None:
        return []
    return data if isinstance(data, list) else [data]


def _batches(ids: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _conversation_id(value: str) -> str:
    text = str(value).strip()
    if not _NUMERIC_ID.match(text):
        raise FetchError(
            f"{text!r} is not an X conversation id",
            expected="the numeric id of the conversation's first tweet (its conversation_id)",
        )
    return text


def _client(token: str) -> Any:
    import tweepy

    return tweepy.Client(bearer_token=token, return_type=dict, wait_on_rate_limit=False)
