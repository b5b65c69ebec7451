"""Provocation → reaction → accusation chains: the right three messages, the accuser's role, the links that count."""

from __future__ import annotations

from tests.analysis.analysis_support import START, message, pattern_thread, run, score
from threadlens.analysis.chains import quoted_spans
from threadlens.definition import load_definition


def test_pattern_is_found_with_the_right_three_messages(definition):
    findings = run(pattern_thread(), definition)
    [chain] = findings.conversations[0].chains
    assert (chain.provocation, chain.reaction, chain.accusation) == ("generic:2", "generic:4", "generic:5")
    assert chain.authors == ("generic:bob", "generic:alice", "generic:bob")
    assert chain.times[0] == START.replace(minute=5)
    assert chain.gaps_seconds == (240.0, 300.0)
    assert chain.accuser_role == "provoker"
    assert not chain.cross_conversation
    assert findings.chains == [chain]


def test_participants_count_escalations_reactions_and_accusations(definition):
    participants = {p.author_id: p for p in run(pattern_thread(), definition).participants}
    bob, alice, carol = participants["generic:bob"], participants["generic:alice"], participants["generic:carol"]
    assert [p.author_id for p in participants.values()] == ["generic:alice", "generic:bob", "generic:carol"]
    assert (bob.messages, bob.max_level, bob.mean_level, bob.first_hostile) == (2, 3, 2.0, "generic:2")
    assert (bob.escalations, bob.reactions, bob.accusations_made, bob.accusations_received) == (1, 0, 1, 0)
    assert (alice.escalations, alice.reactions, alice.accusations_made, alice.accusations_received) == (0, 1, 0, 1)
    assert (alice.first_hostile, carol.first_hostile, carol.max_level) == ("generic:4", None, 0)


def test_third_party_accuser_is_labelled(definition):
    rows = [
        *pattern_thread()[:4],
        (message("5", "dave", 14, reply_to="4", text="Reported. This is harassment."), score(0, accusation=True)),
    ]
    [chain] = run(rows, definition).chains
    assert (chain.accusation, chain.accuser_role) == ("generic:5", "third-party")
    assert chain.authors[2] == "generic:dave"


def test_third_party_accusers_can_be_left_out(definition, tmp_path):
    folder = tmp_path / "strict"
    folder.mkdir()
    for part in definition.path.glob("*.toml"):
        text = part.read_text(encoding="utf-8")
        (folder / part.name).write_text(text.replace("third_party = true", "third_party = false"), encoding="utf-8")
    rows = [*pattern_thread()[:4], (message("5", "dave", 14, reply_to="4"), score(0, accusation=True))]
    assert run(rows, load_definition(folder)).chains == []


def test_reactor_cannot_accuse_themselves_and_calm_reply_is_no_reaction(definition):
    rows = pattern_thread()
    rows[3] = (rows[3][0], score(1))
    assert run(rows, definition).chains == []
    rows = [*pattern_thread()[:4], (message("5", "alice", 14, reply_to="4"), score(0, accusation=True))]
    assert run(rows, definition).chains == []


def test_accusation_by_mention_or_by_quoting_the_reactors_words(definition):
    base = pattern_thread()[:4]
    by_mention = [*base, (message("5", "bob", 14, reply_to="1", mentions=("alice",)), score(0, accusation=True))]
    assert run(by_mention, definition).chains[0].accusation == "generic:5"
    by_words = [
        *base,
        (message("5", "bob", 14, reply_to="3", text='She wrote "you IDIOT". Abuse.'), score(1, accusation=True)),
    ]
    assert run(by_words, definition).chains[0].accusation == "generic:5"
    unrelated = [*base, (message("5", "bob", 14, reply_to="3", text='Stop saying "hello".'), score(1, accusation=True))]
    assert run(unrelated, definition).chains == []


def test_accusation_before_the_reaction_does_not_count(definition):
    base = pattern_thread()[:4]
    early = [*base, (message("5", "bob", 8, reply_to="1", mentions=("alice",)), score(0, accusation=True))]
    assert run(early, definition).chains == []


def test_reaction_within_a_few_hops_on_the_same_branch(definition):
    rows = [
        *pattern_thread()[:2],
        (message("3", "carol", 6, reply_to="2"), score(0)),
        (message("4", "alice", 9, reply_to="3"), score(3)),
        (message("5", "bob", 14, reply_to="4"), score(1, accusation=True)),
    ]
    [chain] = run(rows, definition).chains
    assert chain.reaction == "generic:4"


def test_chain_across_conversations_through_quotes(definition):
    rows = [
        *pattern_thread()[:2],
        (message("q", "alice", 9, quote_of="2", text="Look what this idiot wrote"), score(2)),
        (message("a", "bob", 12, quote_of="q", text="This is abuse."), score(1, accusation=True)),
    ]
    findings = run(rows, definition)
    [chain] = findings.chains
    assert (chain.provocation, chain.reaction, chain.accusation) == ("generic:2", "generic:q", "generic:a")
    assert chain.cross_conversation
    assert findings.conversations[0].chains == (chain,)


def test_quoted_words_must_be_long_enough_and_in_quotation_marks():
    assert quoted_spans("he said “You  LOT”! and 'ok'", 4) == [" you lot "]
    assert quoted_spans("it's the reactor's fault", 4) == []
    assert quoted_spans('"rabble" and «dogs» and „Trots“', 4) == [" rabble ", " dogs ", " trots "]
