"""What a finding rests on: the readings to check are exactly the single readings that change a finding."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings

from tests.analysis.analysis_support import message, pattern_thread, run, score
from tests.analysis.test_symmetry import threads
from threadlens.analysis import load_context_rules, load_rules
from threadlens.analysis.chains import find_chains, find_reactions
from threadlens.analysis.escalation import escalation_events, first_escalations
from threadlens.analysis.readings import open_to_doubt, readings_to_check
from threadlens.analysis.structure import ScoredThread
from threadlens.model import PANEL_SCORER
from threadlens.thread import build_graph


def outcome(thread: ScoredThread, definition) -> tuple:
    """What a reading can change: each conversation's first escalation, the reactions and the chains."""
    rules = load_rules(definition)
    events = escalation_events(thread, rules)
    first, _ = first_escalations(thread, events)
    reactions = find_reactions(thread, events, rules)
    chains = find_chains(thread, reactions, rules)
    triples = sorted((c.provocation, c.reaction, c.accusation) for c in chains)
    return {key: event.message_id for key, event in first.items()}, reactions, triples


def every_reading(thread: ScoredThread, definition) -> dict[str, tuple]:
    """Conversation id → (every single reading that changes a finding, as (message, level, accuses); stands)."""
    rules = replace(load_rules(definition), most_shown=10**6)
    events = escalation_events(thread, rules)
    reactions = find_reactions(thread, events, rules)
    chains = find_chains(thread, reactions, rules)
    found = readings_to_check(thread, rules, events, reactions, chains)
    return {
        key: ({(r.message_id, r.if_level, r.if_accuses) for r in listed}, stands)
        for key, (listed, stands) in found.items()
    }


@settings(max_examples=300, deadline=None)
@given(threads())
def test_the_readings_listed_are_exactly_the_single_readings_that_change_a_finding(definition, rows):
    graph = build_graph([m for m, _ in rows])
    thread = ScoredThread(graph, {m.id: s for m, s in rows if s is not None}, load_context_rules(definition))
    found = every_reading(thread, definition)
    listed = set().union(*(readings for readings, _ in found.values()))
    rules = load_rules(definition)
    before = outcome(thread, definition)
    for key in thread.judged():
        current = thread.scores[key]
        alternatives = [(thread.level(key), not current.accusation)]
        if open_to_doubt(thread, key, rules):
            alternatives.append((0 if thread.level(key) >= rules.threshold else rules.threshold, current.accusation))
        for level, accuses in alternatives:
            panel = replace(current, level=level, accusation=accuses, scorer=PANEL_SCORER)
            reread = ScoredThread(graph, {**thread.scores, key: panel}, load_context_rules(definition))
            changed = outcome(reread, definition) != before
            assert ((key, level, accuses) in listed) == changed, (key, level, accuses)
    for readings, stands in found.values():
        assert stands == (not readings)


def test_a_reaction_named_first_lists_the_message_it_answers_and_itself(definition):
    """The provocation read as civil makes the reactor the first escalator: the panel is told to check both."""
    rows = pattern_thread()
    rows[1] = (rows[1][0], score(1))  # the provocation read as robust, below the line
    findings = run(rows, definition)
    conversation = findings.conversations[0]
    assert conversation.first_escalation.message_id == "generic:4"
    assert not conversation.stands_however_read
    checked = [r.message_id for r in conversation.readings_to_check]
    assert checked[:2] == ["generic:4", "generic:2"] or checked[:2] == ["generic:2", "generic:4"]
    provocation = next(r for r in conversation.readings_to_check if r.message_id == "generic:2")
    assert provocation.if_read_as == "hostile" and provocation.level_now == 1
    assert provocation.sentence.startswith("If #2 (robust, score 0.30) were read as hostile, bob would have escalated")


def test_a_calm_thread_stands_and_a_doubtful_reading_does_not(definition):
    """Plain calm messages (far below the line, nothing found, answered calmly) are not open to doubt, so the
    conversation's findings stand; a robust message could be read as hostile and would escalate."""
    calm = [
        (message("1", "ann", 0, text="Agenda attached."), score(0)),
        (message("2", "ben", 1, reply_to="1", text="Thanks."), score(0)),
    ]
    conversation = run(calm, definition).conversations[0]
    assert conversation.stands_however_read and conversation.readings_to_check == ()
    robust = [calm[0], (calm[1][0], score(1))]
    conversation = run(robust, definition).conversations[0]
    assert not conversation.stands_however_read
    (reading,) = conversation.readings_to_check
    assert (reading.message_id, reading.if_read_as, reading.if_level) == ("generic:2", "hostile", 2)
    assert (
        reading.sentence == "If #2 (robust, score 0.30) were read as hostile, the first escalation would be #2 by ben."
    )


def test_a_panel_reading_is_never_listed_again(definition):
    rows = pattern_thread()
    panel = replace(rows[1][1], scorer=PANEL_SCORER)
    listed = {
        r.message_id
        for r in run([rows[0], (rows[1][0], panel), *rows[2:]], definition).conversations[0].readings_to_check
    }
    assert "generic:2" not in listed


def test_a_message_the_scorer_could_not_read_is_unknown_and_listed_for_the_panel(definition):
    """A reply in Welsh before the first escalation is not read: it is unknown content (the finding is
    inconclusive), and reading it as hostile is a reading to check."""
    welsh = replace(score(0), read=False, language="cy", reason="not read (language: cy)")
    rows = [
        (message("1", "alice", 0, text="Council meeting tonight at 7."), score(0)),
        (message("2", "carol", 2, reply_to="1", text="Dyma'r cofnodion."), welsh),
        (message("3", "bob", 5, reply_to="1", text="Typical rabble."), score(3, words=("rabble",))),
    ]
    conversation = run(rows, definition).conversations[0]
    assert conversation.first_escalation.message_id == "generic:3"
    assert any("language the scorer does not read" in reason for reason in conversation.inconclusive_reasons)
    unread = [r for r in conversation.readings_to_check if r.message_id == "generic:2"]
    assert unread and unread[0].if_read_as == "hostile"
    assert unread[0].sentence.startswith("If #2 (not read: language cy) were read as hostile, carol would have")
