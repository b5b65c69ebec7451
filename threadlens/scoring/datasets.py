"""Readers for the labelled corpora the classifier is trained and measured on, and the fixed split.

Davidson et al. 2017 (hate speech or offensive = hostile), OLID 2019 subtask A (OFF = hostile) and
ToxiChat 2021 Reddit turns (Offensive = hostile). Nothing here is shipped data: paths point at a local copy.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

SPLIT_SEED = 20240611


def read_davidson(root: Path) -> pd.DataFrame:
    """Davidson tweets: class 0 (hate) or 1 (offensive) is hostile, 2 (neither) is not."""
    frame = pd.read_csv(root / "davidson" / "labeled_data.csv")
    return pd.DataFrame(
        {"text": frame["tweet"].astype(str), "label": (frame["class"] != 2).astype(int), "source": "davidson"}
    )


def read_olid(root: Path) -> pd.DataFrame:
    """OLID training tweets, subtask A: OFF is hostile."""
    frame = pd.read_csv(root / "olid-train" / "olid-training-v1.0.tsv", sep="\t", quoting=3, dtype=str)
    return pd.DataFrame(
        {"text": frame["tweet"].astype(str), "label": (frame["subtask_a"] == "OFF").astype(int), "source": "olid"}
    )


def read_toxichat(path: Path) -> pd.DataFrame:
    """Every labelled turn of a ToxiChat JSONL file (thread turns and final responses): Offensive is hostile."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            for value in record.values():
                turns = value if isinstance(value, list) else [value]
                for turn in turns:
                    if isinstance(turn, dict) and "offense_label" in turn and turn.get("text"):
                        rows.append({"text": turn["text"].strip(), "label": int(turn["offense_label"] == "Offensive")})
    frame = pd.DataFrame(rows).drop_duplicates("text")
    frame["source"] = "toxichat"
    return frame.reset_index(drop=True)


def split(frame: pd.DataFrame, seed: int = SPLIT_SEED) -> dict[str, pd.DataFrame]:
    """A fixed 80/10/10 train/dev/test split, stratified by source and label."""
    from sklearn.model_selection import train_test_split

    strata = frame["source"] + ":" + frame["label"].astype(str)
    train, rest = train_test_split(frame, test_size=0.2, random_state=seed, stratify=strata)
    dev, test = train_test_split(rest, test_size=0.5, random_state=seed, stratify=strata.loc[rest.index])
    return {
        "train": train.reset_index(drop=True),
        "dev": dev.reset_index(drop=True),
        "test": test.reset_index(drop=True),
    }
