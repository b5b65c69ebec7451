"""The definition's word lists: lexicon categories matched with spaCy's PhraseMatcher, and the
normalisation tables (identity, faction and name classes, spellings) read from the same folder."""

from __future__ import annotations

from dataclasses import dataclass

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from threadlens.definition import Definition
from threadlens.errors import ConfigError
from threadlens.scoring.normalise import FACTION, IDENTITY, NAME, Tables, build_tables

CLASS_TOKENS = {"identity": IDENTITY, "faction": FACTION, "name": NAME}


def read_list(definition: Definition, relative: str) -> list[str]:
    """Non-empty, non-comment lines of a lexicon file, lower-cased and whitespace-normalised."""
    lines = []
    for line in definition.read_text(relative).splitlines():
        entry = " ".join(line.split("#", 1)[0].lower().split())
        if entry:
            lines.append(entry)
    return lines


def read_spellings(definition: Definition, relative: str) -> dict[str, tuple[str, ...]]:
    """``variant = standard words`` lines as a map from variant to the standard tokens."""
    spellings = {}
    for entry in read_list(definition, relative):
        variant, sep, standard = entry.partition("=")
        if not sep or not variant.strip() or not standard.strip():
            raise ConfigError(f"spelling line {entry!r} is not 'variant = standard'", path=relative)
        spellings[variant.strip()] = tuple(standard.split())
    return spellings


@dataclass
class Lexicon:
    """Every phrase of every category, the matcher over them and the normalisation tables."""

    phrases: dict[str, list[str]]
    anchors: frozenset[str]
    tables: Tables
    nlp: spacy.language.Language
    matcher: PhraseMatcher

    def match(self, words: list[str]) -> list[tuple[str, int, int]]:
        """(category, start token, end token) of every phrase found in the normalised words."""
        if self.anchors.isdisjoint(words):  # no phrase can match: skip building a Doc
            return []
        doc = Doc(self.nlp.vocab, words=words)
        strings = self.nlp.vocab.strings
        return [(strings[key], start, end) for key, start, end in self.matcher(doc)]


def _anchors(phrases: dict[str, list[str]]) -> frozenset[str]:
    """One word per phrase that must be present for it to match: its longest word that is not a class token."""
    anchors = set()
    for entries in phrases.values():
        for entry in entries:
            words = [w for w in entry.split() if not w.startswith("<")] or entry.split()
            anchors.add(max(words, key=len))
    return frozenset(anchors)


def load_lexicon(definition: Definition, extra_known: set[str] = frozenset()) -> Lexicon:
    """The lexicon of ``definition``; ``extra_known`` adds words (the classifier's) worth recovering."""
    phrases = {category: read_list(definition, path) for category, path in definition.section("lexicons").items()}
    norm = definition.section("normalisation")
    spellings = read_spellings(definition, norm["spellings"])
    classes: dict[tuple[str, ...], str] = {}
    for kind, token in CLASS_TOKENS.items():
        for entry in read_list(definition, norm[kind]):
            classes.setdefault(tuple(entry.split()), token)
    # Starred spellings ("f***") resolve to the first word that fits, swearing and insults first.
    order = sorted(
        phrases,
        key=lambda category: ("profanity", "insult").index(category) if category in ("profanity", "insult") else 2,
    )
    lexical = list(dict.fromkeys(word for category in order for entry in phrases[category] for word in entry.split()))
    known = set(lexical) | set(spellings) | {w for entry in classes for w in entry} | set(extra_known)
    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab)
    for category, entries in phrases.items():
        matcher.add(category, [Doc(nlp.vocab, words=entry.split()) for entry in entries])
    return Lexicon(phrases, _anchors(phrases), build_tables(known, spellings, classes, lexical), nlp, matcher)
