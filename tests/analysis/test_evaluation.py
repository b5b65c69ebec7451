"""The ToxiChat first-escalation measure: chains become messages, and answers are counted exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.analysis.analysis_support import score
from threadlens.analysis import analyse
from threadlens.analysis.evaluation import read_toxichat, score_first_escalations
from threadlens.errors import InputError
from threadlens.thread import build_graph

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "toxichat" / "chains.jsonl"


def test_chains_become_alternating_reply_chains_without_the_chatbot_turns():
    chains = read_toxichat(FIXTURE)
    assert [len(chain.messages) for chain in chains] == [2, 3, 2]
    second = chains[1]
    assert [m.author_id for m in second.messages] == ["generic:A", "generic:B", "generic:A"]
    assert [m.reply_to for m in second.messages] == [None, "generic:toxichat-2-1", "generic:toxichat-2-2"]
    assert all(a.created_at < b.created_at for a, b in zip(second.messages, second.messages[1:], strict=False))
    assert second.first_offensive == "generic:toxichat-2-2"
    assert chains[0].first_offensive is None
    assert chains[0].messages[1].text == "I'll bring scones & jam."
    assert chains[0].messages[0].source.position == "line 1, $.reddit_thread[0]"


def test_answers_are_counted_exactly_with_none_included(definition):
    chains = read_toxichat(FIXTURE)
    levels = {"generic:toxichat-1-2": 2, "generic:toxichat-2-2": 3, "generic:toxichat-2-3": 3}
    messages = [m for chain in chains for m in chain.messages]
    scores = {m.id: score(levels.get(m.id, 0)) for m in messages}
    result = score_first_escalations(chains, analyse(build_graph(messages), scores, definition))
    # chain 1 is wrongly flagged at turn 2, chain 2 is right, chain 3's offensive title is missed.
    assert (result.chains, result.correct, result.always_none) == (3, 1, 1)
    assert result.accuracy == pytest.approx(1 / 3)
    assert result.confusion == {("none", "2"): 1, ("2", "2"): 1, ("1", "none"): 1}
    assert result.errors == ["generic:toxichat-1", "generic:toxichat-3"]


def test_a_line_that_is_not_a_chain_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"reddit_thread": [{"turn_id": 1}]}\n', encoding="utf-8")
    with pytest.raises(InputError, match="not a ToxiChat chain") as raised:
        read_toxichat(bad)
    assert raised.value.position == "line 1"


@pytest.mark.shared_data
def test_dev_split_has_its_documented_chains(shared_data):
    chains = read_toxichat(shared_data / "threads" / "toxichat" / "dev.jsonl")
    assert len(chains) == 300
    assert sum(chain.first_offensive is None for chain in chains) == 162
