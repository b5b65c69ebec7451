"""The HTML report as text: self-contained, locked down, escaped everywhere, findings and provenance present."""

from __future__ import annotations

import html
import json
import re

from tests.report.sample_case import DEFINITION_SHA, IMG_PAYLOAD, INPUT_SHA, SCRIPT_PAYLOAD, UNICODE_SAMPLES
from threadlens.report.html import render_html, write_html
from threadlens.report.layout import layout


def _figures(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="threadlens-figures">(.*?)</script>', page, re.S)
    assert match
    return json.loads(match.group(1))


def test_report_is_self_contained_and_locked_down(sample_case):
    page = render_html(sample_case)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in policy
    assert "connect-src 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("style-src")[0]  # scripts only by hash
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert "@import" not in page
    assert "Plotly.newPlot" in page  # plotly.js is inlined, not fetched


def test_message_text_is_escaped_everywhere(sample_case):
    page = render_html(sample_case)
    assert SCRIPT_PAYLOAD not in page
    assert IMG_PAYLOAD not in page
    assert "</script><!--" not in page
    assert "\u2028" not in page.split('id="threadlens-figures">')[1]
    assert html.escape(SCRIPT_PAYLOAD) in page  # shown as text in the tables
    hover = " ".join(text for trace in _figures(page)["thread-graph"]["data"] for text in trace.get("hovertext", []))
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in hover
    assert "<img" not in hover
    assert "<b>Trots</b>" in hover  # evidence marked with plotly's own markup, after escaping


def test_findings_provenance_and_unicode_are_shown(sample_case):
    page = render_html(sample_case)
    findings = page.index("who escalated first")
    assert findings < page.index('id="thread-graph"')
    assert "bob_k escalated first at 2024-03-01 18:05:00 UTC" in page
    assert "provocation" in page and "accusation" in page
    for expected in (DEFINITION_SHA, INPUT_SHA, "threadlens 0.1.0", "HR-2024-017", "pseudonyms"):
        assert expected in page
    for sample in UNICODE_SAMPLES:
        assert sample in page


def test_graph_traces_follow_levels_and_edge_kinds(sample_case):
    data = _figures(render_html(sample_case))["thread-graph"]["data"]
    by_name = {trace["name"]: trace for trace in data}
    assert by_name["missing message"]["marker"]["symbol"] == "circle-open"
    assert by_name["quote"]["line"]["dash"] == "dash"
    assert by_name["3 abusive"]["customdata"] == ["reddit:t1_b1"]
    assert by_name["P→R→A chains"]["text"] == ["P1", "R1", "A1", ""]
    assert all(trace["type"] == "scatter" for trace in data)  # small case: SVG, not WebGL


def test_layout_keeps_a_straight_exchange_on_one_row(sample_case):
    positions = layout(sample_case.graph)
    chain = ("reddit:t1_a1", "reddit:t1_b1", "reddit:t1_a2", "reddit:t1_b2")
    assert len({positions[m].row for m in chain}) == 1
    assert positions["reddit:t1_c1"].row != positions["reddit:t1_a1"].row  # a second reply opens a branch
    assert positions["reddit:t1_gone"].time < positions["reddit:t1_d1"].time  # placeholder before its reply
    assert len({p.row for p in positions.values()}) == 4  # placeholder branch, main line, a branch, a quote


def test_write_html_writes_the_file(sample_case, tmp_path):
    target = write_html(sample_case, tmp_path / "out" / "report.html")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert list(target.parent.iterdir()) == [target]


def test_large_cases_switch_to_webgl_and_drop_the_message_table(sample_case, monkeypatch):
    import threadlens.report.html as report

    monkeypatch.setattr(report, "WEBGL_FROM", 5)
    monkeypatch.setattr(report, "MAX_TABLE_MESSAGES", 5)
    page = render_html(sample_case)
    types = {trace["name"]: trace["type"] for trace in _figures(page)["thread-graph"]["data"]}
    assert types["reply"] == types["3 abusive"] == "scattergl"
    assert types["P→R→A chains"] == "scatter"  # few points, drawn with labels
    assert "too many for one page to list" in page
