"""The HTML report in a real headless Chromium: it draws, fetches nothing, and no payload runs."""

from __future__ import annotations

import pytest

from tests.report.conftest import needs_browser
from tests.report.sample_case import with_unrelated_conversations
from threadlens.report.html import write_html

pytestmark = needs_browser


@pytest.fixture
def opened(browser, sample_case, tmp_path):
    """The sample report loaded in a page, with its console errors and every request it made."""
    report = write_html(sample_case, tmp_path / "report.html")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def record(route):
        requests.append(route.request.url)
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", record)
    page.goto(report.as_uri())
    page.wait_for_function("document.querySelectorAll('#thread-graph-1 .main-svg').length > 0")
    yield page, errors, requests, tmp_path
    page.close()


@pytest.fixture
def case_page(browser, sample_case, tmp_path):
    """The sample case with three unrelated messages from the day before, at 1280×800."""
    report = write_html(with_unrelated_conversations(sample_case, hours_before=24), tmp_path / "report.html")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(report.as_uri())
    page.wait_for_function("document.querySelectorAll('#thread-graph-1 .main-svg').length > 0")
    yield page
    page.close()


def _boxes(page, selector: str) -> list[dict]:
    return [box for box in (element.bounding_box() for element in page.query_selector_all(selector)) if box]


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_the_disputed_conversation_spans_at_least_half_the_plot(case_page):
    plot = case_page.query_selector("#thread-graph-1 .nsewdrag").bounding_box()  # the plot area
    points = _boxes(case_page, "#thread-graph-1 .scatterlayer .points path")
    centres = [box["x"] + box["width"] / 2 for box in points]
    assert len(points) >= 8
    assert (max(centres) - min(centres)) / plot["width"] >= 0.5


def test_no_two_text_labels_overlap(case_page):
    for figure in ("thread-graph-1", "overview"):
        labels = _boxes(
            case_page,
            f"#{figure} .annotation-text, #{figure} .xtick text, #{figure} .ytick text, #{figure} .textpoint text",
        )
        assert labels
        for index, first in enumerate(labels):
            for second in labels[index + 1 :]:
                assert not _overlap(first, second), (figure, first, second)
    assert len(_boxes(case_page, "#thread-graph-1 .annotation-text")) == 3  # P1, R1 and A1 all placed


def test_the_chain_texts_are_visible_without_a_click(case_page):
    texts = case_page.query_selector_all(".chain .chain-text")
    assert len(texts) == 3
    for element in texts:
        assert element.is_visible()
        assert element.bounding_box()["y"] < 800  # on the first screen
    shown = " ".join(element.inner_text() for element in texts)
    assert "You lot are dogs" in shown and "you idiot" in shown and "this is harassment" in shown


def test_report_draws_the_graph_without_errors_or_network(opened):
    page, errors, requests, _ = opened
    points = page.evaluate("document.getElementById('thread-graph-1').data.reduce((n, t) => n + t.x.length, 0)")
    assert points > 8  # edges, nodes, the chain and the first escalation
    assert page.evaluate("document.getElementById('participant-strip').data.length") > 0
    assert errors == []
    assert [url for url in requests if not url.startswith(("file:", "data:", "blob:"))] == []


def test_hostile_payloads_stay_text(opened):
    page, errors, _, _ = opened
    for figure in ("thread-graph-1", "overview"):  # hover every node, so the hover labels are rendered too
        hostile = f"document.getElementById('{figure}').data.flatMap((t, i) => t.hovertext ? [i] : [])"
        for trace in page.evaluate(hostile):
            count = page.evaluate(f"document.getElementById('{figure}').data[{trace}].x.length")
            for point in range(count):
                page.evaluate(f"Plotly.Fx.hover('{figure}', [{{curveNumber: {trace}, pointNumber: {point}}}])")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate('document.querySelectorAll(\'img[src="x"], a[href^="javascript"]\').length') == 0
    # the figures' and the review form's JSON, plotly.js, the page's own script and the review form's
    assert page.evaluate("document.scripts.length") == 5
    body = page.inner_text("body")
    assert "<script>window.__pwned=1</script>" in body
    assert '<img src=x onerror="window.__pwned=1">' in body
    assert errors == []


def test_screenshot_of_the_sample_case(opened):
    page, _, _, folder = opened
    shot = folder / "sample-report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
