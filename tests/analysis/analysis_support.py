"""Hand-built threads with hand-made scores, so the analysis is tested apart from the scorer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from threadlens.analysis import analyse
from threadlens.definition import Definition
from threadlens.model import Evidence, Findings, Message, Score, Source
from threadlens.thread import build_graph

START = datetime(2025, 5, 1, 20, 0, tzinfo=UTC)
LEVEL_VALUES = (0.05, 0.3, 0.5, 0.7, 0.9)


def message(
    key: str,
    author: str,
    minute: float | None,
    *,
    reply_to: str | None = None,
    quote_of: str | None = None,
    mentions: tuple[str, ...] = (),
    text: str = "",
    deleted: bool = False,
    missing_children: int = 0,
    conversation: str | None = None,
) -> Message:
    """A message on the ``generic`` platform; ``minute`` after ``START`` (None: no time)."""
    return Message(
        id=f"generic:{key}",
        platform="generic",
        author_id=f"generic:{author}",
        author_name=author,
        created_at=None if minute is None else START + timedelta(minutes=minute),
        text=text or f"message {key}",
        reply_to=f"generic:{reply_to}" if reply_to else None,
        quote_of=f"generic:{quote_of}" if quote_of else None,
        conversation_id=f"generic:{conversation}" if conversation else None,
        mentions=tuple(f"generic:{name}" for name in mentions),
        deleted=deleted,
        missing_children=missing_children,
        sources=(Source("thread.jsonl", f"line {key}", "0" * 64, "jsonl"),),
    )


def score(level: int, *, accusation: bool = False, words: tuple[str, ...] = ()) -> Score:
    """A score at ``level`` (value in the middle of the level), with lexicon evidence for ``words``."""
    evidence = tuple(Evidence(0, len(word), word, "lexicon", f"insult/{word}", 0.1, "insult") for word in words)
    return Score(
        value=LEVEL_VALUES[level],
        level=level,
        hostile=level >= 2,
        categories=("insult",) if words else (),
        evidence=evidence,
        scorer="hand",
        version="1",
        accusation=accusation,
    )


def run(rows: list[tuple[Message, Score | None]], definition: Definition) -> Findings:
    """The findings of a thread whose messages carry the given scores (None: not scored)."""
    messages = [row[0] for row in rows]
    scores = {m.id: s for m, s in rows if s is not None}
    return analyse(build_graph(messages), scores, definition)


def pattern_thread() -> list[tuple[Message, Score]]:
    """The seed's pattern: a calm post, a provocation, an angry reaction, an accusation against the reactor."""
    return [
        (message("1", "alice", 0, text="Council meeting tonight at 7."), score(0)),
        (message("2", "bob", 5, reply_to="1", text="Typical rabble, you lot are dogs."), score(3, words=("rabble",))),
        (message("3", "carol", 6, reply_to="1", text="See you there."), score(0)),
        (message("4", "alice", 9, reply_to="2", text="How dare you, you idiot!"), score(2, words=("idiot",))),
        (message("5", "bob", 14, reply_to="4", text="Everyone see this? This is abuse."), score(1, accusation=True)),
    ]
