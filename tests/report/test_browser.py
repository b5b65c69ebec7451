"""The HTML report in a real headless Chromium: it draws, fetches nothing, and no payload runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadlens.report.html import write_html

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


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
    page.wait_for_function("document.querySelectorAll('#thread-graph .main-svg').length > 0")
    yield page, errors, requests, tmp_path
    page.close()


def test_report_draws_the_graph_without_errors_or_network(opened):
    page, errors, requests, _ = opened
    points = page.evaluate("document.getElementById('thread-graph').data.reduce((n, t) => n + t.x.length, 0)")
    assert points > 8  # edges, nodes, the chain and the first escalation
    assert page.evaluate("document.getElementById('participant-strip').data.length") > 0
    assert errors == []
    assert [url for url in requests if not url.startswith(("file:", "data:", "blob:"))] == []


def test_hostile_payloads_stay_text(opened):
    page, errors, _, _ = opened
    hostile = "document.getElementById('thread-graph').data.flatMap((t, i) => t.hovertext ? [i] : [])"
    for trace in page.evaluate(hostile):  # hover every node, so the hover labels are rendered too
        count = page.evaluate(f"document.getElementById('thread-graph').data[{trace}].x.length")
        for point in range(count):
            page.evaluate(f"Plotly.Fx.hover('thread-graph', [{{curveNumber: {trace}, pointNumber: {point}}}])")
    page.locator("details summary").click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], a[href^=\"javascript\"]').length") == 0
    assert page.evaluate("document.scripts.length") == 3  # the figures' JSON, plotly.js and the page's own
    body = page.inner_text("body")
    assert "<script>window.__pwned=1</script>" in body
    assert '<img src=x onerror="window.__pwned=1">' in body
    assert errors == []


def test_screenshot_of_the_sample_case(opened):
    page, _, _, folder = opened
    shot = folder / "sample-report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
