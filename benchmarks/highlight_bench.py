"""The reports' highlights against the words people marked: the scorer's spans as scored, and as the HTML and PDF
draw them (on whole words, without the function words at their ends).

    .venv/bin/python scripts/train_scorer.py --write-split /tmp/split   # writes the held-out test files
    nice .venv/bin/python benchmarks/highlight_bench.py /tmp/split/test-toxic-spans.csv

Prints, for both, the Toxic Spans task's mean per-post F1 over character offsets with micro precision and
recall (what ``threadlens eval-spans`` prints for the first), and how many posts' highlights the drawing changes.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from threadlens.report.view import highlighted_spans
from threadlens.scoring import score_texts
from threadlens.scoring.evaluate import span_f1, span_offsets

CHUNK = 25  # texts per score_texts call: one call over all 862 posts ran for over an hour on two busy cores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path, help="a CSV with a text and a spans column (Toxic Spans format)")
    args = parser.parse_args()
    frame = pd.read_csv(args.path)
    texts = frame["text"].astype(str).tolist()
    gold = [json.loads(spans) for spans in frame["spans"]]
    scores = [score for start in range(0, len(texts), CHUNK) for score in score_texts(texts[start : start + CHUNK])]
    scored = [span_offsets(score.spans) for score in scores]
    drawn = [span_offsets(highlighted_spans(text, score.spans)) for text, score in zip(texts, scores, strict=True)]
    for name, predicted in (("scored (Score.spans)", scored), ("drawn in the reports", drawn)):
        f1, precision, recall = span_f1(gold, predicted)
        print(f"{name:22} n={len(gold)}  span F1 {f1:.4f}  micro precision {precision:.3f}  recall {recall:.3f}")
    changed = sum(a != b for a, b in zip(scored, drawn, strict=True))
    print(f"highlights changed by drawing them on words: {changed} of {len(gold)} posts")


if __name__ == "__main__":
    main()
