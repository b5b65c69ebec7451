"""A panel's review: its own readings of messages, read from a TOML file and applied in place of the scorer's.

A review names messages, never authors, so the same written rules judge both sides of a case. Each reading
becomes a :class:`~threadlens.model.Score` of the scorer ``panel`` that keeps the scorer's own reading beside
it (``replaces``); the findings are then worked out again by the same ``analyse`` as any other scores::

    [[reading]]
    message = "x:2028822721582510145"   # the id as the report shows it
    level = "civil"                      # a level name or number of the definition
    accuses = false                      # optional: whether the message accuses someone of abuse
    reason = "a joke between friends, answered as one"
    reviewer = "P. Natarajan, case officer"
    date = 2026-12-01
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from threadlens.analysis.readings import message_numbers
from threadlens.definition import Definition
from threadlens.errors import ReviewError
from threadlens.io import file_sha256
from threadlens.model import (
    LEVEL_NAMES,
    PANEL_SCORER,
    Evidence,
    Findings,
    PanelReading,
    Review,
    Score,
    ThreadGraph,
)

FIELDS = ("message", "level", "accuses", "reason", "reviewer", "date")
REQUIRED = ("message", "level", "reason", "reviewer")
HINT = "Each [[reading]] needs message, level, reason and reviewer (accuses and date are optional); see the README"


def load_review(path: str | Path, graph: ThreadGraph, scores: dict[str, Score], definition: Definition) -> Review:
    """The review file at ``path``, checked against the case: every reading names a message of the case whose
    content can be read, a level of the definition, a reason and a reviewer, and each message once."""
    where = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ReviewError(f"the review file cannot be read ({error.strerror})", path=where) from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ReviewError(f"not a TOML file ({error})", path=where, expected="UTF-8 TOML", hint=HINT) from None
    entries = document.get("reading")
    extra = sorted(set(document) - {"reading"})
    if extra or not isinstance(entries, list) or not entries:
        raise ReviewError(
            f"no [[reading]] entries{f' (unknown table {extra[0]!r})' if extra else ''}",
            path=where,
            expected="one or more [[reading]] tables",
            hint=HINT,
        )
    lines = _entry_lines(raw.decode("utf-8"))
    readings: dict[str, PanelReading] = {}
    for index, entry in enumerate(entries):
        position = f"reading {index + 1}" + (f" (line {lines[index]})" if index < len(lines) else "")
        reading = _reading(entry, graph, scores, definition, where, position)
        if reading.message_id in readings:
            raise ReviewError(
                f"{reading.message_id} is read twice",
                path=where,
                position=position,
                hint="Keep one reading per message",
            )
        readings[reading.message_id] = reading
    return Review(path=where, sha256=file_sha256(Path(path)), readings=tuple(readings.values()))


def apply_review(scores: dict[str, Score], review: Review, hostile_level: int) -> dict[str, Score]:
    """The scores with each reviewed message read as the panel reads it (the scorer's reading kept beside it)."""
    applied = dict(scores)
    for reading in review.readings:
        applied[reading.message_id] = panel_score(scores[reading.message_id], reading, review.sha256, hostile_level)
    return applied


def panel_score(scorer: Score, reading: PanelReading, review_sha256: str, hostile_level: int) -> Score:
    """A panel's reading as a score: its level, certain (value 1 when hostile, 0 when not), its reason in words."""
    hostile = reading.level >= hostile_level
    value = 1.0 if hostile else 0.0
    return Score(
        value=value,
        level=reading.level,
        hostile=hostile,
        categories=scorer.categories if hostile else (),
        evidence=(Evidence(0, 0, "", "panel", "the panel's reading", value),),
        scorer=PANEL_SCORER,
        version=review_sha256[:12],
        accusation=scorer.accusation if reading.accuses is None else reading.accuses,
        reason=panel_reason(reading, scorer),
        spans=scorer.spans if hostile else (),
        replaces=scorer,
    )


def panel_reason(reading: PanelReading, scorer: Score) -> str:
    """ "panel: level 0 civil — 'a joke …' (P. Natarajan, 2026-12-01); the scorer read level 2 rude"."""
    who = ", ".join(part for part in (reading.reviewer, reading.date) if part)
    accuses = "" if reading.accuses is None else (", accusing" if reading.accuses else ", not accusing")
    scorer_accuses = (", accusing" if scorer.accusation else ", not accusing") if reading.accuses is not None else ""
    return (
        f"panel: level {reading.level} {LEVEL_NAMES[reading.level]}{accuses} — '{reading.reason}' ({who}); "
        f"the scorer read level {scorer.level} {scorer.level_name}{scorer_accuses}"
    )


def review_changes(before: Findings, after: Findings, graph: ThreadGraph) -> dict[str, tuple[str, ...]]:
    """Conversation id → what the review changed in its findings, in words (conversations it left alone omitted)."""
    numbers = message_numbers(graph)

    def number(key: str) -> str:
        return f"#{numbers.get(key, '?')}"

    def first(conversation) -> str:
        event = conversation.first_escalation
        if event is None:
            return "none"
        message = graph.message(event.message_id)
        return f"{number(event.message_id)} by {message.author_name or message.author_id}"

    def chains(conversation) -> set[str]:
        return {" → ".join(number(k) for k in (c.provocation, c.reaction, c.accusation)) for c in conversation.chains}

    earlier = {c.conversation_id: c for c in before.conversations}
    changes = {}
    for conversation in after.conversations:
        old = earlier.get(conversation.conversation_id)
        if old is None:
            continue
        said = []
        if first(old) != first(conversation):
            said.append(f"first escalation: {first(conversation)} (the scorer's readings gave {first(old)})")
        said += [f"chain {chain} found" for chain in sorted(chains(conversation) - chains(old))]
        said += [f"chain {chain} no longer stands" for chain in sorted(chains(old) - chains(conversation))]
        if said:
            changes[conversation.conversation_id] = tuple(said)
    return changes


def _reading(
    entry: Any, graph: ThreadGraph, scores: dict[str, Score], definition: Definition, where: str, position: str
) -> PanelReading:
    """One ``[[reading]]`` table, checked."""

    def fail(reason: str, expected: str | None = None, hint: str = HINT) -> ReviewError:
        return ReviewError(reason, path=where, position=position, expected=expected, hint=hint)

    if not isinstance(entry, dict):
        raise fail("a reading is not a table", "a [[reading]] table")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        about_author = any("author" in key or "user" in key or "handle" in key for key in unknown)
        raise fail(
            f"unknown key {unknown[0]!r}",
            ", ".join(FIELDS),
            "A review names messages only, never authors, so the same rules apply to both sides"
            if about_author
            else HINT,
        )
    missing = [key for key in REQUIRED if key not in entry]
    if missing:
        raise fail(f"the reading has no {missing[0]}")
    for key in ("message", "reason", "reviewer"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise fail(f"{key} is {entry[key]!r}", "a non-empty string")
    message_id = entry["message"].strip()
    if message_id not in graph.graph.nodes:
        raise fail(f"message {message_id!r} is not in this case", hint="Copy the id as the report shows it")
    if graph.graph.nodes[message_id]["missing"] or graph.message(message_id).deleted or message_id not in scores:
        raise fail(f"message {message_id!r} has no content to read (missing or deleted)", hint="Remove this reading")
    accuses = entry.get("accuses")
    if accuses is not None and not isinstance(accuses, bool):
        raise fail(f"accuses is {accuses!r}", "true or false")
    date = entry.get("date")
    if date is not None and not isinstance(date, dt.date | str):
        raise fail(f"date is {date!r}", "a date such as 2026-12-01")
    return PanelReading(
        message_id=message_id,
        level=_level(entry["level"], definition, fail),
        reason=entry["reason"].strip(),
        reviewer=entry["reviewer"].strip(),
        date=None if date is None else (date.isoformat() if isinstance(date, dt.date) else date.strip()),
        accuses=accuses,
    )


def _level(value: Any, definition: Definition, fail) -> int:
    """A level given by name ("rude") or number (2), as the definition names its levels."""
    names = [str(name).casefold() for name in definition.section("levels").get("names", LEVEL_NAMES)]
    expected = "a level of the definition: " + ", ".join(f"{n} {name}" for n, name in enumerate(names))
    if isinstance(value, str) and value.strip().casefold() in names:
        return names.index(value.strip().casefold())
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
        return value
    raise fail(f"level {value!r} is not a level of definition {definition.name!r}", expected)


def _entry_lines(text: str) -> list[int]:
    """The line number of each ``[[reading]]`` header, in order, to say where a bad entry is."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if line.strip().startswith("[[reading]]")]
