"""Pseudonymisation: people who are not parties to a case are not exposed.

:func:`pseudonymise` replaces every author who is not a party of a
:class:`~threadlens.privacy.manifest.Manifest` by a stable pseudonym (``Person-7f3a2c``): in author ids and
names, mentions, @mentions inside texts and edits, and in message ids and URLs that carry a handle.
Pseudonyms are an HMAC-SHA256 of the person's platform-qualified id under a per-case key (see
:mod:`threadlens.privacy.keys`). :func:`pseudonymise_read` also rewrites reader problems and conflicts, so a
non-party's handle or id in a warning is pseudonymised like everywhere else.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from threadlens.model import Conflict, Message, ReadResult, Revision
from threadlens.privacy.keys import derived_key
from threadlens.privacy.manifest import Manifest, normalise_handle

PSEUDONYM_PREFIX = "Person-"
PSEUDONYM_HEX = 6
# In texts: a URL (its path segments naming a non-party are replaced), @handle, @user@instance.host and
# @name.bsky.social (not inside an e-mail address), and Reddit's u/name and /u/name.
_IN_TEXT = re.compile(
    r"(?P<url>\bhttps?://[^\s<>\"'()]+)"
    r"|(?<![\w@])@(?P<handle>[A-Za-z0-9_](?:[\w.-]*\w)?(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)"
    r"|(?<!\w)(?P<u>/?u/)(?P<user>[A-Za-z0-9_-]{3,20})(?![\w-])"
)
_SEGMENTS = re.compile(r"([/?=&#]+)")
# A decentralised identifier (Bluesky's author ids): a person, wherever it appears.
_DID = re.compile(r"did:(?:plc|web):[A-Za-z0-9._%-]+")
# Reader problems are split into words at these characters before their handles and ids are replaced.
_PROBLEM_WORDS = re.compile(r"([\s\[\](){}\"',;]+)")
# Author names that stand for no one (a deleted account); nothing to hide, and the panel should see them.
NO_ONE = frozenset({"[deleted]", "[removed]"})


def pseudonymise(messages: list[Message], manifest: Manifest, key: bytes | None = None) -> list[Message]:
    """New messages in which every author who is not a party of ``manifest`` appears under a pseudonym.

    Replaced are author ids and names, mentions and mention names, @mentions (and Reddit u/ mentions)
    in texts and edits, and path segments equal to a non-party's handle or id in message ids, URLs and
    URLs inside texts. Parties' messages keep their authors. Text offsets change, so this runs before
    scoring.
    """
    return _Pseudonymiser(messages, manifest, key if key is not None else derived_key(manifest.case_id)).apply()


def pseudonymise_read(read: ReadResult, manifest: Manifest, key: bytes | None = None) -> None:
    """:func:`pseudonymise` a read's messages in place, and with them its problems and conflicts.

    A problem's reason is free text written by a reader: every @handle, DID, platform-qualified id and
    known handle of a non-party in it is replaced by the pseudonym, even for a person who wrote nothing
    read (a suspended account, the author of a deleted reply).
    """
    pseudonymiser = _Pseudonymiser(read.messages, manifest, key if key is not None else derived_key(manifest.case_id))
    read.messages = pseudonymiser.apply()
    read.problems = [replace(problem, reason=pseudonymiser.free_text(problem.reason)) for problem in read.problems]
    read.conflicts = [pseudonymiser.conflict(conflict) for conflict in read.conflicts]


class _Pseudonymiser:
    """The identities of one list of messages and the pseudonym of every non-party among them.

    An identity is a platform-qualified author id. Its handles (the id's local part, the author names
    and mention names seen with it) are what a party is matched on; on Mastodon the bare user name of
    ``user@host`` also resolves a short ``@user`` mention, but never makes anyone a party.
    """

    def __init__(self, messages: list[Message], manifest: Manifest, key: bytes) -> None:
        self.messages = messages
        self.manifest = manifest
        self.key = key
        self.aliases: dict[tuple[str, str], str] = {}  # (platform, normalised handle) → identity
        self.handles: dict[str, set[str]] = {}  # identity → its normalised handles
        self.pseudonyms: dict[str, str] = {}
        self._taken: set[str] = set()
        self._shown: dict[str, bool] = {}
        for message in messages:
            self._learn(message.platform, message.author_id, message.author_name)
            for mention, name in _mention_pairs(message):
                self._learn(message.platform, mention, name)
            for revision in message.edits:
                if revision.author_id:
                    self._learn(message.platform, revision.author_id, revision.author_name)
        shown_segments = {a for (_, a), i in self.aliases.items() if self.shown(i)}
        self.segments = {  # id/URL path segment (normalised) → pseudonym
            alias: self.pseudonym(identity)
            for (_, alias), identity in sorted(self.aliases.items())
            if alias not in shown_segments and not self.shown(identity)
        }

    def _learn(self, platform: str, identity: str, name: str | None) -> None:
        local = identity.split(":", 1)[-1]
        handles = {normalise_handle(platform, local), normalise_handle(platform, name or "")} - {""}
        self.handles.setdefault(identity, set()).update(handles)
        if platform == "mastodon":
            handles |= {handle.split("@")[0] for handle in handles}
        for handle in sorted(handles):
            self.aliases.setdefault((platform, handle), identity)

    def shown(self, identity: str) -> bool:
        """Whether an author keeps their own name: a party of the case, or no one (a deleted account)."""
        if identity not in self._shown:
            handles = self.handles.get(identity, set())
            party = self.manifest.party_of(_platform_of(identity), identity, *handles)
            self._shown[identity] = party is not None or not handles.isdisjoint(NO_ONE)
        return self._shown[identity]

    def pseudonym(self, identity: str) -> str:
        """The pseudonym of a person (longer where two people of the case would share one)."""
        if identity not in self.pseudonyms:
            digest = hmac.new(self.key, identity.lower().encode("utf-8"), hashlib.sha256).hexdigest()
            length = PSEUDONYM_HEX
            while f"{PSEUDONYM_PREFIX}{digest[:length]}" in self._taken:
                length += 2
            self.pseudonyms[identity] = f"{PSEUDONYM_PREFIX}{digest[:length]}"
            self._taken.add(self.pseudonyms[identity])
        return self.pseudonyms[identity]

    def apply(self) -> list[Message]:
        return [self._message(message) for message in self.messages]

    def _message(self, message: Message) -> Message:
        changes: dict[str, Any] = {}
        if not self.shown(message.author_id):
            changes["author_id"] = self._identity(message.author_id)
            changes["author_name"] = self.pseudonym(message.author_id)
        if message.mentions:
            changes["mentions"] = tuple(self._identity(m) for m in message.mentions)
            changes["mention_names"] = tuple(self._mention_name(message, n) for n in message.mention_names)
        changes["text"] = self._text(message, message.text)
        changes["edits"] = tuple(self._revision(message, r) for r in message.edits)
        for name in ("id", "reply_to", "quote_of", "conversation_id", "url"):
            changes[name] = self._scrub(getattr(message, name))
        changes["edited_from"] = tuple(self._scrub(i) for i in message.edited_from)
        return replace(message, **changes)

    def _revision(self, message: Message, revision: Revision) -> Revision:
        changes: dict[str, Any] = {"id": self._scrub(revision.id), "text": self._text(message, revision.text)}
        if revision.author_id and not self.shown(revision.author_id):
            changes |= {
                "author_id": self._identity(revision.author_id),
                "author_name": self.pseudonym(revision.author_id),
            }
        return replace(revision, **changes)

    def conflict(self, conflict: Conflict) -> Conflict:
        """A conflict naming the message by its pseudonymised id."""
        return replace(conflict, message_id=self._scrub(conflict.message_id) or conflict.message_id)

    def free_text(self, text: str) -> str:
        """Text written about the data (a reader's problem) with every non-party's handle and id replaced."""
        parts = _PROBLEM_WORDS.split(text)
        for index in range(0, len(parts), 2):
            parts[index] = self._word(parts[index])
        return "".join(parts)

    def _word(self, word: str) -> str:
        if word.startswith("@") and len(word) > 1:
            handle = word[1:].rstrip(".:!?")
            identity = self._any_platform(handle)
            if identity is None:
                shown, identity = self._is_party_handle(handle), f"?:{handle.lower()}"
            else:
                shown = self.shown(identity)
            return word if shown else "@" + self.pseudonym(identity) + word[1 + len(handle) :]
        segments = _SEGMENTS.split(word)
        for index in range(0, len(segments), 2):
            segment = segments[index]
            bare = segment.rstrip(".:!?")
            if bare in self.handles and not self.shown(bare):
                replacement = self._identity(bare)
            elif bare.lower() in self.segments and any(c.isalpha() for c in bare):
                replacement = self.segments[bare.lower()]
            else:
                continue
            segments[index] = replacement + segment[len(bare) :]
        return self._scrub("".join(segments)) or word

    def _any_platform(self, handle: str) -> str | None:
        """The identity a handle names on any platform of the case, or None."""
        lowered = handle.lower()
        return next((identity for (_, alias), identity in sorted(self.aliases.items()) if alias == lowered), None)

    def _is_party_handle(self, handle: str) -> bool:
        lowered = handle.lower()
        return any(lowered in handles for party in self.manifest.parties for handles in party.handles.values())

    def _identity(self, identity: str) -> str:
        if self.shown(identity):
            return identity
        return f"{identity.split(':', 1)[0]}:{self.pseudonym(identity)}"

    def _resolve(self, message: Message, handle: str) -> str:
        """The identity a handle written in ``message`` refers to (a stand-in identity when it is unknown)."""
        handle = normalise_handle(message.platform, handle)
        for mention, name in _mention_pairs(message):
            if handle == normalise_handle(message.platform, name) or handle in self.handles.get(mention, ()):
                return mention
        known = self.aliases.get((message.platform, handle))
        if known is not None:
            return known
        identity = f"{message.author_id.split(':', 1)[0]}:{handle}"
        self.handles.setdefault(identity, {handle})
        return identity

    def _mention_name(self, message: Message, name: str) -> str:
        identity = self._resolve(message, name)
        return name if self.shown(identity) else self.pseudonym(identity)

    def _text(self, message: Message, text: str) -> str:
        if "@" not in text and "u/" not in text and "://" not in text:
            return text

        def replace_one(match: re.Match[str]) -> str:
            if match["url"]:
                return self._scrub(match["url"]) or ""
            prefix, handle = ("@", match["handle"]) if match["handle"] else (match["u"], match["user"])
            identity = self._resolve(message, handle)
            return match.group(0) if self.shown(identity) else prefix + self.pseudonym(identity)

        return _IN_TEXT.sub(replace_one, text)

    def _scrub(self, value: str | None) -> str | None:
        """An id or URL with every path segment that names a non-party replaced by their pseudonym."""
        if not value or (not self.segments and "did:" not in value):
            return value
        parts = _SEGMENTS.split(value)
        for index in range(0, len(parts), 2):
            segment = parts[index]
            bare = segment.lstrip("@").lower()
            if bare in self.segments:
                parts[index] = segment[: len(segment) - len(bare)] + self.segments[bare]
            elif "did:" in segment:  # a DID no message introduced (a deleted or blocked post's author)
                parts[index] = _DID.sub(self._did, segment)
        return "".join(parts)

    def _did(self, match: re.Match[str]) -> str:
        identity = f"bsky:{match.group(0)}"
        return match.group(0) if self.shown(identity) else self.pseudonym(identity)


def _mention_pairs(message: Message) -> Iterable[tuple[str, str]]:
    """(mention id, mention name) pairs, when a message's two mention lists line up."""
    if len(message.mentions) != len(message.mention_names):
        return ()
    return zip(message.mentions, message.mention_names, strict=True)


def _platform_of(identity: str) -> str:
    prefix = identity.split(":", 1)[0]
    return "bluesky" if prefix == "bsky" else prefix
