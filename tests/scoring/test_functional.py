"""The functional suites: accuracy stays at or above 90%, and no functionality falls below 80%.

functional_cases.csv was written first; functional_cases_fresh.csv was written later and first scored
without any change to the rules (its accuracy then is the honest figure for unseen phrasing). Both were
tuned on since; the held-out figures are in benchmarks/ (judgement_bench.py, heldout_bench.py). When levels
came to follow the kind of hostility, two labels followed the definition: calling someone "a troll and a
bully" accuses *and* insults (hostile), and "shut the f**k up" is a sharp dismissal (robust, not hostile).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from threadlens.scoring.evaluate import evaluate_file

HERE = Path(__file__).parent


@pytest.mark.parametrize("name", ["functional_cases.csv", "functional_cases_fresh.csv"])
def test_functional_accuracy(name):
    result = evaluate_file(HERE / name, "expected", positive=["hostile"], group_column="functionality")
    assert result.accuracy >= 0.9
    assert result.groups["quoted_abuse"]["accuracy"] >= 0.8
    weak = {name: g["accuracy"] for name, g in result.groups.items() if g["accuracy"] < 0.8}
    assert weak == {}
