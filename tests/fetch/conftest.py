"""Fixtures of the fetch tests: a fake clock, the consent manifest, a captured console, no real sleeping."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from rich.console import Console

from tests.fetch.fetch_support import FIXTURES, FakeClock


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch):
    """Nothing in a fetch test may really wait."""

    def refuse(seconds):
        raise AssertionError(f"time.sleep({seconds}) called: waits must go through the injected clock")

    monkeypatch.setattr(time, "sleep", refuse)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def consent() -> Path:
    return FIXTURES / "submission.toml"


@pytest.fixture
def console() -> Console:
    return Console(file=io.StringIO(), width=200, force_terminal=False)
