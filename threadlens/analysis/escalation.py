"""Escalation events, and the first escalator of each conversation and of each branch.

A message escalates when its level reaches the escalation threshold and rises at least ``min_step``
levels above what it responds to (the message it replies to, or quotes) and above its branch's recent
context (``context_hops`` further messages up the reply path). A conversation's first message responds
to nothing, so it escalates as soon as it reaches the threshold. The first escalator is the earliest
event by time, with reply order (a parent before its reply) breaking ties.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from threadlens.analysis.context import ContextReading
from threadlens.analysis.rules import Rules
from threadlens.analysis.structure import ScoredThread
from threadlens.model import LEVEL_NAMES, Escalation, Score

MAX_LABELS = 6  # evidence lines shown in an escalation's reasons


def escalation_events(thread: ScoredThread, rules: Rules) -> list[Escalation]:
    """Every escalation event of the case, earliest first."""
    events = []
    for key in thread.judged():
        rise = escalation_rise(thread, rules, key)
        if rise is None:
            continue
        baseline, step, unknown = rise
        score, level = thread.scores[key], thread.level(key)
        quoted = thread.linked(key, "quote")
        responds_to = thread.linked(key, "reply") or quoted
        parent_level = None if responds_to is None or responds_to in unknown else thread.level(responds_to)
        message = thread.message(key)
        events.append(
            Escalation(
                message_id=key,
                author_id=message.author_id,
                created_at=message.created_at,
                level=level,
                parent_id=responds_to,
                parent_level=parent_level,
                step=step,
                reasons=_reasons(
                    score, level, thread.context.get(key), responds_to, parent_level, baseline, step, unknown
                ),
                margin=round(score.value - rules.threshold_value, 4),
                inconclusive=bool(unknown),
                branch=thread.branch(key),
            )
        )
    return events


def escalation_rise(
    thread: ScoredThread, rules: Rules, key: str, level: Callable[[str], int | None] | None = None
) -> tuple[int, int, list[str]] | None:
    """How judged message ``key`` escalates: the level of its context (the message it responds to and the
    branch's recent context), its step above it and the context whose content is unknown; None when it does not.
    ``level`` gives each message's level (None: unknown content); by default, as the thread reads it."""
    level = level or thread.level
    own = level(key)
    if own is None or own < rules.threshold:
        return None
    quoted = thread.linked(key, "quote")
    context = [*thread.ancestors(key, 1 + rules.context_hops), *([quoted] if quoted else [])]
    levels = [level(node) for node in context]
    unknown = [node for node, found in zip(context, levels, strict=True) if found is None]
    baseline = max((rules.unknown_level if found is None else found for found in levels), default=0)
    step = own - baseline
    return None if step < rules.min_step else (baseline, step, unknown)


def first_escalations(
    thread: ScoredThread, events: list[Escalation]
) -> tuple[dict[str, Escalation], dict[str, list[Escalation]]]:
    """Conversation id → its first escalation, and conversation id → the first escalation of each of its branches.

    ``events`` must be earliest first, as :func:`escalation_events` returns them.
    """
    first: dict[str, Escalation] = {}
    per_branch: dict[str, dict[str, Escalation]] = defaultdict(dict)
    for event in events:
        conversation = thread.conversation(event.message_id)
        first.setdefault(conversation, event)
        per_branch[conversation].setdefault(event.branch or event.message_id, event)
    return first, {key: list(branches.values()) for key, branches in per_branch.items()}


def _reasons(
    score: Score,
    level: int,
    context: ContextReading | None,
    responds_to: str | None,
    parent_level: int | None,
    baseline: int,
    step: int,
    unknown: list[str],
) -> tuple[str, ...]:
    """Why a message counts as an escalation, in words a panel can check."""
    named = f"level {level} {LEVEL_NAMES[level]}"
    if responds_to is None:
        reasons = [f"{named} as the conversation's first message (step +{step})"]
    elif parent_level is None:
        reasons = [
            f"{named} in reply to {responds_to}, whose content is unknown (step +{step} counted from level {baseline})"
        ]
    else:
        reasons = [f"{named} after a {LEVEL_NAMES[parent_level]} message (level {parent_level}, step +{step})"]
    if parent_level is not None and baseline > parent_level:
        reasons.append(f"above the branch's recent context, which peaks at level {baseline}")
    if context is not None:
        reasons.append(
            f"read as a reply to {responds_to}: {context.reason} (on its own: level {score.level} {score.level_name})"
        )
    reasons.extend(evidence_summary(score))
    if unknown:
        reasons.append("missing or deleted before it: " + ", ".join(unknown))
    return tuple(reasons)


def evidence_summary(score: Score) -> list[str]:
    """The score's reason and the evidence that raised it, in plain words, strongest first."""
    from threadlens.scoring.explain import explanation

    lines = [line for line in explanation(score) if line.tone == "raises"]
    ranked = sorted(lines, key=lambda line: -line.contribution)[:MAX_LABELS]
    return ([score.reason] if score.reason else []) + [line.text for line in ranked]
