"""Merge messages read from several exports of one case: one message per id, every source kept."""

from __future__ import annotations

from threadlens.model import Message


def merge_messages(messages: list[Message]) -> list[Message]:
    """One message per id, in first-seen order (placeholder until the merge rules are written)."""
    merged: dict[str, Message] = {}
    for message in messages:
        merged.setdefault(message.id, message)
    return list(merged.values())
