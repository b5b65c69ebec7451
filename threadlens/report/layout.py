"""Lay a thread graph out over time: x is the message's time, y a tidy row per branch.

A reply continues its parent's row when it is the parent's first reply and opens a new row below
otherwise, so a straight exchange reads left to right on one line and every branch gets its own.
One depth-first pass over the reply tree: linear in the number of messages. Quote edges do not
shape the layout; they are drawn as links between wherever their ends lie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from threadlens.model import ThreadGraph

CONVERSATION_GAP = 1.5  # empty rows between two conversations
PLACEHOLDER_NUDGE = 0.02  # an undated placeholder sits this share of the case's time span before its reply


@dataclass(frozen=True, slots=True)
class Position:
    """Where a node sits: its time (estimated for placeholders) and its row."""

    time: datetime | None
    row: float


def layout(thread: ThreadGraph) -> dict[str, Position]:
    """Message id → position, conversations stacked top to bottom in the graph's conversation order."""
    graph = thread.graph
    times = _node_times(thread)
    positions: dict[str, Position] = {}
    next_row = 0.0
    for ids in thread.conversations().values():
        members = set(ids)
        roots = [node for node in ids if _reply_parent(graph, node, members) is None]
        first_row = next_row
        for root in roots:
            next_row = _place_tree(graph, root, members, times, next_row, positions)
        for node in ids:  # nodes only reachable through a broken cycle still get a place
            if node not in positions:
                positions[node] = Position(times.get(node), next_row)
                next_row += 1
        next_row = max(next_row, first_row + 1) + CONVERSATION_GAP
    return positions


def _reply_parent(graph, node: str, members: set[str]) -> str | None:
    for parent in graph.predecessors(node):
        if parent in members and graph.edges[parent, node].get("kind", "reply") == "reply":
            return parent
    return None


def _reply_children(graph, node: str, times: dict[str, datetime | None]) -> list[str]:
    children = [child for child in graph.successors(node) if graph.edges[node, child].get("kind", "reply") == "reply"]
    return sorted(children, key=lambda child: (times.get(child) is None, times.get(child) or datetime.min, child))


def _place_tree(graph, root: str, members: set[str], times, row: float, positions: dict[str, Position]) -> float:
    """Place ``root`` and its replies from ``row`` down; return the first free row after them.

    Depth first, first reply first: a later reply opens the next free row when it is reached, so every
    branch sits directly below the branch it leaves.
    """
    stack: list[tuple[str, float | None]] = [(root, row)]
    free = row + 1
    while stack:
        node, node_row = stack.pop()
        if node in positions:
            continue
        if node_row is None:
            node_row, free = free, free + 1
        positions[node] = Position(times.get(node), node_row)
        children = [child for child in _reply_children(graph, node, times) if child in members]
        stack.extend((child, None) for child in reversed(children[1:]))
        if children:
            stack.append((children[0], node_row))
    return free


def _node_times(thread: ThreadGraph) -> dict[str, datetime | None]:
    """Each node's time; an undated node (a placeholder) sits just before its earliest reply, else at its parent."""
    graph = thread.graph
    times: dict[str, datetime | None] = {node: data["message"].created_at for node, data in graph.nodes(data=True)}
    known = [time for time in times.values() if time is not None]
    nudge = max((max(known) - min(known)) * PLACEHOLDER_NUDGE, timedelta(seconds=30)) if known else timedelta(0)
    for node in graph.nodes:
        if times[node] is None:
            replies = [times[c] for c in graph.successors(node) if times[c] is not None]
            parents = [times[p] for p in graph.predecessors(node) if times[p] is not None]
            times[node] = min(replies) - nudge if replies else (max(parents) if parents else None)
    return times
