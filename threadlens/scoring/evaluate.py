"""Measure a scorer on labelled texts: ROC-AUC, precision/recall/F1 at the hostile threshold, the
confusion table, the worst errors, and accuracy per group (the functional suite's functionalities)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from threadlens.model import Score
from threadlens.scoring.files import read_table

DEFAULT_POSITIVE = ("1", "true", "yes", "off", "offensive", "hostile", "toxic", "abusive")


def binary_labels(values: Sequence[object], positive: Sequence[str] = DEFAULT_POSITIVE) -> list[int]:
    """1 where a label is one of ``positive`` (case-insensitive), else 0."""
    wanted = {str(p).strip().lower() for p in positive}
    return [int(str(v).strip().lower() in wanted) for v in values]


def roc_auc(labels: Sequence[int], values: Sequence[float]) -> float | None:
    """Area under the ROC curve (Mann-Whitney, ties counted half); None when only one class is present."""
    frame = pd.DataFrame({"y": labels, "v": values})
    positives, negatives = int(frame["y"].sum()), int((1 - frame["y"]).sum())
    if not positives or not negatives:
        return None
    ranks = frame["v"].rank(method="average")
    return float((ranks[frame["y"] == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


@dataclass
class Evaluation:
    """What ``evaluate`` measured."""

    n: int
    roc_auc: float | None
    precision: float
    recall: float
    f1: float
    accuracy: float
    confusion: dict[str, int]
    worst: list[dict] = field(default_factory=list)
    groups: dict[str, dict[str, float]] = field(default_factory=dict)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def evaluate(
    texts: Sequence[str],
    labels: Sequence[int],
    scores: Sequence[Score],
    groups: Sequence[str] | None = None,
    worst: int = 10,
) -> Evaluation:
    """Compare scores with binary labels; ``groups`` adds accuracy per group."""
    predicted = [int(s.hostile) for s in scores]
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(y and not p for p, y in zip(predicted, labels, strict=True))
    tn = len(labels) - tp - fp - fn
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    errors = sorted(
        (abs(s.value - y), text, y, s.value)
        for text, y, s, p in zip(texts, labels, scores, predicted, strict=True)
        if p != y
    )
    result = Evaluation(
        n=len(labels),
        roc_auc=roc_auc(labels, [s.value for s in scores]),
        precision=precision,
        recall=recall,
        f1=_ratio(2 * precision * recall, precision + recall),
        accuracy=_ratio(tp + tn, len(labels)),
        confusion={"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        worst=[{"text": t, "label": y, "score": round(v, 4)} for _, t, y, v in reversed(errors[-worst:])],
    )
    if groups is not None:
        frame = pd.DataFrame({"group": list(groups), "ok": [p == y for p, y in zip(predicted, labels, strict=True)]})
        for name, part in frame.groupby("group", sort=True):
            result.groups[str(name)] = {"n": len(part), "accuracy": float(part["ok"].mean())}
    return result


def evaluate_file(
    path: Path,
    label_column: str,
    text_column: str = "text",
    positive: Sequence[str] = DEFAULT_POSITIVE,
    definition: object = None,
    scorer: str = "lens",
    group_column: str | None = None,
) -> Evaluation:
    """Score a labelled file and compare (see :func:`evaluate`)."""
    from threadlens.scoring import score_texts

    columns = [text_column, label_column] + ([group_column] if group_column else [])
    frame = read_table(path, columns)
    texts = frame[text_column].astype(str).tolist()
    scores = score_texts(texts, definition, scorer)
    groups = frame[group_column].astype(str).tolist() if group_column else None
    return evaluate(texts, binary_labels(frame[label_column].tolist(), positive), scores, groups)


def span_f1(gold: Sequence[Sequence[int]], predicted: Sequence[Sequence[int]]) -> tuple[float, float, float]:
    """SemEval-2021 Toxic Spans: the mean per-post F1 over character offsets (1 when both are empty, 0 when
    only one is), and the micro precision and recall over all offsets."""
    scores, hits, guessed, marked = [], 0, 0, 0
    for truth, guess in zip(gold, predicted, strict=True):
        truth, guess = set(truth), set(guess)
        common = len(truth & guess)
        hits, guessed, marked = hits + common, guessed + len(guess), marked + len(truth)
        if not truth or not guess:
            scores.append(float(not truth and not guess))
        else:
            scores.append(2 * common / (len(truth) + len(guess)))
    mean = sum(scores) / len(scores) if scores else 0.0
    return mean, _ratio(hits, guessed), _ratio(hits, marked)


def span_offsets(spans: Sequence[tuple[int, int]]) -> list[int]:
    """The character offsets covered by ``(start, end)`` ranges, as the Toxic Spans task writes them."""
    return sorted({i for start, end in spans for i in range(start, end)})


def evaluate_spans_file(
    path: Path, text_column: str = "text", spans_column: str = "spans", definition: object = None
) -> tuple[int, float, float, float]:
    """Score a file of texts with their toxic character offsets (a JSON list per row, the Toxic Spans task's
    format) and compare the highlighted spans (``Score.spans``): (n, mean per-post F1, micro precision,
    micro recall)."""
    import json

    from threadlens.errors import InputError
    from threadlens.scoring import score_texts

    frame = read_table(path, [text_column, spans_column])
    gold = []
    for row, value in enumerate(frame[spans_column].tolist(), start=2):
        try:
            gold.append([int(i) for i in json.loads(str(value))])
        except (ValueError, TypeError):
            raise InputError(
                f"the {spans_column!r} cell is {str(value)[:40]!r}",
                path=str(path),
                position=f"row {row}",
                expected="a JSON list of character offsets, e.g. [8, 9, 10]",
                hint="Write the spans as the Toxic Spans task does",
            ) from None
    scores = score_texts(frame[text_column].astype(str).tolist(), definition)
    return (len(gold), *span_f1(gold, [span_offsets(s.spans) for s in scores]))
