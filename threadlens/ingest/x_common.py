"""What the three X readers share: ids, tweet text (entities decoded, t.co links expanded), mentions and edits.

X sends numbers as strings in archives and API v2, and as both in API v1.1 (``id`` may be a JSON number
beyond 2**53, ``id_str`` its exact string). Ids are kept as the strings they are and qualified as
``x:<id>``; a float is refused, since it has already lost digits.

Tweet text arrives HTML-escaped (``&amp;``, ``&lt;``, ``&gt;``) with links shortened to ``t.co``. The
text is unescaped first, then every ``t.co`` link that the tweet's entities expand is replaced by the
address it stands for (media links included, so that an archive and an API dump of one tweet agree).

An edited tweet is a chain of tweet ids, oldest first; the last is the current version. Readers hand
every version they saw to :func:`fold_edits`, which keeps the newest version present as the message and
the older ones as its ``edits``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from threadlens.errors import InputError
from threadlens.ingest.base import Sink, SourceFile, loads_json
from threadlens.model import Message, Revision

PLATFORM = "x"
_DIGITS = re.compile(r"\d{1,25}")
_TCO = re.compile(r"https?://t\.co/[A-Za-z0-9]+")
_NOT_SPACE = re.compile(r"\S")


def bare_id(value: Any) -> str:
    """An X id as its exact decimal string; a float, a boolean or anything not all digits is refused."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ValueError(f"id {value!r} is not a string or an integer; ids must never be floats")
    if not _DIGITS.fullmatch(text):
        raise ValueError(f"id {value!r} is not an X id (digits only)")
    return text


def x_id(value: Any) -> str:
    """``x:<id>`` for an id given as a string or an integer (see :func:`bare_id`)."""
    if value.__class__ is str and value.isdigit() and value.isascii() and len(value) <= 25:
        return "x:" + value  # the common case, without a further call: this runs for every id read
    return "x:" + bare_id(value)


def optional_x_id(value: Any) -> str | None:
    """``x:<id>``, or None when the value is absent or empty."""
    return None if value is None or value == "" else x_id(value)


def status_url(handle: str | None, tweet_id: str) -> str | None:
    """``https://x.com/<handle>/status/<id>`` when the handle is known (``tweet_id`` with or without ``x:``)."""
    return f"https://x.com/{handle}/status/{tweet_id.removeprefix('x:')}" if handle else None


def tweet_text(text: str, entities: Any = None, *more_entities: Any) -> str:
    """Plain text of a tweet: HTML entities decoded, then t.co links expanded from the entities given."""
    plain = html.unescape(text) if "&" in text else text
    if "t.co/" not in plain:
        return plain
    links: dict[str, str] = {}
    for group in (entities, *more_entities):
        links.update(short_links(group))
    return _TCO.sub(lambda match: links.get(match.group(0), match.group(0)), plain) if links else plain


def short_links(entities: Any) -> dict[str, str]:
    """t.co address → expanded address, from ``urls`` and ``media`` entities (v1.1, v2, archive and note form)."""
    if not isinstance(entities, Mapping):
        return {}
    links: dict[str, str] = {}
    for key in ("urls", "media"):
        for entity in entities.get(key) or ():
            if not isinstance(entity, Mapping):
                continue
            short = entity.get("url") or entity.get("shortUrl")
            expanded = entity.get("expanded_url") or entity.get("expandedUrl") or entity.get("unwound_url")
            if isinstance(short, str) and isinstance(expanded, str) and expanded:
                links[short] = expanded
    return links


def mention_pairs(
    mentions: Any, *, id_key: str, name_key: str, known: Mapping[str, str] | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(author ids, handles)`` of the mentions, in order, once each.

    A mention without an id takes it from ``known`` (handle in lower case → id) or is left out, so that
    the two tuples always line up.
    """
    ids: list[str] = []
    names: list[str] = []
    for mention in mentions or ():
        if not isinstance(mention, Mapping):
            continue
        name = mention.get(name_key)
        raw = mention.get(id_key)
        if raw in (None, "") and known is not None and isinstance(name, str):
            raw = known.get(name.lower())
        if raw in (None, "") or not isinstance(name, str):
            continue
        identity = x_id(raw)
        if identity not in ids:
            ids.append(identity)
            names.append(name)
    return tuple(ids), tuple(names)


def json_documents(src: SourceFile, sink: Sink, *, expected: str) -> Iterator[tuple[str, Any]]:
    """``(JSON path, value)``: each line of a JSONL file (``line 3: $``), or the whole JSON file (``$``).

    A file of several lines is read as JSON lines when its first line is a complete JSON value. A line that is not
    valid JSON is counted as a record and rejected; the other lines are still read.
    """
    text = src.text  # looked into in place: a copy of a large file (stripped, or cut after its first line) is costly
    begin = _NOT_SPACE.search(text)
    if begin is None or begin.group() not in "{[":
        raise InputError(
            "not JSON",
            path=src.display,
            position="line 1",
            expected=expected,
            hint="Name another format with --format (see 'threadlens formats')",
        )
    end = text.find("\n", begin.start())
    several = end >= 0 and _NOT_SPACE.search(text, end) is not None
    if several:
        try:
            loads_json(text[begin.start() : end])
        except ValueError:
            several = False
    if not several:
        yield "$", src.json()
        return
    for number, value in src.jsonl():
        if isinstance(value, InputError):
            sink.records += 1
            sink.reject(src, f"line {number}", value.reason, expected="one complete JSON value per line")
        else:
            yield f"line {number}: $", value


def warn_retweets(src: SourceFile, sink: Sink, count: int) -> None:
    """One warning for the retweets in a file: counted as records, never made messages."""
    if count:
        sink.warn(
            src,
            "whole file",
            f"{count} retweet(s) are not messages (a retweet repeats another tweet's "
            "words); they are counted as records only",
        )


@dataclass
class Folded:
    """The messages after folding edit chains, and what the fold found.

    ``aliases`` maps every id of a folded chain to the id of the message kept for it; ``incomplete``
    lists ``(kept id, newest id)`` for chains whose newest version was not in the input.
    """

    messages: list[Message]
    aliases: dict[str, str] = field(default_factory=dict)
    incomplete: list[tuple[str, str]] = field(default_factory=list)


def fold_edits(messages: Sequence[Message], histories: Mapping[str, Sequence[str]]) -> Folded:
    """Keep one message per edit chain: the newest version present, with the older ones as ``edits``.

    ``histories`` maps a message id to its chain (qualified ids, oldest first); messages with no chain
    of two or more ids pass through. The kept message's ``edited_from`` lists every older id of the
    chain; it is ``context_only`` only if every version was, and ``deleted`` if any version was. Replies
    and quotes that point at any version of a chain are pointed at the kept message. Order is the
    order in which each chain was first seen.
    """
    chains: dict[str, tuple[str, ...]] = {}
    for key, chain in histories.items():
        if len(chain) > 1 and key in chain and len(chain) > len(chains.get(chain[0], ())):
            chains[chain[0]] = tuple(chain)
    if not chains:
        return Folded(list(messages))
    groups: dict[str, list[Message]] = {}
    order: list[str | Message] = []
    for message in messages:
        chain = histories.get(message.id, ())
        head = chain[0] if len(chain) > 1 and message.id in chain else None
        if head is None:
            order.append(message)
            continue
        if head not in groups:
            groups[head] = []
            order.append(head)
        groups[head].append(message)
    folded = Folded([])
    for item in order:
        if isinstance(item, Message):
            folded.messages.append(item)
            continue
        chain = chains[item]
        versions = sorted(groups[item], key=lambda m: chain.index(m.id) if m.id in chain else -1)
        kept = versions[-1]
        position = chain.index(kept.id)
        folded.messages.append(
            replace(
                kept,
                edited_from=chain[:position],
                edits=tuple(Revision(v.id, v.text, v.created_at, v.source) for v in versions[:-1]),
                context_only=all(v.context_only for v in versions),
                deleted=any(v.deleted for v in versions),
            )
        )
        folded.aliases.update({version: kept.id for version in chain if version != kept.id})
        if kept.id != chain[-1]:
            folded.incomplete.append((kept.id, chain[-1]))
    for message in folded.messages:
        message.reply_to = folded.aliases.get(message.reply_to, message.reply_to) if message.reply_to else None
        message.quote_of = folded.aliases.get(message.quote_of, message.quote_of) if message.quote_of else None
    return folded


def report_incomplete_edits(src: SourceFile, sink: Sink, folded: Folded) -> None:
    """A warning for every edit chain whose newest version is not in the file."""
    for kept, newest in folded.incomplete:
        sink.warn(
            src,
            "whole file",
            f"{kept} was edited later; its newest version {newest} is not in this file, "
            f"so {kept} is kept with the text it had then",
        )


def add_once(by_id: dict[str, Message], message: Message, differing: list[Message]) -> None:
    """Add ``message`` to ``by_id``. A repeat only adds its sources, except that a tweet read as itself
    replaces a copy seen as context (keeping that copy's sources after its own), and a repeat with another
    author or text goes to ``differing``: both are kept, and the merge reports them as a conflict."""
    seen = by_id.get(message.id)
    if seen is None:
        by_id[message.id] = message
    elif seen.context_only and not message.context_only:
        message.sources = message.sources + seen.sources
        by_id[message.id] = message
    elif seen.context_only == message.context_only and _disagree(seen, message):
        differing.append(message)
    else:
        seen.sources = seen.sources + message.sources


def _disagree(one: Message, other: Message) -> bool:
    """Whether two records of one tweet name different authors or hold different texts."""
    return one.author_id != other.author_id or bool(one.text and other.text and one.text != other.text)
