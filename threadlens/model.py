"""The public data types every stage shares: messages, graphs, scores and findings.

Only data lives here. Stages are plain functions elsewhere that turn one of these types into the next.
Identifiers are always platform-qualified strings (``x:2029905358261502168``, ``reddit:t1_abc``); a
number that once passed through a float is no longer evidence, so nothing here is ever numeric.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import networkx as nx

LEVEL_NAMES: tuple[str, ...] = ("civil", "robust", "rude", "abusive", "severe")

EdgeKind = Literal["reply", "quote"]
EvidenceKind = Literal["lexicon", "rule", "model", "bias", "panel"]
PANEL_SCORER = "panel"  # the scorer name of a panel's own reading of a message


@dataclass(frozen=True, slots=True)
class Source:
    """Where one record came from: the file, its position in that file and the file's SHA-256.

    ``path`` names a ZIP member as ``archive.zip!data/tweets.js``. ``position`` is a line
    (``line 12``), a JSON path (``$[3].tweet``) or a row (``row 5``).
    """

    path: str
    position: str
    sha256: str
    format: str


@dataclass(frozen=True, slots=True)
class Revision:
    """An earlier (or differing) version of a message, with where it was seen.

    ``author_id``/``author_name`` are set when this version names another author than the message
    (a conflict between sources); None means the message's own author.
    """

    id: str
    text: str
    created_at: datetime | None
    source: Source | None = None
    author_id: str | None = None
    author_name: str | None = None


@dataclass(slots=True)
class Message:
    """One message (post, tweet, toot, comment) in the one schema every reader produces."""

    id: str
    platform: str
    author_id: str
    author_name: str
    created_at: datetime | None
    text: str
    reply_to: str | None = None
    quote_of: str | None = None
    conversation_id: str | None = None
    mentions: tuple[str, ...] = ()
    mention_names: tuple[str, ...] = ()
    url: str | None = None
    edited_from: tuple[str, ...] = ()
    edits: tuple[Revision, ...] = ()
    deleted: bool = False
    context_only: bool = False
    sources: tuple[Source, ...] = ()
    missing_children: int = 0

    @property
    def source(self) -> Source | None:
        """The first source the message was read from."""
        return self.sources[0] if self.sources else None


@dataclass(frozen=True, slots=True)
class Problem:
    """A record that could not be used, or a fact about the input a reader must not hide."""

    path: str
    position: str
    reason: str
    severity: Literal["error", "warning"] = "error"


@dataclass(slots=True)
class InputFile:
    """One input file as read: its hash, the reader that read it and what came of it."""

    path: str
    sha256: str
    format: str
    records: int = 0
    messages: int = 0
    rejected: int = 0


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources that disagree about one message id: on its ``text``, its ``author`` or both.

    Every version is kept in the message's ``edits``; a finding that rests on this message is not
    conclusive, since which version is genuine cannot be told from the data.
    """

    message_id: str
    fields: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(slots=True)
class ReadResult:
    """Everything a read produced: the messages, the files behind them and the records not used.

    ``conflicts`` lists the message ids whose sources disagree (see :class:`Conflict`).
    """

    messages: list[Message] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class GraphIssue:
    """A structural fact about a thread that the panel must see: a cycle broken, a reply older than its parent."""

    kind: Literal["cycle-broken", "reply-before-parent", "self-reply", "missing-parent"]
    message_id: str
    detail: str


@dataclass(slots=True)
class Completeness:
    """How complete one conversation is."""

    messages: int = 0
    placeholders: int = 0
    missing_parents: tuple[str, ...] = ()
    more_stubs: int = 0
    deleted: int = 0
    edited: int = 0
    out_of_order: tuple[str, ...] = ()
    cycles_broken: tuple[str, ...] = ()


@dataclass(slots=True)
class ThreadGraph:
    """Reply graph of a case: a ``networkx.DiGraph`` with edges parent → reply.

    Every node carries ``message`` (a :class:`Message`) and ``missing`` (True for placeholders of
    referenced messages that were not in the input). Edges carry ``kind``: ``reply`` or ``quote``.
    """

    graph: nx.DiGraph
    issues: list[GraphIssue] = field(default_factory=list)

    def message(self, message_id: str) -> Message:
        """The message (or placeholder) with this id."""
        return self.graph.nodes[message_id]["message"]

    def messages(self) -> list[Message]:
        """All messages and placeholders, in node order."""
        return [data["message"] for _, data in self.graph.nodes(data=True)]

    def conversations(self) -> dict[str, list[str]]:
        """Conversation id → its message ids in time order, one entry per weakly connected component."""
        return self.graph.graph["conversations"]

    def completeness(self) -> dict[str, Completeness]:
        """Conversation id → how complete it is."""
        return self.graph.graph["completeness"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason a score is what it is: a span of the text, what fired there and how much it added.

    ``start``/``end`` are character offsets into the original message text (both 0 for evidence
    about the whole text, such as the model's bias). ``contribution`` is signed; the contributions of
    a score's evidence sum to its value.
    """

    start: int
    end: int
    text: str
    kind: EvidenceKind
    name: str
    contribution: float
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Score:
    """Hostility of one text under one definition."""

    value: float
    level: int
    hostile: bool
    categories: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    scorer: str
    version: str
    accusation: bool = False
    reason: str = ""  # why the message has its level, in words: the kind of hostility found and where
    spans: tuple[tuple[int, int], ...] = ()  # the highlighted phrases: character ranges into the text
    replaces: Score | None = None  # a panel's reading keeps the scorer's own reading here
    read: bool = True  # False: in a language the scorer does not read (level 0; listed for the panel to read)
    language: str = ""  # the text's language (ISO 639-1), where the scorer decided it

    @property
    def level_name(self) -> str:
        """The level's name: civil, robust, rude, abusive or severe."""
        return LEVEL_NAMES[self.level]


@dataclass(frozen=True, slots=True)
class DefinitionRef:
    """Which written definition produced an output: its name and the SHA-256 of its files."""

    name: str
    sha256: str
    version: str = ""


@dataclass(frozen=True, slots=True)
class Escalation:
    """A message whose level rose above what it replied to, past the escalation threshold."""

    message_id: str
    author_id: str
    created_at: datetime | None
    level: int
    parent_id: str | None
    parent_level: int | None
    step: int
    reasons: tuple[str, ...]
    margin: float
    inconclusive: bool = False
    branch: str | None = None


@dataclass(frozen=True, slots=True)
class Chain:
    """Provocation → reaction → accusation: three message ids with their authors, times and gaps."""

    provocation: str
    reaction: str
    accusation: str
    authors: tuple[str, str, str]
    times: tuple[datetime | None, datetime | None, datetime | None]
    gaps_seconds: tuple[float | None, float | None]
    accuser_role: Literal["provoker", "third-party"]
    cross_conversation: bool = False


@dataclass(slots=True)
class Participant:
    """Per-author summary across a case."""

    author_id: str
    author_name: str
    messages: int = 0
    max_level: int = 0
    mean_level: float = 0.0
    first_hostile: str | None = None
    escalations: int = 0
    reactions: int = 0
    accusations_made: int = 0
    accusations_received: int = 0


@dataclass(frozen=True, slots=True)
class ReadingToCheck:
    """A reading a finding rests on: read the other way, this message would change the finding.

    ``if_level``/``if_accuses`` are the other reading (``if_read_as`` says it in words: "not hostile",
    "hostile", "accusing", "not accusing"); ``sentence`` says what would change, in one plain sentence.
    """

    message_id: str
    level_now: int
    accuses_now: bool
    if_read_as: str
    if_level: int
    if_accuses: bool
    sentence: str


@dataclass(frozen=True, slots=True)
class PanelReading:
    """A panel's own reading of one message, from a review file: its level (and whether it accuses), and why."""

    message_id: str
    level: int
    reason: str
    reviewer: str
    date: str | None = None
    accuses: bool | None = None  # None: as the scorer read it


@dataclass(frozen=True, slots=True)
class Review:
    """A review file: where it is, its SHA-256 and the readings it gives."""

    path: str
    sha256: str
    readings: tuple[PanelReading, ...]


@dataclass(slots=True)
class ConversationFindings:
    """What the analysis found in one conversation."""

    conversation_id: str
    message_ids: tuple[str, ...]
    first_escalation: Escalation | None
    branch_escalations: tuple[Escalation, ...] = ()
    chains: tuple[Chain, ...] = ()
    completeness: Completeness = field(default_factory=Completeness)
    inconclusive: bool = False
    inconclusive_reasons: tuple[str, ...] = ()
    readings_to_check: tuple[ReadingToCheck, ...] = ()  # most worth checking first
    stands_however_read: bool = True  # no single reading, read the other way, changes a finding
    changed_by_review: tuple[str, ...] = ()  # what a panel's review changed here, in words


@dataclass(slots=True)
class Findings:
    """The analysis of a case: per conversation, across conversations, and per participant."""

    definition: DefinitionRef
    scorer: str
    conversations: list[ConversationFindings] = field(default_factory=list)
    chains: list[Chain] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    review: Review | None = None  # the panel's readings applied, if any


@dataclass(slots=True)
class Case:
    """Everything known about one case after the pipeline: the data, its scores and findings."""

    read: ReadResult
    graph: ThreadGraph
    scores: dict[str, Score]
    findings: Findings
    consent: dict | None = None
    options: dict = field(default_factory=dict)
    # Where the inputs ({"name", "path"} per path given), manifest and definition lie on this machine: written
    # to inputs.json for 'threadlens report', never into the findings, which name files by InputNames.
    locations: dict = field(default_factory=dict)
