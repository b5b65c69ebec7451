"""Terminal tables that fit: under ``WIDE_FROM`` columns they shorten ids and times and drop low-value columns;
``--wide`` shows every value whole (``--json`` too, where a command has it)."""

from __future__ import annotations

from datetime import datetime

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from threadlens.model import Case
from threadlens.report.view import (
    STANDS,
    author_names,
    message_numbers,
    readings_to_check,
    review_summary,
    standing_findings,
)

WIDE_FROM = 100  # terminal columns from which every column is shown
ID_KEEP = 6  # characters kept at each end of a long id
NARROW_NOTE = "ids and times shortened to fit; --wide shows them whole"
REASON_CHARS = 28  # characters of an inconclusive reason's words in the table; the reports say it whole


def short_id(value: str, wide: bool) -> str:
    """``x:2028818216587677735`` as ``x:2028…677735`` (the platform kept, then the id's ends), unless ``wide``."""
    head = value.find(":") + 1 + ID_KEEP - 2
    if wide or len(value) <= head + ID_KEEP + 1:
        return value
    return f"{value[:head]}…{value[-ID_KEEP:]}"


def short_time(value: str | datetime | None, wide: bool) -> str:
    """An ISO time as ``2026-03-03 13:20`` (``wide``: as given, to the second); '' when absent."""
    if value is None:
        return ""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:  # "—" for no time
        return str(value)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if wide else "%Y-%m-%d %H:%M")


def _table(*columns: str, narrow: bool, folding: tuple[str, ...]) -> Table:
    """A table whose ``folding`` columns wrap (folding long words); the others keep each value on one line."""
    table = Table(box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD, pad_edge=not narrow, collapse_padding=narrow)
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column not in folding)
    return table


def conversations_table(summaries: list[dict], *, width: int, wide: bool) -> Table:
    """``inspect``'s table: one row per conversation; under ``WIDE_FROM`` columns depth, edits and deletions are
    left to ``--wide``/``--json``."""
    narrow = width < WIDE_FROM and not wide
    keys = ["conversation_id", "messages", "participants", "first", "last", "missing_parents"]
    if not narrow:
        keys += ["depth", "edited", "deleted"]
    titles = {
        "conversation_id": "conversation",
        "first": "first (UTC)",
        "last": "last (UTC)",
        "missing_parents": "missing" if narrow else "missing parents",
        "participants": "people" if narrow else "participants",
    }
    table = _table(*(titles.get(key, key) for key in keys), narrow=narrow, folding=())
    for row in summaries:
        cells = {
            **row,
            "conversation_id": short_id(str(row["conversation_id"]), wide),
            "first": short_time(row["first"], wide),
            "last": short_time(row["last"], wide),
        }
        table.add_row(*(Text(str(cells[key])) for key in keys))
    if narrow:
        table.caption = "depth, edits and deletions: --wide or --json; " + NARROW_NOTE
    return table


def findings_table(case: Case, *, width: int, wide: bool, every: bool = False) -> RenderableType:
    """``analyse``'s table: per conversation with findings (a first escalation or a chain), who escalated first,
    when, at what level, chains and doubts in a few words (under ``WIDE_FROM`` columns, numbered under the table);
    the rest counted in the caption (``every``: listed too, after them)."""
    narrow = width < WIDE_FROM and not wide
    names = author_names(case)
    table = _table(
        "conversation",
        "msgs" if narrow else "messages",
        "first escalation",
        "level",
        "chains",
        "doubts" if narrow else "inconclusive",
        narrow=narrow,
        folding=("first escalation", "inconclusive"),
    )
    table.columns[2].min_width = len("alice at 2026-03-03 13:20") if narrow else None  # one line where it can
    footnotes: list[Text] = []
    found = [item for item in case.findings.conversations if item.first_escalation is not None or item.chains]
    rest = [item for item in case.findings.conversations if item not in found]
    for item in found + rest if every else found:
        first = item.first_escalation
        where = f" ({short_id(first.message_id, wide)})" if first and not narrow else ""
        escalation = (
            f"{names.get(first.author_id, first.author_id)} at {short_time(first.created_at, wide)}{where}"
            if first
            else "none"
        )
        doubts = "; ".join(brief_reason(reason, wide) for reason in item.inconclusive_reasons)
        if doubts and narrow:  # under the table, where the line is long enough to read
            footnotes.append(Text(f"[{len(footnotes) + 1}] {short_id(item.conversation_id, wide)}: {doubts}"))
            doubts = f"[{len(footnotes)}]"
        table.add_row(
            Text(short_id(item.conversation_id, wide)),
            str(item.completeness.messages),
            Text(escalation),
            (f"{first.level} {first.margin:+.2f}" if narrow else f"{first.level} ({first.margin:+.2f})")
            if first
            else "",
            str(len(item.chains)),
            Text(doubts or "no"),
        )
    notes = [NARROW_NOTE] if narrow else []
    if rest and not every:
        doubtful = sum(item.inconclusive for item in rest)
        notes.insert(0, f"{len(rest):,} more without findings ({doubtful:,} inconclusive): --all lists them")
    table.caption = "\n".join(notes) or None
    return Group(table, *footnotes) if footnotes else table


def brief_reason(reason: str, wide: bool) -> str:
    """Why a finding is inconclusive in a few words, the messages it names by short id (``wide``: as written); the
    reports give it whole."""
    if wide:
        return reason
    what, _, ids = reason.partition(": ")
    words = what if len(what) <= REASON_CHARS else what[: REASON_CHARS - 1].rsplit(" ", 1)[0] + "…"
    named = [short_id(key, wide) for key in ids.split(", ")] if ids else []
    more = f", +{len(named) - 1}" if len(named) > 1 else ""
    return f"{words} ({named[0]}{more})" if named else words


def chain_lines(case: Case, *, wide: bool) -> list[Text]:
    """One line per chain: its three messages and their authors, and who accused."""
    names = author_names(case)
    lines = []
    for chain in case.findings.chains:
        provoker, reactor, accuser = (names.get(author, author) for author in chain.authors)
        lines.append(
            Text(
                f"chain: {short_id(chain.provocation, wide)} by {provoker} → "
                f"{short_id(chain.reaction, wide)} by {reactor} → {short_id(chain.accusation, wide)} "
                f"by {accuser} ({chain.accuser_role})"
            )
        )
    return lines


MOST_CONVERSATIONS = 3  # conversations whose readings to check the terminal names; all are in findings.json


def readings_lines(case: Case, *, wide: bool) -> list[Text]:
    """The readings to check, first. With ``wide``, or when one conversation has any, each reading's sentence;
    otherwise one line per conversation naming its readings ("#6 as not accusing"), those with findings first, so
    that a large case still fits a screen (the sentences are in the reports and findings.json). Then the findings
    that stand however any one message is read, and the review applied."""
    listed = readings_to_check(case)
    numbers = message_numbers(case)
    whole = wide or len(listed) == 1
    lines = [Text("Readings to check (if one is wrong, a finding changes):", style="bold")] if listed else []
    for conversation in listed[:MOST_CONVERSATIONS]:
        key = short_id(conversation.conversation_id, wide)
        readings = conversation.readings_to_check
        if whole:
            lines.append(Text(f"  conversation {key}"))
            lines += [Text(f"    {n}. {reading.sentence}") for n, reading in enumerate(readings, start=1)]
        else:
            named = "; ".join(f"#{numbers.get(r.message_id, '?')} as {r.if_read_as}" for r in readings)
            lines.append(Text(f"  {key}: {named}"))
    more = len(listed) - MOST_CONVERSATIONS
    if more > 0 or (listed and not whole):
        counted = f"{more:,} more conversation(s) to check; " if more > 0 else ""
        lines.append(Text(f"  {counted}each reading's sentence: the report, findings.json, --wide", style="dim"))
    standing = standing_findings(case)
    if standing:
        keys = ", ".join(short_id(c.conversation_id, wide) for c in standing[:MOST_CONVERSATIONS])
        others = f" and {len(standing) - MOST_CONVERSATIONS:,} more" if len(standing) > MOST_CONVERSATIONS else ""
        lines.append(Text(f"findings that {STANDS}: {keys}{others}"))
    return lines + [Text(line, style="green") for line in review_summary(case)]
