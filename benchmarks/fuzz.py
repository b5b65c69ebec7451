"""Fuzzing campaign over every reader: mutated inputs through the library, ``inspect`` and ``analyse``.

Mutants of the hand-written fixtures and sample cases (and, with ``--shared``, of the shared format files)
are read by ``read_inputs`` and ``inspect`` in a child process each (``--timeout`` seconds, ``--memory-cap``
MB of address space); one case in every ``--commands-every`` also runs ``threadlens inspect`` and ``threadlens
analyse`` as real commands. Prints the counts by outcome (accepted, clear error, traceback, timeout, memory)
for each stage, the distinct failures, and one case of each to reproduce it.

    nice .venv/bin/python benchmarks/fuzz.py [--cases 5000] [--seed 1] [--commands-every 50] [--shared]
        [--timeout 20] [--memory-cap 2048] [--json outcomes.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz.campaign import OUTCOMES, campaign, causes, counts
from tests.fuzz.mutations import mutants, seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--commands-every", type=int, default=50, help="0: no real commands")
    parser.add_argument("--shared", action="store_true", help="also mutate the shared format files")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per case and stage")
    parser.add_argument("--memory-cap", type=int, default=2048, help="MB per case")
    parser.add_argument("--json", type=Path, help="write every outcome as a JSON line")
    args = parser.parse_args()

    started = time.monotonic()
    cases = mutants(seeds(extra=args.shared), args.cases, args.seed)
    # Run in chunks, so that a long campaign shows its progress and keeps its outcomes if stopped.
    chunk = args.commands_every or 250
    outcomes = []
    for start in range(0, len(cases), chunk):
        found = campaign(
            cases[start : start + chunk],
            timeout=args.timeout,
            memory_cap=args.memory_cap * 1024**2,
            commands_every=chunk if args.commands_every else 0,
        )
        outcomes.extend(found)
        if args.json:
            with args.json.open("a" if start else "w") as handle:
                handle.writelines(json.dumps(asdict(outcome)) + "\n" for outcome in found)
        done = min(start + chunk, len(cases))
        failed = sum(causes(outcomes).values())
        print(f"{done} cases, {failed} failures, {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.monotonic() - started
    readers = sorted({case.reader for case in cases})
    print(
        f"{len(cases)} cases (seed {args.seed}) over {len(readers)} seed groups: {', '.join(readers)}; {elapsed:.0f} s"
    )
    print(f"{'stage':<10}" + "".join(f"{name:>13}" for name in OUTCOMES) + f"{'peak MB':>10}")
    for stage, table in counts(outcomes).items():
        peak = max((o.peak_mb for o in outcomes if o.stage == stage), default=0.0)
        print(f"{stage:<10}" + "".join(f"{table.get(name, 0):>13}" for name in OUTCOMES) + f"{peak:>10.0f}")
    failures = causes(outcomes)
    if failures:
        print("failures:")
        for cause, number in failures.most_common():
            example = next(o for o in outcomes if f"{o.outcome}: {o.detail.split(': ')[0]}" == cause)
            print(f"  {number:>5}  {cause}  (e.g. case {example.case}, {example.stage})")


if __name__ == "__main__":
    main()
