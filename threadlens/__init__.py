"""threadlens: rebuild reply chains, score hostility with evidence, and show who escalated first."""

from __future__ import annotations

from importlib import import_module
from typing import Any

# ``threadlens.batch`` is the function, bound here once: importing the package ``threadlens/batch/`` sets the
# attribute to the package, and this import, which comes after, sets it back. The package's ``__init__``
# imports only the standard library, so this keeps ``import threadlens`` fast.
from threadlens.batch import batch

_API = {
    "read": "threadlens.ingest",
    "read_inputs": "threadlens.ingest",
    "build_graph": "threadlens.thread",
    "score_texts": "threadlens.scoring",
    "analyse": "threadlens.analysis",
    "analyse_case": "threadlens.pipeline",
    "load_definition": "threadlens.definition",
}

__all__ = ["__version__", "batch", *_API]


def __getattr__(name: str) -> Any:
    """Import the public API lazily, so ``import threadlens`` stays fast."""
    if name == "__version__":
        from threadlens.version import __version__

        return __version__
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'threadlens' has no attribute {name!r}")
