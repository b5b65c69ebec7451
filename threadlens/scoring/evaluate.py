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
