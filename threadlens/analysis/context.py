"""Reading a reply together with the message it answers.

Some hostility lies in the relation between two messages, not in either alone: a reply that mocks the
words it answers back, sarcastic praise, a challenge to "say that to my face". The per-message score reads
each text alone and stays as it is; this reading gives the escalation analysis a second, contextual level
for a reply, with its reason. It reads the two texts only, never who wrote either, and its phrases are
written in the definition (``escalation.toml``, ``[context]``), so a panel can read and contest them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from threadlens.definition import Definition
from threadlens.model import LEVEL_NAMES

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class ContextRules:
    """The ``[context]`` table of a definition's escalation rules."""

    level: int
    echo_words: int
    mocking_markers: tuple[str, ...]
    sarcasm_openings: tuple[str, ...]
    challenges: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContextReading:
    """The level a reply has when read with what it answers, and why."""

    level: int
    reason: str


def load_context_rules(definition: Definition) -> ContextRules:
    """The ``[context]`` rules (an empty table turns contextual reading off)."""
    table = definition.section("context")
    phrases = {
        key: tuple(_words(p) or p for p in table.get(key, ()))
        for key in ("mocking_markers", "sarcasm_openings", "challenges")
    }
    return ContextRules(level=int(table.get("level", 2)), echo_words=int(table.get("echo_words", 3)), **phrases)


def read_reply(reply: str, parent: str, rules: ContextRules) -> ContextReading | None:
    """The contextual reading of ``reply`` as an answer to ``parent``, or None when the relation adds nothing."""
    text = f" {_words(reply)} "
    why = None
    if any(text.startswith(f" {opening} ") for opening in rules.sarcasm_openings):
        why = "opens with sarcastic praise of the message it answers"
    elif any(f" {phrase} " in text for phrase in rules.challenges):
        why = "challenges the author of the message it answers to a confrontation"
    elif any(f" {m} " in text or m in reply for m in rules.mocking_markers) and _echo(text, parent, rules.echo_words):
        why = "repeats the words it answers back, mockingly"
    if why is None:
        return None
    return ContextReading(rules.level, f"{LEVEL_NAMES[rules.level]} when read as a reply: it {why}")


def _echo(text: str, parent: str, size: int) -> bool:
    """Whether ``text`` repeats ``size`` consecutive words of ``parent``."""
    words = _words(parent).split()
    return any(f" {' '.join(words[i : i + size])} " in text for i in range(len(words) - size + 1))


def _words(text: str) -> str:
    """Lower-case words joined by single spaces (apostrophes dropped, so "don't" is "dont")."""
    return " ".join(_WORD.findall(text.casefold().replace("'", "").replace("’", "")))
