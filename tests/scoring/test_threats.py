"""Threats as a written grammar: who + intent, wish, call or order + an act of harm + a person or group, within
one clause; the same verbs about things, negated or reported, are not threats."""

from __future__ import annotations

from dataclasses import replace

import pytest

from threadlens.definition import load_definition
from threadlens.errors import ConfigError
from threadlens.scoring import score_texts
from threadlens.scoring.normalise import Token
from threadlens.scoring.threats import ThreatGrammar

THREATS = [
    "I'm going to strangle that councillor when I see him",
    "We should drown every last one of those Greens",
    "I'll deal with her later",
    "Someone should pay him a visit",
    "I hope someone stabs him",
    "they should all be hanged",
    "somebody take him out",
    "I'm going to end your life",
    "I'm going to come round and break your neck",
    "He deserves a bullet",
    "I hope your house burns down",
    "Let's hang every last one of them",
]
NOT_THREATS = [
    "this will kill the bill",
    "I'd murder a pint right now",
    "I would never hurt you",
    "I'm not going to hurt anyone",
    "He said he would kill me",
    "the end that you want",
    "We will beat them on Thursday",
    "I'll shoot you a message later",
    "we'll smash it on Saturday",
]


@pytest.mark.parametrize("text", THREATS)
def test_threat_is_severe_with_evidence_on_its_words(text):
    score = score_texts([text])[0]
    assert score.level == 4 and "threat" in score.categories
    threat = [e for e in score.evidence if e.category == "threat" and e.contribution > 0]
    assert threat and all(text[e.start : e.end] == e.text for e in threat)


@pytest.mark.parametrize("text", NOT_THREATS)
def test_same_verbs_without_a_threat_are_not_severe(text):
    score = score_texts([text])[0]
    assert score.level < 2 and "threat" not in score.categories


def test_grammar_names_the_pattern_that_matched():
    grammar = ThreatGrammar(load_definition(), frozenset())
    tokens = [Token(word, 0, 0) for word in ["we", "should", "drown", "them", "all"]]
    assert grammar.match(tokens) == [(0, 5, "CALLING ADVERB? GO? ADVERB? ACT")]


def test_unknown_word_class_is_a_config_error():
    definition = load_definition()
    threats = {**definition.data["threats"], "patterns": ["WHO WILL NOSUCHCLASS TARGET"]}
    broken = replace(definition, data={**definition.data, "threats": threats})
    with pytest.raises(ConfigError, match="NOSUCHCLASS"):
        ThreatGrammar(broken, frozenset())
