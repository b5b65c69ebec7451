"""Optional backends: profanity-check runs locally; Perspective is never called, only its request checked."""

from __future__ import annotations

import json

import pytest
import responses

from threadlens.errors import ConfigError
from threadlens.scoring import get_scorer, score_texts
from threadlens.scoring.backends import PERSPECTIVE_URL, perspective_request


def test_profanity_check_backend():
    pytest.importorskip("profanity_check")
    nice, rude = score_texts(["have a nice day", "fuck you idiot"], scorer="profanity-check")
    assert nice.value < rude.value
    assert sum(e.contribution for e in rude.evidence) == pytest.approx(rude.value, abs=1e-9)


def test_perspective_needs_a_key(monkeypatch):
    monkeypatch.delenv("PERSPECTIVE_API_KEY", raising=False)
    with pytest.raises(ConfigError):
        get_scorer("perspective", None).score(["x"])


def test_perspective_request_never_stores(monkeypatch):
    pytest.importorskip("requests")
    monkeypatch.setenv("PERSPECTIVE_API_KEY", "test-key")
    body = {"attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.8}}}}
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, PERSPECTIVE_URL, json=body, status=200)
        from threadlens.definition import load_definition
        from threadlens.scoring.backends import PerspectiveScorer

        score = PerspectiveScorer(load_definition()).score(["you fool"])[0]
        sent = json.loads(mocked.calls[0].request.body)
    assert sent == perspective_request("you fool")
    assert sent["doNotStore"] is True
    assert score.value == 0.8


def test_transformers_without_path_is_a_config_error(monkeypatch):
    monkeypatch.delenv("THREADLENS_TRANSFORMERS_MODEL", raising=False)
    with pytest.raises(ConfigError):
        get_scorer("transformers", None)
