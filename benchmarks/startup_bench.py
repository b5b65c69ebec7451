"""Command start-up: whole-process wall and CPU time of short commands, the median of several runs.

    .venv/bin/python benchmarks/startup_bench.py [--runs 5]

Times ``threadlens explain "…"`` (loads the scorer and scores one text) and ``threadlens inspect`` of the
sample case, each started as a fresh process the way a user starts it. CPU time (user + system of the
child) is printed beside wall time: on a busy machine it is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "explain": ["explain", "You are an idiot and everyone at the council knows it."],
    "inspect": ["inspect", str(ROOT / "sample_threads" / "pra-x-archive")],
}
GOALS = {"explain": 1.2, "inspect": 0.5}


def run_once(arguments: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``threadlens ARGUMENTS`` (output discarded)."""
    executable = shutil.which("threadlens", path=str(Path(sys.executable).parent)) or "threadlens"
    before = os.times()
    start = time.perf_counter()
    subprocess.run([executable, *arguments], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for name, arguments in COMMANDS.items():
        run_once(arguments)  # warm the file cache
        walls, cpus = zip(*(run_once(arguments) for _ in range(args.runs)), strict=True)
        print(
            f"{name:8s} median of {args.runs}: wall {statistics.median(walls):.2f} s "
            f"(min {min(walls):.2f}, max {max(walls):.2f}), CPU {statistics.median(cpus):.2f} s; "
            f"goal {GOALS[name]} s"
        )


if __name__ == "__main__":
    main()
