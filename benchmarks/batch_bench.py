"""Throughput of ``threadlens batch``: generated submissions of generic JSONL threads, at 1 and 2 workers.

    python benchmarks/batch_bench.py                      # 1,000 submissions of ~100 messages, 1 and 2 workers
    python benchmarks/batch_bench.py --submissions 200 --workers 2 --html

Each submission is one JSONL thread (a few branches, two parties, bystanders, civil and hostile
replies, @mentions) and a consent manifest. Every run writes into a fresh output folder, so nothing
is skipped. Prints what was included and, per worker count, the wall time and submissions/messages
per second. The goal is 1,000 submissions in at most 3 minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

CIVIL = (
    "Thanks for the minutes, see you on Thursday.",
    "I disagree with the timing, but happy to discuss it at the branch meeting.",
    "Could someone share the agenda before the vote?",
    "Fair point, I had not seen the figures.",
    "The leaflet run starts at ten from the community centre.",
)
HOSTILE = (
    "You are a pathetic liar and everyone knows it.",
    "Shut up, you useless clown.",
    "Typical of this rabble, a stitch-up from start to finish.",
    "Nobody asked you, get lost.",
    "What an idiot, honestly.",
)
ACCUSATIONS = (
    "This is abuse and I have reported you to the compliance unit.",
    "That is harassment, plain and simple.",
)


def write_submission(folder: Path, number: int, messages: int, rng: random.Random) -> int:
    """One generated submission: ``thread.jsonl`` with about ``messages`` messages and ``submission.toml``."""
    folder.mkdir(parents=True)
    parties = (f"party_a{number}", f"party_b{number}")
    bystanders = [f"member_{number}_{index}" for index in range(rng.randint(2, 6))]
    people = [*parties, *bystanders]
    start = datetime(2026, 3, 1, 9, tzinfo=UTC) + timedelta(hours=number)
    rows = []
    count = max(2, messages + rng.randint(-10, 10))
    for index in range(count):
        author = parties[0] if index == 0 else rng.choice(people)
        parent = None if index == 0 else rows[rng.randrange(max(0, index - 8), index)]
        pool = rng.choices((CIVIL, HOSTILE, ACCUSATIONS), weights=(7, 2, 1))[0]
        text = rng.choice(pool)
        if parent is not None:
            text = f"@{parent['author']} {text}"
        if rng.random() < 0.2:
            text += f" cc @{rng.choice(people)}"
        rows.append(
            {
                "id": f"b{number}-{index}",
                "reply_to": parent["id"] if parent else None,
                "author": author,
                "created_at": (start + timedelta(minutes=3 * index)).isoformat().replace("+00:00", "Z"),
                "platform": "x",
                "text": text,
            }
        )
    (folder / "thread.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    (folder / "submission.toml").write_text(
        f'case_id = "bench-{number:04d}"\n'
        'submitted_by = "benchmark"\n'
        'consent_basis = "consent"\n'
        "consent_date = 2026-03-01\n"
        'scope = "a generated thread"\n'
        "retention_date = 2099-12-31\n"
        + "".join(f'\n[[parties]]\nname = "Party {p}"\nhandles = {{ x = "@{p}" }}\n' for p in parties),
        encoding="utf-8",
    )
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=100, help="about this many messages per submission")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, comma-separated")
    parser.add_argument("--html", action="store_true", help="also write report.html per case")
    parser.add_argument("--pdf", action="store_true", help="also write timeline.pdf per case")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from threadlens.batch import batch

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="threadlens-bench-") as temp:
        root = Path(temp)
        total = sum(
            write_submission(root / "submissions" / f"s{n:04d}", n, args.messages, rng) for n in range(args.submissions)
        )
        print(
            f"{args.submissions} submissions, {total} messages (generic JSONL + submission.toml); "
            f"included: tables, Parquet, pseudonymisation, audit; "
            f"report.html {'yes' if args.html else 'no'}, timeline.pdf {'yes' if args.pdf else 'no'}"
        )
        for workers in (int(w) for w in args.workers.split(",")):
            started = time.perf_counter()
            summary = batch(
                root / "submissions",
                root / f"out-{workers}",
                workers=workers,
                html=args.html,
                pdf=args.pdf,
                progress=False,
            )
            seconds = time.perf_counter() - started
            ok = int((summary["status"] == "ok").sum())
            print(
                f"workers={workers}: {seconds:.1f} s wall, {ok}/{len(summary)} ok, "
                f"{ok / seconds:.1f} submissions/s, {summary['messages'].sum() / seconds:.0f} messages/s"
            )


if __name__ == "__main__":
    main()
