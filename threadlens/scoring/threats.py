"""Threats as a written grammar: the definition's ``[threats]`` patterns (who + intent, wish, call or order +
an act of harm + a person or group), matched on the scorer's normalised tokens by their lemmas from spaCy's
lookup lemmatizer (``spacy-lookups-data``).

The word classes nest (an act holds a target, a target a determiner and a person), so spelling every pattern
out as flat token patterns for spaCy's ``Matcher`` would take millions of them; a small memoised matcher walks
the classes instead, one text at a time.

>>> from threadlens.definition import load_definition
>>> from threadlens.scoring.normalise import Token
>>> grammar = ThreatGrammar(load_definition(), frozenset({"councillor"}))
>>> grammar.match([Token(w, 0, 0) for w in "im going to strangle that councillor".split()])
[(0, 6, 'INTENT ADVERB? GO? ADVERB? ACT')]
>>> grammar.match([Token(w, 0, 0) for w in "this will kill the bill".split()])
[]
"""

from __future__ import annotations

import gzip
import importlib.resources
import json
from collections.abc import Sequence
from functools import lru_cache

from threadlens.definition import Definition
from threadlens.errors import ConfigError
from threadlens.scoring.normalise import Token

_OPERATORS = "?*+"
_START = "START"  # a pattern's first step: the start of the text or of a clause (after punctuation or a START word)

Step = tuple[str, str]  # (class name or lemma, operator)


@lru_cache(maxsize=1)
def lemmas() -> dict[str, str]:
    """spaCy's English lookup lemmas ("stabbed" → "stab"), from spacy-lookups-data."""
    data = importlib.resources.files("spacy_lookups_data") / "data" / "en_lemma_lookup.json.gz"
    return json.loads(gzip.decompress(data.read_bytes()))


def _steps(phrase: str) -> tuple[Step, ...]:
    """ "WHO BE? going to" as steps; literal words as their lemmas."""
    steps = []
    for step in phrase.split():
        operator = step[-1] if step[-1] in _OPERATORS else ""
        name = step.rstrip(_OPERATORS)
        steps.append((name if name.isupper() else lemmas().get(name, name), operator))
    return tuple(steps)


class ThreatGrammar:
    """The threat patterns of a definition; ``persons`` is the class PERSON (people a target names). Every
    word of a pattern is matched by its lemma ("going" matches "go", "went", "going")."""

    def __init__(self, definition: Definition, persons: frozenset[str]) -> None:
        section = definition.section("threats")
        words = {name: list(entries) for name, entries in section["words"].items()} | {"PERSON": sorted(persons)}
        self.words: dict[str, frozenset[str]] = {}  # a class's one-word entries, as lemmas
        self.phrases: dict[str, list[tuple[Step, ...]]] = {}  # its other entries (phrases, nested classes)
        for name, entries in words.items():
            single = [e for e in entries if " " not in e and not e.rstrip(_OPERATORS).isupper()]
            self.words[name] = frozenset(lemmas().get(e, e) for e in single)
            self.phrases[name] = [_steps(e) for e in entries if e not in single]
        self.clause_openers = frozenset(words.get(_START, ()))
        self.not_before = frozenset(section.get("not_before", ()))
        acts = [self.words[a] if a in self.words else {lemmas().get(a, a)} for a in section["acts"]]
        self.acts = frozenset().union(*acts)
        self.max_length = int(section["max_length"])
        self.patterns: list[tuple[str, bool, tuple[Step, ...]]] = []
        for pattern in section["patterns"]:
            steps = _steps(pattern)
            initial = steps[0][0] == _START
            self.patterns.append((pattern, initial, steps[1:] if initial else steps))
        for pattern, _, steps in self.patterns:
            for name, _ in steps:
                if name.isupper() and name not in self.words:
                    raise ConfigError(f"threat pattern {pattern!r}: no word class {name} in [threats.words]")
        self.first = {pattern: self._first(steps, set()) for pattern, _, steps in self.patterns}
        # each phrase with the lemmas it can start with, so that a walk tries only phrases that can match
        self.starts = {n: [(self._first(ph, {n}), ph) for ph in phrases] for n, phrases in self.phrases.items()}

    def _first(self, steps: tuple[Step, ...], seen: set[str]) -> frozenset[str]:
        """The lemmas a match of ``steps`` can start with."""
        first: set[str] = set()
        for name, operator in steps:
            if name not in self.words:
                first.add(name)
            elif name not in seen:
                first |= self.words[name]
                for phrase in self.phrases[name]:
                    first |= self._first(phrase, seen | {name})
            if operator not in ("?", "*"):
                break
        return frozenset(first)

    def match(self, tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
        """(start, end, pattern) of each threat, in text order; where matches overlap, the longest."""
        table = lemmas()
        words = [table.get(t.norm, t.norm) for t in tokens]
        acts = [i for i, word in enumerate(words) if word in self.acts]
        if not acts:
            return []
        starts = sorted({s for i in acts for s in range(max(0, i - self.max_length), i + 1)})
        found = _Walk(self, words).matches(starts)
        kept: list[tuple[int, int, str]] = []
        for start, end, pattern, initial in sorted(found, key=lambda m: (m[0] - m[1], m[0])):
            if initial and not (
                start == 0 or not tokens[start - 1].is_word or tokens[start - 1].norm in self.clause_openers
            ):
                continue
            if end < len(tokens) and tokens[end].norm in self.not_before:
                continue
            if all(end <= a or start >= b for a, b, _ in kept):
                kept.append((start, end, pattern))
        return sorted(kept)


class _Walk:
    """The grammar walked over one text's lemmas, with the ends each class reaches from each position memoised."""

    def __init__(self, grammar: ThreatGrammar, lemmas: list[str]) -> None:
        self.grammar = grammar
        self.lemmas = lemmas
        self.memo: dict[tuple[str, int], frozenset[int]] = {}

    def matches(self, starts: Sequence[int]) -> list[tuple[int, int, str, bool]]:
        """(start, end, pattern, clause-initial) of the longest match of each pattern from each start."""
        found = []
        for start in starts:
            for pattern, initial, steps in self.grammar.patterns:
                if self.lemmas[start] not in self.grammar.first[pattern]:
                    continue
                ends = self.sequence(steps, start)
                if ends:
                    found.append((start, max(ends), pattern, initial))
        return found

    def sequence(self, steps: tuple[Step, ...], start: int) -> frozenset[int]:
        """The positions the steps can end at, starting at ``start``."""
        positions = {start}
        for name, operator in steps:
            reached: set[int] = set(positions) if operator in ("?", "*") else set()
            frontier = positions
            while frontier:
                ends = set().union(*(self.step(name, p) for p in frontier)) - reached
                reached |= ends
                frontier = ends if operator in ("*", "+") else set()
            positions = reached
            if not positions:
                break
        return frozenset(positions)

    def step(self, name: str, start: int) -> frozenset[int]:
        """The positions one class or literal word can end at, starting at ``start``."""
        key = (name, start)
        if key not in self.memo:
            self.memo[key] = frozenset()  # a class that refers to itself matches nothing more
            if start >= len(self.lemmas):
                ends: frozenset[int] = frozenset()
            elif name not in self.grammar.words:
                ends = frozenset({start + 1}) if self.lemmas[start] == name else frozenset()
            else:
                word = self.lemmas[start]
                found = {start + 1} if word in self.grammar.words[name] else set()
                for first, phrase in self.grammar.starts[name]:
                    if word in first:
                        found |= self.sequence(phrase, start)
                ends = frozenset(found)
            self.memo[key] = ends
        return self.memo[key]
