"""First escalation per conversation and per branch, its reasons and margin, and when it is inconclusive."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.analysis.analysis_support import LEVEL_VALUES, message, pattern_thread, run, score
from threadlens.analysis.escalation import evidence_summary
from threadlens.model import Evidence


def test_provocation_is_the_first_escalation_with_its_reasons(definition):
    findings = run(pattern_thread(), definition)
    [conversation] = findings.conversations
    first = conversation.first_escalation
    assert first.message_id == "generic:2"
    assert first.author_id == "generic:bob"
    assert (first.level, first.parent_id, first.parent_level, first.step) == (3, "generic:1", 0, 3)
    assert first.reasons[0] == "level 3 abusive after a civil message (level 0, step +3)"
    assert "insult/rabble: 'rabble'" in first.reasons
    assert first.margin == pytest.approx(LEVEL_VALUES[3] - definition.data["levels"]["hostile_from"])
    assert not conversation.inconclusive


def test_evidence_is_summarised_in_plain_words_strongest_first():
    text = "You absolute idiot, you dog"
    evidence = (
        Evidence(13, 18, "idiot", "lexicon", "insult", 0.2, "insult"),
        Evidence(24, 27, "dog", "lexicon", "insult", 0.1, "insult"),
        Evidence(0, 27, text, "rule", "aimed at 'you'", 0.15, "insult"),
        Evidence(13, 18, "idiot", "model", "model: reads as hostile", 0.05),
        Evidence(4, 12, "absolute", "model", "model: wording", -0.01),
        Evidence(0, 0, "", "bias", "baseline", 0.02),
    )
    scored = replace(score(3), evidence=evidence, reason="rude: insult: 'idiot' (lexicon)")
    assert evidence_summary(scored) == [
        "rude: insult: 'idiot' (lexicon)",
        "insult: 'idiot'",
        "aimed at 'you': 'You absolute idiot, you dog'",
        "insult: 'dog'",
        "words the model reads as hostile: 'idiot'",
    ]


def test_calm_control_has_no_escalation(definition):
    rows = [
        (message("1", "alice", 0), score(0)),
        (message("2", "bob", 1, reply_to="1"), score(1)),
        (message("3", "alice", 2, reply_to="2"), score(1)),
        (message("4", "bob", 3, reply_to="3"), score(0)),
    ]
    [conversation] = run(rows, definition).conversations
    assert conversation.first_escalation is None
    assert conversation.branch_escalations == ()
    assert conversation.chains == ()
    assert not conversation.inconclusive


def test_first_message_escalates_relative_to_nothing(definition):
    rows = [(message("1", "alice", 0), score(2)), (message("2", "bob", 1, reply_to="1"), score(3))]
    first = run(rows, definition).conversations[0].first_escalation
    assert (first.message_id, first.parent_id, first.parent_level, first.step) == ("generic:1", None, None, 2)
    assert first.reasons[0] == "level 2 rude as the conversation's first message (step +2)"


def test_reply_at_the_level_of_its_parent_does_not_escalate(definition):
    rows = [
        (message("1", "alice", 0), score(0)),
        (message("2", "bob", 1, reply_to="1"), score(3)),
        (message("3", "alice", 2, reply_to="2"), score(3)),
    ]
    findings = run(rows, definition)
    assert [e.message_id for e in findings.conversations[0].branch_escalations] == ["generic:2"]
    assert findings.participants[0].escalations == 0


def test_recent_context_above_the_parent_is_continuation_not_escalation(definition):
    rows = [
        (message("1", "alice", 0), score(0)),
        (message("2", "bob", 1, reply_to="1"), score(4)),
        (message("3", "carol", 2, reply_to="2"), score(0)),
        (message("4", "alice", 3, reply_to="3"), score(2)),
    ]
    findings = run(rows, definition)
    assert findings.participants[0].author_id == "generic:alice"
    assert findings.participants[0].escalations == 0


def test_ties_in_time_are_broken_by_reply_order(definition):
    # "generic:0" sorts before "generic:9" by id, but it replies to it, so it is later.
    rows = [
        (message("r", "carol", 0), score(0)),
        (message("9", "bob", 5, reply_to="r"), score(2)),
        (message("0", "alice", 5, reply_to="9"), score(4)),
    ]
    first = run(rows, definition).conversations[0].first_escalation
    assert first.message_id == "generic:9"


def test_earliest_event_wins_across_branches_and_each_branch_has_its_own(definition):
    rows = [
        (message("1", "alice", 0), score(0)),
        (message("2", "bob", 10, reply_to="1"), score(3)),
        (message("3", "carol", 5, reply_to="1"), score(0)),
        (message("4", "dave", 7, reply_to="3"), score(2)),
    ]
    conversation = run(rows, definition).conversations[0]
    assert conversation.first_escalation.message_id == "generic:4"
    branches = {e.branch: e.message_id for e in conversation.branch_escalations}
    assert branches == {"generic:3": "generic:4", "generic:2": "generic:2"}


def test_placeholder_before_the_first_escalation_makes_it_inconclusive(definition):
    rows = [
        (message("2", "bob", 5, reply_to="gone", conversation="c"), score(3)),
        (message("3", "alice", 6, reply_to="2", conversation="c"), score(0)),
    ]
    [conversation] = run(rows, definition).conversations
    assert conversation.first_escalation.message_id == "generic:2"
    assert conversation.first_escalation.inconclusive
    assert conversation.first_escalation.parent_level is None
    assert conversation.inconclusive
    assert "generic:gone" in conversation.inconclusive_reasons[0]


def test_deleted_message_before_the_first_escalation_makes_it_inconclusive(definition):
    rows = [
        (message("1", "alice", 0), score(0)),
        (message("2", "carol", 1, reply_to="1", deleted=True, text="[deleted]"), score(0)),
        (message("3", "bob", 2, reply_to="1"), score(3)),
        (message("4", "dave", 3, reply_to="3", deleted=True, text="[deleted]"), score(0)),
    ]
    [conversation] = run(rows, definition).conversations
    assert conversation.first_escalation.message_id == "generic:3"
    assert conversation.inconclusive_reasons == ("1 deleted message(s) before the first escalation: generic:2",)


def test_without_an_escalation_missing_messages_make_the_none_inconclusive(definition):
    rows = [(message("2", "bob", 1, reply_to="gone"), score(0))]
    [conversation] = run(rows, definition).conversations
    assert conversation.first_escalation is None
    assert conversation.inconclusive
    assert conversation.inconclusive_reasons[0].endswith("could hold an escalation: generic:gone")


def test_unscored_messages_are_not_judged(definition):
    rows = [(message("1", "alice", 0), None), (message("2", "bob", 1, reply_to="1"), score(2))]
    first = run(rows, definition).conversations[0].first_escalation
    assert first.message_id == "generic:2"
    assert first.inconclusive
