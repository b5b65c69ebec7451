"""Batched scoring: a text's values and evidence are the same alone, in any batch and in any order, and
identical texts are scored once."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadlens import scoring
from threadlens.definition import load_definition
from threadlens.model import Score
from threadlens.scoring import get_scorer, score_texts
from threadlens.scoring.encoder import (
    BATCH_PIECES,
    ENCODER_DIR,
    batches,
    encoder_input,
    load_encoder,
)

HERE = Path(__file__).resolve().parent
WORDS = (
    "you are such an idiot the council meeting was great I will vote for them scum thanks go back to where you "
    "came from @someone https://example.org/a they should all be shot not a loser 😡 ¡qué! lol"
)


def _pool() -> list[str]:
    """About 200 distinct texts: the functional cases and random ones of 1 to 150 words (past truncation)."""
    texts = [
        row["text"]
        for name in ("functional_cases.csv", "functional_cases_fresh.csv")
        for row in csv.DictReader((HERE / name).open(encoding="utf-8"))
    ]
    rng = random.Random(23)
    texts += [" ".join(rng.choices(WORDS.split(), k=rng.choice([1, 3, 8, 20, 40, 150]))) for _ in range(50)]
    return list(dict.fromkeys(texts))


POOL = _pool()


@pytest.fixture(scope="module")
def alone() -> list[Score]:
    """Each pool text scored on its own."""
    return [score_texts([text])[0] for text in POOL]


@given(lengths=st.lists(st.integers(1, 130), max_size=300))
def test_batches_hold_texts_of_one_length_within_the_piece_budget(lengths):
    found = batches([SimpleNamespace(ids=[0] * n) for n in lengths])
    assert sorted(i for batch in found for i in batch) == list(range(len(lengths)))
    firsts = [lengths[batch[0]] for batch in found]
    assert firsts == sorted(firsts)
    for k, (batch, length) in enumerate(zip(found, firsts, strict=True)):
        assert {lengths[i] for i in batch} == {length}
        assert len(batch) == 1 or len(batch) * length <= BATCH_PIECES
        if k + 1 < len(found) and firsts[k + 1] == length:  # a batch is cut only when full
            assert (len(batch) + 1) * length > BATCH_PIECES


def test_pool_is_scored_the_same_alone_batched_and_reversed(alone):
    assert score_texts(POOL) == alone
    assert score_texts(POOL[::-1]) == alone[::-1]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=40))
def test_any_batch_in_any_order_gives_each_text_its_own_score(alone, picks):
    assert score_texts([POOL[i] for i in picks]) == [alone[i] for i in picks]


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_encoder_readings_do_not_depend_on_the_batch(data):
    lens = get_scorer("lens", load_definition("default"))
    encoder = load_encoder(ENCODER_DIR.name)
    texts = data.draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=20, unique=True))
    inputs = [encoder_input(a.tokens, a.omitted) for a in map(lens.analyse, texts)]
    together = encoder.read(inputs)
    order = data.draw(st.permutations(range(len(inputs))))
    shuffled = encoder.read([inputs[i] for i in order])
    assert [shuffled[k] for k in sorted(range(len(order)), key=order.__getitem__)] == together
    assert [encoder.read([item])[0] for item in inputs[:3]] == together[:3]


def test_identical_texts_are_scored_once_and_share_the_score(monkeypatch):
    seen: list[list[str]] = []

    class Counting:
        name, version = "counting", "1"

        def score(self, texts):
            seen.append(list(texts))
            return [Score(len(text) / 100, 0, False, (), (), self.name, self.version) for text in texts]

    monkeypatch.setattr(scoring, "_REGISTRY", {"counting": lambda definition: Counting()})
    monkeypatch.setattr(scoring, "_CACHE", {})
    scores = score_texts(["RT same words", "other", "RT same words", "other", "third"], scorer="counting")
    assert seen == [["RT same words", "other", "third"]]
    assert scores[0] is scores[2] and scores[1] is scores[3]
    assert [score.value for score in scores] == [0.13, 0.05, 0.13, 0.05, 0.05]
