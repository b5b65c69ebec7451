"""When a conversation's first escalation could be different: messages that are missing, deleted or not loaded.

A placeholder (a message referenced but not exported) has no time and no text, so it could have come
before the first escalation and escalated itself, unless it is a reply below that escalation. A deleted
message could have too, unless it is known to be later. Replies not loaded ("more" stubs) under an earlier
message could have been earlier than the escalation.
"""

from __future__ import annotations

from threadlens.analysis.structure import ScoredThread
from threadlens.model import Escalation


def inconclusive_reasons(thread: ScoredThread, message_ids: list[str], first: Escalation | None) -> tuple[str, ...]:
    """Why the first escalation of the conversation made of ``message_ids`` might be another (empty if it cannot)."""
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
    reasons = []
    if missing:
        reasons.append(f"{len(missing)} message(s) missing from the export {could}: {', '.join(missing)}")
    if deleted:
        reasons.append(f"{len(deleted)} deleted message(s) {where}: {', '.join(deleted)}")
    if stubs:
        reasons.append(f"replies not loaded under {len(stubs)} message(s) {where}: {', '.join(stubs)}")
    if first is not None and first.inconclusive and not (missing or deleted):
        reasons.append("the first escalation replies below a message whose content is unknown")
    return tuple(reasons)
