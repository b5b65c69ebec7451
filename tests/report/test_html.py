"""The HTML report as text: self-contained, locked down, escaped everywhere, findings and provenance present."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import datetime, timedelta

from tests.report.sample_case import (
    DEFINITION_SHA,
    IMG_PAYLOAD,
    INPUT_SHA,
    SCRIPT_PAYLOAD,
    UNICODE_SAMPLES,
    build_large_case,
    with_unrelated_conversations,
)
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
    hover = " ".join(
        text for figure in _figures(page).values() for trace in figure["data"] for text in trace.get("hovertext", [])
    )
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in hover
    assert "<img" not in hover
    assert "<b>Trots</b>" in hover  # evidence marked with plotly's own markup, after escaping


def test_findings_provenance_and_unicode_are_shown(sample_case):
    page = render_html(sample_case)
    findings = page.index("who escalated first")
    assert findings < page.index('id="thread-graph-1"')
    assert "bob_k escalated first at 2024-03-01 18:05:00 UTC" in page
    assert "provocation" in page and "accusation" in page
    for expected in (DEFINITION_SHA, INPUT_SHA, "threadlens 0.1.0", "HR-2024-017", "pseudonyms"):
        assert expected in page
    for sample in UNICODE_SAMPLES:
        assert sample in page


def test_graph_traces_follow_levels_and_edge_kinds(sample_case):
    panel = _figures(render_html(sample_case))["thread-graph-1"]
    by_name = {trace["name"]: trace for trace in panel["data"]}
    assert by_name["missing message"]["marker"]["symbol"] == "circle-open"
    assert by_name["quote"]["line"]["dash"] == "dash"
    assert by_name["3 abusive"]["customdata"] == ["reddit:t1_b1"]
    assert [label["text"] for label in panel["layout"]["annotations"]] == ["P1", "R1", "A1"]
    assert all(trace["type"] == "scatter" for trace in panel["data"])  # small case: SVG, not WebGL
    names = [trace["name"] for trace in panel["data"]]
    assert names.index("4 severe" if "4 severe" in names else "3 abusive") > names.index("0 civil")  # severest on top


def test_each_conversation_with_findings_gets_its_own_time_axis(sample_case):
    case = with_unrelated_conversations(sample_case, hours_before=24)
    figures = _figures(render_html(case))
    assert set(figures) == {"overview", "thread-graph-1", "participant-strip"}  # the unrelated ones: overview only
    start, end = (datetime.fromisoformat(x) for x in figures["thread-graph-1"]["layout"]["xaxis"]["range"])
    assert end - start < timedelta(hours=1)  # the disputed conversation's 25 minutes, not the day before
    overview = {y for trace in figures["overview"]["data"] for y in trace["y"]}
    assert len(overview) == 4


def test_chain_comes_first_side_by_side_with_its_texts_and_the_comparison(sample_case):
    page = render_html(sample_case)
    chain = page.index('class="chain"')
    assert chain < page.index("Findings: who escalated first") < page.index('id="overview"')
    block = page[chain : page.index("</div></div>", chain)]
    for role in ("Provocation", "Reaction", "Accusation"):
        assert role in block
    assert "<mark" in block and "dogs</mark>" in block
    assert "Everyone see this? alice_h is being" in page[chain:]
    assert (
        "The reaction (level 2 rude, by alice_h) came 4.0 min after a level 3 abusive provocation by bob_k "
        "aimed at its author; the accusation came 5.0 min after the reaction, from the provoker (bob_k)."
    ) in page
    assert "accuser is the provoker (bob_k)" in page


def test_civil_messages_show_no_marks_and_lowering_evidence_has_its_own_style(sample_case):
    from threadlens.model import Evidence

    civil = sample_case.scores["reddit:t1_a1"]
    sample_case.scores["reddit:t1_a1"] = replace(civil, evidence=(Evidence(0, 7, "Council", "model", "council", 0.2),))
    rude = sample_case.scores["reddit:t1_a2"]
    sample_case.scores["reddit:t1_a2"] = replace(
        rude, evidence=(*rude.evidence, Evidence(4, 8, "dare", "rule", "reported speech", -0.1))
    )
    page = render_html(sample_case)
    text = page.index("Council meeting tonight")
    row = page[page.rindex("<tr", 0, text) : page.index("</tr>", text)]
    assert "<mark" not in row
    assert "no hostile language found" in row
    assert '<span class="lowers" title="lowers the score">dare</span>' in page
    assert '<li class="ev-lowers">' in page


def test_score_spans_are_highlighted_exactly_when_the_scorer_gives_them(sample_case):
    from threadlens.report.view import evidence_segments

    class Spanned:  # a score with the spans a scorer may give, beside its evidence
        level, evidence, spans = 2, sample_case.scores["reddit:t1_a2"].evidence, ((0, 3),)

    text = sample_case.graph.message("reddit:t1_a2").text
    assert [s.text for s in evidence_segments(text, Spanned()) if s.marked] == ["How"]


def test_messages_are_listed_open_with_chain_roles_marked(sample_case):
    page = render_html(sample_case)
    messages = page[page.index("<h2>Messages</h2>") :]
    assert "<details>" not in messages
    assert messages.count('class="in-chain"') == 3
    assert '<span class="role">P1</span>' in messages


def test_participants_show_roles_and_the_message_that_reached_the_highest_level(sample_case):
    page = render_html(sample_case)
    section = page[page.index("<h2>Participants</h2>") : page.index('id="participant-strip"')]
    assert "escalated first (#3)" in section and "reacted (#5) to a provocation (#3)" in section
    assert "3 abusive (#3)" in section and "2 rude (#5)" in section
    assert "accused the reactor (#6)" in section


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
    from threadlens.report.html import sections, timeline

    monkeypatch.setattr(timeline, "WEBGL_FROM", 5)
    monkeypatch.setattr(sections, "MAX_TABLE_MESSAGES", 5)
    page = render_html(sample_case)
    types = {trace["name"]: trace["type"] for trace in _figures(page)["thread-graph-1"]["data"]}
    assert types["reply"] == types["3 abusive"] == "scattergl"
    assert types["P→R→A chains"] == "scatter"  # few points, drawn with labels
    assert "too many for one page to list" in page


def test_forty_conversations_of_fifty_messages_each_get_their_own_axis():
    figures = _figures(render_html(build_large_case()))
    panels = [key for key in figures if key.startswith("thread-graph-")]
    assert len(panels) == 40
    for key in panels:
        start, end = (datetime.fromisoformat(x) for x in figures[key]["layout"]["xaxis"]["range"])
        assert end - start < timedelta(hours=2)  # one conversation's 98 minutes, padded; the case spans 8 days
