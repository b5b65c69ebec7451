"""The definition the analysis tests run under: the default one, escalation rules included."""

from __future__ import annotations

import pytest

from threadlens.definition import Definition, load_definition


@pytest.fixture(scope="session")
def definition() -> Definition:
    return load_definition()
