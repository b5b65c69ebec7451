"""A simulated panel on the dispute suite: it checks only the readings to check, corrects the wrong ones, re-runs.

For every thread of ``suites/disputes`` the panel runs the real command (``threadlens analyse … --review``, in
process), reads ``findings.json``, and looks only at each conversation's readings to check (at most three). It
knows only what the suite's labels state:

- the labelled first escalation and the chain's reaction are hostile (it writes level "rude" for them when they
  are read below it);
- every message earlier than the labelled first escalation, and every message of a thread with no first
  escalator, is not hostile (it writes "civil" when it is read hostile);
- the chain's accusation accuses (it writes ``accuses = true``, keeping the level as read);
- every other message, and every reading it was not shown, stays as the scorer read it.

It writes its readings into a review file and runs again, then does the same once more on the new list (at
most six readings per conversation in all). Printed: first escalator and chain right before, after one round
and after two; chains invented in controls; how often a finding marked "stands however any one message is
read" is right; readings written. Asserts nothing::

    python benchmarks/review_bench.py [--rounds 2] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from judgement_bench import SUITES

from threadlens.cli import app

DISPUTES = SUITES / "disputes"


def run(thread: Path, out: Path, review: Path | None) -> dict[str, Any]:
    """``threadlens analyse`` of one thread (with the review, if any); its findings.json."""
    args = ["analyse", str(thread), "--allow-unconsented", "--reveal", "--out", str(out), "--no-html", "--no-pdf"]
    if review is not None:
        args += ["--review", str(review)]
    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        raise SystemExit(f"threadlens analyse {thread.name} exited {result.exit_code}: {result.output}")
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def bare(message_id: str | None) -> str | None:
    """``generic:p01-3`` → ``p01-3``."""
    return None if message_id is None else message_id.split(":", 1)[-1]


def named_first(findings: dict[str, Any]) -> str | None:
    """The case's first escalation: the earliest conversation-level one (by time, then id)."""
    found = [c["first_escalation"] for c in findings["conversations"] if c["first_escalation"]]
    if not found:
        return None
    return bare(
        min(found, key=lambda e: (e["created_at"] is None, e["created_at"] or "", e["message_id"]))["message_id"]
    )


def chains(findings: dict[str, Any]) -> list[tuple[str, ...]]:
    return [tuple(bare(c[role]) for role in ("provocation", "reaction", "accusation")) for c in findings["chains"]]


def correction(reading: dict[str, Any], label: dict[str, Any], times: dict[str, str]) -> dict[str, Any] | None:
    """What the panel writes for one reading it was shown, knowing only the label (None: the reading is right)."""
    key = bare(reading["message_id"])
    first, chain = label["first_escalator"], label["chain"]
    hostile_now = reading["level_now"] >= 2
    if (key == first or (chain and key == chain[1])) and not hostile_now:
        return {"level": "rude", "reason": "hostile: the labelled escalation or reaction"}
    not_hostile = first is None or times[key] < times[first]
    if not_hostile and hostile_now:
        return {"level": "civil", "reason": "not hostile: before the labelled first escalation"}
    if chain and key == chain[2] and not reading["accuses_now"]:
        return {"level": reading["level_now"], "accuses": True, "reason": "the labelled accusation"}
    return None


def review_text(readings: dict[str, dict[str, Any]]) -> str:
    """The review file of the panel's readings so far."""
    lines = []
    for message_id, entry in readings.items():
        lines += ["[[reading]]", f"message = {json.dumps(message_id)}", f"level = {json.dumps(entry['level'])}"]
        if "accuses" in entry:
            lines.append(f"accuses = {str(entry['accuses']).lower()}")
        lines += [f"reason = {json.dumps(entry['reason'])}", 'reviewer = "simulated panel"', "date = 2026-12-07", ""]
    return "\n".join(lines)


def thread_figures(key: str, label: dict[str, Any], rounds: int, scratch: Path) -> dict[str, Any]:
    """One thread: the findings before any review and after each round of the simulated panel."""
    path = DISPUTES / f"{key}.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    times = {record["id"]: record["created_at"] for record in records}
    readings: dict[str, dict[str, Any]] = {}
    review = scratch / f"{key}.review.toml"
    findings = run(path, scratch / f"{key}-0", None)
    states = [findings]
    for number in range(1, rounds + 1):
        for conversation in findings["conversations"]:
            for reading in conversation["readings_to_check"]:
                written = correction(reading, label, times)
                if written is not None:
                    readings[reading["message_id"]] = written
        if readings:
            review.write_text(review_text(readings), encoding="utf-8")
        findings = run(path, scratch / f"{key}-{number}", review if readings else None)
        states.append(findings)
    return {"label": label, "states": states, "readings": len(readings)}


def summary(threads: dict[str, dict[str, Any]], state: int) -> dict[str, str]:
    """The suite's figures at one state (0: before any review)."""
    pra = {k: t for k, t in threads.items() if t["label"]["chain"]}
    controls = {k: t for k, t in threads.items() if t["label"]["kind"] == "control"}
    first_right = sum(named_first(t["states"][state]) == t["label"]["first_escalator"] for t in threads.values())
    chain_right = sum(tuple(t["label"]["chain"]) in chains(t["states"][state]) for t in pra.values())
    invented = sum(bool(chains(t["states"][state])) for t in controls.values())
    return {
        "first_escalator_right": f"{first_right} of {len(threads)}",
        "chains_right": f"{chain_right} of {len(pra)}",
        "controls_with_invented_chain": f"{invented} of {len(controls)}",
    }


def stands_figures(threads: dict[str, dict[str, Any]]) -> str:
    """How often the threads whose findings stand however any one message is read (before review) are right."""
    standing = [t for t in threads.values() if all(c["stands_however_read"] for c in t["states"][0]["conversations"])]
    right = [
        t
        for t in standing
        if named_first(t["states"][0]) == t["label"]["first_escalator"]
        and (not t["label"]["chain"] or tuple(t["label"]["chain"]) in chains(t["states"][0]))
    ]
    return f"{len(right)} of {len(standing)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=2, help="rounds of checking (default 2)")
    parser.add_argument("--verbose", action="store_true", help="print each thread's first escalator per state")
    args = parser.parse_args()
    labels = json.loads((DISPUTES / "labels.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        threads = {key: thread_figures(key, label, args.rounds, Path(scratch)) for key, label in labels.items()}
    for state in range(args.rounds + 1):
        title = "before any review" if state == 0 else f"after round {state}"
        print(f"{title}: " + "  ".join(f"{k} {v}" for k, v in summary(threads, state).items()))
    print(f"threads whose findings stand however any one message is read, and are right: {stands_figures(threads)}")
    written = [t["readings"] for t in threads.values()]
    print(f"readings written: {sum(written)} in all, at most {max(written)} in one thread")
    if args.verbose:
        for key, thread in threads.items():
            firsts = " → ".join(str(named_first(state)) for state in thread["states"])
            expected = thread["label"]["first_escalator"]
            print(f"  {key:5} expected {expected}  named {firsts}  readings {thread['readings']}")


if __name__ == "__main__":
    main()
