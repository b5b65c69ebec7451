"""The contextual member: what it reads, and that its per-token shares are exact and batch-independent."""

from __future__ import annotations

import math
import shutil

import pytest

from threadlens.definition import load_definition
from threadlens.errors import ConfigError
from threadlens.scoring import get_scorer
from threadlens.scoring.encoder import ENCODER_DIR, Encoder, encoder_input, load_encoder


@pytest.fixture(scope="module")
def lens():
    return get_scorer("lens", load_definition("default"))


@pytest.fixture(scope="module")
def encoder():
    return load_encoder(ENCODER_DIR.name)


def read(lens, text: str):
    analysis = lens.analyse(text)
    return analysis, encoder_input(analysis.tokens, analysis.omitted)


def test_reads_placeholders_never_names_or_links(lens):
    _, item = read(lens, "@Alice_99 look at https://example.org/x you IDIOT")
    assert item.text == "@user look at http you idiot"
    assert "alice" not in item.text.lower() and "example" not in item.text


def test_quoted_and_reported_words_are_not_read(lens):
    _, item = read(lens, 'He called me a "worthless idiot" in the meeting')
    assert "idiot" not in item.text and "worthless" not in item.text
    assert item.text.split()[0] == "he" and item.text.split()[-1] == "meeting"


def test_negated_words_and_their_negator_become_one_placeholder(lens):
    analysis, item = read(lens, "You are not a loser for asking")
    assert item.text == "you are [omitted] for asking"
    omitted = item.token_index[item.text.split().index("[omitted]")]
    assert analysis.tokens[omitted].norm == "not"


def test_omitted_words_are_shown_as_such_in_the_evidence(lens):
    score = lens.score(["You are not a loser for asking"])[0]
    assert not score.hostile
    assert any(e.name == "negated, so not counted" and e.text == "loser" for e in score.evidence)
    assert not any(e.kind == "model" and e.text == "loser" for e in score.evidence)


def test_token_starts_point_at_their_tokens(lens):
    analysis, item = read(lens, "you are SO stupid!!! @bob")
    for index, start in zip(item.token_index, item.token_start, strict=True):
        form = item.text[start:].split(" ")[0]
        norm = analysis.tokens[index].norm
        assert form in {norm, "[omitted]"} or (norm.startswith("<") and form in {"@user", "http"})


def test_shares_cover_only_read_tokens_and_are_batch_independent(lens, encoder):
    texts = ["you are a pathetic loser", "thanks, that was really helpful", "@bob go away"]
    items = [read(lens, t)[1] for t in texts]
    together = encoder.read(items)
    for item, reading in zip(items, together, strict=True):
        for head in encoder.heads:
            assert set(reading.shares[head]) <= set(item.token_index)
            total = encoder.bias[head] + math.fsum(reading.shares[head].values())
            assert math.isclose(reading.logits[head], total, abs_tol=1e-9)
        assert encoder.read([item])[0] == reading


def test_handles_do_not_change_the_shares(lens, encoder):
    first = encoder.read([read(lens, "@alice you are a disgrace")[1]])[0]
    second = encoder.read([read(lens, "@Mohammed_K you are a disgrace")[1]])[0]
    assert first == second


def test_encoder_separates_abuse_from_civility(lens, encoder):
    abusive = ["you are a worthless piece of garbage", "shut up you pathetic moron"]
    civil = ["thanks for sharing, have a lovely day", "I think the meeting is on Tuesday"]
    logits = [r.logits["hostile"] for r in encoder.read([read(lens, t)[1] for t in abusive + civil])]
    assert min(logits[:2]) > max(logits[2:])


def test_neutral_words_carry_almost_nothing_the_hostile_ones_carry_the_score(lens, encoder):
    """Trained on the toxic spans people marked: function words and neutral context get next to no share."""
    analysis, item = read(lens, "thanks for the update on the meeting, you pathetic lying clown")
    shares = encoder.read([item])[0].shares["hostile"]
    by_word = {analysis.tokens[i].norm: v for i, v in shares.items()}
    hostile = sum(by_word[w] for w in ("pathetic", "lying", "clown"))
    neutral = sum(abs(by_word[w]) for w in ("thanks", "for", "the", "update", "on", "meeting"))
    assert hostile > 3 * neutral


def test_scorer_evidence_carries_encoder_shares(lens):
    score = lens.score(["you are a worthless piece of garbage"])[0]
    assert lens.encoder is not None and "+encoder-" in score.version and "weights sha256:" in score.version
    model = [e for e in score.evidence if e.kind == "model"]
    assert any(e.text == "garbage" and e.contribution > 0 for e in model)
    assert math.isclose(math.fsum(e.contribution for e in score.evidence), score.value, abs_tol=1e-9)


def test_corrupt_weights_give_a_clear_error(tmp_path):
    shutil.copytree(ENCODER_DIR, tmp_path / "encoder")
    (tmp_path / "encoder" / "encoder-int8.onnx").write_bytes(b"not a model")
    with pytest.raises(ConfigError, match="encoder weights missing or unreadable"):
        Encoder(tmp_path / "encoder")
