"""threadlens: rebuild reply chains, score hostility with evidence, and show who escalated first."""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "read": "threadlens.ingest",
    "read_inputs": "threadlens.ingest",
    "build_graph": "threadlens.thread",
    "score_texts": "threadlens.scoring",
    "analyse": "threadlens.analysis",
    "batch": "threadlens.batch",
    "load_definition": "threadlens.definition",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    """Import the public API lazily, so ``import threadlens`` stays fast."""
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'threadlens' has no attribute {name!r}")
