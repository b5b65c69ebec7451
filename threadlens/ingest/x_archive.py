"""The X (Twitter) account archive: the ZIP, its ``data/`` folder (or the folder holding ``data/``), or one file.

The archive's data files are JavaScript assignments, ``window.YTD.tweets.part0 = [{"tweet": {...}}]``;
large archives split tweets over ``tweets.js``, ``tweets-part1.js`` … (older ones name it ``tweet.js``).
Read from them:

- **Tweets** (``tweets*.js``, ``community-tweet.js``) and **deleted tweets** (``deleted-tweets*.js``,
  kept with ``deleted=True``). Archive tweets carry no author: every one is the owner's, whose id and
  handle come from ``account.js`` or ``manifest.js``. Without either, the owner is recognised from the
  archive's replies to its own tweets; failing that, the tweets get the stand-in author
  ``x:unknown-owner:<hash of the input>`` and a warning (one per archive, so two owners are never merged).
- **Long posts** (``note-tweet.js``): ``full_text`` of a long post is cut short; its whole text is the
  note whose ``noteTweetId`` is the tweet's id or, as real archives have it, the note created in the
  same second (±1 s) whose text begins with the tweet's (links, leading @mentions and the final "…"
  aside). The tweet's leading @mentions are kept in front of the note's text.
- **Edits**: every version of an edited tweet is in the archive, each with the chain of ids
  (``edit_info.initial.editTweetIds`` or ``edit_info.edit.editControlInitial.editTweetIds``); the newest
  is the message and the others its ``edits`` (see :func:`threadlens.ingest.x_common.fold_edits`).
- **Retweets** are only recognisable by their ``RT @handle:`` text (archives have no ``retweeted_status``).
  They are kept as the owner's messages, since the owner chose to post them, and counted in a warning.

Archives give no ``conversation_id`` (the graph assigns it from the root) and no quoted-tweet id.
A single ``tweets.js`` (or part) read on its own uses ``account.js``, ``manifest.js`` and
``note-tweet.js`` from its folder when they are there; ``account.js``, ``manifest.js`` and other
``window.YTD`` files read on their own give no messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from threadlens.errors import InputError
from threadlens.ingest.base import (
    RECORD_ERRORS,
    Sink,
    SourceFile,
    parse_json,
    parse_time,
    record_error,
    register,
    zip_members,
    zip_names,
)
from threadlens.ingest.x_common import (
    PLATFORM,
    add_once,
    bare_id,
    fold_edits,
    mention_pairs,
    optional_x_id,
    report_incomplete_edits,
    status_url,
    tweet_text,
    x_id,
)
from threadlens.model import Message

FORMAT = "x-archive"
ACCOUNT = "account.js"
MANIFEST = "manifest.js"
_ASSIGNMENT = re.compile(r"\A\s*window\.(YTD\.(\w+)\.part\d+|__THAR_CONFIG)\s*=\s*")
_TWEETS = re.compile(r"^(?:tweets?|community-tweet)(?:-part(\d+))?\.js$")
_DELETED = re.compile(r"^deleted-tweets?(?:-part(\d+))?\.js$")
_NOTES = re.compile(r"^note-tweet(?:-part(\d+))?\.js$")
_TWEET_GLOBALS = frozenset({"tweets", "tweet", "community_tweet", "deleted_tweets", "deleted_tweet"})
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")
_LINK = re.compile(r"https?://\S+")


@dataclass
class _Archive:
    """The data files of one archive, by role."""

    tweets: list[SourceFile] = field(default_factory=list)
    deleted: list[SourceFile] = field(default_factory=list)
    notes: list[SourceFile] = field(default_factory=list)
    account: SourceFile | None = None
    manifest: SourceFile | None = None


@dataclass(frozen=True)
class _Owner:
    id: str
    handle: str


def sniff(src: SourceFile) -> bool:
    """An archive folder or ZIP holding ``tweets.js`` (or ``tweet.js``), or a ``window.YTD`` data file."""
    if src.is_dir:
        return _is_data_folder(src.path / "data") or _is_data_folder(src.path)
    if src.is_zip:
        return any(_TWEETS.match(PurePosixPath(name).name) for name in zip_names(src))
    return bool(_ASSIGNMENT.match(src.head(512)))


@register("x-archive", "X account archive: the ZIP, its data/ folder, or tweets.js", sniff, priority=20, folder=True)
def read(src: SourceFile, sink: Sink) -> Iterator[Message]:
    """The owner's tweets (deleted ones marked), with long-post texts and edit histories."""
    if src.is_dir or src.is_zip:
        archive = _classify(src.members() if src.is_dir else _zip_data_members(src))
        if not archive.tweets and not archive.deleted:
            raise InputError(
                "no tweets.js in this archive",
                path=src.display,
                expected="an X archive with data/tweets.js",
                hint="Pass the archive ZIP as downloaded, or its data/ folder",
            )
    else:
        archive = _single_file(src)
        if not archive.tweets and not archive.deleted:
            return
    yield from _read_archive(src, archive, sink)


def _is_data_folder(folder: Path) -> bool:
    """A folder holding tweets and the account or manifest file beside them."""
    names = {path.name for path in folder.glob("*.js")} if folder.is_dir() else set()
    return bool(names & {ACCOUNT, MANIFEST}) and any(_TWEETS.match(name) for name in names)


def _zip_data_members(src: SourceFile) -> dict[str, SourceFile]:
    """The archive's data files (tweets, deleted tweets, notes, account, manifest), not its media."""
    return zip_members(src, keep=lambda name: _role(PurePosixPath(name).name) is not None)


def _role(name: str) -> str | None:
    if _TWEETS.match(name):
        return "tweets"
    if _DELETED.match(name):
        return "deleted"
    if _NOTES.match(name):
        return "notes"
    return {ACCOUNT: "account", MANIFEST: "manifest"}.get(name)


def _part(name: str) -> int:
    """The part number in a file name (``tweets-part2.js`` → 2; ``tweets.js`` → 0)."""
    found = re.search(r"-part(\d+)\.js$", name)
    return int(found.group(1)) if found else 0


def _classify(files: Mapping[str, SourceFile]) -> _Archive:
    """Sort the files of a folder or ZIP into the archive's roles, parts in order (by each file's own name: a ZIP
    member's key differs from it when the archive holds the name twice)."""
    archive = _Archive()
    for name in sorted(files, key=lambda n: (PurePosixPath(n).parent.as_posix(), _part(files[n].path.name), n)):
        role = _role(files[name].path.name)
        if role in ("tweets", "deleted", "notes"):
            getattr(archive, role).append(files[name])
        elif role is not None and getattr(archive, role) is None:
            setattr(archive, role, files[name])
    return archive


def _single_file(src: SourceFile) -> _Archive:
    """One data file, with the account, manifest and notes beside it when it is a tweets file on disk."""
    global_name = _global_name(src)
    if global_name not in _TWEET_GLOBALS:
        return _Archive()
    siblings: dict[str, SourceFile] = {}
    if src.display == str(src.path) and src.path.parent.is_dir():
        siblings = {
            p.name: SourceFile(p)
            for p in src.path.parent.iterdir()
            if p.is_file() and _role(p.name) in ("account", "manifest", "notes")
        }
    archive = _classify(siblings)
    (archive.deleted if global_name.startswith("deleted") else archive.tweets).append(src)
    return archive


def _global_name(src: SourceFile) -> str:
    """The name a data file assigns (``tweets``, ``account``, ``__THAR_CONFIG`` …)."""
    head = src.head(512)
    match = _assignment(src, head if head.strip() else src.text)
    return match.group(2) or match.group(1)


def _assignment(src: SourceFile, text: str) -> re.Match[str]:
    match = _ASSIGNMENT.match(text)
    if match is None:
        raise InputError(
            "not an X archive data file",
            path=src.display,
            position="line 1",
            expected="window.YTD.tweets.part0 = [ ... ]",
            hint="Pass the archive's data/tweets.js, its data/ folder or the archive ZIP",
        )
    return match


def load_data_file(src: SourceFile) -> Any:
    """The JSON value assigned in an archive data file, with errors at the file's own lines and columns."""
    text = src.text
    end = _assignment(src, text).end()
    body = text[end:]
    stripped = body.rstrip()
    if stripped.endswith(";"):  # a JavaScript statement may end in a semicolon
        body = stripped[:-1] + body[len(stripped) :]
    return parse_json(re.sub(r"[^\n]", " ", text[:end]) + body, src.display)


def _read_archive(top: SourceFile, archive: _Archive, sink: Sink) -> Iterator[Message]:
    entries = [(src, False, position, entry) for src in archive.tweets for position, entry in _tweets(src)]
    entries += [(src, True, position, entry) for src in archive.deleted for position, entry in _tweets(src)]
    owner = _owner(archive) or _owner_from_self_replies([t for *_, entry in entries if (t := _tweet(entry))])
    if owner is None:
        owner = _Owner(f"{PLATFORM}:unknown-owner:{top.sha256[:12]}", "")
        sink.warn(
            top,
            "whole file",
            f"the archive's owner is unknown (no account.js or manifest.js); their tweets are attributed to {owner.id}",
        )
    notes = _Notes(archive.notes, top, sink)
    by_id: dict[str, Message] = {}
    differing: list[Message] = []
    histories: dict[str, tuple[str, ...]] = {}
    retweets = 0
    for src, deleted, position, entry in entries:
        sink.records += 1
        tweet = _tweet(entry)
        if tweet is None:
            sink.reject(src, position, "not a tweet entry", expected='{"tweet": {...}}')
            continue
        position += ".tweet"
        try:
            message = _message(src, position, tweet, owner, notes)
            history = _edit_history(tweet)
        except RECORD_ERRORS as error:
            sink.reject(src, position, record_error(error), expected="a tweet with id_str, created_at and full_text")
            continue
        message.deleted = deleted
        if message.id in by_id and deleted:
            by_id[message.id].deleted = True
        add_once(by_id, message, differing)
        if len(history) > 1:
            histories[message.id] = history
        retweets += message.text.startswith("RT @")
    folded = fold_edits(list(by_id.values()), histories)
    yield from folded.messages
    yield from differing
    report_incomplete_edits(top, sink, folded)
    notes.report_unmatched()
    if retweets:
        sink.warn(
            top,
            "whole file",
            f"{retweets} retweet(s) (text 'RT @…') are kept as the owner's messages; "
            "the archive does not say whose tweet they repeat",
        )


def _tweets(src: SourceFile) -> list[tuple[str, Any]]:
    """``(JSON path, entry)`` for every entry of a tweets file, in file order."""
    entries = load_data_file(src)
    if not isinstance(entries, list):
        raise InputError(
            "archive data file does not hold a list", path=src.display, position="$", expected='[{"tweet": {...}}, ...]'
        )
    return [(f"$[{index}]", entry) for index, entry in enumerate(entries)]


def _tweet(entry: Any) -> dict[str, Any] | None:
    tweet = entry.get("tweet") if isinstance(entry, dict) else None
    return tweet if isinstance(tweet, dict) else None


def _message(src: SourceFile, position: str, tweet: dict[str, Any], owner: _Owner, notes: _Notes) -> Message:
    tweet_id = x_id(tweet.get("id_str") or tweet["id"])
    created_at = parse_time(tweet["created_at"])
    entities = tweet.get("entities") or {}
    text = tweet_text(tweet["full_text"] if "full_text" in tweet else tweet["text"], entities)
    note = notes.match(tweet_id, created_at, text)
    if note is not None:
        core = note.get("core") or {}
        leading = _LEADING_MENTIONS.match(text)
        long_text = tweet_text(core.get("text") or "", core, entities)
        text = (leading.group(0) if leading and not long_text.startswith("@") else "") + long_text
    mentions, names = mention_pairs(entities.get("user_mentions"), id_key="id_str", name_key="screen_name")
    return Message(
        id=tweet_id,
        platform=PLATFORM,
        author_id=owner.id,
        author_name=owner.handle,
        created_at=created_at,
        text=text,
        reply_to=optional_x_id(tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")),
        mentions=mentions,
        mention_names=names,
        url=status_url(owner.handle, tweet_id),
        sources=(src.source(position, FORMAT),),
    )


def _edit_history(tweet: dict[str, Any]) -> tuple[str, ...]:
    """The ids of every version of the tweet, oldest first (empty when it was never edited)."""
    info = tweet.get("edit_info") or {}
    initial = info.get("initial") or (info.get("edit") or {}).get("editControlInitial") or {}
    return tuple(x_id(i) for i in initial.get("editTweetIds") or ())


def _owner(archive: _Archive) -> _Owner | None:
    """The owner from ``account.js``, else ``manifest.js`` (None when neither names a usable account id)."""
    if archive.account is not None:
        entries = load_data_file(archive.account)
        first = entries[0] if isinstance(entries, list) and entries else None
        account = first.get("account") if isinstance(first, dict) else None
        if isinstance(account, dict) and (owner := _owner_of(account.get("accountId"), account.get("username"))):
            return owner
    if archive.manifest is not None:
        config = load_data_file(archive.manifest)
        user = config.get("userInfo") if isinstance(config, dict) else None
        if isinstance(user, dict) and (owner := _owner_of(user.get("accountId"), user.get("userName"))):
            return owner
    return None


def _owner_of(account_id: Any, handle: Any) -> _Owner | None:
    """The owner with this id and handle, or None when the id is not an X id."""
    try:
        return _Owner(x_id(account_id), handle if isinstance(handle, str) else "")
    except ValueError:
        return None


def _owner_from_self_replies(tweets: list[dict[str, Any]]) -> _Owner | None:
    """The owner as the author replied to by a reply to one of the archive's own tweets."""
    own = {tweet.get("id_str") for tweet in tweets if isinstance(tweet.get("id_str"), str)}
    for tweet in tweets:
        parent = tweet.get("in_reply_to_status_id_str")
        if isinstance(parent, str) and parent in own and tweet.get("in_reply_to_user_id_str"):
            owner = _owner_of(tweet["in_reply_to_user_id_str"], tweet.get("in_reply_to_screen_name"))
            if owner is not None:
                return owner
    return None


class _Notes:
    """The long-post texts of ``note-tweet.js``, found by tweet id or by creation second and text."""

    def __init__(self, files: list[SourceFile], top: SourceFile, sink: Sink) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.by_second: dict[datetime, list[dict[str, Any]]] = {}
        self.unmatched: dict[int, str] = {}
        self.top, self.sink = top, sink
        for src in files:
            entries = load_data_file(src)
            for index, entry in enumerate(entries if isinstance(entries, list) else ()):
                note = entry.get("noteTweet") if isinstance(entry, dict) else None
                try:
                    created = parse_time(note["createdAt"]).replace(microsecond=0)
                    note_id = bare_id(note["noteTweetId"])
                    if not isinstance(note.get("core") or {}, dict) or not isinstance(_core_text(note), str):
                        raise ValueError("core.text is not text")
                except RECORD_ERRORS as error:
                    sink.reject(
                        src,
                        f"$[{index}]",
                        f"unusable long-post text: {record_error(error)}",
                        expected='{"noteTweet": {"noteTweetId", "createdAt", "core": {"text"}}}',
                    )
                    continue
                self.by_id[note_id] = note
                self.by_second.setdefault(created, []).append(note)
                self.unmatched[id(note)] = f"{src.display}: $[{index}].noteTweet"

    def match(self, tweet_id: str, created_at: datetime, text: str) -> dict[str, Any] | None:
        """The note holding this tweet's whole text, if there is exactly one."""
        note = self.by_id.get(tweet_id.removeprefix(f"{PLATFORM}:"))
        if note is None:
            start = _comparable(text)
            candidates = [
                candidate
                for offset in (-1, 0, 1)
                for candidate in self.by_second.get(created_at + timedelta(seconds=offset), ())
                if _comparable(_core_text(candidate)).startswith(start)
            ]
            if len(candidates) != 1:
                return None
            note = candidates[0]
        self.unmatched.pop(id(note), None)
        return note

    def report_unmatched(self) -> None:
        if self.unmatched:
            first = next(iter(self.unmatched.values()))
            self.sink.warn(
                self.top,
                "whole file",
                f"{len(self.unmatched)} long-post text(s) in note-tweet.js matched no tweet (first: {first})",
            )


def _core_text(note: dict[str, Any]) -> Any:
    """The whole text of a long post (``core.text``; empty when absent)."""
    return (note.get("core") or {}).get("text") or ""


def _comparable(text: str) -> str:
    """Text reduced for matching a cut-short tweet to its note: no links, leading @mentions or final ellipsis."""
    text = _LINK.sub(" ", _LEADING_MENTIONS.sub("", text.strip()))
    return " ".join(text.split()).removesuffix("…").removesuffix("...").strip()
