"""Properties of merging and graph building that must hold for any input, however broken."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadlens.ingest import read_inputs
from threadlens.ingest.merge import merge_messages
from threadlens.model import Message, Source
from threadlens.thread import build_graph, graph_frame, summarise_conversations

START = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
IDS = [f"x:{n}" for n in range(12)]
REFERENCES = st.none() | st.sampled_from([*IDS, "x:404", "x:405"])


@st.composite
def messages(draw) -> list[Message]:
    """Up to 25 records over a small id pool: duplicates, cycles, missing parents and quotes all likely."""
    records = []
    for position in range(draw(st.integers(0, 25))):
        minute = draw(st.none() | st.integers(0, 120))
        records.append(
            Message(
                id=draw(st.sampled_from(IDS)),
                platform="x",
                author_id=f"x:{draw(st.integers(1, 4))}",
                author_name="",
                created_at=None if minute is None else START + timedelta(minutes=minute),
                text=draw(st.sampled_from(["", "calm", "rabble", "how dare you"])),
                reply_to=draw(REFERENCES),
                quote_of=draw(REFERENCES),
                deleted=draw(st.booleans()),
                context_only=draw(st.booleans()),
                missing_children=draw(st.integers(0, 3)),
                sources=(Source(f"file{position % 3}.jsonl", f"line {position + 1}", "0" * 64, "jsonl"),),
            )
        )
    return records


@settings(deadline=None)
@given(messages())
def test_every_message_appears_once(records):
    tg = build_graph(records)
    ids = {m.id for m in records}
    real = {key for key, missing in tg.graph.nodes(data="missing") if not missing}
    assert real == ids
    listed = [key for members in tg.conversations().values() for key in members]
    assert sorted(listed) == sorted(tg.graph.nodes)
    assert sum(c.messages + c.placeholders for c in tg.completeness().values()) == tg.graph.number_of_nodes()


@settings(deadline=None)
@given(messages())
def test_every_edge_starts_at_a_message_or_placeholder_and_ends_at_a_message(records):
    tg = build_graph(records)
    for parent, child, kind in tg.graph.edges(data="kind"):
        assert kind in ("reply", "quote")
        assert isinstance(tg.graph.nodes[parent]["message"], Message)
        assert not tg.graph.nodes[child]["missing"]
        link = tg.message(child).reply_to if kind == "reply" else tg.message(child).quote_of
        assert link == parent
    for key, missing in tg.graph.nodes(data="missing"):
        if missing:
            assert tg.graph.in_degree(key) == 0
            assert any(key in (m.reply_to, m.quote_of) for m in records)


@settings(deadline=None)
@given(messages())
def test_no_cycle_remains_and_depths_follow_reply_links(records):
    tg = build_graph(records)
    assert nx.is_directed_acyclic_graph(tg.graph)
    for parent, child, kind in tg.graph.edges(data="kind"):
        if kind == "reply":
            assert tg.graph.nodes[child]["depth"] == tg.graph.nodes[parent]["depth"] + 1
            assert tg.graph.nodes[child]["conversation"] == tg.graph.nodes[parent]["conversation"]
    dropped = {i.message_id for i in tg.issues if i.kind in ("cycle-broken", "self-reply")}
    unlinked = {m.id for m in tg.messages() if m.reply_to and not tg.graph.has_edge(m.reply_to, m.id)}
    assert unlinked <= dropped


@settings(deadline=None)
@given(messages())
def test_merge_keeps_every_source_and_every_text(records):
    merged = merge_messages(records)
    assert [m.id for m in merged] == list(dict.fromkeys(m.id for m in records))
    by_id = {m.id: m for m in merged}
    for record in records:
        kept = by_id[record.id]
        assert set(record.sources) <= set(kept.sources)
        assert not record.text or record.text in {kept.text, *(r.text for r in kept.edits)}
        assert kept.deleted >= record.deleted
    assert merge_messages(merged) == merged


@settings(deadline=None)
@given(messages())
def test_building_twice_gives_identical_output(records):
    first, second = build_graph(records), build_graph(list(records))
    assert first.issues == second.issues
    assert first.conversations() == second.conversations()
    assert summarise_conversations(first) == summarise_conversations(second)
    assert graph_frame(first).equals(graph_frame(second))


JSONL_ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "id": st.sampled_from([str(n) for n in range(10)]),
            "reply_to": st.none() | st.sampled_from([str(n) for n in range(12)]),
            "author": st.sampled_from(["ann", "bob", "cat"]),
            "created_at": st.integers(1_772_800_000, 1_772_900_000),
            "text": st.text(max_size=20),
        }
    ),
    min_size=1,
    max_size=20,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40, deadline=None)
@given(rows=JSONL_ROWS)
def test_reading_the_same_jsonl_twice_gives_identical_output(rows, tmp_path):

    path = tmp_path / "case.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    first, second = read_inputs([path], format="jsonl"), read_inputs([path], format="jsonl")
    assert first == second
    assert len({m.id for m in first.messages}) == len({row["id"] for row in rows})
    assert graph_frame(build_graph(first.messages)).equals(graph_frame(build_graph(second.messages)))
