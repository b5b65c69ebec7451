"""Provocation → reaction → accusation chains.

- The **target** of an escalation is whoever wrote what it replies to or quotes, and whoever it
  @mentions; never its own author. Only the reply structure decides who was targeted.
- A **reaction** is a later message by a target, at or above the reaction threshold, at most
  ``reaction_hops`` reply steps below the escalation or quoting it. It belongs to the nearest
  escalation aimed at its author.
- An **accusation** is a later message with accusation language aimed at the reactor: a reply to
  (within ``accusation_hops``) or quote of the reaction, an @mention of the reactor, or the reactor's
  own words in quotation marks. A message that defends the reactor (a defence phrase of the definition,
  "you called her a parasite first") accuses no one. Its author is the provoker, or a third party (labelled as such);
  never the reactor. Each reaction takes its earliest accusation.

Quote links join conversations, so a chain may cross them (``cross_conversation``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from itertools import pairwise

from threadlens.analysis.rules import Rules
from threadlens.analysis.structure import ScoredThread
from threadlens.model import Chain, Escalation

# Text in double quotes, typographic quotes or guillemets; single quotes only when they are not apostrophes.
_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|„([^“”]+)[“”]|«([^»]+)»|‘([^’]+)’|(?<!\w)'([^']+)'(?!\w)")
_NOT_WORD = re.compile(r"[\W_]+")


def find_reactions(thread: ScoredThread, events: list[Escalation], rules: Rules) -> dict[str, str]:
    """Reaction id → the id of the escalation it reacts to (the nearest one aimed at its author)."""
    escalations = {event.message_id for event in events}
    reactions = {}
    for key in thread.judged():
        provocation = reacts_to(thread, key, escalations, rules)
        if provocation is not None:
            reactions[key] = provocation
    return reactions


def reacts_to(
    thread: ScoredThread,
    key: str,
    escalations: Container[str],
    rules: Rules,
    level: Callable[[str], int | None] | None = None,
) -> str | None:
    """The escalation (among ``escalations``) that message ``key`` reacts to, if it is a reaction. ``level`` gives
    each message's own level, as scored (None: unknown content); by default, the thread's scores."""
    own = level(key) if level is not None else thread.scores[key].level if key in thread.scores else None
    if own is None or own < rules.reaction_threshold:
        return None
    author = thread.message(key).author_id
    quoted = thread.linked(key, "quote")
    candidates = [*thread.ancestors(key, rules.reaction_hops), *([quoted] if quoted else [])]
    return next((node for node in candidates if node in escalations and author in thread.targets(node)), None)


def find_chains(thread: ScoredThread, reactions: dict[str, str], rules: Rules) -> list[Chain]:
    """Every provocation → reaction → accusation chain, in the order of their provocations, then reactions."""
    accusations = {
        key: quoted_spans(thread.message(key).text, rules.min_quoted_chars)
        for key in thread.judged()
        if thread.scores[key].accusation
    }
    chains = []
    for reaction, provocation in reactions.items():
        accusation = next(
            (key for key, spans in accusations.items() if accuses(thread, key, spans, reaction, provocation, rules)),
            None,
        )
        if accusation is not None:
            chains.append(_chain(thread, provocation, reaction, accusation))
    return sorted(chains, key=lambda chain: (thread.order_key(chain.provocation), thread.order_key(chain.reaction)))


def accuses(thread: ScoredThread, key: str, spans: list[str], reaction: str, provocation: str, rules: Rules) -> bool:
    """Whether message ``key`` (with quoted words ``spans``), read as accusing, accuses the reactor of ``reaction``
    (which reacts to ``provocation``), by an accuser the rules allow. It reads the thread's structure and texts only,
    never the scores."""
    reactor = thread.message(reaction).author_id
    accuser = thread.message(key).author_id
    if accuser == reactor or thread.order_key(key) <= thread.order_key(reaction):
        return False
    if accuser != thread.message(provocation).author_id and not rules.third_party:
        return False
    linked = (
        thread.hops_below(reaction, key, rules.accusation_hops) is not None
        or thread.linked(key, "quote") == reaction
        or reactor in thread.message(key).mentions
        or quotes_from(spans, thread.message(reaction).text)
    )
    return linked and not _defends(thread.message(key).text, rules.defence_phrases)


def _defends(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether ``text`` defends the reactor ("you called her a parasite first"): it holds a defence phrase."""
    words = f" {_normalise(text.replace(chr(39), '').replace('’', ''))} "
    return any(f" {phrase} " in words for phrase in phrases)


def quoted_spans(text: str, min_chars: int) -> list[str]:
    """The words ``text`` puts in quotation marks (normalised, space-padded), where they hold ``min_chars`` letters."""
    spans = []
    for match in _QUOTED.finditer(text):
        words = _normalise(next(group for group in match.groups() if group is not None))
        if len(words.replace(" ", "")) >= min_chars:
            spans.append(f" {words} ")
    return spans


def quotes_from(spans: list[str], text: str) -> bool:
    """Whether ``text`` holds any of the quoted words ``spans`` (as :func:`quoted_spans` gives them)."""
    return bool(spans) and holds_any(quotable(text), spans)


def quotable(text: str) -> str:
    """``text`` as quoted words are looked for in it: normalised words, space-padded."""
    return f" {_normalise(text)} "


def holds_any(words: str, spans: list[str]) -> bool:
    """Whether the :func:`quotable` ``words`` hold any of the quoted ``spans``."""
    return any(span in words for span in spans)


def _normalise(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def _chain(thread: ScoredThread, provocation: str, reaction: str, accusation: str) -> Chain:
    ids = (provocation, reaction, accusation)
    messages = [thread.message(key) for key in ids]
    times = tuple(message.created_at for message in messages)
    gaps = tuple(
        (later - earlier).total_seconds() if earlier is not None and later is not None else None
        for earlier, later in pairwise(times)
    )
    return Chain(
        provocation=ids[0],
        reaction=ids[1],
        accusation=ids[2],
        authors=tuple(message.author_id for message in messages),
        times=times,
        gaps_seconds=gaps,
        accuser_role="provoker" if messages[2].author_id == messages[0].author_id else "third-party",
        cross_conversation=len({thread.conversation(key) for key in ids}) > 1,
    )
