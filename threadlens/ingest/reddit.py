"""Reddit JSON: a thread page, a comment Listing, or a ``/api/morechildren`` response.

Comments (``t1``) and the submission (``t3``) become messages; those whose body or author shows as
``[deleted]``/``[removed]`` are kept with ``deleted=True`` (with whatever text Reddit still shows).
``kind: "more"`` stubs are the comments Reddit did not send: their number is added to the parent's
``missing_children`` (the length of ``children``, else ``count``, else one for a "continue this
thread" link), so the graph can say how much of the thread is absent; stubs whose parent is in
another file are reported.

Ids are ``reddit:t1_…``/``reddit:t3_…``, authors ``reddit:<username>``; an author shown as
``[deleted]`` is unknown, and each such message gets its own ``reddit:[deleted]:<id>`` author so that
different unknown people are never merged into one participant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from threadlens.errors import InputError
from threadlens.ingest.base import RECORD_ERRORS, Sink, SourceFile, parse_time, record_error, register
from threadlens.ingest.reddit_common import author_key, is_deleted, submission_text
from threadlens.model import Message

FORMAT = "reddit"
PLATFORM = "reddit"
_KIND = re.compile(r'"kind"\s*:\s*"(?:Listing|t1|t3|more)"')


def sniff(src: SourceFile) -> bool:
    """JSON holding Reddit ``Listing``/``t1``/``t3`` things, or a morechildren response."""
    if src.is_dir or src.is_zip:
        return False
    head = src.head().lstrip()
    return head.startswith(("{", "[")) and bool(_KIND.search(head) or ('"json"' in head and '"things"' in head))


@register("reddit", "Reddit JSON: thread pages, comment listings, morechildren responses", sniff, priority=30)
def read(src: SourceFile, sink: Sink) -> Iterator[Message]:
    """The submission and comments in the file, with ``more`` stubs counted on their parents."""
    found: list[Message] = []
    first_by_id: dict[str, Message] = {}
    unplaced: dict[str, int] = {}
    edited = 0
    for position, thing in _things(src, src.json()):
        kind = thing.get("kind") if isinstance(thing, dict) else None
        data = thing.get("data") if isinstance(thing, dict) else None
        if kind == "more" and isinstance(data, dict) and data.get("parent_id"):
            parent = f"{PLATFORM}:{data['parent_id']}"
            missing = _missing_count(data)
            if parent in first_by_id:
                first_by_id[parent].missing_children += missing
            else:
                unplaced[parent] = unplaced.get(parent, 0) + missing
            continue
        sink.records += 1
        if kind not in ("t1", "t3") or not isinstance(data, dict):
            sink.reject(src, position, f"not a comment or submission (kind {kind!r})", expected="a t1 or t3 thing")
            continue
        try:
            message = _message(src, kind, data, position)
        except RECORD_ERRORS as error:
            sink.reject(src, position, record_error(error), expected=f"a {kind} with name, author and created_utc")
            continue
        edited += bool(data.get("edited"))
        message.missing_children += unplaced.pop(message.id, 0)
        first_by_id.setdefault(message.id, message)
        found.append(message)
    yield from found
    for parent, missing in unplaced.items():
        sink.warn(src, "whole file", f"{missing} more comment(s) under {parent}, which is not in this file")
    if edited:
        sink.warn(src, "whole file", f"{edited} message(s) were edited after posting; their earlier text is not here")


def _things(src: SourceFile, data: Any) -> Iterator[tuple[str, Any]]:
    """Every thing in a thread page, a Listing or a morechildren response, depth first, with its JSON path."""
    if isinstance(data, list):
        for index, listing in enumerate(data):
            yield from _listing(src, listing, f"$[{index}]")
    elif isinstance(data, dict) and isinstance(data.get("json"), dict):
        things = (data["json"].get("data") or {}).get("things")
        if not isinstance(things, list):
            raise InputError(
                "morechildren response without things",
                path=src.display,
                position="$.json.data",
                expected='{"json": {"data": {"things": [...]}}}',
            )
        for index, thing in enumerate(things):
            yield from _thing(src, thing, f"$.json.data.things[{index}]")
    elif isinstance(data, dict) and data.get("kind") == "Listing":
        yield from _listing(src, data, "$")
    elif isinstance(data, dict) and data.get("kind") in ("t1", "t3", "more"):
        yield from _thing(src, data, "$")
    else:
        raise InputError(
            "not Reddit JSON",
            path=src.display,
            expected="a thread page [Listing, Listing], a Listing of comments or a morechildren response",
            hint="Name another format with --format (see 'threadlens formats')",
        )


def _listing(src: SourceFile, listing: Any, path: str) -> Iterator[tuple[str, Any]]:
    children = (listing.get("data") or {}).get("children") if isinstance(listing, dict) else None
    if not isinstance(children, list):
        raise InputError(
            "not a Listing",
            path=src.display,
            position=path,
            expected='{"kind": "Listing", "data": {"children": [...]}}',
        )
    for index, thing in enumerate(children):
        yield from _thing(src, thing, f"{path}.data.children[{index}]")


def _thing(src: SourceFile, thing: Any, path: str) -> Iterator[tuple[str, Any]]:
    """The thing, then its nested replies (a Listing, or "" when it has none)."""
    yield path, thing
    data = thing.get("data") if isinstance(thing, dict) else None
    replies = data.get("replies") if isinstance(data, dict) else None
    if isinstance(replies, dict):
        yield from _listing(src, replies, f"{path}.data.replies")


def _missing_count(more: dict[str, Any]) -> int:
    """How many comments a ``more`` stub stands for: its children, else its count, else one."""
    children, count = more.get("children"), more.get("count")
    if isinstance(children, list) and children:
        return len(children)
    return count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else 1


def _message(src: SourceFile, kind: str, data: dict[str, Any], position: str) -> Message:
    name = data.get("name") or f"{kind}_{data['id']}"
    if kind == "t3":
        body = data.get("selftext") or ""
        text = submission_text(data["title"], body)
        parent, link = None, name
    else:
        body = data["body"]
        text, parent, link = body, f"{PLATFORM}:{data['parent_id']}", data["link_id"]
    author = data["author"]
    return Message(
        id=f"{PLATFORM}:{name}",
        platform=PLATFORM,
        author_id=f"{PLATFORM}:{author_key(author, name)}",
        author_name=author,
        created_at=parse_time(data["created_utc"]),
        text=text,
        reply_to=parent,
        conversation_id=f"{PLATFORM}:{link}",
        url=_url(data, name, link),
        deleted=is_deleted(author, body),
        sources=(src.source(position, FORMAT),),
    )


def _url(data: dict[str, Any], name: str, link: str) -> str:
    """The permalink, or the comment's address built from its ids when the JSON has none."""
    if data.get("permalink"):
        return f"https://www.reddit.com{data['permalink']}"
    post = link.removeprefix("t3_")
    return f"https://www.reddit.com/comments/{post}/" + ("" if name == link else f"_/{name.removeprefix('t1_')}/")
