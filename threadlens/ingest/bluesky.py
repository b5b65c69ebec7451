"""Bluesky: ``app.bsky.feed.getPostThread`` responses (one, a JSONL of them, or a list of posts).

A thread nests the focal post's ancestors under ``parent`` and its replies under ``replies``. Posts
that were deleted (``#notFoundPost``) or hidden by a block (``#blockedPost``) are not invented as
messages: a missing parent stays the reply's ``reply_to`` (the graph shows it as a placeholder) and a
missing reply is counted on its parent's ``missing_children``; both are reported.

Ids are ``bsky:<at:// uri>``, authors ``bsky:<did>`` with the handle as name, and the conversation is
the thread's root post.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from threadlens.errors import InputError
from threadlens.ingest.base import RECORD_ERRORS, Sink, SourceFile, loads_json, parse_time, record_error, register
from threadlens.model import Message

FORMAT = "bluesky"
PLATFORM = "bluesky"
PREFIX = "bsky"
_MENTION = "app.bsky.richtext.facet#mention"
_POST_COLLECTION = "/app.bsky.feed.post/"


def sniff(src: SourceFile) -> bool:
    """JSON with ``at://`` URIs and Bluesky's feed types (every post record is an ``app.bsky.feed.post``)."""
    if src.is_dir or src.is_zip:
        return False
    head = src.head().lstrip()
    return head.startswith(("{", "[")) and '"at://' in head and "app.bsky.feed." in head


@register("bluesky", "Bluesky getPostThread responses (JSON, JSONL) or lists of posts", sniff, priority=30)
def read(src: SourceFile, sink: Sink) -> Iterator[Message]:
    """Every post in the file's threads, with placeholders for posts that are gone or blocked."""
    for position, item in _documents(src, sink):
        yield from _read_item(src, sink, item, position)


def _documents(src: SourceFile, sink: Sink) -> Iterator[tuple[str, Any]]:
    """The file as one JSON document, or as JSON lines (each a response) when it holds several."""
    try:
        document = src.json()
    except InputError:
        if not _is_json(src.text.lstrip().split("\n", 1)[0]):
            raise
    else:
        yield "$", document
        return
    for number, parsed in src.jsonl():
        if isinstance(parsed, InputError):
            sink.records += 1
            sink.reject(src, parsed.position or f"line {number}", parsed.reason, expected=parsed.expected)
        else:
            yield f"line {number}: $", parsed


def _is_json(text: str) -> bool:
    try:
        loads_json(text)
    except ValueError:
        return False
    return True


def _read_item(src: SourceFile, sink: Sink, item: Any, position: str) -> Iterator[Message]:
    if isinstance(item, list):
        for index, element in enumerate(item):
            yield from _read_item(src, sink, element, f"{position}[{index}]")
    elif isinstance(item, dict) and "thread" in item:
        yield from _read_thread(src, sink, item["thread"], f"{position}.thread")
    elif isinstance(item, dict) and isinstance(item.get("posts"), list):
        yield from _read_item(src, sink, item["posts"], f"{position}.posts")
    elif isinstance(item, dict) and ("post" in item or _node_kind(item) != "post"):
        yield from _read_thread(src, sink, item, position)
    elif isinstance(item, dict) and "uri" in item and "record" in item:
        sink.records += 1
        try:
            yield _post_message(src, item, position)
        except RECORD_ERRORS as error:
            sink.reject(src, position, record_error(error), expected="a post view with uri, author and record")
    else:
        sink.records += 1
        sink.reject(
            src,
            position,
            "not a Bluesky post or thread",
            expected="a getPostThread response, a thread view post or a post view",
        )


def _node_kind(node: dict[str, Any]) -> str:
    """``post``, ``notFound`` or ``blocked`` for a thread node (by ``$type``, or by its fields)."""
    kind = str(node.get("$type", "")).rsplit("#", 1)[-1]
    if kind == "notFoundPost" or node.get("notFound"):
        return "notFound"
    if kind == "blockedPost" or node.get("blocked"):
        return "blocked"
    return "post"


def _read_thread(src: SourceFile, sink: Sink, root: Any, position: str) -> list[Message]:
    """The posts of one thread view, walking up through ``parent`` and down through ``replies``.

    Each stack entry is a node, its JSON path, the message it is the parent of (walking up) and the
    message it replies to (walking down). A post that cannot be read is rejected, and the walk goes
    on past it: its replies still name their parent in their own records.
    """
    messages: list[Message] = []
    stack: list[tuple[Any, str, Message | None, Message | None]] = [(root, position, None, None)]
    while stack:
        node, path, child, parent = stack.pop()
        if not isinstance(node, dict):
            sink.records += 1
            sink.reject(src, path, "thread node is not an object", expected="a thread view post")
            continue
        kind = _node_kind(node)
        if kind != "post":
            _note_absent(src, sink, node, path, kind, child, parent)
            continue
        sink.records += 1
        message = None
        try:
            message = _post_message(src, node["post"], f"{path}.post")
        except RECORD_ERRORS as error:
            sink.reject(src, f"{path}.post", record_error(error), expected="a post view with uri, author and record")
        else:
            if parent is not None and message.reply_to is None:
                message.reply_to = parent.id
            if child is not None and child.reply_to is None:
                child.reply_to = message.id
            messages.append(message)
        replies = node.get("replies") or []
        stack.extend((reply, f"{path}.replies[{i}]", None, message) for i, reply in reversed(list(enumerate(replies))))
        if node.get("parent") is not None:
            stack.append((node["parent"], f"{path}.parent", message, None))
    return messages


def _note_absent(
    src: SourceFile,
    sink: Sink,
    node: dict[str, Any],
    path: str,
    kind: str,
    child: Message | None,
    parent: Message | None,
) -> None:
    """Record a deleted or blocked post: the reply keeps pointing at it, or its parent counts it as missing."""
    uri = node.get("uri")
    why = "was deleted or cannot be found" if kind == "notFound" else "is hidden by a block"
    if child is not None:
        if child.reply_to is None and uri:
            child.reply_to = f"{PREFIX}:{uri}"
        sink.warn(src, path, f"parent post {uri} {why}; {child.id} replies to a missing placeholder")
    elif parent is not None:
        parent.missing_children += 1
        sink.warn(src, path, f"reply {uri} to {parent.id} {why}; counted as a missing reply")
    else:
        sink.warn(src, path, f"post {uri} {why}")


def _post_message(src: SourceFile, post: dict[str, Any], position: str) -> Message:
    uri = post["uri"]
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise ValueError(f"uri is not an at:// URI: {uri!r}")
    author = post["author"]
    record = post["record"]
    handle = author.get("handle") or author["did"]
    reply = record.get("reply") or {}
    root = (reply.get("root") or {}).get("uri") or uri
    parent = (reply.get("parent") or {}).get("uri")
    mentions = [
        (feature["did"], _facet_text(record.get("text", ""), facet))
        for facet in record.get("facets") or ()
        for feature in facet.get("features") or ()
        if feature.get("$type") == _MENTION and feature.get("did")
    ]
    return Message(
        id=f"{PREFIX}:{uri}",
        platform=PLATFORM,
        author_id=f"{PREFIX}:{author['did']}",
        author_name=handle,
        created_at=parse_time(record.get("createdAt") or post.get("indexedAt")),
        text=record.get("text", ""),
        reply_to=f"{PREFIX}:{parent}" if parent else None,
        quote_of=_quoted(record.get("embed")),
        conversation_id=f"{PREFIX}:{root}",
        mentions=tuple(f"{PREFIX}:{did}" for did, _ in mentions),
        mention_names=tuple(name.lstrip("@") for _, name in mentions),
        url=f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}",
        sources=(src.source(position, FORMAT),),
    )


def _quoted(embed: Any) -> str | None:
    """The post a record embeds (``app.bsky.embed.record`` or ``recordWithMedia``), if it is a post."""
    if not isinstance(embed, dict):
        return None
    kind = embed.get("$type", "")
    target = embed.get("record") if kind == "app.bsky.embed.record" else None
    if kind == "app.bsky.embed.recordWithMedia":
        target = (embed.get("record") or {}).get("record")
    uri = target.get("uri") if isinstance(target, dict) else None
    return f"{PREFIX}:{uri}" if isinstance(uri, str) and _POST_COLLECTION in uri else None


def _facet_text(text: str, facet: dict[str, Any]) -> str:
    """The text a facet covers; its offsets count UTF-8 bytes."""
    index = facet.get("index") or {}
    return text.encode()[index.get("byteStart", 0) : index.get("byteEnd", 0)].decode(errors="replace")
