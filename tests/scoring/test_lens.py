"""The default scorer: contract, evidence that sums to the score, context rules, determinism."""

from __future__ import annotations

import math
import shutil

import pytest

from threadlens.definition import config_dir, load_definition
from threadlens.errors import ConfigError
from threadlens.model import Message
from threadlens.scoring import get_scorer, score_messages, score_texts, scorers

TEXTS = [
    "",
    "What a lovely day for the village show",
    "You are an absolute idiot",
    "He called me a 'stupid idiot' and I have reported him",
    "I will kill you",
    "You're not an idiot",
    "I am a gay man",
    "this fucking weather",
    "Tory scum",
    "SHUT UP YOU CLOWN!!!",
]


@pytest.fixture(scope="module")
def scores():
    return score_texts(TEXTS)


def test_registry_knows_every_backend():
    assert {"lens", "profanity-check", "transformers", "perspective"} <= set(scorers())
    with pytest.raises(ConfigError):
        get_scorer("nope", None)


def test_scores_are_valid_and_evidence_sums_exactly(scores):
    for text, score in zip(TEXTS, scores, strict=True):
        assert 0.0 <= score.value <= 1.0
        assert 0 <= score.level <= 4
        assert math.isclose(sum(e.contribution for e in score.evidence), score.value, abs_tol=1e-9)
        assert sum(e.kind == "bias" for e in score.evidence) == 1
        for item in score.evidence:
            assert text[item.start : item.end] == item.text
            assert item.kind in ("lexicon", "rule", "model", "bias")
        assert score.hostile == (score.level >= 2)
        assert score.level <= 1 or score.value >= 0.5  # value and level never contradict


def test_context_rules(scores):
    lovely, idiot, reported, threat, negated, identity, swearing, faction, shouting = scores[1:]
    assert not lovely.hostile and lovely.level == 0
    assert idiot.hostile and "insult" in idiot.categories
    assert any(e.name == "aimed at 'you'" for e in idiot.evidence)
    assert reported.accusation and not reported.hostile
    assert any(e.name == "quoted or reported, so not counted" and e.contribution < 0 for e in reported.evidence)
    assert threat.level == 4 and "threat" in threat.categories
    assert any(e.name == "threat of harm to a person or group" for e in threat.evidence)
    assert not negated.hostile and any(e.name == "negated, so not counted" for e in negated.evidence)
    assert not identity.hostile and identity.level <= 1
    assert swearing.categories == ("profanity",) and swearing.level <= 1
    assert faction.level == 3 and "political_pejorative" in faction.categories
    assert any(e.name == "written in capitals" for e in shouting.evidence)


def test_model_contribution_is_per_token(scores):
    model = [e for e in scores[2].evidence if e.kind == "model" and e.end > e.start]
    assert model and all(" " not in e.text for e in model)


def test_accusation_is_not_hostility():
    accusations = score_texts(["Stop harassing me", "This is abuse, I've reported you", "You're a troll"])
    assert all(s.accusation for s in accusations)
    assert not any(s.hostile for s in accusations[:2])


def test_rules_stack_an_accusation_or_a_report_does_not_hide_an_insult():
    """Quotation, reported speech and accusation language discount only the words they cover."""
    quoted_back, insulting_accusation, capitals = score_texts(
        [
            "So come and call me a weasel to my face, you gutless old windbag",
            "how dare you call me vermin, you nasty little man",
            "YOU ARE A SPITEFUL LITTLE TROLL",
        ]
    )
    for score in (quoted_back, insulting_accusation, capitals):
        assert score.accusation and score.hostile and "insult" in score.categories
    covered = [e for e in quoted_back.evidence if e.name == "quoted or reported, so not counted"]
    assert [e.text for e in covered] == ["weasel"]


LEVEL_CASES = [
    ("I'm going to kill you", 4),
    ("I know where you live and I will make you pay", 4),
    ("kys", 4),
    ("you absolute idiot", 2),
    ("the rats in that branch should be exterminated", 3),
    ("calm down dear, the grown ups are talking", 2),
    ("Muslim people deserve respect", 0),
    ("What a lovely day for the village show", 0),
]


@pytest.mark.parametrize(("text", "level"), LEVEL_CASES)
def test_levels_come_from_the_kind_of_hostility(text, level):
    score = score_texts([text])[0]
    assert score.level == level, score.reason
    assert score.reason.startswith(("civil", "robust", "rude", "abusive", "severe"))


def test_a_threat_outranks_an_insult_which_outranks_swearing_at_the_weather():
    threat, insult, weather = score_texts(["I will find you and hurt you", "you useless clown", "this shit weather"])
    assert threat.level > insult.level > weather.level


def test_a_civil_message_has_no_highlighted_words_and_says_so():
    [civil] = score_texts(["Thanks everyone, see you at the ward surgery on Tuesday"])
    assert civil.level == 0 and civil.spans == ()
    assert civil.reason == "civil: no hostile language found"


def test_highlighted_spans_point_at_the_hostile_words():
    text = "Thanks for the update on the meeting, you pathetic lying clown"
    [score] = score_texts([text])
    assert score.spans
    highlighted = " ".join(text[a:b] for a, b in score.spans)
    assert "clown" in highlighted and "meeting" not in highlighted and "Thanks" not in highlighted


def test_explanation_lines_are_plain_words_and_sum_to_the_score():
    from threadlens.scoring.explain import explanation

    [score] = score_texts(["He called me an 'arrogant idiot', and you are a pathetic clown"])
    lines = explanation(score)
    assert math.isclose(sum(line.contribution for line in lines), score.value, abs_tol=1e-9)
    texts = [line.text for line in lines]
    reported = "quoted or reported, so not counted"
    assert {f"{reported}: 'arrogant'", f"{reported}: 'idiot'"} <= set(texts)
    assert not any(word in text for text in texts for word in ("bias", "model model", "other tokens"))


def test_deterministic_and_batch_independent():
    batch = score_texts(TEXTS)
    single = [score_texts([t])[0] for t in TEXTS]
    assert batch == single == score_texts(TEXTS)


def test_score_messages_skips_placeholders_and_ignores_authors():
    messages = [
        Message("x:1", "x", "x:10", "alice", None, ""),  # placeholder
        Message("x:2", "x", "x:11", "idiot", None, "Thanks for the update", deleted=True),
        Message("x:3", "x", "x:12", "bob", None, "Thanks for the update"),
    ]
    result = score_messages(messages)
    assert set(result) == {"x:2", "x:3"}
    assert result["x:2"] == result["x:3"]


def test_definition_records_name_and_hash():
    definition = load_definition()
    assert definition.ref.name == "default" and len(definition.ref.sha256) == 64
    assert definition.section("thresholds")["hostile_level"] == 2


def test_colon_introduced_reports_are_reported_speech():
    reported = score_texts(["The comment was literally: shut up, you pathetic loser", "Their reply: go away idiot"])
    assert all(s.accusation and not s.hostile for s in reported)
    own = score_texts(["My comment: you are an idiot", "Note: you are all idiots", "The truth is: you are a liar"])
    assert all(s.hostile and not s.accusation for s in own)


def test_word_only_weights_score_without_the_encoder(tmp_path):
    folder = tmp_path / "words-only"
    shutil.copytree(config_dir() / "definitions" / "default", folder)
    toml = folder / "definition.toml"
    toml.write_text(toml.read_text().replace('"lens-bow.json.gz"', '"lens-words.json.gz"'), encoding="utf-8")
    scorer = get_scorer("lens", load_definition(folder))
    assert scorer.encoder is None and "+encoder" not in scorer.version
    idiot, thanks = scorer.score(["you are an absolute idiot", "thanks for the help"])
    assert idiot.hostile and not thanks.hostile
    assert math.isclose(math.fsum(e.contribution for e in idiot.evidence), idiot.value, abs_tol=1e-9)


def test_an_apology_names_the_insult_it_takes_back_without_insulting():
    from threadlens.scoring import score_texts

    apology, still_rude = score_texts(
        ["Cheers. And sorry for calling you a muppet.", "Sorry I called you a muppet, you absolute idiot."]
    )
    assert apology.level < 2 and "counter_speech" in apology.categories
    assert still_rude.level >= 2
