"""Per-author summary: messages, levels, first hostile act, escalations, reactions and accusations."""

from __future__ import annotations

from collections import Counter

from threadlens.analysis.structure import ScoredThread
from threadlens.model import Chain, Escalation, Participant


def summarise_participants(
    thread: ScoredThread, events: list[Escalation], reactions: dict[str, str], chains: list[Chain]
) -> list[Participant]:
    """One :class:`Participant` per author of a message in the input, in the order they first wrote.

    Levels count the messages whose content can be judged. An escalation *started* is an escalation event
    that is not itself a reaction to a provocation aimed at its author (that one counts as a reaction).
    An accusation counts only where the chains found it aimed at a reactor: a bystander who defends the
    target, or accusation language aimed at no reactor, is not an accusation made or received. Each
    accusation message counts once for its author and once for each reactor it accuses.
    """
    written: dict[str, list[str]] = {}
    for key in _real(thread):
        if author := thread.message(key).author_id:
            written.setdefault(author, []).append(key)
    escalations = Counter(event.author_id for event in events if event.message_id not in reactions)
    reacted = Counter(thread.message(key).author_id for key in reactions)
    accused: dict[str, set[str]] = {}
    for chain in chains:
        accused.setdefault(chain.accusation, set()).add(chain.authors[1])
    made = Counter(thread.message(key).author_id for key in accused)
    received = Counter(reactor for reactors in accused.values() for reactor in reactors)
    participants = []
    for author, keys in written.items():
        judged = [key for key in keys if not thread.is_unknown(key)]
        levels = [thread.scores[key].level for key in judged]
        participants.append(
            Participant(
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
            )
        )
    return participants


def _real(thread: ScoredThread) -> list[str]:
    """Ids of the messages in the input (not placeholders), earliest first."""
    nodes = thread.graph.graph.nodes
    return sorted((key for key in nodes if not nodes[key]["missing"]), key=thread.order_key)
