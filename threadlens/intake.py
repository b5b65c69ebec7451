"""A case's first step: a consent manifest drafted from the exports (``threadlens case init``).

:func:`conversation_choices` lists the conversations of a read (root text, time span, participants),
:func:`narrow` keeps those in a window, with a participant or with some words, :func:`find_parties` finds a
person's identities (handles and ids per platform) from a handle, and :func:`draft_manifest` writes a
``submission.toml`` with every field the data knows filled in (the conversations, their dates, each party's
handles and ids) and a commented placeholder where only a person can know the answer (the case id, who
submitted it, the consent basis and date, the retention date). :func:`~threadlens.privacy.manifest.load_manifest`
refuses a manifest until its placeholders are filled in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from threadlens.errors import InputError
from threadlens.model import Message, ThreadGraph
from threadlens.privacy.manifest import UNFILLED, normalise_handle
from threadlens.privacy.pseudonyms import NO_ONE

ROOT_CHARS = 80  # root text shown per conversation in the list
# Where the export's name for a platform differs from the manifest's key for it.
MANIFEST_PLATFORM = {"bsky": "bluesky"}


@dataclass(frozen=True, slots=True)
class Identity:
    """One account of a person on one platform, as the export shows it."""

    platform: str
    author_id: str
    handle: str
    messages: int

    def handles(self) -> tuple[str, ...]:
        """The handles and ids a manifest lists for this account, as the platform writes them."""
        local = self.author_id.split(":", 1)[-1]
        shown = [_written(self.platform, self.handle)] if " " not in self.handle.strip() else []
        shown.append(local if local.startswith("did:") or local.isdigit() else _written(self.platform, local))
        unique: dict[str, str] = {}
        for handle in shown:
            unique.setdefault(normalise_handle(self.platform, handle), handle)
        return tuple(unique.values())


@dataclass(frozen=True, slots=True)
class Conversation:
    """One conversation of the exports, as the officer chooses among them."""

    key: str
    root_id: str
    root_text: str
    first: datetime | None
    last: datetime | None
    messages: int
    participants: tuple[Identity, ...]
    texts: tuple[str, ...]

    def span(self) -> str:
        """The conversation's days, e.g. ``2026-03-03`` or ``2026-03-01 to 2026-03-03``."""
        if self.first is None or self.last is None:
            return "undated"
        first, last = self.first.date().isoformat(), self.last.date().isoformat()
        return first if first == last else f"{first} to {last}"


@dataclass(frozen=True, slots=True)
class PartyDraft:
    """A party as drafted: the name the export shows, a role, and their accounts."""

    name: str
    role: str
    identities: tuple[Identity, ...]


def conversation_choices(graph: ThreadGraph) -> list[Conversation]:
    """Every conversation of ``graph`` in its order, with its root text cut short, time span and participants."""
    nodes = graph.graph.nodes
    choices = []
    for key, ids in graph.conversations().items():
        real = [nodes[i]["message"] for i in ids if not nodes[i]["missing"]]
        if not real:
            continue
        times = [m.created_at for m in real if m.created_at is not None]
        flat = " ".join(real[0].text.split())
        choices.append(
            Conversation(
                key=key,
                root_id=real[0].id,
                root_text=flat if len(flat) <= ROOT_CHARS else flat[: ROOT_CHARS - 1] + "…",
                first=min(times) if times else None,
                last=max(times) if times else None,
                messages=len(real),
                participants=_identities(real),
                texts=tuple(m.text for m in real),
            )
        )
    return choices


def _identities(messages: Iterable[Message]) -> tuple[Identity, ...]:
    """The accounts that wrote ``messages``, most messages first (deleted accounts, which are no one, left out)."""
    counts: dict[str, int] = {}
    first: dict[str, Message] = {}
    for message in messages:
        if message.author_name in NO_ONE:
            continue
        counts[message.author_id] = counts.get(message.author_id, 0) + 1
        first.setdefault(message.author_id, message)
    return tuple(
        Identity(first[a].platform, a, first[a].author_name, n)
        for a, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


def participants(conversations: Iterable[Conversation]) -> tuple[Identity, ...]:
    """The accounts that wrote in ``conversations``, most messages first."""
    counts: dict[str, int] = {}
    first: dict[str, Identity] = {}
    for conversation in conversations:
        for identity in conversation.participants:
            counts[identity.author_id] = counts.get(identity.author_id, 0) + identity.messages
            first.setdefault(identity.author_id, identity)
    return tuple(replace(first[a], messages=n) for a, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def narrow(
    choices: Sequence[Conversation],
    *,
    since: date | None = None,
    until: date | None = None,
    with_handle: str | None = None,
    search: str | None = None,
) -> list[Conversation]:
    """The conversations with a message in the days ``since``..``until`` (UTC, both included), a participant with
    the handle ``with_handle``, and ``search``'s words (any case) in one of their texts."""
    words = search.lower().split() if search else []
    kept = []
    for choice in choices:
        if since is not None and (choice.last is None or choice.last.date() < since):
            continue
        if until is not None and (choice.first is None or choice.first.date() > until):
            continue
        if with_handle and not any(_is(identity, with_handle) for identity in choice.participants):
            continue
        if words and not any(all(word in text.lower() for word in words) for text in choice.texts):
            continue
        kept.append(choice)
    return kept


def chosen(choices: Sequence[Conversation], ids: Iterable[str]) -> list[Conversation]:
    """The conversations named by ``ids`` (a conversation's id as ``inspect`` prints it, or its root's id)."""
    by_id = {key: choice for choice in choices for key in (choice.key, choice.root_id)}
    picked: dict[str, Conversation] = {}
    for given in ids:
        if given not in by_id:
            raise InputError(
                f"conversation {given!r} is not in the exports",
                expected="a conversation id as 'threadlens inspect' prints it",
                hint="List them with 'threadlens inspect PATH…'",
            )
        picked.setdefault(by_id[given].key, by_id[given])
    return list(picked.values())


def find_parties(choices: Sequence[Conversation], given: str, role: str) -> PartyDraft:
    """The party named by ``given``: one handle or id, or several joined by commas (a person's accounts on other
    platforms), each an author in ``choices`` (every conversation of the exports, say)."""
    known = participants(choices)
    found: list[Identity] = []
    for handle in filter(None, (part.strip() for part in given.split(","))):
        matches = [identity for identity in known if _is(identity, handle)]
        if not matches:
            raise InputError(
                f"no author {handle!r} in the exports",
                expected="a handle or id of someone who wrote in them, e.g. @name",
                hint="List the participants with 'threadlens inspect PATH… --json'",
            )
        found.extend(match for match in matches if match not in found)
    names = [identity.handle for identity in found if " " in identity.handle.strip()]
    return PartyDraft(name=names[0] if names else found[0].handle, role=role, identities=tuple(found))


def draft_manifest(conversations: Sequence[Conversation], parties: Sequence[PartyDraft]) -> str:
    """A ``submission.toml`` for these conversations and parties; what only a person knows is left to fill in."""
    if not conversations:
        raise InputError("no conversation chosen", hint="Choose at least one conversation")
    if not parties:
        raise InputError("no party chosen", hint="Name at least one party: --party HANDLE=ROLE")
    days = [moment.date() for c in conversations for moment in (c.first, c.last) if moment is not None]
    platforms = sorted({_platform(i.platform) for c in conversations for i in c.participants})
    span = f" of {min(days).isoformat()}" + (f" to {max(days).isoformat()}" if max(days) != min(days) else "")
    listed = f"{len(conversations)} conversation(s) on {', '.join(platforms)}"
    scope = f"{listed}{span if days else ''}, listed under scope_rules"
    lines = [
        "# Consent manifest drafted by 'threadlens case init' from the exports (see docs/submissions.md).",
        f"# Fill in each {UNFILLED!r} value: only a person can know them. 'threadlens analyse' refuses the manifest",
        "# until every one is filled in.",
        f'case_id = "{UNFILLED}: the case reference"  # e.g. "2026-017"',
        f'submitted_by = "{UNFILLED}: who submitted the case"  # e.g. "Priya Natarajan, case officer"',
        f'consent_basis = "{UNFILLED}: consent, legitimate-interest, legal-obligation or a sentence"',
        f'consent_date = "{UNFILLED}: YYYY-MM-DD"  # a date, e.g. 2026-03-05',
        f"scope = {_string(scope)}",
        f'retention_date = "{UNFILLED}: YYYY-MM-DD"  # after this date the data may no longer be kept',
        "",
        "[scope_rules]                              # what threadlens checks: everything else is left out",
        "conversations = [",
        *(f"    {_string(c.root_id)},  # {c.span()}, {c.messages} message(s)" for c in conversations),
        "]",
    ]
    if days:
        lines += [f"from = {min(days).isoformat()}", f"until = {max(days).isoformat()}"]
    for party in parties:
        handles: dict[str, list[str]] = {}
        for identity in party.identities:
            handles.setdefault(_platform(identity.platform), []).extend(identity.handles())
        table = ", ".join(f"{platform} = {_strings(values)}" for platform, values in handles.items())
        lines += ["", "[[parties]]", f"name = {_string(party.name)}  # as the export names them"]
        lines += [f"role = {_string(party.role)}"] if party.role else []
        lines += [f"handles = {{ {table} }}"]
    return "\n".join(lines) + "\n"


def _is(identity: Identity, handle: str) -> bool:
    """Whether ``handle`` (with or without @, u/ or the platform's prefix) names this account."""
    wanted = normalise_handle(identity.platform, handle)
    local = identity.author_id.split(":", 1)[-1]
    return wanted in {normalise_handle(identity.platform, name) for name in (identity.handle, local)}


def _platform(platform: str) -> str:
    return MANIFEST_PLATFORM.get(platform, platform)


def _written(platform: str, handle: str) -> str:
    """A handle as its platform writes it: ``@name`` on X and Mastodon, ``u/name`` on Reddit."""
    bare = handle.strip()
    if platform == "reddit":
        return "u/" + bare.lstrip("/").removeprefix("u/")
    bare = bare.lstrip("@")
    return f"@{bare}" if platform in ("x", "mastodon") else bare


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _strings(values: list[str]) -> str:
    return _string(values[0]) if len(values) == 1 else "[" + ", ".join(map(_string, values)) + "]"
