"""X API v2 JSON, as tweepy returns it (``return_type=dict``) and twarc2 writes it.

Accepted shapes, in a ``.json`` file or one per line of a JSONL file:

- response pages ``{"data": [tweets] or tweet, "includes": {"users", "tweets"}, "errors", "meta"}``
  (search, lookup, timelines, twarc2 output, filtered-stream lines);
- twarc2's *flattened* tweets, one per line, with the author inline (``author``) and the tweets they
  reference inline in ``referenced_tweets``;
- a bare tweet, or a list of tweets or of pages.

Every tweet becomes a message ``x:<id>`` by ``x:<author_id>``, named by its author's ``username``
from ``includes.users`` (or the inline ``author``). ``referenced_tweets`` give ``reply_to``
(``replied_to``) and ``quote_of`` (``quoted``). A **retweet** (``retweeted``) repeats another tweet's
words, so it is not a message: it is counted as a record and summed up in one warning per file.
Tweets found only in ``includes.tweets`` (or inline in a flattened tweet) are kept as messages with
``context_only=True``. ``edit_history_tweet_ids`` lists every version of a tweet; the last is the
current one, and older versions present in the file are folded into its ``edits``. A note tweet's
whole text (``note_tweet.text``) is used in place of the cut-short ``text``.

The ``errors`` of a page (deleted, withheld or protected tweets and users) become warnings. Lines
that hold something else (tweet counts, users, lists, compliance events, v1.1 statuses) are
rejected with what they are; a file with no tweets at all is an :class:`~threadlens.errors.InputError`.
``sink.records`` counts the distinct tweets seen (retweets and rejected ones included) and the other items.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from threadlens.errors import InputError
from threadlens.ingest.base import RECORD_ERRORS, Sink, SourceFile, parse_time, record_error, register
from threadlens.ingest.x_common import (
    PLATFORM,
    add_once,
    bare_id,
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

FORMAT = "x-api-v2"
EXPECTED = "X API v2 tweets: response pages with data/includes, flattened tweets, or a list of tweets"


def sniff(src: SourceFile) -> bool:
    """JSON or JSON lines shaped like v2: ``edit_history_tweet_ids``, a ``data`` page of objects with ``id``,
    or tweets with ``text`` and ``author_id``; never v1.1 statuses (``id_str``)."""
    if src.is_dir or src.is_zip:
        return False
    head = src.head().lstrip()
    if not head.startswith(("{", "[")) or '"id_str"' in head:
        return False
    return (
        '"edit_history_tweet_ids"' in head
        or ('"data"' in head and '"id"' in head)
        or ('"text"' in head and '"author_id"' in head)
    )


@register("x-api-v2", "X API v2 JSON (tweepy responses, twarc2 JSONL, flattened tweets)", sniff, priority=35)
def read(src: SourceFile, sink: Sink) -> Iterator[Message]:
    """The tweets of every page in the file, with context tweets, edits folded and retweets counted."""
    reader = _Reader(src, sink)
    for path, document in json_documents(src, sink, expected=EXPECTED):
        reader.item(document, path)
    yield from reader.finish()


def _is_tweet(value: Any) -> bool:
    return isinstance(value, dict) and "id" in value and "text" in value and "id_str" not in value


class _Reader:
    """The state of one file's read: tweets by id, users, edit histories, and what to report."""

    def __init__(self, src: SourceFile, sink: Sink) -> None:
        self.src, self.sink = src, sink
        self.by_id: dict[str, Message] = {}
        self.differing: list[Message] = []
        self.histories: dict[str, tuple[str, ...]] = {}
        self.usernames: dict[str, str] = {}
        self.ids_by_username: dict[str, str] = {}
        self.not_messages: set[str] = set()
        self.retweets = 0
        self.incomplete = 0
        self.tweet_items = 0
        self.other: list[tuple[str, str]] = []

    def item(self, value: Any, path: str) -> None:
        """One page, tweet or list of them at ``path``."""
        if isinstance(value, list):
            for index, element in enumerate(value):
                self.item(element, f"{path}[{index}]")
        elif _is_tweet(value):
            self.tweet_items += 1
            self.users([value.get("author"), value.get("in_reply_to_user")])
            self.tweet(value, path, context=False)
        elif isinstance(value, dict) and ("data" in value or "includes" in value or "errors" in value):
            self.page(value, path)
        else:
            self.other.append((path, _describe(value)))

    def page(self, page: dict[str, Any], path: str) -> None:
        """A response page: its users first, then its tweets, its context tweets and its errors."""
        data = page.get("data")
        tweets = data if isinstance(data, list) else [data] if data is not None else []
        if tweets and not _is_tweet(tweets[0]):
            self.other.append((path, _describe(tweets[0], page=True)))
            return
        self.tweet_items += 1
        includes = page.get("includes") if isinstance(page.get("includes"), dict) else {}
        self.users(includes.get("users") or ())
        errors = page.get("errors") or []
        for index, error in enumerate(errors if isinstance(errors, list) else [errors]):
            self.sink.warn(self.src, f"{path}.errors[{index}]", _error_text(error))
        where = f"{path}.data" if isinstance(data, dict) else None
        for index, tweet in enumerate(tweets):
            self.tweet(tweet, where or f"{path}.data[{index}]", context=False)
        context = includes.get("tweets") or []
        for index, tweet in enumerate(context if isinstance(context, list) else [context]):
            self.tweet(tweet, f"{path}.includes.tweets[{index}]", context=True)

    def users(self, users: Any) -> None:
        """Remember the usernames of these user objects (and their ids, for mentions without one)."""
        for user in users if isinstance(users, list | tuple) else ():
            if (
                isinstance(user, dict)
                and (user_id := user.get("id"))
                and isinstance(username := user.get("username"), str)
            ):
                key = str(user_id)
                self.usernames[key] = username
                self.ids_by_username[username.lower()] = key

    def tweet(self, tweet: Any, position: str, *, context: bool) -> None:
        """Read one tweet (a retweet is only counted) and the tweets a flattened one carries inline."""
        key = str(tweet.get("id")) if isinstance(tweet, dict) and tweet.get("id") is not None else None
        first = key is None or (f"{PLATFORM}:{key}" not in self.by_id and key not in self.not_messages)
        if first:
            self.sink.records += 1
        if not isinstance(tweet, dict):
            self.sink.reject(self.src, position, "not a tweet object", expected="a JSON object with id and text")
            return
        links: dict[str, str] = {}
        references = tweet.get("referenced_tweets") or []
        if not isinstance(references, list):
            if first:
                self.sink.reject(
                    self.src, position, "referenced_tweets is not a list", expected="a tweet with id and text"
                )
                self.not_messages.add(str(key))
            return
        for index, reference in enumerate(references):
            if not isinstance(reference, dict):
                self.sink.warn(
                    self.src,
                    f"{position}.referenced_tweets[{index}]",
                    f"a reference that is not an object (a JSON {type(reference).__name__}); the link it held is lost",
                )
                continue
            links[reference.get("type")] = reference.get("id")
            if "text" in reference:
                self.users([reference.get("author")])
                self.tweet(reference, f"{position}.referenced_tweets[{index}]", context=True)
        if "retweeted" in links:
            self.retweets += first
            self.not_messages.add(str(key))
            return
        try:
            message = self.message(tweet, links, position, context)
            history = tweet.get("edit_history_tweet_ids")
            if history and len(history) > 1:
                self.histories[message.id] = tuple(x_id(version) for version in history)
        except RECORD_ERRORS as error:
            if first:
                self.sink.reject(self.src, position, record_error(error), expected="a tweet with id and text")
                self.not_messages.add(str(key))
            return
        add_once(self.by_id, message, self.differing)

    def message(self, tweet: dict[str, Any], links: dict[str, Any], position: str, context: bool) -> Message:
        """The message of one tweet; ``links`` maps each reference type to the id referenced."""
        tweet_id = x_id(tweet["id"])
        note = tweet.get("note_tweet") if isinstance(tweet.get("note_tweet"), dict) else {}
        entities = tweet.get("entities") or {}
        text = tweet_text(note.get("text") or tweet["text"], note.get("entities"), entities)
        mentions, names = mention_pairs(
            entities.get("mentions"), id_key="id", name_key="username", known=self.ids_by_username
        )
        author = tweet.get("author_id")
        created = tweet.get("created_at")
        if author is None or created is None:
            self.incomplete += 1
        author_id = x_id(author) if author is not None else f"{PLATFORM}:unknown-author:{bare_id(tweet['id'])}"
        handle = self.usernames.get(str(author)) if author is not None else None
        return Message(
            id=tweet_id,
            platform=PLATFORM,
            author_id=author_id,
            author_name=handle or "",
            created_at=parse_time(created) if created is not None else None,
            text=text,
            reply_to=optional_x_id(links.get("replied_to")),
            quote_of=optional_x_id(links.get("quoted")),
            conversation_id=optional_x_id(tweet.get("conversation_id")),
            mentions=mentions,
            mention_names=names,
            url=status_url(handle, tweet_id),
            context_only=context,
            sources=(self.src.source(position, FORMAT),),
        )

    def finish(self) -> list[Message]:
        """The messages, edits folded and names filled in; everything worth knowing reported."""
        if not self.tweet_items and self.other:
            path, what = self.other[0]
            raise InputError(
                f"holds {what}, not tweets",
                path=self.src.display,
                position=path,
                expected=EXPECTED,
                hint="Pass the tweets collected (e.g. twarc2 search output), or name another format",
            )
        for path, what in self.other:
            self.sink.records += 1
            self.sink.reject(self.src, path, f"holds {what}, not tweets", expected=EXPECTED)
        folded = fold_edits(list(self.by_id.values()), self.histories)
        for message in folded.messages:
            if not message.author_name:
                handle = self.usernames.get(message.author_id.removeprefix(f"{PLATFORM}:"), "")
                message.author_name = handle
                message.url = status_url(handle, message.id)
        report_incomplete_edits(self.src, self.sink, folded)
        warn_retweets(self.src, self.sink, self.retweets)
        if self.incomplete:
            self.sink.warn(
                self.src,
                "whole file",
                f"{self.incomplete} tweet(s) have no author_id or created_at "
                "(ask for tweet.fields=author_id,created_at); kept without them",
            )
        return folded.messages + self.differing


def _describe(value: Any, *, page: bool = False) -> str:
    """What a non-tweet item is, in words, for the report."""
    if not isinstance(value, dict):
        return f"a JSON {type(value).__name__}"
    if "tweet_count" in value:
        return "tweet counts"
    if "username" in value:
        return "users"
    if "member_count" in value or "owner_id" in value:
        return "lists"
    if "action" in value and "reason" in value:
        return "a compliance event"
    if "id_str" in value:
        return "an API v1.1 status (read it with --format x-api-v1)"
    return "data that is not a tweet" if page else "an object that is not a tweet or a response page"


def _error_text(error: Any) -> str:
    """One API error entry in words (``title: detail``). A user it names is written as ``@handle``, so that
    pseudonymisation finds the person (a suspended account wrote nothing else the case could learn them from)."""
    if not isinstance(error, dict):
        return f"API error: {error!r}"
    title = error.get("title") or "API error"
    detail = str(error.get("detail") or error.get("message") or error.get("value") or "")
    user = str(error.get("value") or error.get("resource_id") or "").lstrip("@")
    if error.get("resource_type") == "user" and user:
        marked = re.sub(rf"(?<![\w@]){re.escape(user)}(?!\w)", "@" + user, detail)
        detail = marked if marked != detail else f"{detail} (user @{user})".strip()
    return f"{title}: {detail}" if detail else title
