"""The sample cases in sample_threads/ read without errors and give the structure their README describes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from threadlens.ingest import read_inputs
from threadlens.model import ReadResult, ThreadGraph
from threadlens.thread import build_graph, reply_path, summarise_conversations

SAMPLES = Path(__file__).resolve().parent.parent / "sample_threads"
PRA_ROOT = "x:2028818216587677735"
PROVOCATION, REACTION, ACCUSATION = "x:2028822721582510145", "x:2028824680476549198", "x:2028828094952341608"


def read_case(name: str) -> tuple[ReadResult, ThreadGraph]:
    result = read_inputs([SAMPLES / name])
    assert [p for p in result.problems if p.severity == "error"] == []
    return result, build_graph(result.messages)


def edges(tg: ThreadGraph, kind: str) -> set[tuple[str, str]]:
    return {(u, v) for u, v, k in tg.graph.edges(data="kind") if k == kind}


def test_every_case_is_documented():
    cases = sorted(path.name for path in SAMPLES.iterdir() if path.is_dir())
    assert cases == ["calm-control", "missing-and-edited", "mixed-platform", "pra-x-archive"]
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert all(f"`{case}/`" in readme for case in cases)


def test_pra_case_has_the_provocation_reaction_accusation_chain():
    result, tg = read_case("pra-x-archive")
    assert len(result.messages) == 13
    assert {i.format for i in result.inputs} == {"x-api-v2", "x-archive"}
    assert sum(i.messages for i in result.inputs) == 6 + 9  # Voss's archive, the search pages with context
    conversation = tg.conversations()[PRA_ROOT]
    assert len(conversation) == 10
    assert reply_path(tg, ACCUSATION) == [PRA_ROOT, PROVOCATION, REACTION, ACCUSATION]
    summary = next(s for s in summarise_conversations(tg) if s["conversation_id"] == PRA_ROOT)
    assert (summary["participants"], summary["depth"], summary["missing_parents"]) == (4, 5, 0)
    assert sum(1 for key in tg.conversations() if key != PRA_ROOT) == 3
    for both in (PROVOCATION, ACCUSATION):
        message = tg.message(both)
        assert {s.format for s in message.sources} == {"x-archive", "x-api-v2"}
        assert not message.context_only and message.edits == ()
    assert "dogs" in tg.message(PROVOCATION).text and "rabble" in tg.message(PROVOCATION).text
    assert tg.message(ACCUSATION).author_id == tg.message(PROVOCATION).author_id == "x:1447182930462515201"
    assert tg.message(REACTION).author_id == "x:1290384756102938475"


def test_calm_control_is_one_complete_conversation():
    result, tg = read_case("calm-control")
    assert len(result.messages) == 11
    (summary,) = summarise_conversations(tg)
    assert (summary["messages"], summary["participants"], summary["depth"]) == (11, 5, 5)
    assert (summary["missing_parents"], summary["placeholders"], summary["deleted"]) == (0, 0, 0)
    assert tg.issues == []


def test_mixed_platform_case_keeps_each_platform_apart_and_links_the_quote():
    result, tg = read_case("mixed-platform")
    assert Counter(m.platform for m in result.messages) == {"reddit": 8, "bluesky": 5, "whatsapp": 5}
    summaries = {s["conversation_id"].split(":")[0]: s for s in summarise_conversations(tg) if s["messages"] > 1}
    reddit = summaries["reddit"]
    assert (reddit["messages"], reddit["depth"], reddit["deleted"], reddit["more_stubs"]) == (8, 4, 1, 2)
    assert summaries["bsky"]["more_stubs"] == 1
    assert (summaries["whatsapp"]["messages"], summaries["whatsapp"]["depth"]) == (5, 3)
    assert len(tg.conversations()) == 4
    (quote,) = edges(tg, "quote")
    assert tg.message(quote[0]).text.startswith("@pennyfarthing.bsky.social Told by whom?")
    assert tg.graph.nodes[quote[0]]["conversation"] != tg.graph.nodes[quote[1]]["conversation"]


def test_missing_and_edited_case_reports_its_gaps():
    result, tg = read_case("missing-and-edited")
    assert len(result.messages) == 11
    placeholders = {key for key, missing in tg.graph.nodes(data="missing") if missing}
    assert placeholders == {"x:2057128131463324558", "x:2057134045586035611", "x:2057149367536812968"}
    done = tg.completeness().values()
    assert sum(len(c.missing_parents) for c in done) == 3
    assert sum(c.edited for c in done) == 1
    edited = tg.message("x:2057146063259096327")
    assert "x:2057145007014777547" in edited.edited_from or any(r.id == "x:2057145007014777547" for r in edited.edits)
    assert ("x:2057133002450322084", "x:2057139286758671116") in edges(tg, "quote")
    assert any("2057149367536812968" in p.reason for p in result.problems if p.severity == "warning")


@pytest.mark.parametrize("case", ["calm-control", "missing-and-edited", "mixed-platform", "pra-x-archive"])
def test_reading_a_case_twice_gives_identical_messages(case):
    assert read_case(case)[0].messages == read_case(case)[0].messages
