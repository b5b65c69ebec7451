"""What a finding rests on: the readings of single messages that, read the other way, would change it.

A reading of a message is its level and whether it accuses someone. For every reading open to doubt (the
definition's ``[readings]``), the analysis is asked again with that one message read the other way: a hostile
message as civil, any other as rude, as a panel would write it, or as accusing or not where a chain could turn
on it. Only what the reading can reach is worked out again: the escalation of the message and of the replies
and quotes whose context it is, the reactions below those, and the chains when a reaction or an accusation
changed. So asking costs about as much as the analysis, and answers exactly as analysing the case again with
that reading would (a property test holds the two together).

A finding is a conversation's first escalation (which message, by whom), a chain, or a reaction to an
escalation (half a chain, waiting for an accusation). The readings worth checking come first: those of the
messages the findings are made of, then of the message a first escalation answers; then those that would change
who escalated first or a chain before those that change less; then the scores closest to the hostile line. Only
the thread's structure and the scores decide the order, never who wrote a message, so swapping the parties swaps
nothing but names. A reading a panel has already given is final and never listed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container
from dataclasses import dataclass, field

from threadlens.analysis.chains import accuses, holds_any, quotable, quoted_spans, reacts_to
from threadlens.analysis.escalation import escalation_rise
from threadlens.analysis.rules import Rules
from threadlens.analysis.structure import ScoredThread
from threadlens.model import LEVEL_NAMES, PANEL_SCORER, Chain, Escalation, ReadingToCheck, ThreadGraph

NEAR_LINE = 0.1  # a score this close to the hostile line is "close to the line"
ROBUST = 1

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
    first: tuple[str | None, str | None] | None = None  # (old, new) first escalation, when it changes
    chains_new: list[Triple] = field(default_factory=list)
    chains_gone: list[Triple] = field(default_factory=list)
    reactions_new: list[tuple[str, str]] = field(default_factory=list)  # (reaction, provocation)
    reactions_gone: list[tuple[str, str]] = field(default_factory=list)
    priority: float = 0.0


def message_numbers(graph: ThreadGraph) -> dict[str, int]:
    """Message id → its number as every output shows it (``#4``): per conversation, in time order, from 1."""
    order = (key for ids in graph.conversations().values() for key in ids)
    return {key: number for number, key in enumerate(order, start=1)}


def open_to_doubt(thread: ScoredThread, key: str, rules: Rules) -> bool:
    """Whether the level of message ``key`` is open to doubt: not read at all (another language), read hostile, or
    below the line but close to it (``doubtful_from``), with a kind of hostility found (robust), or answered by a
    hostile message."""
    score = thread.scores[key]
    if score.scorer == PANEL_SCORER:
        return False
    if not score.read:
        return True
    level = thread.level(key) or 0
    if level >= rules.threshold or level >= ROBUST or score.value >= rules.doubtful_from:
        return True
    answers = (child for kind in ("reply", "quote") for child in thread.answers(key, kind))
    return any((thread.level(child) or 0) >= rules.threshold for child in answers)


def readings_to_check(
    thread: ScoredThread, rules: Rules, events: list[Escalation], reactions: dict[str, str], chains: list[Chain]
) -> dict[str, tuple[tuple[ReadingToCheck, ...], bool]]:
    """Conversation id → (its readings to check, most worth checking first, at most the definition's
    ``most_shown``; whether its findings stand however any one message is read)."""
    base = _Base(thread, rules, events, reactions, chains)
    found: dict[str, list[_Change]] = defaultdict(list)
    for key in [*thread.judged(), *thread.unread()]:
        for alternative in base.alternatives(key):
            for conversation, change in base.changes(alternative).items():
                change.priority = base.priority(change)
                found[conversation].append(change)
    numbers = message_numbers(thread.graph)
    result = {}
    for conversation in thread.graph.conversations():
        changes = sorted(found.get(conversation, ()), key=lambda c: (-c.priority, _order(thread, c)))
        listed = tuple(_reading(thread, change, numbers, rules) for change in changes[: rules.most_shown])
        result[conversation] = (listed, not changes)
    return result


def _order(thread: ScoredThread, change: _Change) -> tuple:
    """Ties go to the earlier message, then to its reading across the hostile line."""
    return (thread.order_key(change.alternative.message_id), change.alternative.read_as)


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
        self.made_of = firsts | {key for triple in self.chains for key in triple} | set(reactions)
        self.answered = {thread.linked(key, "reply") or thread.linked(key, "quote") for key in firsts}
        self.answering = {a for key in self.made_of for kind in ("reply", "quote") for a in thread.answers(key, kind)}
        self._accusing_cache: dict[tuple[str, str, str], bool] = {}
        self._quoted: dict[str, list[str]] = {}
        self._spanned: set[str] | None = None
        self._links: dict[str, set[str]] = {}
        self._mentioning: dict[str, set[str]] = {}  # author → the messages that @mention them
        self._under: dict[tuple[str, int], list[str]] = {}
        self.could_accuse = self._could_accuse()
        self.accusing = [key for key in thread.judged() if thread.scores[key].accusation]  # earliest first
        self.accusation_of = {reaction: accusation for _, reaction, accusation in self.chains}
        self.accusations = set(self.accusation_of.values())

    def alternatives(self, key: str) -> list[_Alternative]:
        """``key`` read the other way, where that reading is open to doubt: across the hostile line, and as (not)
        accusing where a chain could turn on it."""
        thread, rules = self.thread, self.rules
        score = thread.scores[key]
        if score.scorer == PANEL_SCORER:
            return []
        if not score.read:
            return [_Alternative(key, rules.threshold, score.accusation, "hostile")]
        found = []
        if open_to_doubt(thread, key, rules):
            hostile = (thread.level(key) or 0) >= rules.threshold
            level, read_as = (0, "not hostile") if hostile else (rules.threshold, "hostile")
            found.append(_Alternative(key, level, score.accusation, read_as))
        # A panel that reads it as (not) accusing keeps its level as read now; where that differs from the level
        # scored (a reply read with what it answers), the reading may change a reaction too, so it is asked.
        level = thread.level(key) or 0
        relevelled = level != score.level
        if score.accusation and (key in self.accusations or relevelled):
            found.append(_Alternative(key, level, False, "not accusing"))
        elif not score.accusation and (key in self.could_accuse or relevelled):
            found.append(_Alternative(key, level, True, "accusing"))
        return found

    def changes(self, alternative: _Alternative) -> dict[str, _Change]:
        """Conversation id → what reading ``alternative`` changes there (only the conversations it changes)."""
        thread, rules, key = self.thread, self.rules, alternative.message_id
        old = thread.scores[key]

        def level(node: str) -> int | None:  # as the analysis reads it, with ``key`` read the other way
            return alternative.level if node == key else thread.level(node)

        def scored(node: str) -> int | None:  # as scored, with ``key`` read the other way
            return alternative.level if node == key else None if thread.is_unknown(node) else thread.scores[node].level

        # Read higher, the message may escalate and what it is context for may no longer; read lower, the reverse.
        # Read at the same level (as accusing or not), no escalation changes.
        now = thread.level(key)
        was = rules.unknown_level if now is None else now  # what it was as context for the messages below
        below = self._below(key, 1 + rules.context_hops)
        asked = {key} if alternative.level != now else set()
        if alternative.level > was:
            asked.update(node for node in below if node in self.escalations)
        elif alternative.level < was:
            asked.update(n for n in below if (level(n) or 0) >= rules.threshold and n not in self.escalations)
        rising = {node for node in asked if escalation_rise(thread, rules, node, level) is not None}
        changed = {node for node in asked if (node in rising) != (node in self.escalations)}
        escalations = _Escalations(self.escalations, changed)
        found: dict[str, _Change] = {}
        for conversation in {thread.conversation(node) for node in changed}:
            before = self.firsts[conversation][0] if self.firsts[conversation] else None
            kept = next((node for node in self.firsts[conversation] if node in escalations), None)
            added = [node for node in changed if node in escalations and thread.conversation(node) == conversation]
            after = min([*([kept] if kept else []), *added], key=thread.order_key, default=None)
            if after != before:
                found[conversation] = _Change(alternative, first=(before, after))
        reactions = self._reactions(key, changed, escalations, scored)
        flipped = alternative.accuses != old.accusation
        if reactions == self.reactions and not flipped:
            return found
        for reaction in reactions.keys() | self.reactions.keys():
            was, now = self.reactions.get(reaction), reactions.get(reaction)
            if was == now:
                continue
            change = found.setdefault(thread.conversation(reaction), _Change(alternative))
            if now is not None:
                change.reactions_new.append((reaction, now))
            if was is not None:
                change.reactions_gone.append((reaction, was))
        chains = self._accused(alternative) if flipped else self._chains(reactions)
        for triple in sorted(chains ^ self.chains, key=lambda t: [thread.order_key(k) for k in t]):
            change = found.setdefault(thread.conversation(triple[0]), _Change(alternative))
            (change.chains_new if triple in chains else change.chains_gone).append(triple)
        return found

    def _chains(self, reactions: dict[str, str]) -> set[Triple]:
        """The chains of ``reactions`` (the accusations read as they are), each reaction with its earliest
        accusation, as :func:`~threadlens.analysis.chains.find_chains` finds them; only reactions that changed are
        asked again."""
        found = set()
        for reaction, provocation in reactions.items():
            if self.reactions.get(reaction) == provocation:
                accusation = self.accusation_of.get(reaction)
            else:
                accusation = self._earliest(reaction, provocation, self.accusing)
            if accusation is not None:
                found.add((provocation, reaction, accusation))
        return found

    def _accused(self, alternative: _Alternative) -> set[Triple]:
        """The chains with one message read as accusing (or not), the reactions as they are."""
        key, thread = alternative.message_id, self.thread
        found = set()
        for reaction, provocation in self.reactions.items():
            accusation = self.accusation_of.get(reaction)
            if not alternative.accuses and accusation == key:
                others = [node for node in self.accusing if node != key]
                accusation = self._earliest(reaction, provocation, others)
            elif (
                alternative.accuses
                and key in self._linkable(reaction)
                and self._accuses(key, reaction, provocation)
                and (accusation is None or thread.order_key(key) < thread.order_key(accusation))
            ):
                accusation = key
            if accusation is not None:
                found.add((provocation, reaction, accusation))
        return found

    def _could_accuse(self) -> set[str]:
        """The messages that, read as accusing, could accuse a reactor: those the accusation rules could link to a
        reaction (replies below it, quotes of it, @mentions of its author, words in quotation marks)."""
        return set().union(*(self._linkable(reaction) for reaction in self.reactions))

    def _linkable(self, reaction: str) -> set[str]:
        """The messages the accusation rules could link to ``reaction`` (worked out once per reaction)."""
        if reaction not in self._links:
            thread = self.thread
            if self._spanned is None:
                self._spanned = {key for key in thread.judged() if self._spans(key)}
                for key in thread.judged():
                    for author in thread.message(key).mentions:
                        self._mentioning.setdefault(author, set()).add(key)
            mentioning = self._mentioning.get(thread.message(reaction).author_id, set())
            words = quotable(thread.message(reaction).text)
            quoting = {key for key in self._spanned if holds_any(words, self._spans(key))}
            self._links[reaction] = set(self._below(reaction, self.rules.accusation_hops)) | mentioning | quoting
        return self._links[reaction]

    def _spans(self, key: str) -> list[str]:
        """The words message ``key`` puts in quotation marks (worked out once)."""
        if key not in self._quoted:
            self._quoted[key] = quoted_spans(self.thread.message(key).text, self.rules.min_quoted_chars)
        return self._quoted[key]

    def _earliest(self, reaction: str, provocation: str, accusing: list[str]) -> str | None:
        """The earliest of the ``accusing`` messages that accuses the reactor of ``reaction``."""
        linkable = self._linkable(reaction)
        return next((k for k in accusing if k in linkable and self._accuses(k, reaction, provocation)), None)

    def _accuses(self, key: str, reaction: str, provocation: str) -> bool:
        """Whether ``key``, read as accusing, accuses the reactor (the thread's structure and texts decide, never
        the scores, so the answer holds however any message is read)."""
        asked = (key, reaction, provocation)
        if asked not in self._accusing_cache:
            spans = self._spans(key)
            self._accusing_cache[asked] = accuses(self.thread, key, spans, reaction, provocation, self.rules)
        return self._accusing_cache[asked]

    def _reactions(
        self, key: str, changed: set[str], escalations: Container[str], scored: Callable[[str], int | None]
    ) -> dict[str, str]:
        """The reactions with ``key`` read the other way: worked out again for it and below changed escalations."""
        near = {key}
        for node in changed:
            near |= set(self._below(node, self.rules.reaction_hops))
        reactions = dict(self.reactions)
        for node in near:
            provocation = reacts_to(self.thread, node, escalations, self.rules, scored)
            if provocation is None:
                reactions.pop(node, None)
            else:
                reactions[node] = provocation
        return reactions

    def _below(self, key: str, hops: int) -> list[str]:
        """Replies up to ``hops`` steps below ``key``, and the messages quoting any of them or it (worked out once)."""
        asked = (key, hops)
        if asked not in self._under:
            found, frontier = [], [key]
            for _ in range(hops):
                frontier = [
                    child
                    for node in frontier
                    for kind in ("reply", "quote")
                    for child in self.thread.answers(node, kind)
                ]
                found.extend(frontier)
            self._under[asked] = found
        return self._under[asked]

    def priority(self, change: _Change) -> float:
        """How worth checking a reading is: the findings' own messages first, then the message a first escalation
        answers, then the replies to the findings' messages; a change of who escalated first or of a chain before a
        reaction alone, before another first escalation by the same author; then closeness to the line."""
        key = change.alternative.message_id
        role = 2.0 if key in self.made_of else 1.5 if key in self.answered else 1.0 if key in self.answering else 0.0
        first_author = change.first is not None and (
            None in change.first or self._author(change.first[0]) != self._author(change.first[1])
        )
        if first_author or change.chains_new or change.chains_gone:
            impact = 1.0
        else:
            impact = 0.75 if change.reactions_new or change.reactions_gone else 0.5
        if change.alternative.read_as in ("accusing", "not accusing"):
            closeness = 0.5
        elif not self.thread.scores[key].read:
            closeness = 1.0  # not read at all: as uncertain as a reading can be
        else:
            closeness = max(0.0, 1.0 - abs(self.thread.scores[key].value - self.rules.threshold_value) / 0.5)
        return role + impact + closeness

    def _author(self, key: str | None) -> str | None:
        return None if key is None else self.thread.message(key).author_id


class _Escalations(Container[str]):
    """The escalations with a few changed (those in ``changed`` toggled), without copying the rest."""

    def __init__(self, escalations: set[str], changed: set[str]) -> None:
        self._escalations, self._changed = escalations, changed

    def __contains__(self, key: object) -> bool:
        return (key in self._escalations) != (key in self._changed)


def _reading(thread: ScoredThread, change: _Change, numbers: dict[str, int], rules: Rules) -> ReadingToCheck:
    """The reading to check behind ``change``, with its sentence."""
    alternative = change.alternative
    score = thread.scores[alternative.message_id]
    return ReadingToCheck(
        message_id=alternative.message_id,
        level_now=thread.level(alternative.message_id) or 0,
        accuses_now=score.accusation,
        if_read_as=alternative.read_as,
        if_level=alternative.level,
        if_accuses=alternative.accuses,
        sentence=_sentence(thread, change, numbers, rules),
    )


def _sentence(thread: ScoredThread, change: _Change, numbers: dict[str, int], rules: Rules) -> str:
    """ "If #3 (civil, score 0.46, close to the line) were read as hostile, Ann would have escalated first (#3), …"."""

    def number(key: str) -> str:
        return f"#{numbers.get(key, '?')}"

    def name(key: str) -> str:
        message = thread.message(key)
        return message.author_name or message.author_id or "an unknown author"

    key, read_as = change.alternative.message_id, change.alternative.read_as
    score = thread.scores[key]
    if read_as in ("accusing", "not accusing"):
        now = "accusing" if score.accusation else "not accusing"
    elif not score.read:
        now = f"not read: language {score.language or 'unknown'}"
    else:
        near = ", close to the line" if abs(score.value - rules.threshold_value) < NEAR_LINE else ""
        now = f"{LEVEL_NAMES[thread.level(key) or 0]}, score {score.value:.2f}{near}"
    parts = []
    if change.first is not None:
        before, after = change.first
        if after is None:
            parts.append("there would be no first escalation")
        elif before is not None and thread.message(before).author_id != thread.message(after).author_id:
            parts.append(f"{name(after)} would have escalated first ({number(after)}), not {name(before)}")
        else:
            parts.append(f"the first escalation would be {number(after)} by {name(after)}")
    for triple in change.chains_new:
        parts.append(f"{' → '.join(map(number, triple))} would be a provocation → reaction → accusation chain")
    for triple in change.chains_gone:
        parts.append(f"the chain {' → '.join(map(number, triple))} would not stand")
    chained = {triple[1] for triple in (*change.chains_new, *change.chains_gone)}
    for reaction, provocation in change.reactions_new:
        if reaction not in chained:
            parts.append(f"{number(reaction)} would be a reaction to {number(provocation)}, with no accusation yet")
    for reaction, provocation in change.reactions_gone:
        if reaction not in chained:
            parts.append(f"{number(reaction)} would no longer be a reaction to {number(provocation)}")
    return f"If {number(key)} ({now}) were read as {read_as}, {_and(parts)}."


def _and(parts: list[str]) -> str:
    """Clauses joined with commas and a final "and"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", and " + parts[-1]
