"""Merge messages read from several exports of one case: one message per id, every source kept.

When the same message arrives more than once (both parties' archives, an API dump beside an archive),
nothing is allowed to win silently:

- **Current text.** The record chosen as current is the best by, in order: not ``context_only`` (a
  message read as itself beats one seen only as context of another), not ``deleted``, has text,
  knows the most edits (``edits`` + ``edited_from``: a later snapshot knows more of the history),
  then the latest ``created_at``, then the first seen. Its text, author and links are kept; empty
  fields are filled from the others in the order they were seen.
- **Other texts** that differ from the current one become :class:`~threadlens.model.Revision`
  entries in ``edits``, each with the source it was read from, after the edits the records already
  carried (all de-duplicated, first seen first).
- **Conflicts.** Records of one id (from different files, or from two places in one file) that name
  different authors, or carry different texts that no record's own edit history explains, are a
  :class:`~threadlens.model.Conflict`: no file can be trusted over another, so a later ``created_at``
  does not decide (a forged copy one second later must not replace the original); the first seen stays
  current, every other version (with its author when that differs) is kept in ``edits``, and the
  conflict is returned to be reported.
- ``deleted`` if any source says deleted (the text is kept from a source that still had it);
  ``context_only`` only if every source saw it as context; ``mentions``, ``edited_from`` and
  ``sources`` are unions in first-seen order; ``missing_children`` is the largest count reported.

The result depends only on the input order, never on hashing or time of day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from threadlens.model import Conflict, Message, Revision


def merge_messages(messages: list[Message]) -> list[Message]:
    """One message per id, in first-seen order, merged by the rules in this module's docstring.

    Messages whose id occurs once are returned as they are (the same objects); the inputs are never
    modified.
    """
    return merge_with_conflicts(messages)[0]


def merge_with_conflicts(messages: list[Message]) -> tuple[list[Message], list[Conflict]]:
    """:func:`merge_messages`, and the conflicts between sources it found, in first-seen order."""
    first: dict[str, Message] = {}
    repeats: dict[str, list[Message]] = {}
    for message in messages:
        seen = first.setdefault(message.id, message)
        if seen is not message:
            repeats.setdefault(message.id, [seen]).append(message)
    if not repeats:
        return list(first.values()), []
    merged: list[Message] = []
    conflicts: list[Conflict] = []
    for key, message in first.items():
        if key not in repeats:
            merged.append(message)
            continue
        conflict = find_conflict(repeats[key])
        if conflict is not None:
            conflicts.append(conflict)
        merged.append(merge_records(repeats[key], conflicting=conflict is not None))
    return merged, conflicts


def find_conflict(records: list[Message]) -> Conflict | None:
    """The conflict between records of one id read from different files or places, or None when they agree.

    Records disagree on ``author`` when their author ids differ, and on ``text`` when their texts differ
    and neither text is a version another record's edit history already holds. An empty text (a deletion
    record) disagrees with nothing.
    """
    known = {revision.text for record in records for revision in record.edits}
    fields: set[str] = set()
    involved: list = []
    for index, one in enumerate(records):
        for other in records[index + 1 :]:
            if one.source is None or other.source is None or one.source == other.source:
                continue
            found = set()
            if one.author_id and other.author_id and one.author_id != other.author_id:
                found.add("author")
            if one.text and other.text and one.text != other.text and not {one.text, other.text} & known:
                found.add("text")
            if found:
                fields |= found
                involved.extend(source for source in (one.source, other.source) if source not in involved)
    if not fields:
        return None
    return Conflict(records[0].id, tuple(sorted(fields)), tuple(involved))


def merge_records(records: list[Message], *, conflicting: bool = False) -> Message:
    """Merge several records of one message (all with the same id) into one, first seen first.

    With ``conflicting`` (see :func:`find_conflict`) a later time does not make a record current.
    """
    _, current = max(enumerate(records), key=lambda pair: _rank(pair[1], pair[0], conflicting))
    others = [record for record in records if record is not current]
    filled = {
        name: next((value for value in (getattr(r, name) for r in others) if value), getattr(current, name))
        for name in ("author_id", "author_name", "created_at", "reply_to", "quote_of", "conversation_id", "url")
        if not getattr(current, name)
    }
    return replace(
        current,
        **filled,
        text=current.text or next((r.text for r in others if r.text), ""),
        mentions=_union(r.mentions for r in records),
        mention_names=_union(r.mention_names for r in records),
        edited_from=_union(r.edited_from for r in records),
        edits=_revisions(current, records),
        deleted=any(r.deleted for r in records),
        context_only=all(r.context_only for r in records),
        sources=_union(r.sources for r in records),
        missing_children=max(r.missing_children for r in records),
    )


def _rank(record: Message, seen_at: int, conflicting: bool = False) -> tuple:
    """Sort key of a candidate for the current version: larger is better (see the module docstring)."""
    timestamp = record.created_at.timestamp() if record.created_at and not conflicting else float("-inf")
    return (
        not record.context_only,
        not record.deleted,
        bool(record.text),
        len(record.edits) + len(record.edited_from),
        timestamp,
        -seen_at,
    )


def _revisions(current: Message, records: list[Message]) -> tuple[Revision, ...]:
    """Every earlier or differing version: the edits the records carried, then the other records' texts
    and authors (a version by another author names that author)."""
    revisions: dict[tuple[str, str, str | None], Revision] = {}
    for record in records:
        for revision in record.edits:
            revisions.setdefault((revision.id, revision.text, revision.author_id), revision)
    for record in records:
        other_author = record.author_id if record.author_id and record.author_id != current.author_id else None
        if (record.text and record.text != current.text) or other_author:
            revisions.setdefault(
                (record.id, record.text, other_author),
                Revision(
                    id=record.id,
                    text=record.text,
                    created_at=record.created_at,
                    source=record.source,
                    author_id=other_author,
                    author_name=record.author_name if other_author else None,
                ),
            )
    revisions.pop((current.id, current.text, None), None)
    return tuple(revisions.values())


def _union(groups: Iterable[tuple]) -> tuple:
    """The items of every group, each once, in first-seen order."""
    return tuple(dict.fromkeys(item for group in groups for item in group))
