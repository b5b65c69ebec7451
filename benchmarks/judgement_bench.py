"""Held-out judgement figures: single-message phenomena, severity pairs and party-dispute threads.

Prints figures, asserts nothing. The suites live next to this file (``suites/``), so it can be run against
any checkout of the library::

    python benchmarks/judgement_bench.py                       # the default definition
    python benchmarks/judgement_bench.py --hostile-from escalation --json

A case's ``expected`` is ``hostile`` or ``civil``; which levels count as hostile is decided in one place,
:func:`hostile_threshold`, from the definition (``--hostile-from definition``: ``[thresholds] hostile_level``;
``--hostile-from escalation``: the escalation threshold in ``escalation.toml``).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from threadlens.analysis import analyse
from threadlens.definition import Definition, load_definition
from threadlens.ingest import read
from threadlens.model import Findings, Score
from threadlens.scoring import score_messages, score_texts
from threadlens.thread import build_graph

SUITES = Path(__file__).resolve().parent / "suites"
KIND_ORDER = (
    "threat",
    "dehumanising",
    "identity_attack",
    "slur",
    "harassment",
    "group_abuse",
    "insult",
    "profanity",
    "none",
)


def hostile_threshold(definition: Definition, source: str = "definition") -> int:
    """The lowest level that counts as hostile: the definition's ``hostile_level`` or its escalation threshold."""
    if source == "escalation":
        return int(definition.section("escalation")["threshold"])
    return int(definition.section("thresholds")["hostile_level"])


def is_hostile(score: Score, threshold: int) -> bool:
    """Whether a score counts as hostile: its level reaches ``threshold``."""
    return score.level >= threshold


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None


def phenomena(definition: Definition, threshold: int) -> dict[str, Any]:
    """Share correct per functionality and severity figures on ``phenomena.csv`` and ``severity_pairs.csv``."""
    with open(SUITES / "phenomena.csv", encoding="utf-8", newline="") as handle:
        cases = list(csv.DictReader(handle))
    with open(SUITES / "severity_pairs.csv", encoding="utf-8", newline="") as handle:
        pairs = [(row["more_severe"], row["less_severe"]) for row in csv.DictReader(handle)]
    texts = sorted({case["text"] for case in cases} | {text for pair in pairs for text in pair})
    scores = dict(zip(texts, score_texts(texts, definition), strict=True))
    correct: dict[str, list[bool]] = defaultdict(list)
    levels: dict[str, list[int]] = defaultdict(list)
    for case in cases:
        score = scores[case["text"]]
        correct[case["functionality"]].append(is_hostile(score, threshold) == (case["expected"] == "hostile"))
        levels[case["kind"]].append(score.level)
    by_functionality = {name: _share(sum(hits), len(hits)) for name, hits in correct.items()}
    escalation = int(definition.section("escalation")["threshold"])
    identity = [scores[c["text"]].level >= escalation for c in cases if c["functionality"] == "identity_statement"]
    return {
        "cases": len(cases),
        "hostile_from_level": threshold,
        "by_functionality": by_functionality,
        "mean_over_functionalities": round(statistics.fmean(by_functionality.values()), 3),
        "functionalities_below_0.60": sorted(name for name, share in by_functionality.items() if share < 0.6),
        "quoted_abuse": by_functionality.get("quoted_abuse"),
        "threats_at_level_4": _share(sum(level >= 4 for level in levels["threat"]), len(levels["threat"])),
        "dehumanising_at_level_3_plus": _share(
            sum(level >= 3 for level in levels["dehumanising"]), len(levels["dehumanising"])
        ),
        "identity_statements_at_escalation_level": f"{sum(identity)} of {len(identity)}",
        "mean_level_by_kind": {kind: round(statistics.fmean(levels[kind]), 2) for kind in KIND_ORDER if levels[kind]},
        "pairs_ordered_by_level": f"{sum(scores[a].level > scores[b].level for a, b in pairs)} of {len(pairs)}",
        "pairs_ordered_by_value": f"{sum(scores[a].value > scores[b].value for a, b in pairs)} of {len(pairs)}",
    }


def first_escalation(findings: Findings) -> str | None:
    """The case's first escalation: the earliest conversation-level one (by time, then id)."""
    found = [c.first_escalation for c in findings.conversations if c.first_escalation is not None]
    if not found:
        return None
    first = min(found, key=lambda event: (event.created_at is None, event.created_at, event.message_id))
    return first.message_id


def _local(message_id: str | None) -> str | None:
    """An id without its platform and thread prefix (``generic:p01s-3`` → ``3``), to compare twins."""
    return None if message_id is None else message_id.rsplit("-", 1)[-1]


def disputes(definition: Definition) -> dict[str, Any]:
    """First escalator, chains, invented chains and twin agreement on the dispute threads."""
    labels = json.loads((SUITES / "disputes" / "labels.json").read_text(encoding="utf-8"))
    threads: dict[str, dict[str, Any]] = {}
    for key, label in labels.items():
        graph = build_graph(read(SUITES / "disputes" / f"{key}.jsonl"))
        findings = analyse(graph, score_messages(graph.messages(), definition=definition), definition)
        chains = [tuple(_bare(i) for i in (c.provocation, c.reaction, c.accusation)) for c in findings.chains]
        named = _bare(first_escalation(findings))
        truth = label["chain"]
        threads[key] = {
            "kind": label["kind"],
            "first_expected": label["first_escalator"],
            "first_named": named,
            "first_right": named == label["first_escalator"],
            "reactor_named": bool(truth) and named == truth[1],
            "chain_expected": truth,
            "chains_found": [list(chain) for chain in chains],
            "chain_right": bool(truth) and tuple(truth) in chains,
        }
    pra = [t for t in threads.values() if t["chain_expected"]]
    controls = [t for t in threads.values() if t["kind"] == "control"]
    twins = {key: label["twin_of"] for key, label in labels.items() if label.get("twin_of")}
    same = [key for key, original in twins.items() if _signature(threads[key]) == _signature(threads[original])]
    return {
        "threads": threads,
        "first_escalator_right": f"{sum(t['first_right'] for t in threads.values())} of {len(threads)}",
        "reactor_named_first": f"{sum(t['reactor_named'] for t in pra)} of {len(pra)}",
        "chains_found": f"{sum(t['chain_right'] for t in pra)} of {len(pra)}",
        "controls_with_invented_chain": f"{sum(bool(t['chains_found']) for t in controls)} of {len(controls)}",
        "twins_swapped_findings": f"{len(same)} of {len(twins)}",
    }


def _bare(message_id: str | None) -> str | None:
    """An id without its platform prefix (``generic:p01-3`` → ``p01-3``)."""
    return None if message_id is None else message_id.split(":", 1)[-1]


def _signature(thread: dict[str, Any]) -> tuple[Any, ...]:
    """What a twin must reproduce: the first escalator and the chains, by message number."""
    return _local(thread["first_named"]), sorted(tuple(_local(i) for i in chain) for chain in thread["chains_found"])


def _print(result: dict[str, Any], verbose: bool) -> None:
    phen, disp = result["phenomena"], result["disputes"]
    print(f"definition {result['definition']}  scorer {result['scorer']}")
    print(f"\nphenomena ({phen['cases']} cases; hostile = level >= {phen['hostile_from_level']})")
    for name, share in phen["by_functionality"].items():
        print(f"  {name:28} {share:.3f}")
    for key in (
        "mean_over_functionalities",
        "functionalities_below_0.60",
        "quoted_abuse",
        "threats_at_level_4",
        "dehumanising_at_level_3_plus",
        "identity_statements_at_escalation_level",
        "pairs_ordered_by_level",
        "pairs_ordered_by_value",
    ):
        print(f"  {key:40} {phen[key]}")
    print("  mean level by kind: " + ", ".join(f"{k} {v}" for k, v in phen["mean_level_by_kind"].items()))
    print(f"\ndisputes ({len(disp['threads'])} threads)")
    for key in (
        "first_escalator_right",
        "reactor_named_first",
        "chains_found",
        "controls_with_invented_chain",
        "twins_swapped_findings",
    ):
        print(f"  {key:40} {disp[key]}")
    if verbose:
        for key, thread in disp["threads"].items():
            print(
                f"  {key:5} {thread['kind']:8} first {thread['first_named']} (expected {thread['first_expected']})"
                f"  chains {thread['chains_found']} (expected {thread['chain_expected']})"
            )


def main() -> None:
    """Run every suite and print the figures (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--definition", help="definition name or folder (default: the default definition)")
    parser.add_argument(
        "--hostile-from",
        choices=("definition", "escalation"),
        default="definition",
        help="which threshold makes a level hostile (default: [thresholds] hostile_level)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--verbose", action="store_true", help="also print each dispute thread's findings")
    args = parser.parse_args()
    definition = load_definition(args.definition)
    sample = score_texts(["ok"], definition)[0]
    result = {
        "definition": f"{definition.name} {definition.sha256[:12]}",
        "scorer": f"{sample.scorer} {sample.version}",
        "phenomena": phenomena(definition, hostile_threshold(definition, args.hostile_from)),
        "disputes": disputes(definition),
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        _print(result, args.verbose)


if __name__ == "__main__":
    main()
