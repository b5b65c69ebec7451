"""Mastodon: an account archive's ``outbox.json`` (ActivityStreams) and REST API statuses.

Message ids are ``mastodon:<status uri>``, the canonical ActivityPub URI, so a status read from an
archive and the same status read from the API merge. The API names a parent only by its numeric id,
which is local to the instance that answered. The parent's URI is found, in this order: from the
parent itself when it is in the same file; from the URIs of its author's other statuses in the file
when the author is local to the instance (their URIs all end in ``/statuses/<id>``); otherwise the
reply points at ``mastodon:<instance>/api/v1/statuses/<id>``, the URL that returns that status,
where ``<instance>`` (``https://host``) is the server of the file's local statuses (those whose
``acct`` has no domain). The graph then shows the parent as a placeholder that can be fetched.

Authors are ``mastodon:<user>@<domain>``; boosts (``Announce`` activities, API ``reblog``) are not
messages: they are counted and reported once per file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from threadlens.errors import InputError
from threadlens.ingest.base import RECORD_ERRORS, Sink, SourceFile, parse_time, record_error, register, zip_members
from threadlens.model import Message

FORMAT = "mastodon"
PLATFORM = "mastodon"
OUTBOX = "outbox.json"
ACTOR = "actor.json"
_ACTOR_PATH = re.compile(r"^/(?:users/|@)([^/]+)/?$")
_BLOCKS = frozenset({"p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})


class _PlainText(HTMLParser):
    """Collects the text of Mastodon's HTML: paragraphs as blank-line breaks, ``<br>`` as newlines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(html: str) -> str:
    """Plain text of a status's HTML: paragraphs and ``<br>`` become newlines, links their text, entities decoded."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def sniff(src: SourceFile) -> bool:
    """An archive folder or ZIP with ``outbox.json``, an outbox, or API statuses / a ``/context`` response."""
    if src.is_dir or src.is_zip:
        return _has_outbox(src)
    head = src.head().lstrip()
    if not head.startswith(("{", "[")):
        return False
    if '"orderedItems"' in head and "activitystreams" in head:
        return '"Create"' in head or '"Announce"' in head
    return ('"ancestors"' in head and '"descendants"' in head) or (
        '"in_reply_to_id"' in head and '"in_reply_to_account_id"' in head
    )


@register(
    "mastodon",
    "Mastodon archive (outbox.json, ZIP or folder) or API statuses / context",
    sniff,
    priority=30,
    folder=True,
)
def read(src: SourceFile, sink: Sink) -> Iterator[Message]:
    """Messages from an archive (ZIP, folder or ``outbox.json``) or from API statuses."""
    if src.is_dir or src.is_zip:
        yield from _read_archive(src, sink)
        return
    data = src.json()
    if isinstance(data, dict) and "orderedItems" in data:
        yield from _read_outbox(src, data, sink, owner=None)
    else:
        yield from _read_statuses(src, data, sink)


# --- archive -------------------------------------------------------------------------------------


def _has_outbox(src: SourceFile) -> bool:
    """Whether ``outbox.json`` is at the top of the folder or ZIP, as in an archive.

    Only the top counts: a folder that merely contains an archive somewhere, beside other exports,
    is read file by file instead of being claimed whole.
    """
    if src.is_dir:
        return (src.path / OUTBOX).is_file()
    try:
        with zipfile.ZipFile(io.BytesIO(src.data)) as archive:
            return OUTBOX in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _read_archive(src: SourceFile, sink: Sink) -> Iterator[Message]:
    members = src.members() if src.is_dir else zip_members(src, keep=lambda name: name in (OUTBOX, ACTOR))
    outboxes = [member for key, member in members.items() if key == OUTBOX or key.startswith(f"{OUTBOX}~")]
    if not outboxes:
        raise InputError(
            f"no {OUTBOX} at the top of this archive",
            path=src.display,
            expected="a Mastodon account archive (outbox.json and actor.json)",
            hint="Pass the archive downloaded from Preferences → Import and export → Request your archive",
        )
    owner = members[ACTOR].json() if ACTOR in members else None
    for outbox in outboxes:
        yield from _read_outbox(outbox, outbox.json(), sink, owner=owner if isinstance(owner, dict) else None)


def _read_outbox(
    src: SourceFile, outbox: dict[str, Any], sink: Sink, *, owner: dict[str, Any] | None
) -> Iterator[Message]:
    items = outbox.get("orderedItems")
    if not isinstance(items, list):
        raise InputError(
            "orderedItems is not a list",
            path=src.display,
            position="$.orderedItems",
            expected="an ActivityStreams OrderedCollection of activities",
        )
    owners = _owner_handles(owner)
    boosts = 0
    for index, activity in enumerate(items):
        position = f"$.orderedItems[{index}]"
        sink.records += 1
        kind = activity.get("type") if isinstance(activity, dict) else None
        if kind == "Announce":
            boosts += 1
            continue
        note = activity.get("object") if kind == "Create" else None
        if not isinstance(note, dict) or note.get("type") not in ("Note", "Question"):
            sink.reject(src, position, f"not a post: activity type {kind!r}", expected="a Create activity with a Note")
            continue
        try:
            yield _note_message(src, note, position, owners)
        except RECORD_ERRORS as error:
            sink.reject(src, position, record_error(error), expected="a Note with id, published and attributedTo")
    _report_boosts(src, sink, boosts)


def _owner_handles(actor: dict[str, Any] | None) -> dict[str, str]:
    """Actor URI → ``user@domain`` for the archive's owner (their URI may not contain the name)."""
    if not actor or not actor.get("id") or not actor.get("preferredUsername"):
        return {}
    return {actor["id"]: f"{actor['preferredUsername']}@{urlsplit(actor['id']).netloc}"}


def _note_message(src: SourceFile, note: dict[str, Any], position: str, owners: dict[str, str]) -> Message:
    actor = note["attributedTo"]
    if not isinstance(actor, str):
        raise ValueError("attributedTo is not an actor URI")
    handle = owners.get(actor) or _handle_from_actor_uri(actor)
    mentions = [
        _mention_handle(tag["name"], tag.get("href"))
        for tag in note.get("tag") or ()
        if isinstance(tag, dict) and tag.get("type") == "Mention"
    ]
    return Message(
        id=_message_id(note["id"]),
        platform=PLATFORM,
        author_id=f"{PLATFORM}:{handle}",
        author_name=handle,
        created_at=parse_time(note["published"]),
        text=_with_warning(note.get("summary"), html_to_text(note.get("content") or "")),
        reply_to=_message_id(note["inReplyTo"]) if note.get("inReplyTo") else None,
        mentions=tuple(f"{PLATFORM}:{handle}" for handle in mentions),
        mention_names=tuple(handle.split("@")[0] for handle in mentions),
        url=note.get("url") if isinstance(note.get("url"), str) else None,
        sources=(src.source(position, FORMAT),),
    )


def _handle_from_actor_uri(uri: str) -> str:
    """``https://host/users/alice`` or ``https://host/@alice`` → ``alice@host``; other URIs stay whole."""
    parts = urlsplit(uri)
    match = _ACTOR_PATH.match(parts.path)
    return f"{match.group(1)}@{parts.netloc}" if match and parts.netloc else uri


def _mention_handle(name: str, href: str | None) -> str:
    """A Mention tag's ``@bob`` or ``@bob@host`` as ``bob@host`` (the domain from ``href`` when absent)."""
    handle = name.lstrip("@")
    if "@" not in handle and href:
        handle = f"{handle}@{urlsplit(href).netloc}"
    return handle


# --- REST API ------------------------------------------------------------------------------------


def _read_statuses(src: SourceFile, data: Any, sink: Sink) -> Iterator[Message]:
    located = _located_statuses(src, data)
    statuses = [status for _, status in located if isinstance(status, dict)]
    uris = {str(s["id"]): s["uri"] for s in statuses if s.get("id") is not None and isinstance(s.get("uri"), str)}
    parents = _ParentResolver(uris, _local_uri_prefixes(statuses), _instance(statuses))
    boosts = 0
    edited: list[str] = []
    for position, status in located:
        sink.records += 1
        if not isinstance(status, dict):
            sink.reject(src, position, f"not a status object: {type(status).__name__}", expected="a JSON object")
            continue
        if status.get("reblog"):
            boosts += 1
            continue
        try:
            message = _status_message(src, status, position, parents)
        except RECORD_ERRORS as error:
            sink.reject(src, position, record_error(error), expected="a status with id, uri, created_at and account")
            continue
        if status.get("edited_at"):
            edited.append(message.id)
        yield message
    _report_boosts(src, sink, boosts)
    if edited:
        sink.warn(
            src,
            "whole file",
            f"{len(edited)} status(es) were edited after posting; their earlier text "
            f"is not in this file (GET /api/v1/statuses/:id/history has it): {', '.join(edited[:5])}",
        )


def _located_statuses(src: SourceFile, data: Any) -> list[tuple[str, Any]]:
    """Every status in a single status, a list of statuses or a ``/context`` response, with its JSON path."""
    if isinstance(data, list):
        return [(f"$[{i}]", status) for i, status in enumerate(data)]
    if isinstance(data, dict) and ("ancestors" in data or "descendants" in data):
        located = [("$.status", data["status"])] if isinstance(data.get("status"), dict) else []
        for key in ("ancestors", "descendants"):
            if not isinstance(data.get(key, []), list):
                raise InputError(
                    f"{key} is not a list",
                    path=src.display,
                    position=f"$.{key}",
                    expected="a /api/v1/statuses/:id/context response",
                )
            located += [(f"$.{key}[{i}]", status) for i, status in enumerate(data.get(key, []))]
        return located
    if isinstance(data, dict) and "account" in data and ("content" in data or "text" in data):
        return [("$", data)]
    raise InputError(
        "not Mastodon statuses",
        path=src.display,
        expected="a status, a list of statuses, a /context response or an outbox.json",
        hint="Name another format with --format (see 'threadlens formats')",
    )


def _is_local(status: dict[str, Any]) -> bool:
    account = status.get("account")
    return isinstance(account, dict) and bool(account.get("acct")) and "@" not in account["acct"]


def _instance(statuses: list[dict[str, Any]]) -> str | None:
    """The server that answered (``https://host``): where its local accounts' statuses live."""
    return next((_origin(s["uri"]) for s in statuses if _is_local(s) and isinstance(s.get("uri"), str)), None)


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


def _local_uri_prefixes(statuses: list[dict[str, Any]]) -> dict[str, str]:
    """Local account id → the URI of its statuses without the status id (``https://host/users/alice/statuses/``)."""
    prefixes: dict[str, str] = {}
    for status in statuses:
        uri, local_id = status.get("uri"), str(status.get("id"))
        if _is_local(status) and isinstance(uri, str) and uri.endswith(f"/statuses/{local_id}"):
            prefixes.setdefault(str(status["account"].get("id")), uri.removesuffix(local_id))
    return prefixes


@dataclass(frozen=True)
class _ParentResolver:
    """Turns an API ``in_reply_to_id`` into the parent's message id (see the module's docstring)."""

    uris: dict[str, str]
    prefixes: dict[str, str]
    instance: str | None

    def parent_id(self, status: dict[str, Any]) -> str | None:
        local = status.get("in_reply_to_id")
        if local is None:
            return None
        local = str(local)
        if local in self.uris:
            return _message_id(self.uris[local])
        prefix = self.prefixes.get(str(status.get("in_reply_to_account_id")))
        if prefix:
            return _message_id(prefix + local)
        return f"{PLATFORM}:{self.instance or _origin(status['uri'])}/api/v1/statuses/{local}"


def _status_message(src: SourceFile, status: dict[str, Any], position: str, parents: _ParentResolver) -> Message:
    account = status["account"]
    handle = _account_handle(account["acct"], account.get("url"))
    mentions = [_account_handle(m["acct"], m.get("url")) for m in status.get("mentions") or ()]
    return Message(
        id=_message_id(status["uri"]),
        platform=PLATFORM,
        author_id=f"{PLATFORM}:{handle}",
        author_name=handle,
        created_at=parse_time(status["created_at"]),
        text=_status_text(status),
        reply_to=parents.parent_id(status),
        mentions=tuple(f"{PLATFORM}:{mention}" for mention in mentions),
        mention_names=tuple(mention.split("@")[0] for mention in mentions),
        url=status.get("url"),
        deleted=_is_deleted(status),
        sources=(src.source(position, FORMAT),),
    )


def _is_deleted(status: dict[str, Any]) -> bool:
    """The answer to ``DELETE /api/v1/statuses/:id`` carries the plain source ``text`` instead of ``content``."""
    return "content" not in status and "text" in status


def _status_text(status: dict[str, Any]) -> str:
    body = str(status["text"] or "") if _is_deleted(status) else html_to_text(status.get("content") or "")
    return _with_warning(status.get("spoiler_text"), body)


def _account_handle(acct: str, url: str | None) -> str:
    """``acct`` with its domain: ``alice`` on ``https://host/@alice`` is ``alice@host``."""
    if not acct:
        raise ValueError("account has no acct")
    if "@" in acct or not url:
        return acct
    return f"{acct}@{urlsplit(url).netloc}"


# --- shared --------------------------------------------------------------------------------------


def _message_id(uri: Any) -> str:
    if not isinstance(uri, str) or not uri:
        raise ValueError(f"not a status URI: {uri!r}")
    return f"{PLATFORM}:{uri}"


def _with_warning(warning: str | None, text: str) -> str:
    """The text behind its content warning, as a ``CW: …`` first line, when there is one."""
    return f"CW: {warning}\n{text}" if warning else text


def _report_boosts(src: SourceFile, sink: Sink, boosts: int) -> None:
    if boosts:
        sink.warn(src, "whole file", f"{boosts} boost(s) skipped: a boost repeats someone's post and is not a message")
