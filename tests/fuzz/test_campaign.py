"""The short fuzzing campaign: mutants of every reader's fixtures never end in a traceback, a hang or a runaway
allocation, and a mutant that keeps every record loses no message. The long one is ``benchmarks/fuzz.py``."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tests.fuzz.campaign import campaign, causes, counts
from tests.fuzz.mutations import MUTATIONS, SEEDS, mutants, seeds
from threadlens.errors import ThreadlensError
from threadlens.ingest import read_inputs, readers

CASES = 300  # about a minute of CPU time: the first also runs `inspect` and `analyse` as real commands
SEED = 20260101


def test_every_registered_reader_has_seeds():
    assert set(SEEDS) == set(readers())
    assert all(path.exists() for paths in SEEDS.values() for path in paths)


def test_mutants_are_the_same_for_the_same_seed_and_cover_every_kind():
    first, again = mutants(seeds(), 60, 7), mutants(seeds(), 60, 7)
    assert [(case.name, case.files) for case in first] == [(case.name, case.files) for case in again]
    made = {case.name.split("/")[1] for case in mutants(seeds(), len(MUTATIONS) * 3, 7)}
    assert all(any(name.startswith(kind) for name in made) for kind in MUTATIONS)


def test_short_campaign_ends_in_no_traceback_timeout_or_memory_over_the_cap():
    outcomes = campaign(mutants(seeds(), CASES, SEED), timeout=30, commands_every=CASES)
    table = counts(outcomes)
    assert table["read"].total() == CASES
    assert table["analyse"].total() == 1 and table["inspect"].total() == CASES + 1
    assert not causes(outcomes), causes(outcomes)
    assert table["read"]["accepted"] > CASES // 3 and table["read"]["clear error"] > CASES // 10


# Mutations that keep every record's content: every message of the seed must still be read.
LOSSLESS = ("duplicate-record", "duplicate-row", "line-ends", "junk-folder")


@pytest.mark.parametrize("kind", LOSSLESS)
def test_a_mutant_that_keeps_every_record_keeps_every_message(kind, tmp_path):
    for index, seed in enumerate(seeds()):
        if kind == "duplicate-record" and any(name.endswith((".csv", ".tsv")) for name in seed.files):
            continue  # a table has rows, not JSON records: duplicate-row repeats one
        try:
            before = read_inputs([seed.write(tmp_path / f"seed-{index}")])
        except ThreadlensError:  # a seed read only with options (a table with other column names)
            continue
        mutant = MUTATIONS[kind](seed, random.Random(index))
        after = read_inputs([mutant.write(tmp_path / f"mutant-{index}")])
        ids = Counter(message.id for message in after.messages)
        assert set(ids) >= {message.id for message in before.messages}, mutant.name
        assert len(after.messages) >= len(before.messages), mutant.name
