"""Build the reply graph of a case from messages, and views of it (a table, per-conversation summaries).

The graph is a ``networkx.DiGraph`` with edges parent → reply (``kind="reply"``) and quoted →
quoting (``kind="quote"``). Rules:

- **Placeholders.** A message referenced by ``reply_to`` or ``quote_of`` but not in the input becomes
  a node with ``missing=True`` (empty text and author, no time, platform from its id), never a
  dangling link. A reply placeholder takes the ``conversation_id`` of the first reply pointing at it.
- **Conversations** are the trees of REPLY edges: a quote links two conversations but does not join
  them, so a conversation is one weakly connected component of the reply edges (quote edges stay in
  the graph as cross-conversation links). Its id is the root's ``conversation_id``, else the root's id;
  when two trees would share an id (replies whose parents are missing in different places), the
  later ones are named ``<id>/<root id>``. Ids in a conversation are in time order: placeholders
  first, then by (``created_at``, id), messages without a time last.
- **Cycles** (bad data: a → b → a) are broken by dropping the link into the cycle's earliest message
  (by time, then id), so it becomes a root, and reported as ``cycle-broken`` (``self-reply`` for a
  message replying to itself). A quote that would close a cycle is dropped the same way.
- **Reported, not hidden:** replies timestamped before their parent (``reply-before-parent``) and
  every placeholder (``missing-parent``) are :class:`~threadlens.model.GraphIssue` entries, and each
  conversation has a :class:`~threadlens.model.Completeness`.

Node attributes: ``message``, ``missing``, ``conversation`` (its conversation id) and ``depth`` (reply
steps from its root). Everything is linear in the number of messages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING

import networkx as nx

from threadlens.ingest.merge import merge_messages
from threadlens.memory import gc_paused
from threadlens.model import Completeness, GraphIssue, Message, ThreadGraph

if TYPE_CHECKING:  # pandas and pyarrow are imported by graph_frame alone: commands that only read stay quick
    import pandas as pd
    import pyarrow as pa

NO_TIME = "—"
_ANY_TIME = datetime(1970, 1, 1, tzinfo=UTC)  # stands in for a missing time inside sort keys
_PLATFORMS = {"bsky": "bluesky"}  # id prefixes that differ from their platform's name


def build_graph(messages: list[Message]) -> ThreadGraph:
    """The reply graph of ``messages`` (merged first if an id occurs more than once).

    >>> from threadlens.model import Message
    >>> graph = build_graph([
    ...     Message("generic:2", "generic", "generic:bob", "bob", None, "Thanks Ann.", reply_to="generic:1"),
    ...     Message("generic:3", "generic", "generic:cy", "cy", None, "Agreed.", reply_to="generic:2"),
    ... ])
    >>> sorted(graph.graph.edges)
    [('generic:1', 'generic:2'), ('generic:2', 'generic:3')]
    >>> graph.graph.nodes["generic:1"]["missing"]  # referenced but not in the input: a placeholder
    True
    """
    with gc_paused():
        return _build(messages)


def _build(messages: list[Message]) -> ThreadGraph:
    by_id = {message.id: message for message in messages}
    if len(by_id) != len(messages):
        messages = merge_messages(messages)
        by_id = {message.id: message for message in messages}
    issues: list[GraphIssue] = []
    placeholders = _placeholders(messages, by_id, issues)
    nodes = {**by_id, **placeholders}
    parents = {m.id: m.reply_to for m in messages if m.reply_to is not None}
    roots, depth, broken = _reply_trees(nodes, parents, issues)
    names, conversations = _conversations(messages, nodes, placeholders, roots)

    quotes = [(m.quote_of, m.id) for m in messages if m.quote_of is not None and parents.get(m.id) != m.quote_of]
    broken += _drop_quote_cycles(quotes, parents, nodes, issues)
    graph = _digraph(
        (
            (
                key,
                {
                    "message": message,
                    "missing": key in placeholders,
                    "conversation": names[roots[key]],
                    "depth": depth[key],
                },
            )
            for key, message in nodes.items()
        ),
        parents,
        quotes,
    )

    late = _replies_before_parents(parents, nodes, issues)
    graph.graph["conversations"] = conversations
    graph.graph["completeness"] = _completeness(
        conversations, lambda key: names[roots[key]], nodes, placeholders, parents, late, broken
    )
    return ThreadGraph(graph=graph, issues=issues)


def _digraph(nodes: Iterable[tuple[str, dict]], parents: dict[str, str], quotes: list[tuple[str, str]]) -> nx.DiGraph:
    """The DiGraph of these nodes ``(id, attributes)``, reply links (reply → parent) and quotes (quoted, quoting).

    It fills networkx's documented dict-of-dicts (node → attributes, node → neighbour → edge attributes,
    one edge dict shared by both directions) in the order ``add_nodes_from`` and ``add_edges_from`` would,
    at about half their cost for a million nodes; ``tests/test_thread.py`` checks the two agree.
    """
    graph = nx.DiGraph()
    node, succ, pred = graph._node, graph._succ, graph._pred
    for key, attributes in nodes:
        node[key] = attributes
        succ[key] = {}
        pred[key] = {}
    for child, parent in parents.items():
        succ[parent][child] = pred[child][parent] = {"kind": "reply"}
    for quoted, quoting in quotes:
        succ[quoted][quoting] = pred[quoting][quoted] = {"kind": "quote"}
    return graph


def _placeholders(messages: list[Message], by_id: dict[str, Message], issues: list[GraphIssue]) -> dict[str, Message]:
    """A placeholder for every referenced id not in the input, in first-referenced order."""
    citing = [
        m
        for m in messages
        if (m.reply_to is not None and m.reply_to not in by_id) or (m.quote_of is not None and m.quote_of not in by_id)
    ]
    referrers: dict[str, list[str]] = defaultdict(list)
    conversation: dict[str, str | None] = {}
    for message in citing:
        for target, is_reply in ((message.reply_to, True), (message.quote_of, False)):
            if target is not None and target not in by_id:
                referrers[target].append(message.id)
                if is_reply and conversation.get(target) is None:
                    conversation[target] = message.conversation_id
    placeholders = {}
    for target, sources in referrers.items():
        placeholders[target] = Message(
            id=target,
            platform=_platform_of(target),
            author_id="",
            author_name="",
            created_at=None,
            text="",
            conversation_id=conversation.get(target),
        )
        shown = ", ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
        issues.append(GraphIssue("missing-parent", target, f"referenced by {shown} but not in the input"))
    return placeholders


def _platform_of(message_id: str) -> str:
    """The platform named by an id's prefix (``bsky:at://…`` → ``bluesky``); empty for an unqualified id."""
    prefix = message_id.split(":", 1)[0] if ":" in message_id else ""
    return _PLATFORMS.get(prefix, prefix)


def _order_key(message: Message) -> tuple:
    """Earliest first, by time then id; messages without a time last."""
    at = message.created_at
    return (at is None, at or _ANY_TIME, message.id)


def _reply_trees(
    nodes: dict[str, Message], parents: dict[str, str], issues: list[GraphIssue]
) -> tuple[dict[str, str], dict[str, int], list[str]]:
    """Each node's reply root and depth, breaking (and reporting) every cycle in ``parents`` on the way.

    A cycle loses the link into its earliest message, which becomes a root. Returns the roots, the
    depths and the ids whose link was dropped. Parents usually come before their replies, so most
    nodes take the short way; the others walk up to a node already placed.
    """
    roots: dict[str, str] = {}
    depth: dict[str, int] = {}
    broken: list[str] = []
    for start in nodes:
        parent = parents.get(start)
        if parent is None:
            roots[start], depth[start] = start, 0
        elif parent in depth:
            roots[start], depth[start] = roots[parent], depth[parent] + 1
        elif start not in depth:
            path: list[str] = []
            on_path: set[str] = set()
            node = start
            while node not in depth:
                if node in on_path:
                    node = _break_cycle(path[path.index(node) :], nodes, parents, issues)
                    broken.append(node)
                    del path[path.index(node) :]
                    roots[node], depth[node] = node, 0
                elif (parent := parents.get(node)) is None:
                    roots[node], depth[node] = node, 0
                else:
                    on_path.add(node)
                    path.append(node)
                    node = parent
            root, level = roots[node], depth[node]
            for key in reversed(path):
                level += 1
                roots[key], depth[key] = root, level
    return roots, depth, broken


def _break_cycle(cycle: list[str], nodes: dict[str, Message], parents: dict[str, str], issues: list[GraphIssue]) -> str:
    """Drop the link into the cycle's earliest message (``cycle`` runs reply → parent); that message's id."""
    earliest = min(cycle, key=lambda key: _order_key(nodes[key]))
    if len(cycle) == 1:
        issues.append(GraphIssue("self-reply", earliest, "replies to itself; the link was dropped"))
    else:
        issues.append(
            GraphIssue(
                "cycle-broken",
                earliest,
                f"reply links form a cycle ({' → '.join(reversed(cycle))}); the link from "
                f"{parents[earliest]} to {earliest} was dropped",
            )
        )
    del parents[earliest]
    return earliest


def _time_order(messages: list[Message], placeholders: dict[str, Message]) -> list[str]:
    """Every node id in conversation order: placeholders by id, then by (time, id), messages without a time last."""
    timed = [m for m in messages if m.created_at is not None]
    timed.sort(key=attrgetter("created_at", "id"))
    untimed = sorted(m.id for m in messages if m.created_at is None)
    return [*sorted(placeholders), *(m.id for m in timed), *untimed]


def _conversations(
    messages: list[Message], nodes: dict[str, Message], placeholders: dict[str, Message], roots: dict[str, str]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Root id → conversation id, and conversation id → its ids in time order (conversations by first time)."""
    members: dict[str, list[str]] = defaultdict(list)
    for key in _time_order(messages, placeholders):
        members[roots[key]].append(key)
    names: dict[str, str] = {}
    taken: set[str] = set()
    for root in sorted(members, key=lambda r: (nodes[r].conversation_id or r, r != (nodes[r].conversation_id or r), r)):
        name = nodes[root].conversation_id or root
        names[root] = name if name not in taken else f"{name}/{root}"
        taken.add(names[root])

    def first_message(item: tuple[str, list[str]]) -> tuple:
        root, ids = item
        first = next((nodes[key] for key in ids if key not in placeholders), None)
        at = first.created_at if first is not None else None
        return (at is None, at or _ANY_TIME, names[root])

    conversations = {names[root]: ids for root, ids in sorted(members.items(), key=first_message)}
    return names, conversations


def _drop_quote_cycles(
    quotes: list[tuple[str, str]], parents: dict[str, str], nodes: dict[str, Message], issues: list[GraphIssue]
) -> list[str]:
    """Remove from ``quotes`` every quote that closes a cycle with the reply links; the ids it was removed from.

    A cycle must pass through a quote, and between quotes it runs down a reply tree, so it is enough
    to look at a small graph of the quotes and the reply paths that join them.
    """
    if not quotes:
        return []
    targets = {quoting for _, quoting in quotes}
    joins = nx.MultiDiGraph()
    joins.add_edges_from((quoted, quoting, "quote") for quoted, quoting in quotes)
    for quoted, _ in quotes:
        node = parents.get(quoted)
        while node is not None:
            if node in targets:
                joins.add_edge(node, quoted, "reply-path")
            node = parents.get(node)
    broken = []
    while True:
        try:
            cycle = nx.find_cycle(joins)
        except nx.NetworkXNoCycle:
            return broken
        quoted, quoting = min(
            ((u, v) for u, v, kind in cycle if kind == "quote"), key=lambda edge: _order_key(nodes[edge[1]])
        )
        joins.remove_edge(quoted, quoting, "quote")
        quotes.remove((quoted, quoting))
        issues.append(GraphIssue("cycle-broken", quoting, f"quoting {quoted} closes a cycle; the link was dropped"))
        broken.append(quoting)


def _replies_before_parents(parents: dict[str, str], nodes: dict[str, Message], issues: list[GraphIssue]) -> set[str]:
    """Ids of replies timestamped before the message they reply to, each reported."""
    late = set()
    for child, parent in parents.items():
        child_at, parent_at = nodes[child].created_at, nodes[parent].created_at
        if child_at is not None and parent_at is not None and child_at < parent_at:
            late.add(child)
            issues.append(
                GraphIssue(
                    "reply-before-parent",
                    child,
                    f"timestamped {_iso(child_at)}, {(parent_at - child_at).total_seconds():.0f} s before "
                    f"its parent {parent} ({_iso(parent_at)})",
                )
            )
    return late


def _completeness(
    conversations: dict[str, list[str]],
    conversation_of: Callable[[str], str],
    nodes: dict[str, Message],
    placeholders: dict[str, Message],
    parents: dict[str, str],
    late: set[str],
    broken: list[str],
) -> dict[str, Completeness]:
    """Conversation id → its completeness (id lists in conversation order, broken cycles in the order found)."""
    done = {key: Completeness(messages=len(ids)) for key, ids in conversations.items()}
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    reply_targets = set(parents.values()) if placeholders else set()
    for key in sorted(placeholders):
        item = done[conversation_of(key)]
        item.messages -= 1
        item.placeholders += 1
        if key in reply_targets:
            found[conversation_of(key), "missing_parents"].append(key)
    for m in nodes.values():
        if m.missing_children or m.deleted or m.edits or m.edited_from:
            item = done[conversation_of(m.id)]
            item.more_stubs += m.missing_children
            item.deleted += m.deleted
            item.edited += bool(m.edits or m.edited_from)
    for key in sorted(late, key=lambda key: _order_key(nodes[key])):
        found[conversation_of(key), "out_of_order"].append(key)
    for key in broken:
        found[conversation_of(key), "cycles_broken"].append(key)
    for (conversation, name), ids in found.items():
        setattr(done[conversation], name, tuple(ids))
    return done


def depths(tg: ThreadGraph) -> dict[str, int]:
    """Message id → number of reply steps from its conversation's root."""
    return dict(tg.graph.nodes(data="depth"))


def reply_parent(tg: ThreadGraph, message_id: str) -> str | None:
    """The id the message replies to in the graph (None for a root, or where a cycle was broken)."""
    for parent, _, kind in tg.graph.in_edges(message_id, data="kind"):
        if kind == "reply":
            return parent
    return None


def reply_path(tg: ThreadGraph, message_id: str) -> list[str]:
    """The ids from the conversation's root down to ``message_id`` along reply links."""
    path = [message_id]
    while (parent := reply_parent(tg, path[-1])) is not None:
        path.append(parent)
    return path[::-1]


def _iso(at: datetime | None) -> str:
    """ISO-8601 UTC with a ``Z``, to the second; ``—`` for no time."""
    return at.strftime("%Y-%m-%dT%H:%M:%SZ") if at is not None else NO_TIME


def summarise_conversations(tg: ThreadGraph) -> list[dict]:
    """One plain dict per conversation (as ``threadlens inspect`` prints it), in conversation order."""
    nodes = tg.graph.nodes
    summaries = []
    for key, ids in tg.conversations().items():
        real = [nodes[i]["message"] for i in ids if not nodes[i]["missing"]]
        times = [m.created_at for m in real if m.created_at is not None]
        done = tg.completeness()[key]
        summaries.append(
            {
                "conversation_id": key,
                "messages": len(real),
                "participants": len({m.author_id for m in real}),
                "first": _iso(min(times) if times else None),
                "last": _iso(max(times) if times else None),
                "depth": max(nodes[i]["depth"] for i in ids),
                "missing_parents": len(done.missing_parents),
                "edited": done.edited,
                "deleted": done.deleted,
                "placeholders": done.placeholders,
                "out_of_order": len(done.out_of_order),
                "more_stubs": done.more_stubs,
                "cycles_broken": len(done.cycles_broken),
            }
        )
    return summaries


@cache
def frame_schema() -> pa.Schema:
    """The columns of :func:`graph_frame`: ids as strings, times UTC."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("conversation_id", pa.string()),
            ("platform", pa.string()),
            ("author_id", pa.string()),
            ("author_name", pa.string()),
            ("created_at", pa.timestamp("us", tz="UTC")),
            ("reply_to", pa.string()),
            ("quote_of", pa.string()),
            ("depth", pa.int32()),
            ("missing", pa.bool_()),
            ("deleted", pa.bool_()),
            ("edited", pa.bool_()),
            ("context_only", pa.bool_()),
            ("text", pa.string()),
            ("source_path", pa.string()),
            ("source_position", pa.string()),
            ("source_sha256", pa.string()),
        ]
    )


def graph_frame(tg: ThreadGraph) -> pd.DataFrame:
    """One row per node in conversation order, with pyarrow-backed columns (ids are strings, times UTC).

    ``reply_to`` and ``quote_of`` are the links as read; ``source_*`` name the first source.
    """
    import pandas as pd
    import pyarrow as pa

    nodes = tg.graph.nodes
    rows = []
    for conversation, ids in tg.conversations().items():
        for key in ids:
            m: Message = nodes[key]["message"]
            source = m.source
            rows.append(
                {
                    "id": m.id,
                    "conversation_id": conversation,
                    "platform": m.platform,
                    "author_id": m.author_id,
                    "author_name": m.author_name,
                    "created_at": m.created_at,
                    "reply_to": m.reply_to,
                    "quote_of": m.quote_of,
                    "depth": nodes[key]["depth"],
                    "missing": nodes[key]["missing"],
                    "deleted": m.deleted,
                    "edited": bool(m.edits or m.edited_from),
                    "context_only": m.context_only,
                    "text": m.text,
                    "source_path": source.path if source else None,
                    "source_position": source.position if source else None,
                    "source_sha256": source.sha256 if source else None,
                }
            )
    return pa.Table.from_pylist(rows, schema=frame_schema()).to_pandas(types_mapper=pd.ArrowDtype)
