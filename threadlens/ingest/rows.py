"""One message from canonical column values (``id, reply_to, author, created_at, text`` and the optional
``platform, conversation_id, quote_of, author_name, url, deleted``): the generic tables and ConvoKit share it."""

from __future__ import annotations

from typing import Any

from threadlens.model import Message, Source
from threadlens.timeparse import parse_time

KNOWN_PREFIXES = frozenset({"x", "reddit", "mastodon", "bsky", "generic", "convokit"})
_PLATFORM_ALIASES = {"twitter": "x", "bsky": "bluesky"}
_ID_PREFIXES = {"bluesky": "bsky"}
_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f", ""})


def qualify(value: Any, prefix: str) -> str | None:
    """``value`` as a platform-qualified id (``prefix:value``) unless it already has a known prefix; empty → None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        raise ValueError(f"id {value!r} is not a string or an integer; ids must never be floats")
    if not text:
        return None
    colon = text.find(":")
    return text if colon > 0 and text[:colon] in KNOWN_PREFIXES else f"{prefix}:{text}"


def message_from_values(values: dict[str, Any], *, platform: str, source: Source) -> Message:
    """A message from one row's values by canonical column name; ``ValueError`` says what is wrong."""
    platform = _PLATFORM_ALIASES.get(platform, platform)
    prefix = _ID_PREFIXES.get(platform, platform)
    message_id = qualify(values.get("id"), prefix)
    author = qualify(values.get("author"), prefix)
    if message_id is None:
        raise ValueError("id is empty")
    if author is None:
        raise ValueError("author is empty")
    created = values.get("created_at")
    return Message(
        id=message_id,
        platform=platform,
        author_id=author,
        author_name=str(values.get("author_name") or values["author"]).strip(),
        created_at=None if created in (None, "") else parse_time(created),
        text=str(values.get("text") or ""),
        reply_to=qualify(values.get("reply_to"), prefix),
        quote_of=qualify(values.get("quote_of"), prefix),
        conversation_id=qualify(values.get("conversation_id"), prefix),
        url=str(values["url"]) if values.get("url") else None,
        deleted=_flag(values.get("deleted")),
        sources=(source,),
    )


def _flag(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError(f"deleted is {value!r}, not true or false")
