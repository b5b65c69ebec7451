"""What a finding rests on: the readings of single messages that, read the other way, would change it.

A reading of a message is its level and whether it accuses someone. For every message whose content can be
judged, the analysis is asked again with that one message read on the other side of the hostile line (a
hostile message as civil, any other as rude, as a panel would write it) and, where a chain could turn on it,
as accusing or not. Only what the reading can reach is worked out again: the escalation of the message and of
the replies and quotes whose context it is, the reactions below those, and the chains when a reaction or an
accusation changed. So asking costs about as much as the analysis itself, and gives the same answer as
analysing the case again with that reading.

The readings worth checking come first: the messages the findings are made of (the first escalation, the
messages of a chain), then the message a first escalation answers, then the others; within each, the one
whose score lies closest to the hostile line. Only the structure of the thread and the scores decide the
order, never who wrote a message, so swapping the parties swaps nothing but names. A reading a panel has
already given is never listed again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from threadlens.analysis.chains import find_chains, reacts_to
from threadlens.analysis.escalation import escalation_rise
from threadlens.analysis.rules import Rules
from threadlens.analysis.structure import ScoredThread
from threadlens.model import LEVEL_NAMES, PANEL_SCORER, Chain, Escalation, ReadingToCheck, Score, ThreadGraph

MOST_SHOWN = 3  # readings to check listed per conversation
NEAR_LINE = 0.1  # a score this close to the hostile line is "close to the line"

Triple = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class _Alternative:
    """One message read the other way."""

    message_id: str
    level: int
    accuses: bool
    read_as: str  # in words: "not hostile", "hostile", "accusing", "not accusing"


@dataclass(slots=True)
class _Change:
    """What one alternative reading changes in one conversation, and how worth checking it is."""

    alternative: _Alternative
    first: tuple[str | None, str | None] | None = None  # (old, new) first escalation id, when it changes
    gone: tuple[Triple, ...] = ()
    new: tuple[Triple, ...] = ()
    priority: float = 0.0


def message_numbers(graph: ThreadGraph) -> dict[str, int]:
    """Message id → its number as every output shows it (``#4``): per conversation, in time order, from 1."""
    order = (key for ids in graph.conversations().values() for key in ids)
    return {key: number for number, key in enumerate(order, start=1)}


def readings_to_check(
    thread: ScoredThread,
    rules: Rules,
    events: list[Escalation],
    reactions: dict[str, str],
    chains: list[Chain],
    most: int = MOST_SHOWN,
) -> dict[str, tuple[tuple[ReadingToCheck, ...], bool]]:
    """Conversation id → (its readings to check, most worth checking first, at most ``most``; whether its
    findings stand however any one message is read)."""
    base = _Base(thread, rules, events, reactions, chains)
    found: dict[str, list[_Change]] = defaultdict(list)
    for key in thread.judged():
        if thread.scores[key].scorer == PANEL_SCORER:
            continue
        for alternative in base.alternatives(key):
            for conversation, change in base.changes(alternative).items():
                change.priority = base.priority(change)
                found[conversation].append(change)
    numbers = message_numbers(thread.graph)
    result = {}
    for conversation in thread.graph.conversations():
        changes = sorted(
            found.get(conversation, ()), key=lambda c: (-c.priority, thread.order_key(c.alternative.message_id))
        )
        listed = tuple(_reading(thread, change, numbers, rules) for change in changes[:most])
        result[conversation] = (listed, not changes)
    return result


class _Base:
    """The findings as they stand, and how one message read the other way changes them."""

    def __init__(
        self,
        thread: ScoredThread,
        rules: Rules,
        events: list[Escalation],
        reactions: dict[str, str],
        chains: list[Chain],
    ) -> None:
        self.thread, self.rules = thread, rules
        self.escalations = {event.message_id for event in events}
        self.firsts: dict[str, list[str]] = defaultdict(list)  # conversation → its escalations, earliest first
        for event in events:
            self.firsts[thread.conversation(event.message_id)].append(event.message_id)
        self.reactions = reactions
        self.chains = {(c.provocation, c.reaction, c.accusation) for c in chains}
        firsts = {ids[0] for ids in self.firsts.values()}
        self.made_of = firsts | {key for triple in self.chains for key in triple}  # the findings' own messages
        self.answered = {thread.linked(key, "reply") or thread.linked(key, "quote") for key in firsts}
        self.earliest_reaction = min((thread.order_key(key) for key in reactions), default=None)
        self.children: dict[str, list[str]] = defaultdict(list)  # replies and quotes of a message
        for source, target in thread.graph.graph.edges():
            self.children[source].append(target)

    def alternatives(self, key: str) -> list[_Alternative]:
        """``key`` read the other way: across the hostile line, and as (not) accusing where a chain could turn on it."""
        score, level = self.thread.scores[key], self.thread.level(key)
        hostile = level is not None and level >= self.rules.threshold
        found = [
            _Alternative(key, 0, score.accusation, "not hostile")
            if hostile
            else _Alternative(key, self.rules.threshold, score.accusation, "hostile")
        ]
        if score.accusation:
            found.append(_Alternative(key, score.level, False, "not accusing"))
        elif self.earliest_reaction is not None and self.thread.order_key(key) > self.earliest_reaction:
            found.append(_Alternative(key, score.level, True, "accusing"))
        return found

    def changes(self, alternative: _Alternative) -> dict[str, _Change]:
        """Conversation id → what reading ``alternative`` changes there (only the conversations it changes)."""
        thread, rules, key = self.thread, self.rules, alternative.message_id
        old = thread.scores[key]
        other = thread.reread(
            key, replace(old, level=alternative.level, accusation=alternative.accuses, scorer=PANEL_SCORER)
        )
        reach = {key, *self._below(key, 1 + rules.context_hops)}
        reach = {node for node in reach if not thread.is_unknown(node)}
        escalations = (self.escalations - reach) | {n for n in reach if escalation_rise(other, rules, n) is not None}
        changed = escalations ^ self.escalations
        found: dict[str, _Change] = {}
        for conversation in {thread.conversation(node) for node in changed}:
            before = self.firsts[conversation][0] if self.firsts[conversation] else None
            kept = next((node for node in self.firsts[conversation] if node in escalations), None)
            added = [node for node in changed if node in escalations and thread.conversation(node) == conversation]
            after = min([*([kept] if kept else []), *added], key=thread.order_key, default=None)
            if after != before:
                found[conversation] = _Change(alternative, first=(before, after))
        near = {key}
        for node in changed:
            near |= {n for n in self._below(node, rules.reaction_hops) if not thread.is_unknown(n)}
        reactions = dict(self.reactions)
        for node in near:
            provocation = reacts_to(other, node, escalations, rules)
            if provocation is None:
                reactions.pop(node, None)
            else:
                reactions[node] = provocation
        if reactions == self.reactions and alternative.accuses == old.accusation:
            return found
        chains = {(c.provocation, c.reaction, c.accusation) for c in find_chains(other, reactions, rules)}
        for triple in chains ^ self.chains:
            change = found.setdefault(thread.conversation(triple[0]), _Change(alternative))
            if triple in chains:
                change.new += (triple,)
            else:
                change.gone += (triple,)
        return found

    def _below(self, key: str, hops: int) -> list[str]:
        """Replies up to ``hops`` steps below ``key``, and the messages quoting it (whose context it is)."""
        found, frontier = [], [key]
        for _ in range(hops):
            frontier = [child for node in frontier for child in self.children.get(node, ())]
            found.extend(frontier)
        return found

    def priority(self, change: _Change) -> float:
        """How worth checking a reading is: the findings' own messages first, then the message a first escalation
        answers, then by closeness of its score to the hostile line."""
        key = change.alternative.message_id
        role = 0.0
        if key in self.made_of:
            role = 2.0
        elif key in self.answered:
            role = 1.5
        distance = abs(self.thread.scores[key].value - self.rules.threshold_value)
        return role + max(0.0, 1.0 - distance / 0.5)


def _reading(thread: ScoredThread, change: _Change, numbers: dict[str, int], rules: Rules) -> ReadingToCheck:
    """The reading to check behind ``change``, with its sentence."""
    alternative = change.alternative
    key = alternative.message_id
    score = thread.scores[key]
    level = thread.level(key) or 0
    return ReadingToCheck(
        message_id=key,
        level_now=level,
        accuses_now=score.accusation,
        if_read_as=alternative.read_as,
        if_level=alternative.level,
        if_accuses=alternative.accuses,
        sentence=_sentence(thread, change, numbers, score, level, rules),
    )


def _sentence(
    thread: ScoredThread, change: _Change, numbers: dict[str, int], score: Score, level: int, rules: Rules
) -> str:
    """ "If #3 (civil, score 0.46, close to the line) were read as hostile, the first escalation would be #3 by …"."""

    def number(key: str) -> str:
        return f"#{numbers.get(key, '?')}"

    def name(key: str) -> str:
        message = thread.message(key)
        return message.author_name or message.author_id or "an unknown author"

    key = change.alternative.message_id
    near = " close to the line," if abs(score.value - rules.threshold_value) < NEAR_LINE else ""
    now = f"{LEVEL_NAMES[level]}, score {score.value:.2f},{near}".rstrip(",")
    if change.alternative.read_as in ("accusing", "not accusing"):
        now = "accusing" if score.accusation else "not accusing"
    parts = []
    if change.first is not None:
        before, after = change.first
        if after is None:
            parts.append("there would be no first escalation")
        elif before is not None and thread.message(before).author_id != thread.message(after).author_id:
            parts.append(f"{name(after)} would have escalated first ({number(after)}), not {name(before)}")
        else:
            parts.append(f"the first escalation would be {number(after)} by {name(after)}")
    for triple in change.new:
        parts.append(f"{' → '.join(number(k) for k in triple)} would be a provocation → reaction → accusation chain")
    for triple in change.gone:
        parts.append(f"the chain {' → '.join(number(k) for k in triple)} would not stand")
    return f"If {number(key)} ({now}) were read as {change.alternative.read_as}, {_and(parts)}."


def _and(parts: list[str]) -> str:
    """Clauses joined with commas and a final "and"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
