"""The scored reply structure the analysis reads: levels, parents, ancestors and the order of events.

Nothing here looks at who wrote a message except to say whether two messages share an author, so
every rule built on it treats all authors alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

from threadlens.analysis.context import ContextReading, ContextRules, read_reply
from threadlens.model import PANEL_SCORER, Message, Score, ThreadGraph

_ANY_TIME = datetime(1970, 1, 1, tzinfo=UTC)  # stands in for a missing time inside sort keys


class ScoredThread:
    """A thread graph with the scores of its messages, and its links and order looked up once."""

    def __init__(self, graph: ThreadGraph, scores: dict[str, Score], context: ContextRules | None = None) -> None:
        self.graph = graph
        self.scores = scores
        self._links: dict[str, dict[str, str]] = {"reply": {}, "quote": {}}
        self._answers: dict[str, dict[str, list[str]]] = {"reply": {}, "quote": {}}
        for source, target, kind in graph.graph.edges(data="kind"):
            self._links[kind][target] = source
            self._answers[kind].setdefault(source, []).append(target)
        self._messages: dict[str, Message] = dict(graph.graph.nodes(data="message"))
        self._missing = {key for key, missing in graph.graph.nodes(data="missing") if missing}
        self._order = {key: self._order_key(key) for key in graph.graph.nodes}
        self._branches: dict[str, str] = {}
        self._targets: dict[str, frozenset[str]] = {}
        self._ancestors: dict[tuple[str, int], list[str]] = {}
        present = [key for key in graph.graph.nodes if key not in self._missing and not self._messages[key].deleted]
        self._unread = sorted((k for k in present if k in scores and not scores[k].read), key=self.order_key)
        self._known = {key for key in present if key in scores and scores[key].read}
        self._judged = sorted(self._known, key=self.order_key)
        self.context: dict[str, ContextReading] = {}  # replies whose level context raised, and why
        if context is not None:
            for key in self._judged:
                parent = self.linked(key, "reply") or self.linked(key, "quote")
                if parent is None or self.is_unknown(parent):
                    continue
                if scores[key].scorer == PANEL_SCORER:
                    continue  # a panel reads a message with what it answers: its reading stands as given
                reading = read_reply(self.message(key).text, self.message(parent).text, context)
                if reading is not None and reading.level > scores[key].level:
                    self.context[key] = reading

    def message(self, message_id: str) -> Message:
        return self._messages[message_id]

    def is_missing(self, message_id: str) -> bool:
        """True for a placeholder of a message referenced but not in the input."""
        return message_id in self._missing

    def is_unknown(self, message_id: str) -> bool:
        """True when the message's content cannot be judged: missing, deleted, not scored, or in a language the
        scorer does not read (a panel reads it)."""
        return message_id not in self._known

    def level(self, message_id: str) -> int | None:
        """The message's level (raised where reading it as a reply raises it), or None when its content cannot
        be judged."""
        if self.is_unknown(message_id):
            return None
        reading = self.context.get(message_id)
        return reading.level if reading is not None else self.scores[message_id].level

    def targets(self, message_id: str) -> frozenset[str]:
        """Authors a message is aimed at: of what it replies to or quotes, and those it @mentions (never its own)."""
        if message_id not in self._targets:
            message = self.message(message_id)
            aimed = set(message.mentions)
            for kind in ("reply", "quote"):
                linked = self.linked(message_id, kind)
                if linked is not None and not self.is_missing(linked):
                    aimed.add(self.message(linked).author_id)
            aimed.discard(message.author_id)
            aimed.discard("")
            self._targets[message_id] = frozenset(aimed)
        return self._targets[message_id]

    def conversation(self, message_id: str) -> str:
        return self.graph.graph.nodes[message_id]["conversation"]

    def depth(self, message_id: str) -> int:
        return self.graph.graph.nodes[message_id]["depth"]

    def linked(self, message_id: str, kind: str) -> str | None:
        """The message this one replies to (``kind="reply"``) or quotes (``kind="quote"``), as in the graph."""
        return self._links[kind].get(message_id)

    def answers(self, message_id: str, kind: str) -> list[str]:
        """The messages replying to (``kind="reply"``) or quoting (``kind="quote"``) this one."""
        return self._answers[kind].get(message_id, [])

    def ancestors(self, message_id: str, hops: int) -> list[str]:
        """Up to ``hops`` ids up the reply path, nearest first (worked out once per message and reach)."""
        asked = (message_id, hops)
        if asked not in self._ancestors:
            found: list[str] = []
            node = self.linked(message_id, "reply")
            while node is not None and len(found) < hops:
                found.append(node)
                node = self.linked(node, "reply")
            self._ancestors[asked] = found
        return self._ancestors[asked]

    def hops_below(self, ancestor: str, message_id: str, limit: int) -> int | None:
        """Reply steps from ``ancestor`` down to ``message_id`` if at most ``limit``, else None."""
        for hops, node in enumerate(self.ancestors(message_id, limit), start=1):
            if node == ancestor:
                return hops
        return None

    def branch(self, message_id: str) -> str:
        """The branch a message is on: its ancestor one reply below the root (the root is its own branch)."""
        path = []
        node = message_id
        while node not in self._branches:
            parent = self.linked(node, "reply")
            if parent is None or self.linked(parent, "reply") is None:
                self._branches[node] = node
                break
            path.append(node)
            node = parent
        for key in path:
            self._branches[key] = self._branches[node]
        return self._branches[message_id]

    def order_key(self, message_id: str) -> tuple:
        """Sort key for "earlier": by time, then reply depth (a parent before its reply), then id."""
        return self._order[message_id]

    def _order_key(self, message_id: str) -> tuple:
        at = self.message(message_id).created_at
        return (at is None, at or _ANY_TIME, self.depth(message_id), message_id)

    def judged(self) -> list[str]:
        """Ids of the messages whose content can be judged, earliest first."""
        return self._judged

    def unread(self) -> list[str]:
        """Ids of the messages the scorer could not read (another language), earliest first: a panel reads them."""
        return self._unread
