"""Shared fixtures. Tests that read ../shared/data skip cleanly when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLES = ROOT / "sample_threads"


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data``, or skip the test when this checkout has none."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


def shared_path(*parts: str) -> Path:
    """A path under ``../shared/data``, skipping the calling test when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


@pytest.fixture(autouse=True)
def _key_dir(tmp_path_factory, monkeypatch):
    """Pseudonym keys of every test in a folder of its own, never the user's data directory."""
    monkeypatch.setenv("THREADLENS_KEY_DIR", str(tmp_path_factory.mktemp("keys")))
