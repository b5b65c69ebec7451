"""Train the "lens" scorer's classifier and calibration, and print held-out accuracy.

Usage (about two minutes on one core)::

    nice .venv/bin/python scripts/train_scorer.py [--data ../shared/data] [--write-split /tmp/split]

``--write-split`` also writes the held-out test part of each corpus (and ToxiChat dev) as CSV files
outside the repository, for ``threadlens eval FILE --label-column label``.

What it does:

1. Reads every corpus of ``threadlens.scoring.datasets`` and splits them 80/10/10 into train/dev/test,
   stratified by corpus and label with a fixed seed (``threadlens.scoring.datasets.split``). ToxiChat's own
   dev file and CAD's dev file are kept apart as further test sets. Toxic Spans (toxic posts only) trains
   the encoder's spans and is measured with ``threadlens eval-spans``; it is left out of the word model
   and the calibration, where a corpus of positives only would tilt the baseline.
2. Normalises every text exactly as the scorer does (handles, URLs, identity, faction and name terms
   masked; quoted and negated words removed) and trains spaCy's ``TextCatBOW`` (words and word pairs,
   sigmoid output) on the training part.
3. Reads the learnt weights back as an explicit table by probing the model with one-word and two-word
   documents (the model is linear in its n-gram counts), so each token's share of the log-odds is exact.
4. Reads alt-profanity-check's word weights (SVM weight x IDF, when it is installed) as a second,
   "prior" member of the ensemble: it was trained on a larger and more varied corpus and generalises
   better to new sources (``--no-prior`` leaves it out).
5. Runs the fine-tuned encoder (``scripts/train_encoder.py``, shipped in ``weights/encoder/``) as a third,
   contextual member (``--no-encoder`` leaves it out).
6. Fits the calibration on the dev part: sigmoid(scale x word model log-odds + prior scale x prior's
   decision + rule scale x lexicon and rule weights of the default definition + encoder scale x encoder
   log-odds + offset), by log-loss.
7. Writes ``threadlens/scoring/weights/lens-bow.json.gz`` and prints ROC-AUC per held-out set, beside
   alt-profanity-check.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
from collections import Counter
from pathlib import Path

import numpy as np
import spacy
from sklearn.metrics import roc_auc_score
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import minibatch

from threadlens.definition import load_definition
from threadlens.scoring.classifier import WEIGHTS_DIR, BagOfWords, save_weights
from threadlens.scoring.datasets import draw_rows, read_all, read_cad, read_toxichat, split
from threadlens.scoring.encoder import ENCODER_DIR, Encoder, encoder_input
from threadlens.scoring.lens import LensScorer, encoder_shares

ROOT = Path(__file__).resolve().parent.parent
VERSION = "1.0"


def model_words(
    scorer: LensScorer, texts: list[str], encoder: Encoder | None
) -> tuple[list[list[str]], list[float], list[float]]:
    """The word model's input words of each text, the lexicon and rule log-odds beside them, and the
    encoder's log-odds (0 without an encoder)."""
    words, rule_logits, analyses = [], [], []
    for text in texts:
        analysis = scorer.analyse(text)
        words.append([analysis.tokens[i].norm for i in analysis.model_tokens])
        rule_logits.append(math.fsum(t.logit for t in analysis.terms))
        analyses.append(analysis)
    if encoder is None:
        return words, rule_logits, [0.0] * len(texts)
    readings = encoder.read([encoder_input(a.tokens, a.omitted) for a in analyses])
    encoded = [
        encoder.bias["hostile"] + math.fsum(encoder_shares(a, r).values())
        for a, r in zip(analyses, readings, strict=True)
    ]
    return words, rule_logits, encoded


def train_textcat(
    words: list[list[str]], labels: list[int], epochs: int, seed: int, learn_rate: float
) -> spacy.language.Language:
    """spaCy TextCatBOW over words and word pairs, one sigmoid output "HOSTILE"."""
    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("en")
    config = {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": False,
        "ngram_size": 2,
        "no_output_layer": False,
        "length": 1 << 20,
    }
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": config})
    textcat.add_label("HOSTILE")
    examples = [
        Example.from_dict(Doc(nlp.vocab, words=w), {"cats": {"HOSTILE": float(y)}})
        for w, y in zip(words, labels, strict=True)
        if w
    ]
    optimizer = nlp.initialize(lambda: examples[:200])
    optimizer.learn_rate = learn_rate
    optimizer.L2 = 1e-6
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=32):
            nlp.update(batch, sgd=optimizer, losses=losses, drop=0.0)
        print(f"epoch {epoch + 1}: loss {losses['textcat_multilabel']:.1f}")
    return nlp


def logits(nlp: spacy.language.Language, docs: list[list[str]]) -> np.ndarray:
    """The model's log-odds for documents given as word lists."""
    model = nlp.get_pipe("textcat_multilabel").model
    out = []
    for start in range(0, len(docs), 4096):
        batch = [Doc(nlp.vocab, words=w) for w in docs[start : start + 4096]]
        p = np.asarray(model.predict(batch), dtype=np.float64)[:, 0].clip(1e-12, 1 - 1e-12)
        out.append(np.log(p / (1 - p)))
    return np.concatenate(out)


def extract(nlp: spacy.language.Language, words: list[list[str]], min_count: int) -> tuple[float, dict, dict]:
    """Bias, word and word-pair weights read back from the trained model by probing."""
    unigram_counts = Counter(w for doc in words for w in doc)
    bigram_counts = Counter((a, b) for doc in words for a, b in itertools.pairwise(doc))
    vocab = sorted(w for w, c in unigram_counts.items() if c >= min_count)
    pairs = sorted(p for p, c in bigram_counts.items() if c >= min_count)
    # spaCy cannot score an empty document: the bias is the median log-odds of unseen words, whose
    # hashed slots are empty (or hold a tiny collision weight).
    bias = float(np.median(logits(nlp, [[f"<unseen-{i}>"] for i in range(15)])))
    uni = logits(nlp, [[w] for w in vocab]) - bias
    unigrams = {w: round(float(v), 4) for w, v in zip(vocab, uni, strict=True) if abs(v) >= 0.005}
    pair_logits = logits(nlp, [list(p) for p in pairs]) - bias
    bigrams = {}
    for (a, b), value in zip(pairs, pair_logits, strict=True):
        weight = float(value) - unigrams.get(a, 0.0) - unigrams.get(b, 0.0)
        if abs(weight) >= 0.02:
            bigrams[f"{a} {b}"] = round(weight, 4)
    return bias, unigrams, bigrams


def calibrate(inputs: np.ndarray, labels: np.ndarray, with_prior: bool, with_encoder: bool) -> list[float]:
    """Platt scaling of the four parts: fits scale, prior scale, rule scale, encoder scale and offset of
    sigmoid(scale x word model + prior_scale x prior + rule_scale x (lexicon + rules) + encoder_scale x
    encoder + offset) by log-loss. The rule scale is kept at least 0.5 so the definition's weights keep
    their written force."""
    from scipy.optimize import minimize

    used = np.array([1.0, float(with_prior), 1.0, float(with_encoder)])

    def loss(params: np.ndarray) -> float:
        scales = params[:4] * used
        scales[2] = max(scales[2], 0.5)
        z = inputs @ scales + params[4]
        return float(np.mean(np.logaddexp(0, z) - labels * z))

    start = np.array([1.0, 1.0, 1.0, 1.0, 0.0])
    fitted = minimize(loss, start, method="Nelder-Mead", options={"maxiter": 8000, "maxfev": 8000})
    scales = [float(v) for v in fitted.x[:4] * used]
    scales[2] = max(scales[2], 0.5)
    return [*scales, float(fitted.x[4])]


def profanity_check_prior() -> dict[str, list[float]]:
    """alt-profanity-check's words with [mean SVM weight x IDF, IDF], or {} when it is not installed."""
    try:
        from profanity_check import profanity_check as package
    except ImportError:
        return {}
    coef = np.mean([c.estimator.coef_[0] for c in package.model.calibrated_classifiers_], axis=0)
    idf = package.vectorizer.idf_
    return {
        word: [round(float(coef[i] * idf[i]), 5), round(float(idf[i]), 5)]
        for word, i in package.vectorizer.vocabulary_.items()
        if abs(coef[i] * idf[i]) >= 1e-3
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--learn-rate", type=float, default=0.003)
    parser.add_argument("--no-prior", action="store_true", help="leave out alt-profanity-check's word weights")
    parser.add_argument("--no-encoder", action="store_true", help="leave out the fine-tuned encoder")
    parser.add_argument("--write-split", type=Path, help="also write the held-out test part per corpus here (CSV)")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR / "lens-bow.json.gz")
    args = parser.parse_args()

    hostility = args.data / "hostility"
    toxichat = args.data / "threads" / "toxichat"
    parts = split(read_all(args.data))
    parts["toxichat-dev"] = read_toxichat(toxichat / "dev.jsonl")
    parts["cad-dev"] = read_cad(hostility, "cad_v1_1_dev.tsv")
    extra = ("toxichat-dev", "cad-dev")
    if args.write_split:
        args.write_split.mkdir(parents=True, exist_ok=True)
        for source, part in [*parts["test"].groupby("source"), *((name, parts[name]) for name in extra)]:
            part.to_csv(args.write_split / f"test-{source}.csv", index=False)
    for name in ("train", "dev"):
        parts[name] = parts[name][parts[name]["source"] != "toxic-spans"].reset_index(drop=True)

    definition = load_definition("default")
    untrained = BagOfWords(VERSION, 0.0, {}, {}, 1.0, 0.0, {})
    scorer = LensScorer(definition, untrained)
    encoder = None if args.no_encoder else Encoder(ENCODER_DIR)
    # the encoder's log-odds are needed only where the calibration is fitted and measured
    features = {
        name: model_words(scorer, part["text"].tolist(), None if name == "train" else encoder)
        for name, part in parts.items()
    }

    train_words = features["train"][0]
    # Sources are weighed (datasets.SOURCE_WEIGHTS) so that no one corpus's idea of "offensive" dominates.
    chosen = draw_rows(parts["train"], random.Random(args.seed))
    labels = parts["train"]["label"].tolist()
    nlp = train_textcat(
        [train_words[i] for i in chosen], [labels[i] for i in chosen], args.epochs, args.seed, args.learn_rate
    )
    bias, unigrams, bigrams = extract(nlp, train_words, args.min_count)
    print(f"weights: {len(unigrams)} words, {len(bigrams)} pairs, bias {bias:.3f}")

    prior = {} if args.no_prior else profanity_check_prior()
    table = BagOfWords(VERSION, bias, unigrams, bigrams, 1.0, 0.0, {}, prior, 0.0)

    def raw_inputs(name: str) -> np.ndarray:
        """Per text: bias + word model log-odds, the prior's decision, the lexicon and rule log-odds and
        the encoder's log-odds."""
        words, rule_logits, encoded = features[name]
        return np.array(
            [
                [bias + math.fsum(table.token_logits(w)), math.fsum(table.prior_shares(w)), r, e]
                for w, r, e in zip(words, rule_logits, encoded, strict=True)
            ]
        )

    dev_labels = parts["dev"]["label"].to_numpy()
    fitted = calibrate(raw_inputs("dev"), dev_labels, bool(prior), encoder is not None)
    scale, prior_scale, rule_scale, encoder_scale, offset = fitted
    print(
        f"calibration: scale {scale:.4f}, prior {prior_scale:.4f}, rules {rule_scale:.4f}, "
        f"encoder {encoder_scale:.4f}, offset {offset:.4f}"
    )
    info = {
        "trained_on": "davidson, olid-train, toxichat-train, cad, dynahate, sbic, implicit-hate, ghc (80% split)",
        "split_seed": "see datasets.py",
        "epochs": args.epochs,
    }
    # The encoder's bias is constant, so it moves into the offset; its tokens carry the rest.
    final = BagOfWords(
        VERSION,
        bias,
        unigrams,
        bigrams,
        scale,
        offset + (encoder_scale * encoder.bias["hostile"] if encoder else 0.0),
        info,
        prior,
        prior_scale,
        rule_scale,
        f"{ENCODER_DIR.name}@{encoder.version}" if encoder else "",
        encoder_scale,
    )
    save_weights(args.out, final)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")

    from profanity_check import predict_prob

    for name in ("test", *extra):
        part = parts[name]
        inputs = raw_inputs(name)
        ours = inputs @ np.array(fitted[:4])
        theirs = predict_prob(part["text"].tolist())
        for source in sorted(part["source"].unique()):
            mask = (part["source"] == source).to_numpy()
            y = part["label"].to_numpy()[mask]
            print(
                f"{name:13s} {source:9s} n={mask.sum():5d}  lens ROC-AUC {roc_auc_score(y, ours[mask]):.4f}"
                f"  profanity-check {roc_auc_score(y, theirs[mask]):.4f}"
            )


if __name__ == "__main__":
    main()
