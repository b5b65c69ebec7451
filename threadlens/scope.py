"""What a consent covers, checked by machine, and minimisation: only those messages go any further.

A manifest's ``[scope_rules]`` table (``docs/submissions.md``) names the conversations (platform-qualified
ids of their roots or of any message in them), a time window (``from``, ``until``) and the platforms a
consent covers. :func:`minimise` applies them right after reading, before pseudonymisation, scoring and
reports: a message outside them is left out, counted per input file with the reason, and nothing else of
it (text, author, id) goes any further. Context a finding needs stays, marked ``context_only``: the reply
ancestors of messages in scope and the messages they quote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from threadlens.errors import ConsentError
from threadlens.model import Findings, Message

RULE_KEYS = ("conversations", "from", "until", "platforms")
HELP = "See docs/submissions.md, 'The scope a machine checks'"
PLATFORM_ALIASES = {"twitter": "x", "bsky": "bluesky"}

OTHER_PLATFORM = "another platform"
OTHER_CONVERSATION = "another conversation"
BEFORE_WINDOW = "before the window"
AFTER_WINDOW = "after the window"
NO_TIME = "no time to check against the window"
ANCESTOR = "ancestor of a message in scope"
QUOTED = "quoted by a message in scope"
UNCHECKED = (
    "the manifest's scope is prose only: threadlens did not check which messages it covers, and analysed "
    "every message read (add a [scope_rules] table, see docs/submissions.md)"
)


@dataclass(frozen=True, slots=True)
class ScopeRules:
    """The machine-checked scope: conversations, a window ``[start, end)`` in UTC, platforms (empty: any)."""

    conversations: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    platforms: tuple[str, ...] = ()
    written: tuple[tuple[str, Any], ...] = ()

    def record(self) -> dict[str, Any]:
        """The rules as the manifest wrote them (JSON-ready), for the consent record."""
        return {key: value.isoformat() if isinstance(value, date) else value for key, value in self.written}

    def reason_out(self, message: Message, conversations: set[str], root_of: dict[str, str]) -> str | None:
        """Why ``message`` is outside these rules (None when it is inside)."""
        if self.platforms and message.platform not in self.platforms:
            return OTHER_PLATFORM
        if self.conversations and root_of.get(message.id) not in conversations:
            return OTHER_CONVERSATION
        if self.start is None and self.end is None:
            return None
        if message.created_at is None:
            return NO_TIME
        if self.start is not None and message.created_at < self.start:
            return BEFORE_WINDOW
        if self.end is not None and message.created_at >= self.end:
            return AFTER_WINDOW
        return None


def parse_scope_rules(value: Any, where: str) -> ScopeRules:
    """The ``[scope_rules]`` table of a manifest, checked; a :class:`ConsentError` naming the key otherwise."""
    if not isinstance(value, dict):
        raise ConsentError(
            "scope_rules is not a table",
            path=where,
            position="scope_rules",
            expected="a [scope_rules] table with conversations, from, until or platforms",
            hint=HELP,
        )
    unknown = sorted(set(value) - set(RULE_KEYS))
    if unknown:
        raise ConsentError(
            f"unknown key {unknown[0]!r}",
            path=where,
            position=f"scope_rules.{unknown[0]}",
            expected="only: " + ", ".join(RULE_KEYS),
            hint=HELP,
        )
    if not value:
        raise ConsentError(
            "scope_rules is empty",
            path=where,
            position="scope_rules",
            expected="at least one of: " + ", ".join(RULE_KEYS),
            hint=HELP,
        )
    conversations = _strings(value, "conversations", where)
    for item in conversations:
        prefix, colon, rest = item.partition(":")
        if not colon or not prefix or not rest or not prefix.isalnum():
            raise ConsentError(
                f"conversation {item!r} is not a platform-qualified id",
                path=where,
                position="scope_rules.conversations",
                expected="an id as threadlens writes it, e.g. x:2028818216587677735",
                hint=HELP,
            )
    start = _moment(value, "from", where, end_of_day=False)
    end = _moment(value, "until", where, end_of_day=True)
    if start is not None and end is not None and end <= start:
        raise ConsentError(
            "the window ends before it starts",
            path=where,
            position="scope_rules.until",
            expected="until on or after from",
        )
    platforms = tuple(PLATFORM_ALIASES.get(p.lower(), p.lower()) for p in _strings(value, "platforms", where))
    return ScopeRules(
        conversations=conversations,
        start=start,
        end=end,
        platforms=platforms,
        written=tuple((key, value[key]) for key in RULE_KEYS if key in value),
    )


def _strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    given = table.get(key, [])
    listed = [given] if isinstance(given, str) else given
    if (
        not isinstance(listed, list)
        or not all(isinstance(item, str) and item.strip() for item in listed)
        or (key in table and not listed)
    ):
        raise ConsentError(
            f"{key} is {given!r}",
            path=where,
            position=f"scope_rules.{key}",
            expected="a string or a non-empty list of strings",
            hint=HELP,
        )
    return tuple(item.strip() for item in listed)


def _moment(table: dict[str, Any], key: str, where: str, *, end_of_day: bool) -> datetime | None:
    """A window bound in UTC: a date covers its whole day (UTC); a date-time must carry its offset."""
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        with suppress(ValueError):
            value = datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ConsentError(
                f"{key} {value.isoformat()} has no UTC offset",
                path=where,
                position=f"scope_rules.{key}",
                expected="a time with its offset, e.g. 2026-03-03T13:00:00Z, or a date",
                hint=HELP,
            )
        moment = value.astimezone(UTC)
        return moment + timedelta(microseconds=1) if end_of_day else moment
    if isinstance(value, date):
        midnight = datetime(value.year, value.month, value.day, tzinfo=UTC)
        return midnight + timedelta(days=1) if end_of_day else midnight
    raise ConsentError(
        f"{key} is {value!r}",
        path=where,
        position=f"scope_rules.{key}",
        expected="a date such as 2026-03-03 or a time such as 2026-03-03T13:00:00Z",
        hint=HELP,
    )


@dataclass(slots=True)
class Minimised:
    """The messages a scope keeps (context marked ``context_only``), and what was left out and why."""

    messages: list[Message]
    context: dict[str, str]  # message id → why it was kept as context
    left_out: list[dict[str, Any]]  # per input file: path, sha256, count, reasons
    missing_conversations: tuple[str, ...]
    statuses: dict[str, str]  # message id → "in", "context: why" or "out: reason"

    @property
    def left_out_count(self) -> int:
        """How many messages were left out in all."""
        return sum(item["count"] for item in self.left_out)


def minimise(messages: list[Message], rules: ScopeRules) -> Minimised:
    """Keep the messages inside ``rules`` and the context they need; count the rest per input file."""
    root_of = conversation_roots(messages)
    wanted = {root_of[c] for c in rules.conversations if c in root_of}
    reasons = {m.id: rules.reason_out(m, wanted, root_of) for m in messages}
    by_id = {m.id: m for m in messages}
    context: dict[str, str] = {}
    for message in messages:
        if reasons[message.id] is not None:
            continue
        quoted = by_id.get(message.quote_of) if message.quote_of else None
        if quoted is not None and reasons[quoted.id] is not None:
            context.setdefault(quoted.id, QUOTED)
        parent, seen = by_id.get(message.reply_to) if message.reply_to else None, {message.id}
        while parent is not None and parent.id not in seen and reasons[parent.id] is not None:
            context[parent.id] = ANCESTOR
            seen.add(parent.id)
            parent = by_id.get(parent.reply_to) if parent.reply_to else None
    kept, counts, statuses = [], {}, {}
    for message in messages:
        if reasons[message.id] is None:
            kept.append(message)
            statuses[message.id] = "in"
        elif message.id in context:
            kept.append(replace(message, context_only=True))
            statuses[message.id] = f"context: {context[message.id]}"
        else:
            statuses[message.id] = f"out: {reasons[message.id]}"
            source = message.source
            key = (source.path, source.sha256) if source else ("", "")
            counts.setdefault(key, Counter())[reasons[message.id]] += 1
    left_out = [
        {"path": path, "sha256": sha256, "count": sum(found.values()), "reasons": dict(sorted(found.items()))}
        for (path, sha256), found in sorted(counts.items())
    ]
    missing = tuple(c for c in rules.conversations if c not in root_of)
    return Minimised(kept, context, left_out, missing, statuses)


def conversation_roots(messages: Iterable[Message]) -> dict[str, str]:
    """Every message id (and every id they reply to or name as conversation) → one id standing for its conversation.

    Conversations are joined by reply links and shared conversation ids, never by quotes.
    """
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for message in messages:
        for other in (message.reply_to, message.conversation_id):
            if other:
                first, second = find(message.id), find(other)
                if first != second:
                    parent[max(first, second)] = min(first, second)
        find(message.id)
    return {key: find(key) for key in list(parent)}


def context_used(findings: Findings, context: set[str]) -> list[dict[str, Any]]:
    """The findings that rest on messages kept only as context: which finding and which of its messages."""
    used: list[dict[str, Any]] = []
    for conversation in findings.conversations:
        first = conversation.first_escalation
        ids = sorted({first.message_id, first.parent_id} & context) if first is not None else []
        if ids:
            used.append(
                {"conversation": conversation.conversation_id, "finding": "first_escalation", "message_ids": ids}
            )
    chains = {(c.provocation, c.reaction, c.accusation): c for conv in findings.conversations for c in conv.chains}
    chains.update({(c.provocation, c.reaction, c.accusation): c for c in findings.chains})
    for key in sorted(chains):
        ids = sorted(set(key) & context)
        if ids:
            used.append({"conversation": None, "finding": "chain " + " → ".join(key), "message_ids": ids})
    return used


def overview(messages: list[Message], rules: ScopeRules | None) -> dict[str, Any]:
    """What a scope keeps and leaves out of ``messages``, message by message (for ``threadlens inspect --consent``)."""
    if rules is None:
        return {"checked": False, "warning": UNCHECKED, "messages": [{"id": m.id, "status": "in"} for m in messages]}
    found = minimise(messages, rules)
    return {
        "checked": True,
        "warning": None,
        "rules": rules.record(),
        "in": len(found.messages),
        "context": len(found.context),
        "left_out": found.left_out_count,
        "left_out_by_file": found.left_out,
        "conversations_not_found": list(found.missing_conversations),
        "messages": [{"id": key, "status": status} for key, status in found.statuses.items()],
    }
