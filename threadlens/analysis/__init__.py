"""Who escalated first: escalation events, provocation → reaction → accusation chains and participants, and
the readings of single messages each finding rests on.

Every rule and threshold comes from the definition (``escalation.toml``); see
:mod:`threadlens.analysis.escalation` and :mod:`threadlens.analysis.chains` for the rules in words.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from threadlens.analysis.chains import find_chains, find_reactions
from threadlens.analysis.context import load_context_rules
from threadlens.analysis.escalation import escalation_events, first_escalations
from threadlens.analysis.participants import summarise_participants
from threadlens.analysis.readings import readings_to_check
from threadlens.analysis.rules import load_rules
from threadlens.analysis.structure import ScoredThread
from threadlens.analysis.uncertainty import inconclusive_reasons
from threadlens.definition import Definition, load_definition
from threadlens.model import ConversationFindings, Findings, Score, ThreadGraph

__all__ = ["analyse"]


def analyse(
    graph: ThreadGraph,
    scores: dict[str, Score],
    definition: str | Path | Definition | None = None,
    *,
    conflicted: Collection[str] = (),
) -> Findings:
    """The findings of a case from its graph and scores (message id → :class:`Score`): first escalations, chains
    and participants. ``conflicted`` names messages whose sources disagree (text or author): a finding that rests
    on one is inconclusive.

    >>> from datetime import UTC, datetime
    >>> from threadlens.model import Message
    >>> from threadlens.scoring import score_messages
    >>> from threadlens.thread import build_graph
    >>> at = datetime(2024, 3, 1, 18, tzinfo=UTC)
    >>> graph = build_graph([
    ...     Message("generic:1", "generic", "generic:ann", "ann", at, "Minutes attached."),
    ...     Message("generic:2", "generic", "generic:bob", "bob", at, "I will hurt you.", reply_to="generic:1"),
    ... ])
    >>> findings = analyse(graph, score_messages(graph.messages()))
    >>> findings.conversations[0].first_escalation.author_id
    'generic:bob'
    """
    chosen = load_definition(definition)
    rules = load_rules(chosen)
    thread = ScoredThread(graph, scores, load_context_rules(chosen))
    events = escalation_events(thread, rules)
    first, per_branch = first_escalations(thread, events)
    reactions = find_reactions(thread, events, rules)
    chains = find_chains(thread, reactions, rules)
    rests_on = readings_to_check(thread, rules, events, reactions, chains)
    conversations = []
    for key, ids in graph.conversations().items():
        own = tuple(chain for chain in chains if thread.conversation(chain.provocation) == key)
        reasons = inconclusive_reasons(thread, ids, first.get(key), own, conflicted)
        readings, stands = rests_on[key]
        conversations.append(
            ConversationFindings(
                conversation_id=key,
                message_ids=tuple(ids),
                first_escalation=first.get(key),
                branch_escalations=tuple(per_branch.get(key, ())),
                chains=own,
                completeness=graph.completeness()[key],
                inconclusive=bool(reasons),
                inconclusive_reasons=reasons,
                readings_to_check=readings,
                stands_however_read=stands,
            )
        )
    return Findings(
        definition=chosen.ref,
        scorer=_scorer_name(scores),
        conversations=conversations,
        chains=chains,
        participants=summarise_participants(thread, events, reactions, chains),
    )


def _scorer_name(scores: dict[str, Score]) -> str:
    """``name version`` of the scorer(s) behind the scores, sorted and joined when there are several."""
    return ", ".join(sorted({f"{score.scorer} {score.version}".strip() for score in scores.values()}))
