"""The four sample cases through the real pipeline, their reports opened in Chromium at 1280×800 and their PDF
read back: each conversation with findings spans at least half its plot, no two labels overlap, every chain's
three texts are on the first screen and on the PDF's first page, and nothing is fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.report.conftest import needs_browser
from tests.report.test_browser import _boxes, _overlap
from threadlens.pipeline import analyse_case

SAMPLES = Path(__file__).resolve().parents[2] / "sample_threads"
CASES = sorted(path.name for path in SAMPLES.iterdir() if (path / "submission.toml").is_file())

pytestmark = needs_browser


@pytest.mark.parametrize("name", CASES)
def test_sample_report_reads_at_a_glance(browser, name, tmp_path):
    case = analyse_case([SAMPLES / name], tmp_path, consent=SAMPLES / name / "submission.toml")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((tmp_path / "report.html").as_uri())
    page.wait_for_function("document.querySelectorAll('#thread-graph-1 .main-svg').length > 0")
    panels = page.query_selector_all("[id^='thread-graph-']")
    assert panels
    for panel in panels:
        key = panel.get_attribute("id")
        plot = page.query_selector(f"#{key} .nsewdrag").bounding_box()
        centres = [box["x"] + box["width"] / 2 for box in _boxes(page, f"#{key} .scatterlayer .points path")]
        if len(centres) > 1:
            assert (max(centres) - min(centres)) / plot["width"] >= 0.5, key
        labels = _boxes(page, f"#{key} .annotation-text, #{key} .xtick text, #{key} .ytick text")
        for index, first in enumerate(labels):
            assert not any(_overlap(first, second) for second in labels[index + 1 :]), key
    chains = [chain for conversation in case.findings.conversations for chain in conversation.chains]
    texts = page.query_selector_all(".chain .chain-text")
    assert len(texts) == 3 * len(chains)
    assert all(element.is_visible() and element.bounding_box()["y"] < 800 for element in texts[:3])
    assert all(url.startswith(("file:", "data:", "blob:", "about:")) for url in requests)
    page.close()
    from pypdf import PdfReader

    first_page = " ".join(PdfReader(tmp_path / "timeline.pdf").pages[0].extract_text().split())
    for chain in chains:
        for key in (chain.provocation, chain.reaction, chain.accusation):
            words = " ".join(case.graph.message(key).text.split())[:25]
            assert words in first_page, (name, key)
