"""What asking which readings a finding rests on costs, beside the analysis without it.

A case of 1,000 messages written with the judgement suites' texts and scored by the real scorer (not timed), in
two shapes: one reply tree, and twenty conversations of fifty. About one message in six is hostile, replies
answer hostile messages in kind often enough for reactions and chains, and one in twenty accuses someone.
Prints the CPU time of ``analyse`` with and without the readings to check (the least of fifteen interleaved
runs; CPU time, so that other work on the machine does not count) and their ratio (the goal: at most 2).
Asserts nothing::

    python benchmarks/readings_bench.py [--messages 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

from threadlens.analysis import analyse
from threadlens.definition import load_definition
from threadlens.model import Message, Source
from threadlens.scoring import score_messages
from threadlens.thread import build_graph

START = datetime(2025, 5, 1, 20, tzinfo=UTC)
AUTHORS = [f"member{n}" for n in range(12)]
SUITES = Path(__file__).resolve().parent / "suites"


def texts() -> tuple[list[str], list[str]]:
    """Civil and hostile texts of the judgement suites, to write the case's messages with."""
    with (SUITES / "phenomena.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    civil = [row["text"] for row in rows if row["expected"] == "civil"]
    hostile = [row["text"] for row in rows if row["expected"] == "hostile"]
    for path in sorted((SUITES / "disputes").glob("*.jsonl")):
        civil += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return civil, hostile


def case(messages: int, conversations: int, seed: int) -> list[Message]:
    """``messages`` messages in ``conversations`` reply trees; about one in six hostile, replies to hostile
    messages often hostile too (so that there are reactions and chains), some accusations."""
    rng = random.Random(seed)
    civil, hostile = texts()
    accusing = ["That is abuse and I have reported it.", "Everyone can see how you talk to members. Reported."]
    found: list[Message] = []
    rough: set[str] = set()
    per = messages // conversations
    for tree in range(conversations):
        ids: list[str] = []
        for index in range(per):
            key = f"generic:{tree}-{index}"
            parent = rng.choice(ids[-30:]) if ids else None
            answer = parent in rough and rng.random() < 0.5
            text = rng.choice(hostile) if answer or rng.random() < 0.12 else rng.choice(civil)
            if parent is not None and not answer and rng.random() < 0.05:
                text = rng.choice(accusing)
            if text in hostile:
                rough.add(key)
            found.append(
                Message(
                    key,
                    "generic",
                    f"generic:{rng.choice(AUTHORS)}",
                    "member",
                    START + timedelta(minutes=tree * per + index),
                    text,
                    reply_to=parent,
                    sources=(Source("bench.jsonl", f"line {len(found) + 1}", "0" * 64, "jsonl"),),
                )
            )
            ids.append(key)
    return found


def least_seconds(runs: dict[str, Callable[[], object]], repeat: int = 15) -> dict[str, float]:
    """The least CPU time of each run over ``repeat`` rounds, the runs interleaved so that load hits them alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.process_time()
            run()
            times[name].append(time.process_time() - started)
    return {name: min(found) for name, found in times.items()}


def without_readings(graph, scores, definition):
    """``analyse`` with the readings to check left out (each conversation then lists none)."""
    with patch(
        "threadlens.analysis.readings_to_check",
        lambda thread, *_: dict.fromkeys(thread.graph.conversations(), ((), True)),
    ):
        return analyse(graph, scores, definition)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    definition = load_definition()
    for conversations in (1, 20):
        messages = case(args.messages, conversations, args.seed)
        graph = build_graph(messages)
        scores = score_messages(graph.messages(), definition=definition)
        least = least_seconds(
            {
                "with": lambda graph=graph, scores=scores: analyse(graph, scores, definition),
                "without": lambda graph=graph, scores=scores: without_readings(graph, scores, definition),
            }
        )
        findings = analyse(graph, scores, definition)
        listed = sum(len(c.readings_to_check) for c in findings.conversations)
        standing = sum(c.stands_however_read for c in findings.conversations)
        print(
            f"{len(messages)} messages in {conversations} conversation(s), {len(findings.chains)} chains: analyse "
            f"{least['with'] * 1000:.0f} ms, without the readings to check {least['without'] * 1000:.0f} ms, ratio "
            f"{least['with'] / least['without']:.2f} (goal <= 2); {listed} readings listed, {standing} conversation(s) "
            "standing"
        )


if __name__ == "__main__":
    main()
