"""Fairness audit: every swap is exactly invariant and identity statements are never hostile."""

from __future__ import annotations

from threadlens.scoring import score_texts
from threadlens.scoring.audit import run_audit


def test_audit_passes():
    result = run_audit()
    failing = [g.template for g in result.groups if not g.invariant]
    assert failing == []
    assert result.hostile_identity_statements == []
    assert result.passed
    dialect = [g for g in result.groups if g.kind == "dialect"]
    flagged = [v for g in dialect for v, hostile in zip(g.variants, g.hostile, strict=True) if hostile]
    assert result.hostile_dialect_statements == flagged  # reported, never hidden


def test_left_and_right_pejoratives_score_the_same():
    texts = [f"{faction} {word}" for word in ("scum", "rabble", "dogs", "vermin") for faction in ("Tory", "Trot")]
    values = [s.value for s in score_texts(texts)]
    assert values[0::2] == values[1::2]
    assert all(s.hostile for s in score_texts(texts))
