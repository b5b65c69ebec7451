"""The sample cases through the whole pipeline with the real scorer: the seed's pattern, and a calm control."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent.parent / "sample_threads"
PRA_ROOT, CALM_BRANCH = "x:2028818216587677735", "x:2028821609937879092"
PROVOCATION, REACTION, ACCUSATION = "x:2028822721582510145", "x:2028824680476549198", "x:2028828094952341608"
VOSS, TAMSIN = "x:1447182930462515201", "x:1290384756102938475"


def analysed(name: str):
    pipeline = pytest.importorskip("threadlens.pipeline")
    if not hasattr(pytest.importorskip("threadlens.scoring"), "score_messages"):
        pytest.skip("the scorer is not written yet")
    return pipeline.analyse_case([SAMPLES / name], consent=SAMPLES / name / "submission.toml")


def test_seed_pattern_is_found_with_the_right_three_messages():
    findings = analysed("pra-x-archive").findings
    conversation = next(c for c in findings.conversations if c.conversation_id == PRA_ROOT)
    assert conversation.first_escalation.message_id == PROVOCATION
    assert conversation.first_escalation.author_id == VOSS
    assert [(c.provocation, c.reaction, c.accusation, c.accuser_role) for c in conversation.chains] == [
        (PROVOCATION, REACTION, ACCUSATION, "provoker")
    ]
    assert CALM_BRANCH not in {e.branch for e in conversation.branch_escalations}
    assert not conversation.inconclusive
    people = {p.author_id: p for p in findings.participants}
    assert people[VOSS].escalations >= 1 and people[VOSS].accusations_made >= 1
    assert people[TAMSIN].reactions == 1 and people[TAMSIN].accusations_received >= 1


def test_calm_control_has_no_escalation_and_no_chain():
    findings = analysed("calm-control").findings
    assert [c.first_escalation for c in findings.conversations] == [None]
    assert findings.chains == []
    assert all(p.escalations == 0 for p in findings.participants)
