"""The trained classifier: a bag of words and word pairs whose weights were learnt with spaCy's
TextCatBOW (see ``scripts/train_scorer.py``) and read back as an explicit table, so that every token's
share of the classifier's log-odds is known exactly.

A second member, the "prior", is a word-level linear model transferred from alt-profanity-check
(MIT licence; trained on a larger, more varied corpus): per word its SVM weight times IDF, scored as
TF-IDF with L2 normalisation, so each token's share of its decision is also exact. A third, contextual member
is the fine-tuned encoder of ``encoder.py``. How much each member counts is fitted with the calibration."""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from threadlens.errors import ConfigError
from threadlens.scoring.normalise import MASKS, Token

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


@dataclass(frozen=True)
class BagOfWords:
    """Log-odds weights of words and adjacent word pairs, a bias, and the Platt calibration (a, c)."""

    version: str
    bias: float
    unigrams: dict[str, float]
    bigrams: dict[str, float]
    scale: float
    offset: float
    info: dict
    prior: dict[str, list[float]] = field(default_factory=dict)  # word -> [svm weight x idf, idf]
    prior_scale: float = 0.0
    rule_scale: float = 1.0  # calibrated multiplier of the definition's lexicon and rule weights
    encoder: str = ""  # "folder@version" of the contextual member calibrated with these weights, if any
    encoder_scale: float = 0.0  # calibrated multiplier of the encoder's log-odds (its bias is in ``offset``)

    def token_logits(self, words: Sequence[str]) -> list[float]:
        """Each word's share of the log-odds before calibration: its own weight plus half of each pair it
        is part of, plus its share of the prior's decision (in the same units)."""
        shares = [self.unigrams.get(word, 0.0) for word in words]
        for i in range(len(words) - 1):
            pair = self.bigrams.get(words[i] + " " + words[i + 1])
            if pair:
                shares[i] += pair / 2
                shares[i + 1] += pair / 2
        if self.prior_scale:
            for i, share in enumerate(self.prior_shares(words)):
                shares[i] += share * self.prior_scale / self.scale
        return shares

    def prior_shares(self, words: Sequence[str]) -> list[float]:
        """Each word's share of the prior's decision: weight x IDF x count / L2 norm of the TF-IDF vector."""
        counts: dict[str, int] = {}
        for word in words:
            if word in self.prior:
                counts[word] = counts.get(word, 0) + 1
        if not counts:
            return [0.0] * len(words)
        norm = math.sqrt(sum((self.prior[w][1] * c) ** 2 for w, c in counts.items()))
        return [self.prior[w][0] / norm if w in self.prior else 0.0 for w in words]


def model_inputs(tokens: Sequence[Token], skip: set[int] = frozenset()) -> list[int]:
    """Indices of the tokens the classifier sees: words that are not masks and not ``skip``ped."""
    return [i for i, t in enumerate(tokens) if t.is_word and t.norm not in MASKS and i not in skip]


def save_weights(path: Path, model: BagOfWords) -> None:
    """Write the weights as gzipped JSON (deterministic: sorted keys, no timestamp in the gzip header)."""
    payload = {
        "version": model.version,
        "bias": model.bias,
        "scale": model.scale,
        "offset": model.offset,
        "info": model.info,
        "prior": model.prior,
        "prior_scale": model.prior_scale,
        "rule_scale": model.rule_scale,
        "encoder": model.encoder,
        "encoder_scale": model.encoder_scale,
        "unigrams": model.unigrams,
        "bigrams": model.bigrams,
    }
    data = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as out:
        out.write(data)


def weights_path(name: str) -> Path:
    """The shipped weights file ``name`` (in ``threadlens/scoring/weights/``), or ``name`` as a path."""
    return Path(name) if Path(name).is_file() else WEIGHTS_DIR / name


@lru_cache(maxsize=4)
def load_weights(name: str) -> BagOfWords:
    """The shipped weights file ``name`` (in ``threadlens/scoring/weights/``) or a path."""
    path = weights_path(name)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ConfigError(
            "classifier weights not found", path=str(path), hint="Run scripts/train_scorer.py to create them"
        ) from None
    return BagOfWords(
        version=data["version"],
        bias=data["bias"],
        unigrams=data["unigrams"],
        bigrams=data["bigrams"],
        scale=data["scale"],
        offset=data["offset"],
        info=data.get("info", {}),
        prior=data.get("prior", {}),
        prior_scale=data.get("prior_scale", 0.0),
        rule_scale=data.get("rule_scale", 1.0),
        encoder=data.get("encoder", ""),
        encoder_scale=data.get("encoder_scale", 0.0),
    )
