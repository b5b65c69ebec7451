"""Per-participant counts that mean what they say: a reaction is not an escalation started, a bystander who
defends the target is not an accuser, and branch escalations other than the first are told apart."""

from __future__ import annotations

from tests.analysis.analysis_support import message, pattern_thread, run, score
from threadlens.report.view import other_branch_escalations


def _people(rows, definition):
    return {p.author_name: p for p in run(rows, definition).participants}


def test_a_reaction_that_rises_above_its_provocation_is_a_reaction_not_an_escalation_started(definition):
    rows = pattern_thread()
    rows[3] = (rows[3][0], score(4, words=("idiot",)))  # the reaction is severe: an escalation event too
    people = _people(rows, definition)
    assert (people["bob"].escalations, people["bob"].reactions) == (1, 0)
    assert (people["alice"].escalations, people["alice"].reactions) == (0, 1)


def test_a_bystander_defending_the_target_is_not_an_accusation_made_or_received(definition):
    rows = [
        *pattern_thread(),
        # carol answers the provoker on the target's side: accusation language, aimed at bob, who is no reactor
        (message("6", "carol", 15, reply_to="2", text="He called you dogs first."), score(0, accusation=True)),
        # dave replies to the accusation, defending alice: aimed at bob again
        (message("7", "dave", 16, reply_to="5", text="Reported for what?"), score(0, accusation=True)),
    ]
    people = _people(rows, definition)
    assert (people["bob"].accusations_made, people["bob"].accusations_received) == (1, 0)
    assert (people["alice"].accusations_made, people["alice"].accusations_received) == (0, 1)
    assert (people["carol"].accusations_made, people["carol"].accusations_received) == (0, 0)
    assert (people["dave"].accusations_made, people["dave"].accusations_received) == (0, 0)
    made = sum(p.accusations_made for p in people.values())
    assert made == sum(p.accusations_received for p in people.values()) == 1


def test_branch_escalations_other_than_the_first_exclude_the_first(definition):
    rows = [
        (message("1", "alice", 0), score(0)),
        (message("2", "bob", 5, reply_to="1"), score(3)),
        (message("3", "carol", 6, reply_to="1"), score(0)),
        (message("4", "dave", 7, reply_to="3"), score(2)),
    ]
    [conversation] = run(rows, definition).conversations
    assert len(conversation.branch_escalations) == 2
    assert [e.message_id for e in other_branch_escalations(conversation)] == ["generic:4"]
    single = run(rows[:2], definition).conversations[0]
    assert other_branch_escalations(single) == []
