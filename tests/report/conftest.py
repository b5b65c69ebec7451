"""Fixtures of the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.report.sample_case import build_sample_case
from threadlens.model import Case


@pytest.fixture
def sample_case() -> Case:
    """The hand-built sample case (a fresh copy per test)."""
    return build_sample_case()


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
needs_browser = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by Playwright, with no network of its own."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
