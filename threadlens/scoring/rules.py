"""Context rules over normalised tokens: reported or quoted speech, negation, who a word is aimed at or said of,
shouting and aggressive punctuation (threats are a grammar of their own: ``threats.py``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from threadlens.scoring.normalise import FACTION, IDENTITY, NAME, USER, Token

_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]{1,400})[\"“”«»]|‘([^’]{1,400})’|(?<![\w])'([^']{2,400})'(?![\w])")
# Frames after which the next words are someone else's words being reported, not the writer's own.
_REPORTING_FRAMES = (
    "called me",
    "called us",
    "called him",
    "called her",
    "called them",
    "called my",
    "called you",
    "calls me",
    "calls us",
    "calls him",
    "calls her",
    "call me",
    "calling me",
    "calling us",
    "calling him",
    "calling her",
    "calling them",
    "calling people",
    "call people",
    "call someone",
    "calling someone",
    "called people",
    "call anyone",
    "calling anyone",
    "was called",
    "were called",
    "been called",
    "being called",
    "get called",
    "got called",
    "said i was",
    "said i am",
    "said we were",
    "says i am",
    "says i was",
    "told me to",
    "told me i",
    "told us to",
    "told me that",
    "the word",
    "words like",
    "names like",
    "labelled me",
    "labeled me",
    "branded me",
    "messaged me",
    "sent me",
    "wrote that i",
    "replied",
)
# Frames that report speech only when the message also condemns it ("saying X is unacceptable").
_CONDEMNED_FRAMES = (
    "saying",
    "says",
    "said",
    "to call",
    "calling",
    "call anyone",
    "calling anyone",
    "telling people",
    "telling someone",
    "tell people",
    "referring to",
    "refer to",
    "describing",
    "comparing",
)
_FRAMES = {tuple(f.split()): True for f in _REPORTING_FRAMES} | {tuple(f.split()): False for f in _CONDEMNED_FRAMES}
_FRAME_STARTS = frozenset(frame[0] for frame in _FRAMES)
_FRAME_SPAN = 6
# "The comment was (literally): …", "his message read: …": what follows such a colon is reported, to the
# end of the sentence. The noun must be someone else's ("the", "his", "their" …): "my comment: …" is not.
_SPEECH_NOUNS = frozenset(
    [
        *("comment", "comments", "message", "messages", "reply", "replies", "tweet", "tweets", "post", "posts"),
        *("dm", "dms", "text", "texts", "email", "emails", "words", "response"),
    ]
)
_SPEECH_OWNERS = frozenset(["the", "his", "her", "their", "this", "that", "these", "those", "your", "a", "an"])
_SPEECH_LINKS = frozenset(["was", "is", "were", "are", "read", "reads", "said", "says", "literally", "just"])
_SENTENCE_END = frozenset(".!?")
_CLAUSE_END = frozenset(".,;:!?()")
# "no" and "nothing" are left out on purpose: "no fucking way", "nothing but a liar" are not negations.
NEGATORS = frozenset({"not", "never", "nobody", "neither", "nor"})
SECOND_PERSON = frozenset({"you", "your", "yourself", "yourselves", "yours", "ya", USER})
PERSON_MASKS = frozenset({IDENTITY, FACTION, NAME})
_ADDRESSED = frozenset({"you", "yourself", "yourselves", "ya", "u", USER})  # not "your": "your stupid idea"


def quoted_tokens(text: str, tokens: Sequence[Token]) -> set[int]:
    """Indices of tokens inside quotation marks, unless the quote is (nearly) the whole message."""
    inside: set[int] = set()
    words = sum(t.is_word for t in tokens) or 1
    for match in _QUOTED.finditer(text):
        group = next(g for g in (1, 2, 3) if match.group(g) is not None)
        if match.group(group).lstrip().startswith("@"):  # '"@user: …"' is a retweet, not reported speech
            continue
        start, end = match.span(group)
        span = {i for i, t in enumerate(tokens) if t.start >= start and t.end <= end}
        if sum(tokens[i].is_word for i in span) < 0.8 * words:
            inside |= span
    return inside


def reported_tokens(tokens: Sequence[Token], condemned: bool) -> tuple[set[int], list[tuple[int, int]]]:
    """Tokens reported after a frame ("he called me a …"), and the frames' token ranges."""
    norms = [t.norm for t in tokens]
    reported: set[int] = set()
    frames: list[tuple[int, int]] = []
    i = 0
    while i < len(norms):
        if norms[i] not in _FRAME_STARTS:
            i += 1
            continue
        for size in (3, 2, 1):
            strong = _FRAMES.get(tuple(norms[i : i + size]))
            if strong is None or not (strong or condemned):
                continue
            frames.append((i, i + size))
            j = i + size
            if j < len(norms) and norms[j] == ":":  # "the comment was: …" reports what follows the colon
                j += 1
            while j < len(norms) and j < i + size + _FRAME_SPAN and norms[j] not in _CLAUSE_END:
                reported.add(j)
                j += 1
            i = j - 1
            break
        i += 1
    for frame in _colon_reports(norms):
        frames.append(frame)
        j = frame[1]
        while j < len(norms) and norms[j] not in _SENTENCE_END:
            reported.add(j)
            j += 1
    return reported, frames


def _colon_reports(norms: Sequence[str]) -> list[tuple[int, int]]:
    """Token ranges of frames like "the comment was literally:" (owner, speech noun, linking words, colon)."""
    found = []
    for colon, norm in enumerate(norms):
        if norm != ":":
            continue
        i = colon - 1
        while i >= 0 and colon - i <= 3 and norms[i] in _SPEECH_LINKS:
            i -= 1
        if i >= 1 and norms[i] in _SPEECH_NOUNS and norms[i - 1] in _SPEECH_OWNERS:
            found.append((i - 1, colon + 1))
    return found


def negator_before(tokens: Sequence[Token], start: int, window: int = 5) -> int | None:
    """The index of a negator within ``window`` tokens before ``start`` in the same clause, if any."""
    for i in range(start - 1, max(-1, start - window - 1), -1):
        if tokens[i].norm in _CLAUSE_END:
            return None
        if tokens[i].norm in NEGATORS:
            return i
        if tokens[i].norm == "one" and i > 0 and tokens[i - 1].norm == "no":
            return i - 1
    return None


def second_person_near(tokens: Sequence[Token], start: int, end: int, window: int = 4) -> int | None:
    """Index of a "you"/@address within ``window`` tokens before ``start`` or right after ``end`` ("fuck you"),
    or of the message's opening address."""
    for i in range(start - 1, max(-1, start - window - 1), -1):
        if tokens[i].norm in SECOND_PERSON:
            return i
    if end < len(tokens) and tokens[end].norm in SECOND_PERSON:
        return end
    if tokens and tokens[0].norm == USER and start > 0:
        return 0
    return None


def swearing_target(tokens: Sequence[Token], start: int, end: int) -> int | None:
    """Index of the person a swearword is aimed at: "fuck you", "fuck @name", or "you" just before a swearword
    that ends its phrase ("you shit"). A swearword that qualifies the next word ("so damn beautiful", "you
    fucking did it") is aimed at no one."""
    if end < len(tokens) and tokens[end].norm in _ADDRESSED:
        return end
    if end < len(tokens) and tokens[end].is_word:
        return None
    for i in range(start - 1, max(-1, start - 3), -1):
        if tokens[i].norm in _ADDRESSED and tokens[i].norm != USER:  # a reply's opening @name is no target
            return i
    return None


def said_of_person(tokens: Sequence[Token], start: int, end: int, persons: frozenset[str], window: int = 5) -> bool:
    """Whether the words at ``start:end`` are said of a person: a person word (``persons``, "you", an @address,
    an identity, faction or name term) earlier in the same clause within ``window`` tokens, or right after
    them ("stupid woman")."""
    people = persons | _ADDRESSED | PERSON_MASKS
    for i in range(start - 1, max(-1, start - window - 1), -1):
        if tokens[i].norm in _CLAUSE_END:
            break
        if tokens[i].norm in people:
            return True
    return end < len(tokens) and tokens[end].norm in people


def shouting(tokens: Sequence[Token]) -> bool:
    """Mostly capital letters: at least three shouted words making up 60% of the longer words."""
    long_words = [t for t in tokens if t.is_word and len(t.norm) >= 3 and not t.norm.startswith("<")]
    shouted = sum(t.upper for t in long_words)
    return shouted >= 3 and shouted >= 0.6 * len(long_words)


_PUNCT = re.compile(r"[!?]{3,}|\?!|!\?")


def aggressive_punctuation(text: str) -> re.Match[str] | None:
    """The first run of "!!!", "?!" and the like."""
    return _PUNCT.search(text)
