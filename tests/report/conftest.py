"""Fixtures of the report tests."""

from __future__ import annotations

import pytest

from tests.report.sample_case import build_sample_case
from threadlens.model import Case


@pytest.fixture
def sample_case() -> Case:
    """The hand-built sample case (a fresh copy per test)."""
    return build_sample_case()
