"""What a finding rests on: the readings to check are exactly the single readings that change a finding."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings

from tests.analysis.analysis_support import message, pattern_thread, run, score
from tests.analysis.test_symmetry import threads
from threadlens.analysis import analyse, load_context_rules, load_rules
from threadlens.analysis.chains import find_chains, find_reactions
from threadlens.analysis.escalation import escalation_events
from threadlens.analysis.readings import readings_to_check
from threadlens.analysis.structure import ScoredThread
from threadlens.model import PANEL_SCORER, Findings
from threadlens.thread import build_graph


def outcome(findings: Findings) -> dict[str, tuple]:
    """Per conversation: the first escalation's message and the chains."""
    return {
        c.conversation_id: (
            c.first_escalation.message_id if c.first_escalation else None,
            sorted((x.provocation, x.reaction, x.accusation) for x in c.chains),
        )
        for c in findings.conversations
    }


def scored_thread(rows, definition) -> ScoredThread:
    graph = build_graph([m for m, _ in rows])
    return ScoredThread(graph, {m.id: s for m, s in rows if s is not None}, load_context_rules(definition))


def every_reading(thread: ScoredThread, definition) -> set[tuple[str, int, bool]]:
    """Every single reading that changes a finding, as (message, level, accuses), with no cap on how many."""
    rules = load_rules(definition)
    events = escalation_events(thread, rules)
    reactions = find_reactions(thread, events, rules)
    chains = find_chains(thread, reactions, rules)
    found = readings_to_check(thread, rules, events, reactions, chains, most=10**6)
    return {(r.message_id, r.if_level, r.if_accuses) for listed, _ in found.values() for r in listed}


@settings(max_examples=150, deadline=None)
@given(threads())
def test_the_readings_listed_are_exactly_the_single_readings_that_change_a_finding(definition, rows):
    thread = scored_thread(rows, definition)
    listed = every_reading(thread, definition)
    before = outcome(run(rows, definition))
    for key in thread.judged():
        current = thread.scores[key]
        other_side = 0 if thread.level(key) >= 2 else 2
        for level, accuses in ((other_side, current.accusation), (current.level, not current.accusation)):
            panel = replace(current, level=level, accusation=accuses, scorer=PANEL_SCORER)
            after = outcome(analyse(thread.graph, {**thread.scores, key: panel}, definition))
            assert ((key, level, accuses) in listed) == (after != before), (key, level, accuses)


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


def test_a_finding_no_single_reading_changes_stands(definition):
    """Two hostile messages in a row before anything else: reading either one as civil leaves a first escalation
    by the same message or changes it, so only a thread of plain calm replies stands."""
    rows = [(message("1", "ann", 0, text="Agenda attached."), score(0))]
    findings = run(rows, definition)
    assert findings.conversations[0].readings_to_check  # read as hostile, the one message would escalate
    deleted = [(message("1", "ann", 0, deleted=True), score(0))]
    conversation = run(deleted, definition).conversations[0]
    assert conversation.stands_however_read and conversation.readings_to_check == ()
