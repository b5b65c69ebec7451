"""A level needs a reason: model certainty alone is at most robust; harsh words and swearing are rude only when
aimed at a person; a group named is never evidence; texts in other languages are not read."""

from __future__ import annotations

import math

import pytest

from threadlens.definition import load_definition
from threadlens.scoring import score_texts
from threadlens.scoring.language import LanguageReader
from threadlens.scoring.lexicon import read_list


def level(text: str) -> int:
    return score_texts([text])[0].level


@pytest.mark.parametrize(
    ("thing", "person"),
    [
        ("Their stupid watch needs an iPhone.", "You are so stupid."),
        ("That comparison is dumb for many reasons.", "He is dumb and everyone knows it."),
        ("This useless printer jammed again.", "What a useless councillor she is."),
    ],
)
def test_harsh_word_is_rude_only_when_said_of_a_person(thing, person):
    assert level(thing) == 1
    assert level(person) == 2


@pytest.mark.parametrize(
    ("untargeted", "targeted"),
    [
        ("@sam holy shit, what a goal", "@sam fuck you"),
        ("You look so damn beautiful in that outfit", "go fuck yourself"),
        ("IT'S FUCKING TIME!!", "you shit"),
    ],
)
def test_swearing_is_rude_only_when_aimed_at_someone(untargeted, targeted):
    assert level(untargeted) <= 1
    assert level(targeted) == 2


def test_model_value_alone_is_at_most_robust():
    definition = load_definition()
    assert int(definition.section("levels")["kinds"]["hostile"]) == 1
    for score in score_texts(
        ["Frankly this vote was a disgrace", "This motion is a disgrace and it will hurt families"]
    ):
        assert score.level <= 1 and not score.hostile


def test_contraction_is_not_a_swearword():
    score = score_texts(["He'll be in the loony bin by then"])[0]
    assert "profanity" not in score.categories


def test_naming_a_group_is_not_evidence():
    for score in score_texts(
        ["Muslim families deserve the same respect as everyone else", "Gay people have higher than average income"]
    ):
        assert score.level == 0


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Diolch yn fawr am eich help heddiw", "cy"),
        ("Vielen Dank für die Bestätigung", "de"),
        ("La réunion est reportée à jeudi", "fr"),
        ("Muchas gracias por tu ayuda", "es"),
        ("Dziękuję bardzo za pomoc", "pl"),
        ("آپ کا بہت شکریہ", "ur"),
    ],
)
def test_other_languages_are_not_read(text, language):
    score = score_texts([text])[0]
    assert not score.read and score.language == language
    assert score.level == 0 and score.value == 0 and not score.spans and not score.hostile
    assert score.reason == f"not read (language: {language})"
    assert math.isclose(sum(e.contribution for e in score.evidence), score.value)


@pytest.mark.parametrize("text", ["lol", "ok thanks", "you idiot", "thx hoe", "Bruh soooo trash", "Scorched earth."])
def test_short_english_is_read(text):
    score = score_texts([text])[0]
    assert score.read and score.language == "en"


def test_language_ignores_names_and_groups():
    names = ["Priya", "Ngozi", "Piotr", "Siobhan", "James"]
    scores = score_texts([f"{name} is a liar" for name in names])
    assert {(s.read, s.level, s.value) for s in scores} == {(True, scores[0].level, scores[0].value)}


def test_language_reader_is_unsure_on_short_text():
    definition = load_definition()
    settings = definition.section("language")
    reader = LanguageReader(settings, frozenset(read_list(definition, settings["english"])), frozenset())
    assert reader.language_of("Merci") == "en"  # too short to tell: read as English
    assert reader.language_of("Merci beaucoup pour votre aide") == "fr"
    assert reader.is_read("en") and not reader.is_read("fr")


CRITICISM = [
    ("This vote was a disgrace.", "You are a disgrace and a liar."),
    ("An incompetent decision by the cabinet.", "He is an incompetent fool."),
    ("The budget is pathetic and the plan is useless.", "You pathetic, useless little man."),
    ("Frankly the handling of this motion was stupid.", "Frankly the chair is stupid."),
]


@pytest.mark.parametrize(("civil", "hostile"), CRITICISM)
def test_criticism_of_conduct_is_not_abuse_but_the_same_words_at_a_person_are(civil, hostile):
    assert level(civil) <= 1
    assert level(hostile) >= 2


def test_romanised_urdu_is_not_read():
    score = score_texts(["Tum bilkul bewakoof ho yaar"])[0]
    assert not score.read and score.language == "ur"
