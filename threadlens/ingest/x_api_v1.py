"""X (Twitter) API v1.1 statuses: one status per file, JSON lines, a list, or a search response.

A status becomes a message ``x:<id_str>`` by ``x:<user.id_str>`` (named by ``user.screen_name``); its
text is ``extended_tweet.full_text`` (streamed long tweets), else ``full_text`` (``tweet_mode=extended``),
else ``text``, with entities decoded and t.co links expanded. ``in_reply_to_status_id_str`` gives
``reply_to`` and ``quoted_status_id_str`` ``quote_of``. The ``id`` numbers of v1.1 can exceed 2**53;
only ``id_str`` (or the exact integer JSON gives) is used, never a float.

A **retweet** (``retweeted_status``) is not a message: it is counted as a record and summed up in one
warning per file. Statuses embedded in others (``quoted_status``, ``retweeted_status``) are kept as
messages with ``context_only=True`` unless the file also holds them as themselves. When a status
carries ``edit_history.edit_tweet_ids``, older versions present are folded into the newest one's edits.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from threadlens.errors import InputError
from threadlens.ingest.base import RECORD_ERRORS, Sink, SourceFile, parse_time, record_error, register
from threadlens.ingest.x_common import (
    PLATFORM,
    add_once,
    fold_edits,
    json_documents,
    mention_pairs,
    optional_x_id,
    report_incomplete_edits,
    status_url,
    tweet_text,
    warn_retweets,
    x_id,
)
from threadlens.model import Message

FORMAT = "x-api-v1"
EXPECTED = 'X API v1.1 statuses: one status, a list of them, one per line, or {"statuses": [...]}'


def sniff(src: SourceFile) -> bool:
    """JSON or JSON lines whose objects have v1.1 status fields (``id_str``, ``user``, ``text``/``full_text``)."""
    if src.is_dir or src.is_zip:
        return False
    head = src.head().lstrip()
    return (
        head.startswith(("{", "["))
        and '"id_str"' in head
        and '"user"' in head
        and ('"text"' in head or '"full_text"' in head)
    )


@register("x-api-v1", "X API v1.1 statuses (JSON, JSONL, lists, search responses)", sniff, priority=36)
def read(src: SourceFile, sink: Sink) -> Iterator[Message]:
    """The statuses in the file, embedded quoted/retweeted statuses as context, retweets counted."""
    by_id: dict[str, Message] = {}
    differing: list[Message] = []
    histories: dict[str, tuple[str, ...]] = {}
    counted: set[str] = set()
    retweets = 0
    statuses = 0
    for position, status, context in _statuses(src, sink):
        statuses += 1
        key = str(status.get("id_str") or status.get("id")) if isinstance(status, dict) else ""
        first = not key or key not in counted
        if first:
            sink.records += 1
            counted.add(key)
        if not isinstance(status, dict) or not ("id_str" in status or "id" in status):
            sink.reject(src, position, "not a status", expected="a v1.1 status object with id_str, user and text")
            continue
        if isinstance(status.get("retweeted_status"), dict):
            retweets += first
            continue
        try:
            message = _message(src, status, position, context)
            history = tuple(x_id(i) for i in (status.get("edit_history") or {}).get("edit_tweet_ids") or ())
        except RECORD_ERRORS as error:
            if first:
                sink.reject(src, position, record_error(error), expected="a status with id_str, user and text")
            continue
        add_once(by_id, message, differing)
        if len(history) > 1:
            histories[message.id] = history
    if not statuses:
        sink.warn(src, "whole file", "the file holds no statuses (an empty response)")
    folded = fold_edits(list(by_id.values()), histories)
    yield from folded.messages
    yield from differing
    report_incomplete_edits(src, sink, folded)
    warn_retweets(src, sink, retweets)


def _statuses(src: SourceFile, sink: Sink) -> Iterator[tuple[str, Any, bool]]:
    """``(JSON path, status, context?)`` for every status and every status embedded in one."""
    for path, document in json_documents(src, sink, expected=EXPECTED):
        if isinstance(document, dict) and isinstance(document.get("statuses"), list):
            items = [(f"{path}.statuses[{i}]", s) for i, s in enumerate(document["statuses"])]
        elif isinstance(document, list):
            items = [(f"{path}[{i}]", s) for i, s in enumerate(document)]
        elif isinstance(document, dict) and ("id_str" in document or "user" in document):
            items = [(path, document)]
        else:
            raise InputError(
                "not an X API v1.1 status or search response",
                path=src.display,
                position=path,
                expected=EXPECTED,
                hint="Name another format with --format (see 'threadlens formats')",
            )
        for position, status in items:
            yield position, status, False
            yield from _embedded(position, status)


def _embedded(position: str, status: Any) -> Iterator[tuple[str, Any, bool]]:
    """The quoted and retweeted statuses inside a status, depth first."""
    if not isinstance(status, dict):
        return
    for key in ("retweeted_status", "quoted_status"):
        inner = status.get(key)
        if isinstance(inner, dict):
            yield f"{position}.{key}", inner, True
            yield from _embedded(f"{position}.{key}", inner)


def _message(src: SourceFile, status: dict[str, Any], position: str, context: bool) -> Message:
    tweet_id = x_id(status.get("id_str") or status["id"])
    user = status["user"]
    extended = status.get("extended_tweet") if isinstance(status.get("extended_tweet"), dict) else None
    if extended is not None:
        text, entities = extended["full_text"], extended.get("entities") or {}
    else:
        text, entities = status.get("full_text") or status["text"], status.get("entities") or {}
    media = (extended or status).get("extended_entities")
    mentions, names = mention_pairs(entities.get("user_mentions"), id_key="id_str", name_key="screen_name")
    handle = user.get("screen_name") or ""
    return Message(
        id=tweet_id,
        platform=PLATFORM,
        author_id=x_id(user.get("id_str") or user["id"]),
        author_name=handle,
        created_at=parse_time(status["created_at"]),
        text=tweet_text(text, entities, media),
        reply_to=optional_x_id(status.get("in_reply_to_status_id_str") or status.get("in_reply_to_status_id")),
        quote_of=optional_x_id(status.get("quoted_status_id_str") or status.get("quoted_status_id")),
        mentions=mentions,
        mention_names=names,
        url=status_url(handle, tweet_id),
        context_only=context,
        sources=(src.source(position, FORMAT),),
    )
