"""How often the reported first escalation is the first offensive turn, on ToxiChat's labelled Reddit chains.

ToxiChat (Baheti et al., EMNLP 2021) gives short Reddit reply chains (``reddit_thread``) with every human
turn labelled Offensive or Safe. Each chain becomes one conversation of ``generic`` messages: authors
alternate ``generic:A`` / ``generic:B``, each turn replies to the one before, one minute apart. The
chatbot turns (``final_*_response``) are not human and are left out. The chains then go through the
real pipeline (graph, scorer, analysis), and a chain counts as right when its first escalation is its
first Offensive turn, or when it has neither.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from threadlens.definition import Definition, load_definition
from threadlens.errors import InputError
from threadlens.ingest.base import SourceFile
from threadlens.model import Findings, Message

FORMAT = "toxichat"
START = datetime(2020, 1, 1, tzinfo=UTC)
NONE = "none"


@dataclass(frozen=True, slots=True)
class LabelledChain:
    """One chain as messages, and the id of its first offensive turn (None when every turn is safe)."""

    conversation_id: str
    messages: tuple[Message, ...]
    first_offensive: str | None


@dataclass(slots=True)
class EscalationEval:
    """Exact-match accuracy of the first escalation, with the turns behind it.

    ``confusion`` counts (first offensive turn, reported turn) pairs, turns numbered from 1 or ``none``;
    ``errors`` lists the conversation ids answered wrongly.
    """

    chains: int = 0
    correct: int = 0
    always_none: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.chains if self.chains else 0.0

    def breakdown(self) -> dict[str, int]:
        """The wrong answers by kind: ``missed`` (an offensive turn, none reported), ``false alarm`` (none, one
        reported), ``too early`` and ``too late`` (both, at another turn)."""
        counts = dict.fromkeys(("missed", "false alarm", "too early", "too late"), 0)
        for (gold, answer), n in self.confusion.items():
            if gold == answer:
                continue
            if answer == NONE:
                counts["missed"] += n
            elif gold == NONE:
                counts["false alarm"] += n
            else:
                counts["too early" if int(answer) < int(gold) else "too late"] += n
        return counts

    @property
    def always_none_accuracy(self) -> float:
        """The accuracy of answering "no escalation" for every chain, for comparison."""
        return self.always_none / self.chains if self.chains else 0.0


def read_toxichat(path: str | Path) -> list[LabelledChain]:
    """The chains of a ToxiChat JSONL file (``train.jsonl``, ``dev.jsonl``) as labelled conversations."""
    src = SourceFile(path)
    chains = []
    for line, record in src.jsonl():
        if isinstance(record, InputError):
            raise record
        try:
            turns = record["reddit_thread"]
            labels = [turn["offense_label"] for turn in turns]
            texts = [html.unescape(str(turn["text"])).strip() for turn in turns]
        except (KeyError, TypeError) as error:
            raise InputError(
                f"not a ToxiChat chain ({error!r} is missing or malformed)",
                path=src.display,
                position=f"line {line}",
                expected="an object with reddit_thread turns, each with text and offense_label",
            ) from None
        conversation = f"generic:toxichat-{line}"
        messages = tuple(
            Message(
                id=f"{conversation}-{turn}",
                platform="generic",
                author_id="generic:" + "AB"[(turn - 1) % 2],
                author_name="AB"[(turn - 1) % 2],
                created_at=START + timedelta(days=line, minutes=turn),
                text=text,
                reply_to=f"{conversation}-{turn - 1}" if turn > 1 else None,
                conversation_id=conversation,
                sources=(src.source(f"line {line}, $.reddit_thread[{turn - 1}]", FORMAT),),
            )
            for turn, text in enumerate(texts, start=1)
        )
        first = next((m.id for m, label in zip(messages, labels, strict=True) if label == "Offensive"), None)
        chains.append(LabelledChain(conversation, messages, first))
    return chains


def score_first_escalations(chains: list[LabelledChain], findings: Findings) -> EscalationEval:
    """Compare each chain's first offensive turn with the first escalation in ``findings``."""
    reported = {
        c.conversation_id: c.first_escalation.message_id if c.first_escalation else None for c in findings.conversations
    }
    result = EscalationEval()
    for chain in chains:
        turns = {m.id: str(turn) for turn, m in enumerate(chain.messages, start=1)}
        answer = reported[chain.conversation_id]
        result.chains += 1
        result.correct += answer == chain.first_offensive
        result.always_none += chain.first_offensive is None
        result.confusion[turns.get(chain.first_offensive, NONE), turns.get(answer, NONE)] += 1
        if answer != chain.first_offensive:
            result.errors.append(chain.conversation_id)
    return result


def evaluate_toxichat(path: str | Path, definition: str | Path | Definition | None = None) -> EscalationEval:
    """Run the whole pipeline (graph, scorer, analysis) over a ToxiChat file and score its first escalations."""
    from threadlens.analysis import analyse
    from threadlens.scoring import score_messages
    from threadlens.thread import build_graph

    chosen = load_definition(definition)
    chains = read_toxichat(path)
    messages = [message for chain in chains for message in chain.messages]
    graph = build_graph(messages)
    scores = score_messages(graph.messages(), definition=chosen)
    return score_first_escalations(chains, analyse(graph, scores, chosen))
