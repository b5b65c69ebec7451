"""How long the reports take to write: HTML for 10,000 messages (goal <= 5 s), PDF for 1,000 (goal <= 10 s).

Run from the repository root: ``.venv/bin/python benchmarks/report_bench.py [--html 10000] [--pdf 1000]``.
The case is synthetic (branching Reddit-like threads, scored by hand) so that only report writing is timed.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from threadlens.model import (
    Case,
    Chain,
    ConversationFindings,
    DefinitionRef,
    Escalation,
    Evidence,
    Findings,
    InputFile,
    Message,
    Participant,
    ReadResult,
    Score,
    Source,
)
from threadlens.report.html import write_html
from threadlens.report.pdf import write_pdf
from threadlens.thread import build_graph

WORDS = (
    "council",
    "meeting",
    "vote",
    "budget",
    "housing",
    "tonight",
    "agree",
    "disagree",
    "rabble",
    "dogs",
    "ridiculous",
    "the",
    "you",
    "we",
    "là",
    "Zoë",
)
UNICODE_EVERY = 10  # every tenth message also holds emoji, Arabic and CJK
UNICODE_TEXT = " 😡🔥 هذا إساءة 这是骚扰"
HOSTILE = ("rabble", "dogs", "ridiculous")
THREAD_SIZE = 50


def synthetic_case(count: int, seed: int = 7) -> Case:
    """``count`` messages in threads of 50, replying mostly to recent messages, with levels and evidence."""
    rng = random.Random(seed)
    authors = [f"reddit:user{n}" for n in range(max(5, count // 50))]
    start = datetime(2024, 3, 1, tzinfo=UTC)
    messages: list[Message] = []
    scores: dict[str, Score] = {}
    for number in range(count):
        thread = number // THREAD_SIZE
        first = thread * THREAD_SIZE
        message_id = f"reddit:t1_{number}"
        reply_to = None if number == first else f"reddit:t1_{rng.randint(max(first, number - 5), number - 1)}"
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
        text += UNICODE_TEXT if number % UNICODE_EVERY == 0 else ""
        author = rng.choice(authors)
        messages.append(
            Message(
                id=message_id,
                platform="reddit",
                author_id=author,
                author_name=author.split(":")[1],
                created_at=start + timedelta(hours=thread, minutes=number - first),
                text=text,
                reply_to=reply_to,
                conversation_id=f"reddit:t3_{thread}",
                sources=(Source("bench.jsonl", f"line {number + 1}", "0" * 64, "jsonl"),),
            )
        )
        evidence = tuple(
            Evidence(text.index(word), text.index(word) + len(word), word, "lexicon", word, 0.2, "insult")
            for word in HOSTILE
            if word in text
        )
        level = min(len(evidence) + rng.randint(0, 1), 4)
        scores[message_id] = Score(0.2 * level, level, level >= 2, ("insult",) * bool(evidence), evidence, "bench", "1")
    graph = build_graph(messages)
    by_id = {m.id: m for m in messages}
    conversations = []
    chains = []
    for conversation_id, ids in graph.conversations().items():
        hostile = [i for i in ids if i in scores and scores[i].level >= 3]
        escalation = None
        if hostile:
            m = by_id[hostile[0]]
            escalation = Escalation(
                m.id,
                m.author_id,
                m.created_at,
                scores[m.id].level,
                m.reply_to,
                0,
                scores[m.id].level,
                ("synthetic",),
                0.1,
            )
            if len(hostile) >= 3:
                p, r, a = (by_id[i] for i in hostile[:3])
                chains.append(
                    Chain(
                        p.id,
                        r.id,
                        a.id,
                        (p.author_id, r.author_id, a.author_id),
                        (p.created_at, r.created_at, a.created_at),
                        (60.0, 60.0),
                        "provoker",
                    )
                )
        conversations.append(
            ConversationFindings(
                conversation_id, tuple(ids), escalation, chains=tuple(chains[-1:]) if escalation else ()
            )
        )
    participants = [Participant(a, a.split(":")[1], messages=sum(m.author_id == a for m in messages)) for a in authors]
    findings = Findings(DefinitionRef("default", "a" * 64, "1"), "bench 1", conversations, chains, participants)
    read = ReadResult(messages, [InputFile("bench.jsonl", "0" * 64, "jsonl", count, count)], [])
    return Case(read, graph, scores, findings, options={"format": "jsonl"})


def timed(label: str, write, case: Case, target: Path, goal: float) -> None:
    began = time.perf_counter()
    write(case, target)
    seconds = time.perf_counter() - began
    verdict = "ok" if seconds <= goal else "over goal"
    print(
        f"{label}: {seconds:.2f} s for {len(case.read.messages):,} messages, "
        f"{target.stat().st_size / 1e6:.1f} MB (goal <= {goal:.0f} s: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=int, default=10_000, help="messages in the HTML case")
    parser.add_argument("--pdf", type=int, default=1_000, help="messages in the PDF case")
    parser.add_argument("--keep", type=Path, help="write the reports into this folder instead of a temporary one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        timed("HTML", write_html, synthetic_case(args.html), folder / "report.html", 5)
        timed("PDF", write_pdf, synthetic_case(args.pdf), folder / "timeline.pdf", 10)


if __name__ == "__main__":
    main()
