"""Readers for the labelled corpora the classifier is trained and measured on, and the fixed split.

Every reader returns one frame with ``text``, ``source``, ``label`` (1 hostile, 0 not) and the kind
columns of :data:`KINDS` (1, 0, or NaN where the corpus does not say), plus ``spans`` (toxic character
offsets, Toxic Spans only). Nothing here is shipped data: paths point at a local copy of
``../shared/data``.

| corpus | hostile | kinds it labels |
| --- | --- | --- |
| Davidson 2017 tweets | hate or offensive | group (hate) |
| OLID 2019 tweets | OFF | person (IND), group (GRP) |
| ToxiChat 2021 Reddit turns | Offensive | – |
| CAD 2021 Reddit | any *DirectedAbuse | person, group (identity or affiliation) |
| DynaHate (dev) | hate | group, threat, dehumanising |
| SBIC (dev) | offensiveYN ≥ 0.5 | group (whoTarget), vulgar (sexYN) |
| Implicit Hate | explicit or implicit hate | group, threat (implicit "threatening") |
| Gab Hate Corpus | human degradation or call for violence | group, threat (cv), dehumanising (hd), vulgar (vo) |
| Toxic Spans 2021 | every post | toxic character offsets |
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import numpy as np
import pandas as pd

SPLIT_SEED = 20240611
KINDS = ("threat", "dehumanising", "group", "person", "vulgar")
NA = np.nan


def _frame(source: str, text, label, **kinds) -> pd.DataFrame:
    """The common columns, kinds not given as NaN."""
    frame = pd.DataFrame({"text": pd.Series(text).astype(str).str.strip().to_numpy(), "label": np.asarray(label, int)})
    frame["source"] = source
    for kind in KINDS:
        frame[kind] = np.asarray(kinds.get(kind, NA), dtype=float) if kind in kinds else NA
    frame["spans"] = None
    return frame[frame["text"] != ""].reset_index(drop=True)


def read_davidson(root: Path) -> pd.DataFrame:
    """Davidson tweets: class 0 (hate) or 1 (offensive) is hostile, 2 (neither) is not; hate is at a group."""
    frame = pd.read_csv(root / "davidson" / "labeled_data.csv")
    return _frame("davidson", frame["tweet"], frame["class"] != 2, group=(frame["class"] == 0).astype(float))


def read_olid(root: Path) -> pd.DataFrame:
    """OLID training tweets: OFF is hostile; subtask C says whether at a person (IND) or group (GRP)."""
    frame = pd.read_csv(root / "olid-train" / "olid-training-v1.0.tsv", sep="\t", quoting=3, dtype=str)
    offensive = frame["subtask_a"] == "OFF"
    target = frame["subtask_c"].fillna("NULL")
    person = np.where(~offensive | (frame["subtask_b"] == "UNT") | (target == "GRP"), 0.0, (target == "IND") * 1.0)
    group = np.where(
        ~offensive | (frame["subtask_b"] == "UNT") | (target == "IND"), 0.0, np.where(target == "GRP", 1.0, NA)
    )
    return _frame("olid", frame["tweet"], offensive, person=person, group=group)


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
    return _frame("toxichat", frame["text"], frame["label"])


def read_cad(root: Path, file: str = "cad_v1_1_train.tsv") -> pd.DataFrame:
    """CAD Reddit entries: person-, identity- or affiliation-directed abuse is hostile; counter speech is not."""
    frame = pd.read_csv(root / "cad" / file, sep="\t", quoting=csv.QUOTE_NONE, keep_default_na=False, dtype=str)
    labels = frame["labels"].str.split(",")
    person = labels.map(lambda ls: "PersonDirectedAbuse" in ls)
    group = labels.map(lambda ls: "IdentityDirectedAbuse" in ls or "AffiliationDirectedAbuse" in ls)
    text = frame["text"].str.replace("[linebreak]", "\n", regex=False)
    return _frame("cad", text, person | group, person=person * 1.0, group=group * 1.0)


def read_dynahate(root: Path) -> pd.DataFrame:
    """DynaHate adversarial sentences: hate is hostile and aimed at a group; its type names threats and
    dehumanisation (unknown where the type was not given)."""
    frame = pd.read_csv(root / "dynahate" / "dynahate_v0.2.3_dev_len-filtered.csv")
    hate = frame["label"] == "hate"
    given = ~hate | (frame["type"] != "notgiven")
    return _frame(
        "dynahate",
        frame["text"],
        hate,
        group=hate * 1.0,
        threat=np.where(given, (frame["type"] == "threatening") * 1.0, NA),
        dehumanising=np.where(given, (frame["type"] == "dehumanization") * 1.0, NA),
    )


def read_sbic(root: Path) -> pd.DataFrame:
    """SBIC posts (aggregated): offensiveYN ≥ 0.5 is hostile; whoTarget ≥ 0.5 means at a group; sexYN lewd."""
    frame = pd.read_csv(root / "sbic" / "SBIC.v2.agg.dev.csv.gz")
    offensive = frame["offensiveYN"] >= 0.5
    group = np.where(~offensive, 0.0, np.where(frame["whoTarget"].isna(), NA, (frame["whoTarget"] >= 0.5) * 1.0))
    return _frame("sbic", frame["post"], offensive, group=group, vulgar=(frame["sexYN"] >= 0.5) * 1.0)


def read_implicit_hate(root: Path) -> pd.DataFrame:
    """Implicit Hate tweets: explicit or implicit hate is hostile and aimed at a group; "threatening" implicit
    hate is a threat."""
    folder = root / "implicit-hate"
    frame = pd.read_csv(folder / "implicit_hate_v1_stg1_posts.train.tsv", sep="\t", dtype=str)
    fine = pd.read_csv(folder / "implicit_hate_v1_stg2_posts.train.tsv", sep="\t", dtype=str)
    classes = dict(zip(fine["post"], fine["implicit_class"], strict=True))
    hate = frame["class"] != "not_hate"
    fine_class = frame["post"].map(classes)
    threat = np.where(
        ~hate | (frame["class"] == "implicit_hate") & fine_class.notna(), (fine_class == "threatening") * 1.0, NA
    )
    return _frame("implicit-hate", frame["post"], hate, group=hate * 1.0, threat=threat)


def read_ghc(root: Path) -> pd.DataFrame:
    """Gab Hate Corpus: human degradation (hd) or a call for violence (cv) is hostile, at a group; vulgarity
    (vo) alone is left unlabelled for hostility."""
    frame = pd.read_csv(root / "ghc" / "ghc_train.tsv", sep="\t")
    hate = (frame["hd"] + frame["cv"]) > 0
    vulgar_only = ~hate & (frame["vo"] > 0)
    frame = frame[~vulgar_only]
    hate = hate[~vulgar_only]
    return _frame(
        "ghc",
        frame["text"],
        hate,
        group=hate * 1.0,
        threat=frame["cv"] * 1.0,
        dehumanising=frame["hd"] * 1.0,
        vulgar=frame["vo"] * 1.0,
    )


def read_toxic_spans(root: Path) -> pd.DataFrame:
    """SemEval-2021 Toxic Spans posts (train + trial): every post toxic, with its toxic character offsets."""
    folder = root / "toxic-spans"
    frame = pd.concat([pd.read_csv(folder / name) for name in ("tsd_train.csv", "tsd_trial.csv")])
    out = _frame("toxic-spans", frame["text"], np.ones(len(frame)))
    # _frame strips the text: offsets are kept only where stripping changed nothing
    raw = frame["text"].astype(str).tolist()
    spans = [json.loads(s) for s in frame["spans"]]
    kept = [(t, s) for t, s in zip(raw, spans, strict=True) if t.strip()]
    out["spans"] = [s if t == t.strip() else None for t, s in kept]
    return out[out["spans"].notna()].reset_index(drop=True)


def read_all(data: Path) -> pd.DataFrame:
    """Every training corpus under ``data`` (a copy of ``../shared/data``), one frame."""
    hostility, spans, threads = data / "hostility", data / "spans", data / "threads"
    parts = [
        read_davidson(hostility),
        read_olid(hostility),
        read_toxichat(threads / "toxichat" / "train.jsonl"),
        read_cad(hostility),
        read_dynahate(hostility),
        read_sbic(hostility),
        read_implicit_hate(hostility),
        read_ghc(hostility),
        read_toxic_spans(spans),
    ]
    return pd.concat(parts).drop_duplicates(["source", "text"]).reset_index(drop=True)


# How many times each source's training texts are drawn per epoch, before a run's overall share: Davidson is
# large and counts swearing as offensive; the Gab corpus is mostly neutral, so its hostile posts count apart.
SOURCE_WEIGHTS = {
    "davidson": 0.25,
    "olid": 1.0,
    "toxichat": 2.0,
    "cad": 1.0,
    "dynahate": 2.0,
    "sbic": 1.5,
    "implicit-hate": 0.5,
    "ghc": 0.25,
    "ghc:hostile": 1.0,
    "toxic-spans": 1.5,
}


def draw_rows(frame: pd.DataFrame, rng: random.Random, share: float = 1.0) -> list[int]:
    """Row numbers drawn by the source weights times ``share`` (a fraction counted as a chance), so that no
    one corpus's style decides what the models learn."""
    rows = []
    for i, (source, label) in enumerate(zip(frame["source"], frame["label"], strict=True)):
        weight = share * SOURCE_WEIGHTS.get(f"{source}:hostile" if label else source, SOURCE_WEIGHTS[source])
        rows.extend([i] * (int(weight) + (rng.random() < weight % 1)))
    return rows


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
