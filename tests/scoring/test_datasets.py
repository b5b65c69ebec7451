"""Held-out accuracy on the shared corpora (skipped when ../shared/data is absent)."""

from __future__ import annotations

import pytest

from tests.conftest import shared_path
from threadlens.scoring import score_texts
from threadlens.scoring.datasets import read_davidson, read_olid, split
from threadlens.scoring.evaluate import roc_auc


@pytest.mark.shared_data
def test_held_out_roc_auc():
    import pandas as pd

    root = shared_path("hostility")
    test = split(pd.concat([read_davidson(root), read_olid(root)]).reset_index(drop=True))["test"]
    test = test.groupby("source").head(400)
    for source, part in test.groupby("source"):
        auc = roc_auc(part["label"].tolist(), [s.value for s in score_texts(part["text"].tolist())])
        assert auc > {"davidson": 0.9, "olid": 0.7}[source]
