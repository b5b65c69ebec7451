"""The review round trip in real Chromium: the readings to check on the first screen, two readings marked in the
report, the review file downloaded, and ``threadlens report --review`` applying it."""

from __future__ import annotations

import html
import json

from tests.report.conftest import needs_browser
from tests.test_cli import run_cli
from tests.test_review import THREAD
from threadlens.pipeline import analyse_case

pytestmark = needs_browser

HOSTILE_REASON = 'a "joke" </script><b>between</b> friends \\ answered as one'


def give_reading(page, message_id: str, level: str, reason: str, accuses: str = "") -> None:
    page.click(f'button.read-this[data-message="{message_id}"] >> nth=0')
    page.select_option("#review-level", level)
    page.select_option("#review-accuses", accuses)
    page.fill("#review-reason", reason)
    page.fill("#review-reviewer", "P. Natarajan, case officer")
    page.fill("#review-date", "2026-12-01")
    page.click("#review-add")


def test_marking_two_readings_and_applying_the_downloaded_review(browser, tmp_path):
    thread = tmp_path / "thread.csv"
    thread.write_text(THREAD, encoding="utf-8")
    out = tmp_path / "case"
    case = analyse_case([thread], out, allow_unconsented=True, reveal=True, pdf=False)
    assert case.findings.conversations[0].readings_to_check
    page = browser.new_page(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((out / "report.html").as_uri())
    first = page.query_selector("#readings li")
    assert first.is_visible() and first.bounding_box()["y"] < 800
    assert page.is_hidden("#review-panel")
    give_reading(page, "generic:2", "rude", HOSTILE_REASON)
    give_reading(page, "generic:4", "robust", "accuses the reactor of abuse", accuses="true")
    assert page.inner_text("#review-count") == "2"
    assert page.evaluate("document.querySelectorAll('#review-list b').length") == 0  # reason shown as text only
    with page.expect_download() as download:
        page.click("#review-download")
    review = tmp_path / "review.toml"
    download.value.save_as(review)
    assert all(url.startswith(("file:", "data:", "blob:", "about:")) for url in requests)
    page.close()

    applied = run_cli("report", str(out), "--no-pdf", "--review", str(review))
    assert applied.returncode == 0, applied.stderr
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    readings = {r["message_id"]: r for r in document["review"]["readings"]}
    assert readings["generic:2"]["level"] == 2 and readings["generic:2"]["reason"] == HOSTILE_REASON
    assert readings["generic:4"]["accuses"] is True and readings["generic:4"]["date"] == "2026-12-01"
    conversation = document["conversations"][0]
    assert conversation["first_escalation"]["message_id"] == "generic:2"
    assert conversation["changed_by_review"]
    assert "A panel's review is applied" in html.unescape((out / "report.html").read_text(encoding="utf-8"))


def test_the_form_refuses_a_reading_without_a_reason(browser, tmp_path):
    thread = tmp_path / "thread.csv"
    thread.write_text(THREAD, encoding="utf-8")
    analyse_case([thread], tmp_path / "case", allow_unconsented=True, reveal=True, pdf=False)
    page = browser.new_page()
    page.goto((tmp_path / "case" / "report.html").as_uri())
    give_reading(page, "generic:3", "civil", " ")
    assert page.is_visible("#review-error") and page.inner_text("#review-count") == "0"
    page.close()
