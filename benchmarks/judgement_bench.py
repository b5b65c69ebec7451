"""Held-out judgement figures: phenomena, severity pairs, dispute threads and the suites of issue 22.

The suites of issue 22 are ordinary posts, other languages, threats, identity statements and civil criticism
with hostile twins, one table each. Prints figures, asserts nothing. The suites live next to this file
(``suites/``), so it can be run against any checkout of the library::

    python benchmarks/judgement_bench.py                       # the default definition
    python benchmarks/judgement_bench.py --hostile-from escalation --json

A case's ``expected`` is ``hostile`` or ``civil``; which levels count as hostile is decided in one place,
:func:`hostile_threshold`, from the definition (``--hostile-from definition``: ``[thresholds] hostile_level``;
``--hostile-from escalation``: the escalation threshold in ``escalation.toml``). The suites of issue 22
count levels by name instead (rude = 2, severe = 4), as their goals do.

Whether a text was read at all comes from ``Score.read`` (with ``Score.language``, the detected ISO 639-1
code); a scorer without that notion reads everything.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
from collections import defaultdict
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path
from typing import Any

from threadlens.analysis import analyse
from threadlens.definition import Definition, load_definition
from threadlens.ingest import read
from threadlens.model import Findings, Score
from threadlens.scoring import score_messages, score_texts
from threadlens.thread import build_graph

SUITES = Path(__file__).resolve().parent / "suites"
RUDE = 2  # the lowest level of an escalation: a false alarm when an ordinary post reaches it
SEVERE = 4  # the level a threat must reach
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


def read_suite(name: str) -> list[dict[str, str]]:
    """The rows of one suite file in ``suites/``, as dictionaries keyed by its header."""
    with open(SUITES / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score_all(texts: list[str], definition: Definition) -> dict[str, Score]:
    """Each distinct text's score, from one scoring call."""
    distinct = sorted(set(texts))
    return dict(zip(distinct, score_texts(distinct, definition), strict=True))


def is_read(score: Score) -> bool:
    """Whether the scorer read the text (``Score.read``; True for a scorer that reads every language)."""
    return bool(getattr(score, "read", True))


def phenomena(definition: Definition, threshold: int) -> dict[str, Any]:
    """Share correct per functionality and severity figures on ``phenomena.csv`` and ``severity_pairs.csv``."""
    cases = read_suite("phenomena.csv")
    pairs = [(row["more_severe"], row["less_severe"]) for row in read_suite("severity_pairs.csv")]
    scores = score_all([case["text"] for case in cases] + [text for pair in pairs for text in pair], definition)
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


def _count(hits: int, total: int) -> str:
    """``"3 of 40 (0.075)"``."""
    return f"{hits} of {total} ({_share(hits, total)})"


def _miss(text: str, score: Score) -> str:
    """One line naming a text the suite expected otherwise: its level, whether it was read, and the text."""
    read = "" if is_read(score) else f" not read ({getattr(score, 'language', '?')})"
    return f"level {score.level}{read}: {text}"


def _table(
    groups: dict[str, list[Score]], columns: dict[str, Callable[[list[Score]], float | None]], total: bool = True
) -> dict[str, Any]:
    """One row per group (and ``all`` when ``total``): its size and each column's figure over its scores."""
    rows = {**groups, "all": [score for scores in groups.values() for score in scores]} if total else groups
    return {
        "columns": ["n", *columns],
        "rows": {
            name: [len(scores), *(column(scores) for column in columns.values())] for name, scores in rows.items()
        },
    }


def _share_of(test: Callable[[Score], bool]) -> Callable[[list[Score]], float | None]:
    """A column: the share of a group's scores that pass ``test``."""
    return lambda scores: _share(sum(map(test, scores)), len(scores))


def _grouped(
    rows: list[dict[str, str]], key: Callable[[dict[str, str]], str], scores: dict[str, Score]
) -> dict[str, list[Score]]:
    """The scores of ``rows`` grouped by ``key(row)``, in the order groups first appear."""
    groups: dict[str, list[Score]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(scores[row["text"]])
    return dict(groups)


def ordinary_posts(definition: Definition) -> dict[str, Any]:
    """False alarms on ordinary posts (``ordinary_posts.csv``): the share read at level >= 2 (goal <= 1%)."""
    return _false_alarms("ordinary_posts.csv", "topic", "at level >= 2 (goal <= 0.01)", definition)


def _false_alarms(suite: str, group: str, label: str, definition: Definition) -> dict[str, Any]:
    """A suite of texts none of which should reach level 2: the share that does, per ``group`` and in all."""
    rows = read_suite(suite)
    scores = score_all([row["text"] for row in rows], definition)
    alarms = [row["text"] for row in rows if scores[row["text"]].level >= RUDE]
    return {
        "table": _table(
            _grouped(rows, itemgetter(group), scores),
            {"level >= 2": _share_of(lambda s: s.level >= RUDE), "level >= 1": _share_of(lambda s: s.level >= 1)},
        ),
        "figures": {label: _count(len(alarms), len(rows))},
        "misses": [_miss(text, scores[text]) for text in alarms],
    }


def languages(definition: Definition) -> dict[str, Any]:
    """Other languages (``languages.csv``): non-English marked not read (goal 100%), English read (goal >= 99%)."""
    rows = read_suite("languages.csv")
    scores = score_all([row["text"] for row in rows], definition)
    english = [row["text"] for row in rows if row["language"] == "en"]
    other = [row for row in rows if row["language"] != "en"]
    unread_english = [text for text in english if not is_read(scores[text])]
    read_other = [row["text"] for row in other if is_read(scores[row["text"]])]
    detected = [getattr(scores[row["text"]], "language", None) == row["language"] for row in rows]
    return {
        "table": _table(
            _grouped(rows, itemgetter("language"), scores),
            {"read": _share_of(is_read), "level >= 2": _share_of(lambda s: s.level >= RUDE)},
        ),
        "figures": {
            "non-English not read (goal 1.0)": _count(len(other) - len(read_other), len(other)),
            "English read (goal >= 0.99)": _count(len(english) - len(unread_english), len(english)),
            "civil non-English at level >= 2": _count(
                sum(scores[row["text"]].level >= RUDE for row in other if row["tone"] == "civil"),
                sum(row["tone"] == "civil" for row in other),
            ),
            "language detected as labelled": _count(sum(detected), len(rows)),
        },
        "misses": [_miss(text, scores[text]) for text in read_other + unread_english],
    }


def threats(definition: Definition) -> dict[str, Any]:
    """Threats in varied wording at level 4 (goal >= 0.80), and non-threats with the same verbs below 2 and 4."""
    rows = read_suite("threats.csv")
    scores = score_all([row["text"] for row in rows], definition)
    threat_rows = [row for row in rows if row["expected"] == "threat"]
    threat = [row["text"] for row in threat_rows]
    other = [row["text"] for row in rows if row["expected"] != "threat"]
    groups = {
        **_grouped(rows, lambda row: f"{row['expected']}: {row['form']}", scores),
        **_grouped(threat_rows, lambda row: f"threat to a {row['target']}", scores),
        "all threats": [scores[text] for text in threat],
        "all non-threats": [scores[text] for text in other],
    }
    return {
        "table": _table(
            groups,
            {
                "level 4": _share_of(lambda s: s.level >= SEVERE),
                "level >= 2": _share_of(lambda s: s.level >= RUDE),
                "mean level": lambda scores: round(statistics.fmean(s.level for s in scores), 2),
            },
            total=False,
        ),
        "figures": {
            "threats at level 4 (goal >= 0.80)": _count(sum(scores[t].level >= SEVERE for t in threat), len(threat)),
            "non-threats below level 2": _count(sum(scores[t].level < RUDE for t in other), len(other)),
            "non-threats below level 4": _count(sum(scores[t].level < SEVERE for t in other), len(other)),
        },
        "misses": [_miss(t, scores[t]) for t in threat if scores[t].level < SEVERE]
        + [_miss(t, scores[t]) for t in other if scores[t].level >= RUDE],
    }


def identity_statements(definition: Definition) -> dict[str, Any]:
    """Neutral and positive statements about groups (``identity_statements.csv``): none at level >= 2."""
    return _false_alarms("identity_statements.csv", "group", "at level >= 2 (goal 0)", definition)


def criticism_pairs(definition: Definition) -> dict[str, Any]:
    """Civil criticism below level 2 (goal >= 95%) and each hostile twin at level >= 2 (goal >= 95%)."""
    rows = read_suite("criticism_pairs.csv")
    scores = score_all([row[side] for row in rows for side in ("civil", "hostile")], definition)
    groups: dict[str, list[tuple[Score, Score]]] = defaultdict(list)
    for row in rows:
        groups[row["subject"]].append((scores[row["civil"]], scores[row["hostile"]]))
    groups["all"] = [pair for pairs in groups.values() for pair in pairs]
    civil = [row["civil"] for row in rows]
    hostile = [row["hostile"] for row in rows]
    return {
        "table": {
            "columns": ["pairs", "civil < 2", "hostile >= 2", "hostile > civil"],
            "rows": {
                name: [
                    len(pairs),
                    _share(sum(c.level < RUDE for c, _ in pairs), len(pairs)),
                    _share(sum(h.level >= RUDE for _, h in pairs), len(pairs)),
                    _share(sum(h.level > c.level for c, h in pairs), len(pairs)),
                ]
                for name, pairs in groups.items()
            },
        },
        "figures": {
            "civil below level 2 (goal >= 0.95)": _count(sum(scores[t].level < RUDE for t in civil), len(civil)),
            "hostile twins at level >= 2 (goal >= 0.95)": _count(
                sum(scores[t].level >= RUDE for t in hostile), len(hostile)
            ),
        },
        "misses": [_miss(t, scores[t]) for t in civil if scores[t].level >= RUDE]
        + [_miss(t, scores[t]) for t in hostile if scores[t].level < RUDE],
    }


NEW_SUITES: dict[str, Callable[[Definition], dict[str, Any]]] = {
    "ordinary posts": ordinary_posts,
    "languages": languages,
    "threats": threats,
    "identity statements": identity_statements,
    "criticism pairs": criticism_pairs,
}


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
    for name in NEW_SUITES:
        _print_suite(name, result[name], verbose)


def _cell(value: Any) -> str:
    """A table cell: a share to three places, a count as it is, a missing figure as ``-``."""
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _print_suite(name: str, suite: dict[str, Any], verbose: bool) -> None:
    """One suite's table, its headline figures, and with ``verbose`` the texts it expected otherwise."""
    table = suite["table"]
    print(f"\n{name}")
    widths = [max(10, len(column) + 2) for column in table["columns"]]
    print(f"  {'':28}" + "".join(f"{column:>{width}}" for column, width in zip(table["columns"], widths, strict=True)))
    for group, values in table["rows"].items():
        cells = (f"{_cell(value):>{width}}" for value, width in zip(values, widths, strict=True))
        print(f"  {group:28}" + "".join(cells))
    for key, value in suite["figures"].items():
        print(f"  {key:44} {value}")
    if verbose:
        for line in suite["misses"]:
            print(f"    {line}")


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
    parser.add_argument(
        "--verbose", action="store_true", help="also print each dispute thread's findings and each newer suite's misses"
    )
    args = parser.parse_args()
    definition = load_definition(args.definition)
    sample = score_texts(["ok"], definition)[0]
    result = {
        "definition": f"{definition.name} {definition.sha256[:12]}",
        "scorer": f"{sample.scorer} {sample.version}",
        "phenomena": phenomena(definition, hostile_threshold(definition, args.hostile_from)),
        "disputes": disputes(definition),
        **{name: suite(definition) for name, suite in NEW_SUITES.items()},
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        _print(result, args.verbose)


if __name__ == "__main__":
    main()
