"""Ingest benchmark: read + graph of 1M messages, as generic JSONL and as X API v2 pages, in two shapes.

Shapes: ``conversations`` (many small conversations of 50 messages) and ``tree`` (the whole input is one
large reply tree). Generates the inputs into a temporary folder, then measures each format and shape in a
fresh process (so each peak RSS is its own): the time of ``read_inputs`` (sniffing, parsing, merging) and
of ``build_graph``, the CPU seconds of both (steadier than wall time on a busy machine) and the peak
resident memory, printed beside the goal: <= 15 s and <= 3 GB each.

    nice .venv/bin/python benchmarks/ingest_bench.py [--messages 1000000] [--formats jsonl x-api-v2]
        [--shapes conversations tree] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

CONVERSATION_SIZE = 50
AUTHORS = 20_000
PAGE_SIZE = 100
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
WORDS = (
    "the",
    "branch",
    "meeting",
    "motion",
    "vote",
    "members",
    "council",
    "ward",
    "party",
    "minutes",
    "agenda",
    "rent",
    "transport",
    "survey",
    "consultation",
    "shortlist",
    "selection",
    "honestly",
    "disagree",
    "agree",
)
FILES = {"jsonl": "messages.jsonl", "x-api-v2": "search-pages.jsonl"}
SHAPES = ("conversations", "tree")
GOAL_S, GOAL_MB = 15, 3072


def synthetic_thread(count: int, shape: str = "conversations", seed: int = 7) -> Iterator[dict]:
    """``count`` messages in conversations of 50 (``shape="tree"``: one conversation of ``count``), each
    message a reply to an earlier one of its conversation, with 0.5% of parents absent from the data
    and 1% quotes of earlier messages (of other conversations where there are others)."""
    rng = random.Random(seed)
    base = 2_011_000_000_000_000_000
    size = count if shape == "tree" else CONVERSATION_SIZE
    for index in range(count):
        first = index - index % size
        reply_to = None
        if index != first:
            reply_to = base + rng.randrange(first, index)
            if rng.random() < 0.005:
                reply_to = base - index  # a parent that is not in the data
        quotable = index if shape == "tree" else first
        quote_of = base + rng.randrange(0, quotable) if quotable and rng.random() < 0.01 else None
        yield {
            "id": base + index,
            "conversation_id": base + first,
            "reply_to": reply_to,
            "quote_of": quote_of,
            "author": rng.randrange(AUTHORS),
            "created_at": START + timedelta(seconds=index * 3),
            "text": " ".join(rng.choices(WORDS, k=rng.randrange(6, 24))),
        }


def write_jsonl(path: Path, count: int, shape: str) -> None:
    """Generic JSONL: one message per line with the documented columns."""
    with path.open("w", encoding="utf-8") as out:
        for m in synthetic_thread(count, shape):
            out.write(
                json.dumps(
                    {
                        "id": str(m["id"]),
                        "reply_to": None if m["reply_to"] is None else str(m["reply_to"]),
                        "quote_of": None if m["quote_of"] is None else str(m["quote_of"]),
                        "platform": "x",
                        "conversation_id": str(m["conversation_id"]),
                        "author": f"user{m['author']}",
                        "created_at": m["created_at"].isoformat().replace("+00:00", "Z"),
                        "text": m["text"],
                    }
                )
                + "\n"
            )


def write_x_api_v2(path: Path, count: int, shape: str) -> None:
    """twarc2-style JSONL: one search page of 100 tweets per line, with ``includes.users``."""
    page: list[dict] = []
    with path.open("w", encoding="utf-8") as out:
        for m in synthetic_thread(count, shape):
            tweet = {
                "id": str(m["id"]),
                "text": m["text"],
                "author_id": str(1_000_000 + m["author"]),
                "created_at": m["created_at"].strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "conversation_id": str(m["conversation_id"]),
                "edit_history_tweet_ids": [str(m["id"])],
                "lang": "en",
            }
            references = [("replied_to", m["reply_to"]), ("quoted", m["quote_of"])]
            if any(target for _, target in references):
                tweet["referenced_tweets"] = [{"type": kind, "id": str(t)} for kind, t in references if t]
            page.append(tweet)
            if len(page) == PAGE_SIZE:
                out.write(_page(page) + "\n")
                page = []
        if page:
            out.write(_page(page) + "\n")


def _page(tweets: list[dict]) -> str:
    users = sorted({t["author_id"] for t in tweets})
    return json.dumps(
        {
            "data": tweets,
            "includes": {"users": [{"id": u, "name": f"User {u}", "username": f"user{u}"} for u in users]},
            "meta": {"result_count": len(tweets), "newest_id": tweets[-1]["id"], "oldest_id": tweets[0]["id"]},
        }
    )


def measure(format: str, shape: str, path: Path) -> dict:
    """Read and graph one input in this process; the timings and this process's peak RSS."""
    from threadlens.ingest import read_inputs
    from threadlens.thread import build_graph

    cpu_started = _cpu_s()
    started = time.perf_counter()
    result = read_inputs([path], format="auto")
    read_s = time.perf_counter() - started
    graph = build_graph(result.messages)
    graph_s = time.perf_counter() - started - read_s
    return {
        "format": format,
        "shape": shape,
        "detected": result.inputs[0].format,
        "messages": len(result.messages),
        "nodes": graph.graph.number_of_nodes(),
        "edges": graph.graph.number_of_edges(),
        "conversations": len(graph.conversations()),
        "problems": len(result.problems),
        "read_s": round(read_s, 2),
        "graph_s": round(graph_s, 2),
        "total_s": round(read_s + graph_s, 2),
        "cpu_s": round(_cpu_s() - cpu_started, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _cpu_s() -> float:
    """CPU seconds this process has used: beside wall time, a figure other work on the machine barely moves."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--formats", nargs="+", default=list(FILES), choices=list(FILES))
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    parser.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    parser.add_argument("--measure", nargs=3, metavar=("FORMAT", "SHAPE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], args.measure[1], Path(args.measure[2]))))
        return

    with tempfile.TemporaryDirectory(prefix="threadlens-bench-") as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        writers = {"jsonl": write_jsonl, "x-api-v2": write_x_api_v2}
        print(f"{args.messages:,} messages per format and shape; inputs in {folder}")
        rows = []
        for shape in args.shapes:
            for format in args.formats:
                path = folder / f"{shape}-{FILES[format]}"
                started = time.perf_counter()
                writers[format](path, args.messages, shape)
                print(
                    f"  generated {path.name}: {path.stat().st_size / 1e6:,.0f} MB in "
                    f"{time.perf_counter() - started:.1f} s"
                )
                child = subprocess.run(
                    [sys.executable, __file__, "--measure", format, shape, str(path)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if child.returncode:
                    print(f"  {format} {shape}: failed\n{child.stderr}", file=sys.stderr)
                    continue
                rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
    columns = (
        "format",
        "shape",
        "detected",
        "messages",
        "nodes",
        "edges",
        "conversations",
        "problems",
        "read_s",
        "graph_s",
        "total_s",
        "cpu_s",
        "peak_rss_mb",
    )
    print("\n" + " | ".join(columns) + " | goal")
    for row in rows:
        verdict = "meets" if row["total_s"] <= GOAL_S and row["peak_rss_mb"] <= GOAL_MB else "MISSES"
        print(" | ".join(str(row[c]) for c in columns) + f" | <= {GOAL_S} s, <= {GOAL_MB} MB: {verdict}")


if __name__ == "__main__":
    main()
