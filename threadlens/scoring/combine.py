"""Calibrated combination of evidence into a score whose evidence sums exactly to it, and levels."""

from __future__ import annotations

import math
from dataclasses import dataclass

from threadlens.definition import Definition
from threadlens.model import Evidence, EvidenceKind, Score
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


def level_of(value: float, categories: set[str], targeted: bool, definition: Definition) -> int:
    """The level from the score, lifted by serious categories and capped for untargeted swearing."""
    levels = definition.section("levels")
    level = max(i for i, minimum in enumerate(levels["min_score"]) if value >= minimum)
    for category, floor in levels.get("lift", {}).items():
        if category in categories:
            level = max(level, int(floor))
    hostile_categories = categories - {"accusation", "counter_speech"}
    if hostile_categories == {"profanity"} and not targeted:
        level = min(level, int(levels.get("cap", {}).get("profanity_only", 4)))
    return level


def combine(
    terms: list[Term], model: BagOfWords, definition: Definition, scorer: str, version: str, accusation: bool
) -> Score:
    """The score: calibrated value, evidence (small model shares merged), level, hostile flag, categories."""
    value, shares = allocate(terms, model)
    floor = float(definition.section("thresholds").get("evidence_floor", 0.0))
    evidence: list[Evidence] = []
    rest = 0.0
    for term, share in zip(terms, shares, strict=True):
        if term.kind == "model" and abs(share) < floor:
            rest += share
            continue
        evidence.append(Evidence(term.start, term.end, term.text, term.kind, term.name, share, term.category))
    if rest:
        evidence.append(Evidence(0, 0, "", "model", "model: other tokens", rest, None))
    evidence.append(Evidence(0, 0, "", "bias", "bias (calibrated baseline)", 0.0, None))
    bias = value - math.fsum(e.contribution for e in evidence)
    evidence[-1] = Evidence(0, 0, "", "bias", "bias (calibrated baseline)", bias, None)
    categories = {t.category for t, s in zip(terms, shares, strict=True) if t.category and t.logit > 0}
    if accusation:
        categories.add("accusation")
    targeted = any(t.name == "second person" for t in terms)
    level = level_of(value, categories, targeted, definition)
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
    )
