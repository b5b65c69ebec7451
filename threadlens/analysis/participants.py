"""Per-author summary: messages, levels, first hostile act, escalations, reactions and accusations."""

from __future__ import annotations

from collections import Counter

from threadlens.analysis.chains import targets
from threadlens.analysis.structure import ScoredThread
from threadlens.model import Escalation, Participant


def summarise_participants(
    thread: ScoredThread, events: list[Escalation], reactions: dict[str, Escalation]
) -> list[Participant]:
    """One :class:`Participant` per author of a message in the input, in the order they first wrote.

    Levels count the messages whose content can be judged; an accusation is any message with
    accusation language aimed at someone (see :func:`~threadlens.analysis.chains.targets`).
    """
    written: dict[str, list[str]] = {}
    for key in _real(thread):
        if author := thread.message(key).author_id:
            written.setdefault(author, []).append(key)
    escalations = Counter(event.author_id for event in events)
    reacted = Counter(thread.message(key).author_id for key in reactions)
    made: Counter[str] = Counter()
    received: Counter[str] = Counter()
    for key in thread.judged():
        if thread.scores[key].accusation and (aimed := targets(thread, key)):
            made[thread.message(key).author_id] += 1
            received.update(aimed)
    participants = []
    for author, keys in written.items():
        judged = [key for key in keys if not thread.is_unknown(key)]
        levels = [thread.scores[key].level for key in judged]
        participants.append(Participant(
            author_id=author,
            author_name=thread.message(keys[0]).author_name,
            messages=len(keys),
            max_level=max(levels, default=0),
            mean_level=round(sum(levels) / len(levels), 4) if levels else 0.0,
            first_hostile=next((key for key in judged if thread.scores[key].hostile), None),
            escalations=escalations[author],
            reactions=reacted[author],
            accusations_made=made[author],
            accusations_received=received[author],
        ))
    return participants


def _real(thread: ScoredThread) -> list[str]:
    """Ids of the messages in the input (not placeholders), earliest first."""
    nodes = thread.graph.graph.nodes
    return sorted((key for key in nodes if not nodes[key]["missing"]), key=thread.order_key)
