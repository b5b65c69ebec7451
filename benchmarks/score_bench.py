"""Scoring throughput: messages per second on 100,000 tweet-length texts, "lens" beside alt-profanity-check.

    nice .venv/bin/python benchmarks/score_bench.py [--n 100000] [--workers 2]

Texts are the Davidson and OLID tweets from ../shared/data (made distinct with a number when they
are repeated to reach --n), or synthetic sentences when that folder is absent. "lens" is timed in one
process and with --workers processes (each scoring a contiguous slice); the scores of a second run are
checked to be identical.
"""

from __future__ import annotations

import argparse
import random
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "hostility"


def load_texts(n: int) -> list[str]:
    """``n`` tweet-length texts: real tweets when available, else synthetic ones."""
    if DATA.is_dir():
        from threadlens.scoring.datasets import read_davidson, read_olid

        pool = read_davidson(DATA)["text"].tolist() + read_olid(DATA)["text"].tolist()
    else:
        rng = random.Random(1)
        words = [
            "you",
            "are",
            "such",
            "an",
            "idiot",
            "the",
            "council",
            "meeting",
            "was",
            "great",
            "I",
            "will",
            "vote",
            "Labour",
            "Tory",
            "scum",
            "thanks",
        ]
        pool = [" ".join(rng.choices(words, k=rng.randint(5, 25))) for _ in range(5000)]
    # Every text distinct: the encoder reads a repeated text only once, which would flatter it.
    pool = list(dict.fromkeys(pool))
    return [pool[i % len(pool)] + (f" {i // len(pool)}" if i >= len(pool) else "") for i in range(n)]


def _score_values(texts: list[str]) -> list[float]:
    from threadlens.scoring import score_texts

    return [s.value for s in score_texts(texts)]


def timed(label: str, function, texts: list[str]):
    start = time.perf_counter()
    result = function(texts)
    seconds = time.perf_counter() - start
    print(f"{label:32s} {len(texts):7d} texts in {seconds:6.2f} s = {len(texts) / seconds:9.0f} msgs/s")
    return result


def parallel(texts: list[str], workers: int) -> list[float]:
    """Score contiguous slices in ``workers`` processes (order kept)."""
    size = -(-len(texts) // workers)
    with ProcessPoolExecutor(workers) as pool:
        parts = pool.map(_score_values, [texts[i : i + size] for i in range(0, len(texts), size)])
        return [v for part in parts for v in part]


def main() -> None:
    parser = argparse.ArgumentParser(description="Scoring throughput.")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    texts = load_texts(args.n)
    _score_values(texts[:10])  # load the scorer before timing
    first = timed("lens (1 process)", _score_values, texts)
    second = timed(f"lens ({args.workers} processes)", lambda t: parallel(t, args.workers), texts)
    print("identical scores on rerun:", first == second)
    try:
        from profanity_check import predict_prob
    except ImportError:
        print("alt-profanity-check not installed")
        return
    predict_prob(texts[:10])
    timed("alt-profanity-check (1 process)", lambda t: list(predict_prob(t)), texts)


if __name__ == "__main__":
    main()
