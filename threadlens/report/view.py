"""What both reports show, computed once: display names, times, level colours, evidence segments, findings in words.

The HTML and PDF writers only lay these out; neither decides on its own what a finding means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import PurePath

from threadlens.model import (
    LEVEL_NAMES,
    Case,
    Chain,
    Completeness,
    ConversationFindings,
    Escalation,
    Message,
    Score,
)
from threadlens.version import __version__

# An ordered, colour-blind-safe scale (sampled from inferno): lightness falls as the level rises.
LEVEL_COLOURS: tuple[str, ...] = ("#F8D647", "#F1781C", "#BA3853", "#6A176C", "#130930")
PLACEHOLDER_COLOUR = "#8C8C8C"
CHAIN_COLOUR = "#0072B2"  # Okabe-Ito blue: apart from every level colour
TOOL = f"threadlens {__version__}"
# Words that stand beside hostile ones without being hostile: a highlight does not begin or end on them.
FUNCTION_WORD = re.compile(
    r"(?:a|an|the|this|that|these|those|of|in|on|at|to|for|from|by|with|into|onto|about|as|than|and|or|but|nor|so"
    r"|is|are|was|were|be|been|am)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+(?:['’]\w+)*")  # a hyphen parts words: "haters" in "Trump-haters" stays alone
# What an evidence line says once its score contribution and its source ("(lexicon)") are set aside.
_SOURCE = re.compile(r"(?: \([a-z]+(?:, \d\.\d+)?\))?")  # " (lexicon)", " (model, 0.87)"
_CORE = re.compile(_SOURCE.pattern + r"(?: [+-]\d+\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of message text: ``marked`` where evidence raised the score, ``lowers`` where it lowered it."""

    text: str
    marked: bool
    lowers: bool = False


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    """One line of evidence in words, and its tone: ``raises``, ``lowers`` or ``neutral`` (baseline, sums)."""

    text: str
    tone: str = "raises"


NO_HOSTILE_LANGUAGE = "no hostile language found"
ROLES = ("provocation", "reaction", "accusation")


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
    if score.replaces is not None:  # a panel's reading: say so, and what the scorer read
        scorer = score.replaces
        return (
            f"{score.level} {LEVEL_NAMES[score.level]} (panel; the scorer read {scorer.level} "
            f"{LEVEL_NAMES[scorer.level]}, {scorer.value:.2f})"
        )
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


def evidence_segments(text: str, score: Score | None) -> list[Segment]:
    """The text cut into runs: what raised the score marked, what lowered it (quotation, negation…) marked apart.

    A civil message (level 0) has nothing marked: no words of it are hostile."""
    if score is None or score.level == 0 or not text:
        return [Segment(text, False)] if text else []
    raising = highlighted_spans(text, score.spans)
    lowering = _clipped(
        [(e.start, e.end) for e in score.evidence if e.contribution < 0 and e.kind != "model"], len(text)
    )
    bounds = sorted({0, len(text), *(edge for span in (*raising, *lowering) for edge in span)})
    segments: list[Segment] = []
    for start, end in pairwise(bounds):
        marked = any(s <= start and end <= e for s, e in raising)
        lowers = not marked and any(s <= start and end <= e for s, e in lowering)
        if segments and (segments[-1].marked, segments[-1].lowers) == (marked, lowers):
            segments[-1] = Segment(segments[-1].text + text[start:end], marked, lowers)
        else:
            segments.append(Segment(text[start:end], marked, lowers))
    return segments


def _clipped(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    return [(max(0, start), min(length, end)) for start, end in spans if end > start and start < length]


def highlighted_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans a report highlights: a score's spans on whole words, without the function words at their ends
    ("The dogs in" → "dogs"); a span of function words only is left as it is."""
    return [_on_words(text, span) for span in _clipped(list(spans), len(text))]


def _on_words(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    words = [w for w in _WORD.finditer(text) if w.end() > start and w.start() < end]
    content = [w for w in words if not FUNCTION_WORD.fullmatch(w.group())]
    if not content:
        return (min(start, words[0].start()), max(end, words[-1].end())) if words else span
    return content[0].start(), content[-1].end()


def distinct(lines: Iterable[str]) -> list[str]:
    """``lines`` without those another line already says (``insult: 'idiot'`` beside ``rude: insult: 'idiot'
    (lexicon)``; of two that say the same, the first stays), in their order."""
    given = list(dict.fromkeys(lines))
    return [
        line
        for i, line in enumerate(given)
        if not said(line, [o for j, o in enumerate(given) if j != i and (_core(o) != _core(line) or j < i)])
    ]


def said(line: str, by: Iterable[str]) -> bool:
    """Whether one of ``by`` says all that ``line`` says, leaving aside the score contribution and source of each."""
    core = _core(line)
    return any(core in _core(other) for other in by)


def _core(line: str) -> str:
    return _CORE.sub("", line)


def evidence_lines(score: Score | None) -> list[EvidenceLine]:
    """The score's explanation in plain words (:func:`threadlens.scoring.explain.explanation`): its level's
    reason, each phrase or rule that fired with what it added or took away, the words the model reads as
    hostile, and the rest of the wording on one line. A civil message gets "no hostile language found"."""
    from threadlens.scoring.explain import explanation

    if score is None:
        return []
    if score.level == 0:
        return [EvidenceLine(f"{NO_HOSTILE_LANGUAGE} (score {score.value:.2f})", "neutral")]
    reason = score.reason
    lines = []
    for line in explanation(score):
        added = f" {line.contribution:+.2f}" if line.contribution else ""
        if reason and line.text in reason:  # the level's reason says it already: its figure goes there
            end = reason.index(line.text) + len(line.text)
            end += len(_SOURCE.match(reason, end).group())
            reason = reason[:end] + added + reason[end:]
            continue
        lines.append(EvidenceLine(line.text + added, line.tone))
    lines.sort(key=lambda line: ("raises", "lowers", "neutral").index(line.tone))
    return [EvidenceLine(reason, "neutral"), *lines] if reason else lines


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


def message_numbers(case: Case) -> dict[str, int]:
    """Message id → its number in both reports' message lists (per conversation, in time order, from 1), as the
    findings' sentences number them."""
    from threadlens.analysis.readings import message_numbers as numbered

    return numbered(case.graph)


def chain_marks(case: Case) -> dict[str, list[str]]:
    """Message id → its roles in the chains, as ``P1``, ``R1``, ``A1`` (chain numbers as in :func:`all_chains`)."""
    marks: dict[str, list[str]] = {}
    for number, chain in enumerate(all_chains(case), start=1):
        for role, message_id, _, _ in chain_roles(chain):
            marks.setdefault(message_id, []).append(f"{role[0].upper()}{number}")
    return marks


def focus_conversations(case: Case) -> list[str]:
    """The conversations a panel should look at, each on its own time axis: those with findings (an escalation
    or a chain), or, when none has any, the largest one."""
    conversations = case.graph.conversations()
    chained = {
        message_id for chain in all_chains(case) for message_id in (chain.provocation, chain.reaction, chain.accusation)
    }
    found = [
        c.conversation_id
        for c in case.findings.conversations
        if c.first_escalation is not None or c.chains or chained & set(c.message_ids)
    ]
    if found or not conversations:
        return [c for c in found if c in conversations]
    return [max(conversations, key=lambda key: (len(conversations[key]), key))]


def other_branch_escalations(conversation: ConversationFindings) -> list[Escalation]:
    """The branches' first escalations other than the conversation's first escalation itself."""
    first = conversation.first_escalation.message_id if conversation.first_escalation else None
    return [event for event in conversation.branch_escalations if event.message_id != first]


def chain_comparison(case: Case, chain: Chain, names: dict[str, str]) -> str:
    """What a panel must weigh, in one sentence: how soon and how hard the reaction came after the provocation,
    and who then accused whom."""
    levels = [case.scores[m].level if m in case.scores else None for m in (chain.provocation, chain.reaction)]
    provoker, reactor, accuser = (names.get(author, author) for author in chain.authors)

    def level(value: int | None) -> str:
        return f"level {value} {LEVEL_NAMES[value]}" if value is not None else "unscored"

    who = "the provoker" if chain.accuser_role == "provoker" else "a third party"
    return (
        f"The reaction ({level(levels[1])}, by {reactor}) came {gap_text(chain.gaps_seconds[0])} after a "
        f"{level(levels[0])} provocation by {provoker} aimed at its author; the accusation came "
        f"{gap_text(chain.gaps_seconds[1])} after the reaction, from {who} ({accuser})."
    )


def highest_messages(case: Case) -> dict[str, str]:
    """Author id → the earliest of their messages that reached their highest level."""
    best: dict[str, tuple[int, str]] = {}
    for message in messages_in_time_order(case):
        score = case.scores.get(message.id)
        if score is None or is_placeholder(case, message.id):
            continue
        if message.author_id not in best or score.level > best[message.author_id][0]:
            best[message.author_id] = (score.level, message.id)
    return {author: message_id for author, (_, message_id) in best.items()}


def participant_roles(case: Case) -> dict[str, list[str]]:
    """Author id → their part in the findings, in words: who escalated first, who reacted, who accused."""
    numbers = message_numbers(case)
    roles: dict[str, list[str]] = {}
    for conversation in case.findings.conversations:
        if (first := conversation.first_escalation) is not None:
            roles.setdefault(first.author_id, []).append(f"escalated first (#{numbers.get(first.message_id, '?')})")
    for chain in all_chains(case):
        _, reactor, accuser = chain.authors
        roles.setdefault(reactor, []).append(
            f"reacted (#{numbers.get(chain.reaction, '?')}) to a provocation (#{numbers.get(chain.provocation, '?')})"
        )
        roles.setdefault(accuser, []).append(f"accused the reactor (#{numbers.get(chain.accusation, '?')})")
    return {author: list(dict.fromkeys(items)) for author, items in roles.items()}


_TICK_STEPS = (
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    10800,
    21600,
    43200,
    86400,
    172800,
    604800,
    2592000,
    31536000,
)


def time_ticks(start: datetime, end: datetime, most: int = 6) -> list[tuple[datetime, str]]:
    """Round tick times between ``start`` and ``end`` (at most ``most``), labelled with the date once and then only
    the time, and the date again where it changes: ``2026-03-03 13:10``, ``13:20``, ``03-04 00:00``."""
    span = max((end - start).total_seconds(), 1.0)
    step = next((s for s in _TICK_STEPS if span / s <= most - 1), _TICK_STEPS[-1])
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    first = int(-(-(start.astimezone(UTC) - epoch).total_seconds() // step)) * step
    ticks: list[tuple[datetime, str]] = []
    seconds = step < 60
    moment = epoch + timedelta(seconds=first)
    while moment <= end:
        clock = "%H:%M:%S" if seconds else "%H:%M"
        if not ticks:
            label = moment.strftime(f"%Y-%m-%d {clock}")
        elif moment.date() != ticks[-1][0].date():
            label = moment.strftime(f"%m-%d {clock}" if step < 86400 else "%m-%d")
        else:
            label = moment.strftime(clock)
        ticks.append((moment, label))
        moment += timedelta(seconds=step)
    return ticks


STANDS = "stands however any one message is read"


def readings_to_check(case: Case) -> list[ConversationFindings]:
    """The conversations with readings to check, those with findings first (as the reports show them)."""
    focus = focus_conversations(case)
    listed = [c for c in case.findings.conversations if c.readings_to_check]
    return sorted(listed, key=lambda c: (c.conversation_id not in focus, -len(c.message_ids), c.conversation_id))


def standing_findings(case: Case) -> list[ConversationFindings]:
    """The conversations with findings (an escalation or a chain) that no single reading open to doubt changes."""
    return [c for c in case.findings.conversations if c.stands_however_read and (c.first_escalation or c.chains)]


def review_summary(case: Case) -> list[str]:
    """The panel's review in words: which file, how many readings, and what it changed, per conversation."""
    review = case.findings.review
    if review is None:
        return []
    file = PurePath(review.path).name
    lines = [
        f"A panel's review is applied: {file} (SHA-256 {review.sha256[:12]}…), {len(review.readings)} reading(s); "
        "those messages are read as the panel reads them, under the same rules."
    ]
    changed = [(c.conversation_id, line) for c in case.findings.conversations for line in c.changed_by_review]
    lines += [f"Changed by the review in {key}: {line}." for key, line in changed] or ["The review changed no finding."]
    return lines
