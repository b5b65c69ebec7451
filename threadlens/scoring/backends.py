"""Optional scorers, installed as extras and imported only when asked for.

They give a bare probability, so their only evidence is one whole-text "model" item equal to it; levels
and the hostile flag follow the same definition as the default scorer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import import_module
from typing import Any

from threadlens.definition import Definition
from threadlens.errors import ConfigError, FetchError
from threadlens.model import Evidence, Score
from threadlens.scoring.combine import level_of

PERSPECTIVE_URL = "https://commentanalyzer.googleapis.com/v1alpha1/comments:analyze"


def _require(module: str, extra: str) -> Any:
    try:
        return import_module(module)
    except ImportError:
        raise ConfigError(
            f"the {extra!r} scorer needs the {module!r} package", hint=f"pip install 'threadlens[{extra}]'"
        ) from None


def _whole_text_score(value: float, text: str, name: str, version: str, definition: Definition) -> Score:
    value = min(1.0, max(0.0, float(value)))
    level, reason = level_of(value, [], definition)  # a whole-text probability names no kind: at most rude
    evidence = (Evidence(0, len(text), text, "model", name, value, None),)
    hostile = level >= int(definition.section("thresholds")["hostile_level"])
    return Score(value, level, hostile, (), evidence, name, version, reason=reason)


class ProfanityCheckScorer:
    """alt-profanity-check's linear SVM probability (a baseline to compare against)."""

    name = "profanity-check"

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self._module = _require("profanity_check", "profanity-check")
        self.version = getattr(import_module("sklearn"), "__version__", "")

    def score(self, texts: Sequence[str]) -> list[Score]:
        """Scores of a batch of texts."""
        if not texts:
            return []
        values = self._module.predict_prob(list(texts))
        return [
            _whole_text_score(v, t, self.name, self.version, self.definition)
            for v, t in zip(values, texts, strict=True)
        ]


class TransformersScorer:
    """A local Hugging Face text-classification model; the path comes from ``THREADLENS_TRANSFORMERS_MODEL``
    or the definition's ``[model] transformers_path``. The positive label is ``[model] transformers_label``."""

    name = "transformers"

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        cfg = definition.section("model")
        path = os.environ.get("THREADLENS_TRANSFORMERS_MODEL") or cfg.get("transformers_path")
        if not path:
            raise ConfigError(
                "the transformers scorer needs a local model path",
                hint="Set THREADLENS_TRANSFORMERS_MODEL to a model folder",
            )
        transformers = _require("transformers", "transformers")
        self.pipeline = transformers.pipeline("text-classification", model=path, top_k=None, truncation=True)
        self.label = str(cfg.get("transformers_label", "toxic")).lower()
        self.version = os.path.basename(str(path).rstrip("/"))

    def score(self, texts: Sequence[str]) -> list[Score]:
        """Scores of a batch of texts: the probability of the positive label."""
        results = self.pipeline(list(texts)) if texts else []
        scores = []
        for text, labels in zip(texts, results, strict=True):
            value = next((r["score"] for r in labels if r["label"].lower() == self.label), 0.0)
            scores.append(_whole_text_score(value, text, self.name, self.version, self.definition))
        return scores


def perspective_request(text: str) -> dict:
    """The request body for one text: TOXICITY only, and never stored by the service."""
    return {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}}, "doNotStore": True}


class PerspectiveScorer:
    """Google's Perspective API (TOXICITY); the key comes from ``PERSPECTIVE_API_KEY``. ``doNotStore`` is
    always true. Sends text only, one request per message."""

    name = "perspective"
    version = "v1alpha1"

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.key = os.environ.get("PERSPECTIVE_API_KEY")
        if not self.key:
            raise ConfigError("the perspective scorer needs an API key", hint="Set PERSPECTIVE_API_KEY")
        self.requests = _require("requests", "perspective")

    def score(self, texts: Sequence[str]) -> list[Score]:
        """Scores of a batch of texts, one API call each."""
        scores = []
        for text in texts:
            response = self.requests.post(
                PERSPECTIVE_URL, params={"key": self.key}, json=perspective_request(text), timeout=30
            )
            if response.status_code != 200:
                raise FetchError(f"Perspective API answered {response.status_code}", hint=response.text[:200])
            value = response.json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
            scores.append(_whole_text_score(value, text, self.name, self.version, self.definition))
        return scores
