"""Score files: read a table of texts (CSV, TSV, JSONL, Parquet) and write it back with scores and evidence."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from threadlens.errors import InputError
from threadlens.model import Score


def read_table(path: Path, columns: Sequence[str] = ()) -> pd.DataFrame:
    """A CSV, TSV, JSONL or Parquet file as a frame, checking that ``columns`` are present."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix in (".jsonl", ".ndjson"):
            frame = pd.read_json(path, lines=True, dtype=False)
        elif suffix in (".tsv", ".tab"):
            frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError("file not found", path=str(path)) from None
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError(
            f"cannot read the table: {error}", path=str(path), expected="CSV, TSV, JSONL or Parquet"
        ) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"no column {missing[0]!r}",
            path=str(path),
            expected="one of: " + ", ".join(map(str, frame.columns)),
            hint="Choose the column with --text-column / --label-column",
        )
    return frame


def evidence_json(score: Score) -> str:
    """A score's evidence as compact JSON (one object per item)."""
    return json.dumps(
        [
            {
                "start": e.start,
                "end": e.end,
                "text": e.text,
                "kind": e.kind,
                "name": e.name,
                "contribution": round(e.contribution, 12),
                "category": e.category,
            }
            for e in score.evidence
        ],
        ensure_ascii=False,
    )


def score_file(
    path: Path, out: Path, text_column: str = "text", definition: object = None, scorer: str = "lens"
) -> pd.DataFrame:
    """Score the text column of a file; write its columns plus score, level, hostile, categories, evidence."""
    from threadlens.definition import load_definition
    from threadlens.io import atomic_write_bytes
    from threadlens.scoring import score_texts

    chosen = load_definition(definition)
    frame = read_table(path, [text_column])
    scores = score_texts(frame[text_column].astype(str).tolist(), chosen, scorer)
    frame = frame.assign(
        score=[s.value for s in scores],
        level=[s.level for s in scores],
        hostile=[s.hostile for s in scores],
        accusation=[s.accusation for s in scores],
        categories=[";".join(s.categories) for s in scores],
        evidence=[evidence_json(s) for s in scores],
        scorer=[f"{s.scorer} {s.version}" for s in scores],
        definition=chosen.name,
        definition_sha256=chosen.sha256,
    )
    if out.suffix.lower() == ".parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        atomic_write_bytes(out, buffer.getvalue())
    else:
        atomic_write_bytes(out, frame.to_csv(index=False).encode("utf-8"))
    return frame
