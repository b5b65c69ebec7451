"""What asking which readings a finding rests on costs, beside the analysis without it.

A case of 1,000 messages written with the judgement suites' texts and scored by the real scorer (not timed), in
two shapes: one reply tree, and twenty conversations of fifty. About one message in six is hostile, replies
answer hostile messages in kind often enough for reactions and chains, and one in twenty accuses someone.
Prints the CPU time of ``analyse`` (the least of nine; CPU time, so that other work on the machine does not
count), the part of it spent on the readings to check, and the ratio of the whole to the analysis without
them (the goal: at most 2). Asserts nothing::

    python benchmarks/readings_bench.py [--messages 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from threadlens.analysis import analyse, load_context_rules, load_rules
from threadlens.analysis.chains import find_chains, find_reactions
from threadlens.analysis.escalation import escalation_events
from threadlens.analysis.readings import readings_to_check
from threadlens.analysis.structure import ScoredThread
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


def least_seconds(run, repeat: int = 9) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    definition = load_definition()
    rules = load_rules(definition)
    for conversations in (1, 20):
        messages = case(args.messages, conversations, args.seed)
        graph = build_graph(messages)
        scores = score_messages(graph.messages(), definition=definition)
        whole = least_seconds(lambda graph=graph, scores=scores: analyse(graph, scores, definition))
        thread = ScoredThread(graph, scores, load_context_rules(definition))
        events = escalation_events(thread, rules)
        reactions = find_reactions(thread, events, rules)
        chains = find_chains(thread, reactions, rules)
        found = (thread, rules, events, reactions, chains)
        part = least_seconds(lambda found=found: readings_to_check(*found))
        findings = analyse(graph, scores, definition)
        listed = sum(len(c.readings_to_check) for c in findings.conversations)
        standing = sum(c.stands_however_read for c in findings.conversations)
        print(
            f"{len(messages)} messages in {conversations} conversation(s), {len(events)} escalations, "
            f"{len(reactions)} reactions, {len(chains)} chains: analyse {whole * 1000:.0f} ms, of which readings to "
            f"check {part * 1000:.0f} ms; ratio to analyse without them {whole / max(whole - part, 1e-9):.2f} "
            f"(goal <= 2); {listed} readings listed, {standing} conversation(s) standing"
        )


if __name__ == "__main__":
    main()
