"""What both reports show, computed once: display names, times, level colours, evidence segments, findings in words.

The HTML and PDF writers only lay these out; neither decides on its own what a finding means.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from threadlens import __version__
from threadlens.model import LEVEL_NAMES, Case, Chain, Completeness, Escalation, Evidence, Message, Score

# An ordered, colour-blind-safe scale (sampled from inferno): lightness falls as the level rises.
LEVEL_COLOURS: tuple[str, ...] = ("#F8D647", "#F1781C", "#BA3853", "#6A176C", "#130930")
PLACEHOLDER_COLOUR = "#8C8C8C"
CHAIN_COLOUR = "#0072B2"  # Okabe-Ito blue: apart from every level colour
TOOL = f"threadlens {__version__}"
NOTABLE = 0.03  # model words that moved a score less than this are summed in one line, not marked one by one


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of message text, marked when evidence fired on it."""

    text: str
    marked: bool


def utc(moment: datetime | None, *, seconds: bool = True) -> str:
    """A time as ``2024-03-01 12:03:04 UTC``; ``unknown time`` when absent."""
    if moment is None:
        return "unknown time"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def generated_at() -> str:
    """The current time, for the reports' provenance."""
    return utc(datetime.now(UTC))


def author_label(message: Message) -> str:
    """The author as a panel reads it: name (or pseudonym) and, when different, the id."""
    name = message.author_name or message.author_id
    return name if name == message.author_id or not message.author_id else f"{name} ({message.author_id})"


def author_names(case: Case) -> dict[str, str]:
    """Author id → display name (or pseudonym), from the participants and the messages."""
    names = {p.author_id: p.author_name or p.author_id for p in case.findings.participants}
    for message in case.read.messages:
        names.setdefault(message.author_id, message.author_name or message.author_id)
    return names


def level_label(score: Score | None) -> str:
    """``3 abusive (0.82)``, or ``not scored``."""
    if score is None:
        return "not scored"
    return f"{score.level} {LEVEL_NAMES[score.level]} ({score.value:.2f})"


def is_placeholder(case: Case, message_id: str) -> bool:
    """Whether a node stands for a message that was referenced but not in the input."""
    return bool(case.graph.graph.nodes[message_id].get("missing", False))


def messages_in_time_order(case: Case) -> list[Message]:
    """Every node of the graph (placeholders included), per conversation, in time order."""
    order: list[Message] = []
    for ids in case.graph.conversations().values():
        order.extend(case.graph.message(message_id) for message_id in ids)
    return order


def notable_evidence(score: Score | None) -> list[Evidence]:
    """The evidence worth a reader's eye, largest first: every lexicon and rule hit, the baseline, and model
    words that moved the score by at least ``NOTABLE``. The rest is summed in one line by :func:`evidence_lines`."""
    if score is None:
        return []
    kept = [e for e in score.evidence if e.kind != "model" or abs(e.contribution) >= NOTABLE]
    return sorted(kept, key=lambda e: (-abs(e.contribution), e.start, e.name))


def evidence_segments(text: str, score: Score | None) -> list[Segment]:
    """The text cut into runs, notable evidence spans (merged where they overlap) marked."""
    spans = sorted(
        (max(0, e.start), min(len(text), e.end))
        for e in notable_evidence(score)
        if e.end > e.start and e.start < len(text)
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    segments: list[Segment] = []
    cursor = 0
    for start, end in merged:
        if start > cursor:
            segments.append(Segment(text[cursor:start], False))
        segments.append(Segment(text[start:end], True))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:], False))
    return segments


def evidence_lines(score: Score | None) -> list[str]:
    """One line per piece of evidence: what fired, on which words, and how much it added."""
    if score is None:
        return []
    shown = notable_evidence(score)
    lines = []
    for item in shown:
        where = f"“{item.text}”" if item.end > item.start else "whole text"
        category = f", {item.category}" if item.category else ""
        lines.append(f"{where}: {item.kind} {item.name}{category} {item.contribution:+.2f}")
    rest = [e for e in score.evidence if e not in shown]
    if rest:
        total = sum(e.contribution for e in rest)
        lines.append(f"{len(rest)} smaller model contribution(s), each under {NOTABLE:.2f}: {total:+.2f} together")
    return lines


def escalation_sentence(escalation: Escalation, names: dict[str, str]) -> str:
    """Who escalated first, in one sentence."""
    author = names.get(escalation.author_id, escalation.author_id)
    parent = (
        f"from level {escalation.parent_level} {LEVEL_NAMES[escalation.parent_level]} in {escalation.parent_id}"
        if escalation.parent_id is not None and escalation.parent_level is not None
        else "at the start of the thread"
    )
    return (
        f"{author} escalated first at {utc(escalation.created_at)}: message {escalation.message_id} reached "
        f"level {escalation.level} {LEVEL_NAMES[escalation.level]} {parent} (step +{escalation.step}, "
        f"margin {escalation.margin:+.2f} from the threshold)."
    )


def chain_roles(chain: Chain) -> Iterator[tuple[str, str, str, datetime | None]]:
    """(role, message id, author id, time) for the three messages of a chain."""
    yield from zip(
        ("provocation", "reaction", "accusation"),
        (chain.provocation, chain.reaction, chain.accusation),
        chain.authors,
        chain.times,
        strict=True,
    )


def gap_text(seconds: float | None) -> str:
    """A gap between two messages, in the largest sensible unit."""
    if seconds is None:
        return "unknown gap"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if abs(seconds) >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def all_chains(case: Case) -> list[Chain]:
    """Every P→R→A chain of the case once: per conversation, then those across conversations."""
    seen: dict[tuple[str, str, str], Chain] = {}
    for conversation in case.findings.conversations:
        for chain in conversation.chains:
            seen.setdefault((chain.provocation, chain.reaction, chain.accusation), chain)
    for chain in case.findings.chains:
        seen.setdefault((chain.provocation, chain.reaction, chain.accusation), chain)
    return list(seen.values())


def completeness_warnings(case: Case) -> list[str]:
    """Plain sentences about data a panel should know is missing, changed or out of order."""
    warnings: list[str] = []
    for conversation_id, facts in case.graph.completeness().items():
        warnings.extend(f"Conversation {conversation_id}: {text}" for text in _completeness_facts(facts))
    for conversation in case.findings.conversations:
        if conversation.inconclusive:
            reasons = "; ".join(conversation.inconclusive_reasons) or "messages that could change it are missing"
            warnings.append(f"Conversation {conversation.conversation_id}: findings are inconclusive ({reasons}).")
    warnings.extend(f"{issue.kind} at {issue.message_id}: {issue.detail}" for issue in case.graph.issues)
    rejected = [p for p in case.read.problems if p.severity == "error"]
    if rejected:
        warnings.append(f"{len(rejected)} input record(s) could not be used (listed in the provenance section).")
    return warnings


def _completeness_facts(facts: Completeness) -> list[str]:
    counts = (
        (facts.placeholders, "message(s) referenced but missing from the input (shown hollow)"),
        (len(facts.missing_parents), "message(s) reply to a parent that is missing"),
        (facts.more_stubs, "reply stub(s) not expanded by the export"),
        (facts.deleted, "deleted message(s)"),
        (facts.edited, "edited message(s)"),
        (len(facts.out_of_order), "reply(ies) timestamped before their parent"),
        (len(facts.cycles_broken), "reply cycle(s) broken"),
    )
    return [f"{count} {what}." for count, what in counts if count]
