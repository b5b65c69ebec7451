"""Calibrated combination of evidence into a score whose evidence sums exactly to it, and levels."""

from __future__ import annotations

import math
from dataclasses import dataclass

from threadlens.definition import Definition
from threadlens.model import LEVEL_NAMES, Evidence, EvidenceKind, Score
from threadlens.scoring.classifier import BagOfWords


@dataclass(frozen=True, slots=True)
class Term:
    """A piece of evidence before calibration: its span and its raw log-odds."""

    start: int
    end: int
    text: str
    kind: EvidenceKind
    name: str
    logit: float
    category: str | None


def sigmoid(x: float) -> float:
    """The logistic function, safe for large arguments."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def allocate(terms: list[Term], model: BagOfWords) -> tuple[float, list[float]]:
    """The calibrated probability and each term's share of it (the bias takes the rest).

    The calibrated log-odds are ``scale * (bias + Σ model logits) + rule_scale * Σ lexicon and rule
    logits + offset`` (the definition's weights keep their proportions; one fitted factor calibrates them).
    The bias alone gives the baseline
    probability; what the terms move it by is shared out in proportion to their log-odds.
    """
    base_logit = model.scale * model.bias + model.offset
    moved = [t.logit * (model.scale if t.kind == "model" else model.rule_scale) for t in terms]
    total = math.fsum(moved)
    value = sigmoid(base_logit + total)
    baseline = sigmoid(base_logit)
    ratio = (value - baseline) / total if abs(total) > 1e-12 else baseline * (1 - baseline)
    shares = [m * ratio for m in moved]
    return value, shares


# What each kind of hostility is called in a score's reason and explanation.
KIND_WORDS = {
    "threat": "threat of violence or harm",
    "dehumanising": "dehumanising language",
    "identity_attack": "attack on people for who they are",
    "harassment": "harassment",
    "political_pejorative": "abuse of a faction or party",
    "group": "abuse aimed at a group",
    "insult": "insult",
    "mockery": "condescension or mockery",
    "person": "abuse aimed at a person",
    "targeted_profanity": "swearing aimed at someone",
    "hostile": "likely hostile wording, but of no named kind",
    "harsh": "harsh word said of no person",
    "dismissal": "sharp dismissal",
    "profanity": "swearing aimed at no one",
    "vulgar": "vulgar language",
}
HOSTILE_CATEGORIES = frozenset(KIND_WORDS) - {"hostile"}
WHOLE_TEXT = ("written in capitals", "aggressive punctuation")  # rules about the whole text, never highlighted
SECOND_PERSON = "aimed at 'you'"  # the target of a hit: its words are the hit's, the address is not highlighted
HOSTILE_WORD = "model: reads as hostile"
REST = "the rest of the wording"
BASELINE = "baseline"


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of hostility found in a text: by which evidence, how sure, and in which words."""

    name: str
    source: str  # "lexicon", "rule" or "model"
    confidence: float
    words: str


def kinds_found(terms: list[Term], model_kinds: list[Kind]) -> list[Kind]:
    """The kinds the lexicon and rules found (hits that count, i.e. not negated or reported) and the model's.
    Swearing at "you" is targeted profanity; an insult at "you" stays an insult."""
    targeted = {t.category for t in terms if t.name == SECOND_PERSON}
    found = []
    for term in terms:
        if term.logit <= 0 or term.category not in HOSTILE_CATEGORIES or term.name == SECOND_PERSON:
            continue
        name = "targeted_profanity" if term.category == "profanity" and "profanity" in targeted else term.category
        found.append(Kind(name, term.kind, 1.0, term.text))
    return found + model_kinds


def level_of(value: float, kinds: list[Kind], definition: Definition) -> tuple[int, str]:
    """The level and its reason. Below ``hostile_from`` a message is civil, or robust when a lexicon phrase or
    rule found some kind of hostile wording; at or above it, the highest level of the kinds found (rude when
    none is named)."""
    levels = definition.section("levels")
    hostile_from = float(levels["hostile_from"])
    by_kind = {name: int(level) for name, level in levels["kinds"].items()}
    if value < hostile_from:
        kinds = [k for k in kinds if k.source != "model"]  # the model's kinds describe hostility it did not find
        if not kinds:
            return 0, "civil: no hostile language found"
        kind = max(kinds, key=lambda k: (by_kind.get(k.name, 0), k.confidence))
        return min(1, by_kind.get(kind.name, 1)), (
            f"{LEVEL_NAMES[min(1, by_kind.get(kind.name, 1))]}: {_described(kind)}, but the message as a whole "
            f"scores {value:.2f}, below the hostility threshold {hostile_from:.2f}"
        )
    if not kinds:
        return by_kind["hostile"], f"{LEVEL_NAMES[by_kind['hostile']]}: {KIND_WORDS['hostile']}"
    kind = max(kinds, key=lambda k: (by_kind.get(k.name, 0), k.source != "model", k.confidence))
    level = by_kind.get(kind.name, by_kind["hostile"])
    return level, f"{LEVEL_NAMES[level]}: {_described(kind)}"


def _described(kind: Kind) -> str:
    """ "threat of violence or harm: 'I will make you pay' (rule)"."""
    how = f"model, {kind.confidence:.2f}" if kind.source == "model" else kind.source
    words = f": '{kind.words}'" if kind.words else ""
    return f"{KIND_WORDS.get(kind.name, kind.name)}{words} ({how})"


def highlighted_spans(evidence: list[Evidence], level: int, definition: Definition) -> tuple[tuple[int, int], ...]:
    """The phrases a report highlights, by the definition's ``[spans]`` rule, merged across spaces and
    punctuation (``text`` tells what lies between)."""
    if level == 0:
        return ()
    rule = definition.section("spans")
    min_share = float(rule["min_share"])
    ranges = sorted(
        (e.start, e.end)
        for e in evidence
        if e.end > e.start
        and e.contribution > 0
        and e.name not in (*WHOLE_TEXT, SECOND_PERSON)
        and (
            (e.kind == "model" and e.name == HOSTILE_WORD)
            or (e.kind != "model" and e.contribution >= min_share and e.category in HOSTILE_CATEGORIES)
        )
    )
    return tuple(ranges)


def merge_ranges(ranges: tuple[tuple[int, int], ...], text: str) -> tuple[tuple[int, int], ...]:
    """Overlapping ranges, and ranges with only spaces and punctuation between them, merged."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and (start <= merged[-1][1] or not any(c.isalnum() for c in text[merged[-1][1] : start])):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


def combine(
    terms: list[Term],
    model: BagOfWords,
    definition: Definition,
    scorer: str,
    version: str,
    accusation: bool,
    text: str,
    model_kinds: list[Kind] = (),
    language: str = "",
) -> Score:
    """The score: calibrated value, evidence (small model shares merged), level by kind with its reason,
    highlighted spans, hostile flag, categories."""
    value, shares = allocate(terms, model)
    floor = float(definition.section("thresholds").get("evidence_floor", 0.0))
    evidence: list[Evidence] = []
    rest = 0.0
    for term, share in zip(terms, shares, strict=True):
        if term.kind == "model" and term.name != HOSTILE_WORD and abs(share) < floor:
            rest += share
            continue
        evidence.append(Evidence(term.start, term.end, term.text, term.kind, term.name, share, term.category))
    if rest:
        evidence.append(Evidence(0, 0, "", "model", REST, rest, None))
    evidence.append(Evidence(0, 0, "", "bias", BASELINE, 0.0, None))
    bias = value - math.fsum(e.contribution for e in evidence)
    evidence[-1] = Evidence(0, 0, "", "bias", BASELINE, bias, None)
    kinds = kinds_found(terms, list(model_kinds))
    level, reason = level_of(value, kinds, definition)
    categories = {k.name for k in kinds} | {t.category for t in terms if t.category == "counter_speech"}
    if accusation:
        categories.add("accusation")
    hostile_level = int(definition.section("thresholds")["hostile_level"])
    return Score(
        value=value,
        level=level,
        hostile=level >= hostile_level,
        categories=tuple(sorted(categories)),
        evidence=tuple(evidence),
        scorer=scorer,
        version=version,
        accusation=accusation,
        reason=reason,
        spans=merge_ranges(highlighted_spans(evidence, level, definition), text),
        language=language,
    )
