"""Scoring throughput: batched against one text at a time, on distinct tweets and Reddit comments.

    nice .venv/bin/python benchmarks/score_bench.py [--n 10000]

Texts are distinct tweets (Davidson, OLID) and Reddit comments (CAD) from ../shared/data/hostility, half
each, shuffled with a fixed seed; nothing is measured when that folder is absent. ``score_texts`` is timed
on the whole list (texts batched by length) and on one text per call (the encoder runs each text alone),
and on the list shuffled; every text's score must be the same in all three. Prints wall and CPU seconds
(CPU counts every thread: on a busy machine it is the steadier figure), messages per second and the ratio,
then alt-profanity-check on the same texts when it is installed.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "hostility"


def load_texts(n: int) -> list[str]:
    """``n`` distinct texts, half tweets and half Reddit comments (fewer when the corpora hold fewer)."""
    from threadlens.scoring.datasets import read_cad, read_davidson, read_olid

    rng = random.Random(23)
    tweets = list(dict.fromkeys(read_davidson(DATA)["text"].tolist() + read_olid(DATA)["text"].tolist()))
    seen = set(tweets)
    reddit = [text for text in dict.fromkeys(read_cad(DATA)["text"].tolist()) if text not in seen]
    rng.shuffle(tweets)
    rng.shuffle(reddit)
    texts = tweets[: n - min(n // 2, len(reddit))] + reddit[: n // 2]
    rng.shuffle(texts)
    return texts


def timed(label: str, function: Callable[[], list], count: int) -> tuple[list, float]:
    """Run ``function``, print its wall and CPU time; its result and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:34s} {count:6d} texts: wall {wall:7.1f} s = {count / wall:6.0f} msgs/s; CPU {cpu:7.1f} s")
    return result, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} is absent: nothing measured")
        return
    from threadlens.scoring import score_texts

    texts = load_texts(args.n)
    pieces = sorted(len(text.split()) for text in texts)
    print(f"{len(texts)} distinct texts, words per text: median {pieces[len(pieces) // 2]}, max {pieces[-1]}")
    score_texts(texts[:10])  # load the scorer before timing
    batched, batched_cpu = timed("lens, batched", lambda: score_texts(texts), len(texts))
    alone, alone_cpu = timed("lens, one text per call", lambda: [score_texts([t])[0] for t in texts], len(texts))
    order = list(range(len(texts)))
    random.Random(5).shuffle(order)
    shuffled, _ = timed("lens, batched, shuffled", lambda: score_texts([texts[i] for i in order]), len(texts))
    print(f"batched / one per call: {alone_cpu / batched_cpu:.2f}x less CPU")
    same = batched == alone and all(shuffled[k] == batched[i] for k, i in enumerate(order))
    print("every score identical batched, alone and shuffled:", same)
    try:
        from profanity_check import predict_prob
    except ImportError:
        print("alt-profanity-check not installed")
        return
    predict_prob(texts[:10])
    timed("alt-profanity-check", lambda: list(predict_prob(texts)), len(texts))


if __name__ == "__main__":
    main()
