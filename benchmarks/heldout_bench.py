"""Held-out accuracy of the scorer on our split of every shared corpus, beside alt-profanity-check.

    .venv/bin/python scripts/train_scorer.py --write-split /tmp/split   # writes the held-out test files
    nice .venv/bin/python benchmarks/heldout_bench.py /tmp/split

Prints, per held-out file: ROC-AUC of the value (lens and alt-profanity-check) and the false alarms (the share
of the file's non-offensive texts read at the hostile level, rude or above), and for Toxic Spans the
highlighted spans' mean per-post F1 with micro precision and recall; then the share of the non-hostile
tweets (OLID, Davidson) the scorer calls civil that show no highlighted span. ``--only olid,cad`` measures
those files alone. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from threadlens.definition import load_definition
from threadlens.scoring import score_texts
from threadlens.scoring.evaluate import roc_auc, span_f1, span_offsets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("split", type=Path, help="the folder written by train_scorer.py --write-split")
    parser.add_argument("--only", default="", help="comma-separated file names (e.g. olid,toxichat); all when empty")
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}
    hostile_level = int(load_definition().section("thresholds")["hostile_level"])
    try:
        from profanity_check import predict_prob
    except ImportError:
        predict_prob = None
    civil_tweets = civil_without_spans = 0
    for path in sorted(args.split.glob("test-*.csv")):
        name = path.stem.removeprefix("test-")
        if only and name not in only:
            continue
        frame = pd.read_csv(path, keep_default_na=False)
        texts = frame["text"].astype(str).tolist()
        scores = score_texts(texts)
        if name == "toxic-spans":
            gold = [json.loads(s) for s in frame["spans"]]
            f1, precision, recall = span_f1(gold, [span_offsets(s.spans) for s in scores])
            print(
                f"{name:14s} n={len(texts):5d}  span F1 {f1:.4f} (micro precision {precision:.3f}, "
                f"recall {recall:.3f})",
                flush=True,
            )
            continue
        labels = frame["label"].astype(int).tolist()
        ours = roc_auc(labels, [s.value for s in scores])
        theirs = roc_auc(labels, list(predict_prob(texts))) if predict_prob else None
        baseline = f"  alt-profanity-check {theirs:.4f}" if theirs is not None else ""
        benign = [s.level >= hostile_level for s, y in zip(scores, labels, strict=True) if not y]
        alarms = f"  false alarms {sum(benign) / len(benign):.3f} of {len(benign)}" if benign else ""
        print(f"{name:14s} n={len(texts):5d}  lens ROC-AUC {ours:.4f}{baseline}{alarms}", flush=True)
        if name in ("olid", "davidson"):
            civil = [s for s, y in zip(scores, labels, strict=True) if not y and s.level == 0]
            civil_tweets += len(civil)
            civil_without_spans += sum(not s.spans for s in civil)
    if civil_tweets:
        print(
            f"non-hostile tweets scored civil: {civil_tweets}, with no highlighted span: "
            f"{civil_without_spans / civil_tweets:.3f}"
        )


if __name__ == "__main__":
    main()
