"""When a conversation's first escalation could be different: messages that are missing, deleted, not loaded or
in a language the scorer does not read.

A placeholder (a message referenced but not exported) has no time and no text, so it could have come
before the first escalation and escalated itself, unless it is a reply below that escalation. A deleted
message could have too, unless it is known to be later. Replies not loaded ("more" stubs) under an earlier
message could have been earlier than the escalation. A message whose sources disagree (two files give it
different texts or authors) makes every finding that rests on it inconclusive.
"""

from __future__ import annotations

from collections.abc import Collection

from threadlens.analysis.structure import ScoredThread
from threadlens.model import Chain, Escalation


def inconclusive_reasons(
    thread: ScoredThread,
    message_ids: list[str],
    first: Escalation | None,
    chains: tuple[Chain, ...] = (),
    conflicted: Collection[str] = (),
) -> tuple[str, ...]:
    """Why the first escalation of the conversation made of ``message_ids`` (or its ``chains``) might be another
    (empty if it cannot); ``conflicted`` names messages whose sources disagree."""
    where = "before the first escalation" if first is not None else "in this conversation"
    could = "could precede the first escalation" if first is not None else "could hold an escalation"

    def might_precede(key: str) -> bool:
        if first is None:
            return True
        if first.message_id in thread.ancestors(key, thread.depth(key)):
            return False
        return thread.message(key).created_at is None or thread.order_key(key) < thread.order_key(first.message_id)

    missing = [key for key in message_ids if thread.is_missing(key) and might_precede(key)]
    deleted = [key for key in message_ids if thread.message(key).deleted and might_precede(key)]
    stubs = [key for key in message_ids if thread.message(key).missing_children and might_precede(key)]
    here = set(message_ids)
    unread = [key for key in thread.unread() if key in here and might_precede(key)]
    reasons = []
    if missing:
        reasons.append(f"{len(missing)} message(s) missing from the export {could}: {', '.join(missing)}")
    if deleted:
        reasons.append(f"{len(deleted)} deleted message(s) {where}: {', '.join(deleted)}")
    if stubs:
        reasons.append(f"replies not loaded under {len(stubs)} message(s) {where}: {', '.join(stubs)}")
    if unread:
        reasons.append(
            f"{len(unread)} message(s) in a language the scorer does not read {where}, for the panel to read: "
            + ", ".join(unread)
        )
    if first is not None and first.inconclusive and not (missing or deleted):
        reasons.append("the first escalation replies below a message whose content is unknown")
    resting = {first.message_id, first.parent_id} if first is not None else set()
    resting |= {key for chain in chains for key in (chain.provocation, chain.reaction, chain.accusation)}
    disputed = sorted(key for key in resting if key in conflicted)
    if disputed:
        reasons.append(
            f"the sources disagree on the text or author of {', '.join(disputed)}, which the findings rest on"
        )
    return tuple(reasons)
