"""A finding that rests on a message whose sources disagree (a forged copy, two authors) is inconclusive."""

from __future__ import annotations

from tests.analysis.analysis_support import pattern_thread
from threadlens.analysis import analyse
from threadlens.thread import build_graph


def _findings(definition, conflicted):
    rows = pattern_thread()
    messages = [m for m, _ in rows]
    scores = {m.id: s for m, s in rows}
    return analyse(build_graph(messages), scores, definition, conflicted=conflicted)


def test_a_conflict_on_the_provocation_makes_the_finding_inconclusive(definition):
    [conversation] = _findings(definition, {"generic:2"}).conversations
    assert conversation.inconclusive
    assert any("sources disagree" in reason and "generic:2" in reason for reason in conversation.inconclusive_reasons)


def test_a_conflict_elsewhere_leaves_the_finding_conclusive(definition):
    [conversation] = _findings(definition, {"generic:3"}).conversations
    assert not conversation.inconclusive
