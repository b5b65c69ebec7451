"""The reply graph: placeholders, quotes, conversations, cycles, out-of-order replies, completeness, views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import networkx as nx
import pandas as pd

from threadlens.model import Message, Revision, Source
from threadlens.thread import build_graph, depths, graph_frame, reply_path, summarise_conversations

START = datetime(2026, 3, 6, 13, 0, tzinfo=UTC)


def msg(key: str, reply_to: str | None = None, *, minute: int | None = 0, author: str = "x:1", **fields) -> Message:
    return Message(
        id=key,
        platform=key.split(":")[0],
        author_id=author,
        author_name=author.split(":")[1],
        created_at=None if minute is None else START + timedelta(minutes=minute),
        text=f"text of {key}",
        reply_to=reply_to,
        sources=(Source("case.jsonl", f"line {key}", "ab" * 32, "jsonl"),),
        **fields,
    )


def kinds(tg) -> dict[tuple[str, str], str]:
    return {(u, v): kind for u, v, kind in tg.graph.edges(data="kind")}


def test_reply_edges_run_parent_to_reply_with_depths():
    tg = build_graph(
        [msg("x:1"), msg("x:2", "x:1", minute=1), msg("x:3", "x:2", minute=2), msg("x:4", "x:1", minute=3)]
    )
    assert kinds(tg) == {("x:1", "x:2"): "reply", ("x:2", "x:3"): "reply", ("x:1", "x:4"): "reply"}
    assert depths(tg) == {"x:1": 0, "x:2": 1, "x:3": 2, "x:4": 1}
    assert reply_path(tg, "x:3") == ["x:1", "x:2", "x:3"]
    assert tg.conversations() == {"x:1": ["x:1", "x:2", "x:3", "x:4"]}
    assert tg.issues == []


def test_missing_parent_becomes_a_placeholder_in_the_replys_conversation():
    tg = build_graph([msg("x:5", "x:4", minute=2, conversation_id="x:1"), msg("x:6", "x:5", minute=3)])
    placeholder = tg.message("x:4")
    assert tg.graph.nodes["x:4"]["missing"] is True
    assert tg.graph.nodes["x:5"]["missing"] is False
    assert (placeholder.platform, placeholder.text, placeholder.author_id) == ("x", "", "")
    assert build_graph([msg("bsky:b", "bsky:a")]).message("bsky:a").platform == "bluesky"
    assert placeholder.created_at is None
    assert tg.conversations() == {"x:1": ["x:4", "x:5", "x:6"]}
    done = tg.completeness()["x:1"]
    assert (done.messages, done.placeholders, done.missing_parents) == (2, 1, ("x:4",))
    assert [(i.kind, i.message_id) for i in tg.issues] == [("missing-parent", "x:4")]


def test_fragments_of_one_platform_conversation_get_distinct_ids():
    tg = build_graph(
        [
            msg("x:1", conversation_id="x:1"),
            msg("x:7", "x:5", minute=4, conversation_id="x:1"),
        ]
    )
    assert list(tg.conversations()) == ["x:1", "x:1/x:5"]


def test_quote_is_a_cross_conversation_edge_and_a_missing_quote_a_placeholder():
    tg = build_graph(
        [
            msg("bsky:a"),
            msg("bsky:b", "bsky:a", minute=1),
            msg("bsky:q", minute=2, quote_of="bsky:b"),
            msg("bsky:r", minute=3, quote_of="bsky:gone"),
        ]
    )
    assert kinds(tg)[("bsky:b", "bsky:q")] == "quote"
    assert kinds(tg)[("bsky:gone", "bsky:r")] == "quote"
    assert set(tg.conversations()) == {"bsky:a", "bsky:q", "bsky:r", "bsky:gone"}
    gone = tg.completeness()["bsky:gone"]
    assert (gone.messages, gone.placeholders, gone.missing_parents) == (0, 1, ())
    assert nx.number_weakly_connected_components(tg.graph) == 2


def test_reply_and_quote_of_the_same_parent_is_one_reply_edge():
    tg = build_graph([msg("x:1"), msg("x:2", "x:1", minute=1, quote_of="x:1")])
    assert kinds(tg) == {("x:1", "x:2"): "reply"}


def test_graph_is_what_networkx_builds_from_the_same_nodes_and_edges():
    tg = build_graph(
        [
            msg("x:1"),
            msg("x:2", "x:1", minute=1),
            msg("x:3", "x:9", minute=2, quote_of="x:2"),
            msg("x:4", "x:2", minute=3, quote_of="x:1"),
            msg("x:5", "x:6", minute=4),
            msg("x:6", "x:5", minute=5),
            msg("x:7", "x:1", minute=6, quote_of="x:1"),
        ]
    )
    expected = nx.DiGraph(**tg.graph.graph)
    expected.add_nodes_from(tg.graph.nodes(data=True))
    for kind in ("reply", "quote"):
        expected.add_edges_from((u, v, data) for u, v, data in tg.graph.edges(data=True) if data["kind"] == kind)
    assert nx.utils.graphs_equal(tg.graph, expected)
    assert list(tg.graph.edges(data=True)) == list(expected.edges(data=True))
    assert {key: list(parents) for key, parents in tg.graph.pred.items()} == {
        key: list(parents) for key, parents in expected.pred.items()
    }
    assert all(tg.graph.pred[v][u] is data for u, v, data in tg.graph.edges(data=True))
    tg.graph.add_edge("x:1", "x:5", kind="quote")  # still an ordinary, editable networkx graph
    assert tg.graph.pred["x:5"]["x:1"] == {"kind": "quote"}


def test_reply_cycle_is_broken_at_its_earliest_message_and_reported():
    tg = build_graph([msg("x:1", "x:3", minute=5), msg("x:2", "x:1", minute=6), msg("x:3", "x:2", minute=7)])
    assert nx.is_directed_acyclic_graph(tg.graph)
    assert ("x:3", "x:1") not in kinds(tg)
    assert [(i.kind, i.message_id) for i in tg.issues] == [("cycle-broken", "x:1")]
    assert tg.conversations() == {"x:1": ["x:1", "x:2", "x:3"]}
    assert tg.completeness()["x:1"].cycles_broken == ("x:1",)
    assert tg.message("x:1").reply_to == "x:3"  # the data is kept as read


def test_self_reply_and_quote_cycles_are_broken():
    tg = build_graph([msg("x:1", "x:1"), msg("x:2", minute=1, quote_of="x:3"), msg("x:3", "x:2", minute=2)])
    assert nx.is_directed_acyclic_graph(tg.graph)
    assert {(i.kind, i.message_id) for i in tg.issues} == {("self-reply", "x:1"), ("cycle-broken", "x:2")}
    assert kinds(tg) == {("x:2", "x:3"): "reply"}


def test_reply_before_parent_is_reported_not_hidden():
    tg = build_graph([msg("x:1", minute=10), msg("x:2", "x:1", minute=4)])
    assert [(i.kind, i.message_id) for i in tg.issues] == [("reply-before-parent", "x:2")]
    assert "360 s before its parent x:1" in tg.issues[0].detail
    assert tg.completeness()["x:1"].out_of_order == ("x:2",)
    assert tg.conversations()["x:1"] == ["x:2", "x:1"]  # time order, as read


def test_completeness_counts_stubs_deletions_and_edits():
    tg = build_graph(
        [
            msg("reddit:t3_a", missing_children=0),
            msg("reddit:t1_b", "reddit:t3_a", minute=1, missing_children=3),
            msg("reddit:t1_c", "reddit:t3_a", minute=2, deleted=True, missing_children=2),
            msg("reddit:t1_d", "reddit:t1_b", minute=3, edits=(Revision("reddit:t1_d", "old", None),)),
            msg("reddit:t1_e", "reddit:t1_b", minute=4, edited_from=("reddit:t1_x",)),
        ]
    )
    done = tg.completeness()["reddit:t3_a"]
    assert (done.messages, done.more_stubs, done.deleted, done.edited) == (5, 5, 1, 2)


def test_duplicate_ids_are_merged_before_building():
    tg = build_graph([msg("x:1"), msg("x:1", minute=None)])
    assert tg.graph.number_of_nodes() == 1
    assert len(tg.message("x:1").sources) == 1


def test_conversations_are_ordered_by_first_message_and_cover_every_node():
    tg = build_graph(
        [msg("x:9", minute=30), msg("x:1", minute=None), msg("x:5", minute=2), msg("x:6", "x:5", minute=1)]
    )
    assert list(tg.conversations()) == ["x:5", "x:9", "x:1"]
    every = [key for ids in tg.conversations().values() for key in ids]
    assert sorted(every) == sorted(tg.graph.nodes)


def test_summary_rows_match_the_inspect_table():
    tg = build_graph(
        [
            msg("x:1", author="x:10"),
            msg("x:2", "x:1", minute=61, author="x:20"),
            msg("x:3", "x:9", minute=62, author="x:10", deleted=True, conversation_id="x:1"),
        ]
    )
    first, second = summarise_conversations(tg)
    assert first == {
        "conversation_id": "x:1",
        "messages": 2,
        "participants": 2,
        "first": "2026-03-06T13:00:00Z",
        "last": "2026-03-06T14:01:00Z",
        "depth": 1,
        "missing_parents": 0,
        "edited": 0,
        "deleted": 0,
        "placeholders": 0,
        "out_of_order": 0,
        "more_stubs": 0,
        "cycles_broken": 0,
    }
    assert (second["conversation_id"], second["messages"], second["placeholders"]) == ("x:1/x:9", 1, 1)
    assert (second["missing_parents"], second["deleted"]) == (1, 1)
    assert summarise_conversations(build_graph([msg("x:1", minute=None)]))[0]["first"] == "—"


def test_frame_has_string_ids_and_arrow_dtypes():
    big = "x:2029905358261502168"
    frame = graph_frame(build_graph([msg(big), msg("x:2029905358261502169", big, minute=1), msg("x:3", "x:404")]))
    assert list(frame.columns) == [
        "id",
        "conversation_id",
        "platform",
        "author_id",
        "author_name",
        "created_at",
        "reply_to",
        "quote_of",
        "depth",
        "missing",
        "deleted",
        "edited",
        "context_only",
        "text",
        "source_path",
        "source_position",
        "source_sha256",
    ]
    assert all(isinstance(dtype, pd.ArrowDtype) for dtype in frame.dtypes)
    assert str(frame["id"].dtype) == "string[pyarrow]"
    assert str(frame["created_at"].dtype) == "timestamp[us, tz=UTC][pyarrow]"
    row = frame.set_index("id").loc["x:2029905358261502169"]
    assert row["reply_to"] == big
    assert row["depth"] == 1
    placeholder = frame.set_index("id").loc["x:404"]
    assert placeholder["missing"] and pd.isna(placeholder["source_path"]) and pd.isna(placeholder["created_at"])
    assert frame.equals(
        graph_frame(build_graph([msg(big), msg("x:2029905358261502169", big, minute=1), msg("x:3", "x:404")]))
    )


def test_no_messages_give_an_empty_graph_and_frame():
    tg = build_graph([])
    assert (tg.conversations(), tg.completeness(), tg.issues, summarise_conversations(tg)) == ({}, {}, [], [])
    frame = graph_frame(tg)
    assert len(frame) == 0 and str(frame["id"].dtype) == "string[pyarrow]"
