"""Hostility scoring: the scorer protocol and registry, and the public entry points.

``score_texts`` scores a batch of texts under a written definition; ``score_messages`` scores the
messages of a case by id (text only, never the author). Scorers are looked up by name: "lens" (the
default, explainable) and the optional backends "profanity-check", "transformers" and "perspective".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from importlib import import_module
from typing import Protocol

from threadlens.definition import Definition, load_definition
from threadlens.errors import ConfigError
from threadlens.limits import MAX_SCORED_CHARS, cut_text
from threadlens.model import Evidence, Message, Score

__all__ = ["Scorer", "get_scorer", "register_scorer", "score_messages", "score_texts", "scorers"]


class Scorer(Protocol):
    """Anything that turns a batch of texts into scores."""

    name: str
    version: str

    def score(self, texts: Sequence[str]) -> list[Score]:
        """One score per text, in order."""
        ...


_REGISTRY: dict[str, Callable[[Definition], Scorer]] = {}


def register_scorer(name: str, factory: Callable[[Definition], Scorer]) -> None:
    """Make a scorer available by name (a factory taking the definition)."""
    _REGISTRY[name] = factory


def _lazy(module: str, attribute: str) -> Callable[[Definition], Scorer]:
    def factory(definition: Definition) -> Scorer:
        return getattr(import_module(module), attribute)(definition)

    return factory


register_scorer("lens", _lazy("threadlens.scoring.lens", "LensScorer"))
register_scorer("profanity-check", _lazy("threadlens.scoring.backends", "ProfanityCheckScorer"))
register_scorer("transformers", _lazy("threadlens.scoring.backends", "TransformersScorer"))
register_scorer("perspective", _lazy("threadlens.scoring.backends", "PerspectiveScorer"))


def scorers() -> list[str]:
    """Names of the registered scorers."""
    return sorted(_REGISTRY)


def get_scorer(name: str = "lens", definition: Definition | str | None = None) -> Scorer:
    """The scorer registered as ``name``, set up for ``definition`` (cached per definition)."""
    if name not in _REGISTRY:
        raise ConfigError(f"no scorer called {name!r}", hint="Known scorers: " + ", ".join(scorers()))
    chosen = load_definition(definition)
    key = (name, str(chosen.path), chosen.sha256)
    if key not in _CACHE:
        _CACHE[key] = _REGISTRY[name](chosen)
    return _CACHE[key]


_CACHE: dict[tuple[str, str, str], Scorer] = {}


def score_texts(texts: Sequence[str], definition: Definition | str | None = None, scorer: str = "lens") -> list[Score]:
    """Score each text under the definition (the default one when None).

    Only the first ``MAX_SCORED_CHARS`` characters of a longer text are scored; its score then carries one
    more piece of evidence (rule ``cut``, contribution 0) over the part not scored, naming the full length
    and SHA-256. Identical texts are scored once (a score depends on its text alone) and share the score.

    >>> civil, threat = score_texts(["Thanks for the minutes.", "I will find you and hurt you."])
    >>> all(0 <= score.value <= 1 for score in (civil, threat))
    True
    >>> "threat" in threat.categories and threat.level >= 3  # abusive or severe
    True
    """
    texts = list(texts)
    distinct = list(dict.fromkeys(texts))
    scored = dict(zip(distinct, _score_distinct(distinct, definition, scorer), strict=True))
    return [scored[text] for text in texts]


def _score_distinct(texts: list[str], definition: Definition | str | None, scorer: str) -> list[Score]:
    """``score_texts`` for texts that are all different."""
    long = {index: cut_text(text, MAX_SCORED_CHARS) for index, text in enumerate(texts) if len(text) > MAX_SCORED_CHARS}
    scores = get_scorer(scorer, definition).score([long[i].text if i in long else text for i, text in enumerate(texts)])
    for index, cut in long.items():
        note = (
            f"not scored: characters {MAX_SCORED_CHARS:,} to {cut.full_length:,} of {cut.full_length:,}; "
            f"full text SHA-256 {cut.sha256}"
        )
        evidence = Evidence(MAX_SCORED_CHARS, cut.full_length, note, "rule", "cut", 0.0)
        scores[index] = replace(scores[index], evidence=(*scores[index].evidence, evidence))
    return scores


def score_messages(
    messages: Iterable[Message], definition: Definition | str | None = None, scorer: str = "lens"
) -> dict[str, Score]:
    """Scores keyed by message id. Placeholders (no text, no time) are skipped; only the text is scored."""
    chosen = [m for m in messages if not (m.text == "" and m.created_at is None)]
    scores = score_texts([m.text for m in chosen], definition, scorer)
    return {message.id: score for message, score in zip(chosen, scores, strict=True)}
