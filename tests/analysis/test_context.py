"""Reading a reply with what it answers: sarcasm, mocking echoes and challenges raise a reply's level for the
escalation rules, with the reason in the findings; a bystander's defence is no accusation."""

from __future__ import annotations

from tests.analysis.analysis_support import message, run, score
from threadlens.analysis.context import load_context_rules, read_reply


def test_a_reply_is_read_with_the_text_it_answers(definition):
    rules = load_context_rules(definition)
    parent = "I think the branch should fund the food bank drive this winter."
    echo = read_reply("'fund the food bank drive' lol, bless", parent, rules)
    sarcasm = read_reply("Oh well done, another genius plan from the back benches", parent, rules)
    challenge = read_reply("Say that to my face on Thursday", parent, rules)
    assert echo and "repeats the words it answers back" in echo.reason
    assert sarcasm and "sarcastic praise" in sarcasm.reason
    assert challenge and "confrontation" in challenge.reason
    assert read_reply("I agree, the food bank drive matters", parent, rules) is None
    assert read_reply("lol yes, great idea", parent, rules) is None  # a marker without an echo is not mockery


def test_context_raises_a_civil_sarcastic_provocation_to_first_escalator(definition):
    rows = [
        (message("1", "ana", 0, text="Proposal: we fund the food bank drive this winter."), score(0)),
        (message("2", "ben", 3, reply_to="1", text="Oh well done, what a plan. Truly visionary stuff."), score(0)),
        (message("3", "ana", 6, reply_to="2", text="Piss off, you smug git"), score(2, words=("git",))),
    ]
    first = run(rows, definition).conversations[0].first_escalation
    assert first.message_id == "generic:2" and first.level == 2
    assert any("read as a reply to generic:1" in reason and "on its own: level 0" in reason for reason in first.reasons)


def test_context_reads_texts_not_authors(definition):
    def rows(first: str, second: str) -> list:
        return [
            (message("1", first, 0, text="Proposal: we fund the food bank drive this winter."), score(0)),
            (message("2", second, 3, reply_to="1", text="Oh brilliant, another round of this."), score(0)),
        ]

    one = run(rows("ana", "ben"), definition).conversations[0].first_escalation
    swapped = run(rows("ben", "ana"), definition).conversations[0].first_escalation
    assert (one.message_id, one.level) == (swapped.message_id, swapped.level) == ("generic:2", 2)
    assert (one.author_id, swapped.author_id) == ("generic:ben", "generic:ana")


def test_a_bystander_defending_the_reactor_is_not_an_accusation(definition):
    base = [
        (message("1", "ana", 0, text="The motion passed."), score(0)),
        (message("2", "ben", 2, reply_to="1", text="Passed by vermin, as usual."), score(3, words=("vermin",))),
        (message("3", "ana", 4, reply_to="2", text="You spineless toad"), score(2, words=("toad",))),
    ]
    defence = (
        message(
            "4", "cat", 6, reply_to="3", text="Ben, you called her vermin first. Don't you dare report her for this."
        ),
        score(1, accusation=True),
    )
    accusation = (
        message("5", "ben", 7, reply_to="3", text="This is abuse and I have reported it."),
        score(1, accusation=True),
    )
    assert run([*base, defence], definition).chains == []
    [chain] = run([*base, defence, accusation], definition).chains
    assert chain.accusation == "generic:5"


def test_the_provokers_apology_to_the_reactor_is_not_an_accusation(definition):
    """Provocation, angry reaction, then the provoker takes the insult back: no chain, whatever the scorer flagged."""
    base = [
        (message("1", "ana", 0, text="The motion passed."), score(0)),
        (message("2", "ben", 2, reply_to="1", text="Passed by vermin, as usual."), score(3, words=("vermin",))),
        (message("3", "ana", 4, reply_to="2", text="You spineless toad"), score(2, words=("toad",))),
    ]
    apology = (
        message("4", "ben", 6, reply_to="3", text="Fair enough. Sorry for calling you vermin, that was out of order."),
        score(0, accusation=True),
    )
    assert run([*base, apology], definition).chains == []
