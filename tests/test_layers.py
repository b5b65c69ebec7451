"""The package is layered: every module imports only from its own layer or the ones below, and nothing cycles.

Layers, lowest first: the shared vocabulary (data types, errors, small helpers), reading, threading,
scoring, analysis, reports, the drivers (one case, many cases, collection), the command line. Imports
inside functions count: a lazy import still ties two modules together.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "threadlens"
LAYERS = (
    (
        "threadlens.model",
        "threadlens.errors",
        "threadlens.io",
        "threadlens.limits",
        "threadlens.timeparse",
        "threadlens.memory",
        "threadlens.definition",
        "threadlens.version",
    ),
    ("threadlens.ingest", "threadlens.scope", "threadlens.privacy"),
    ("threadlens.thread",),
    ("threadlens.scoring",),
    ("threadlens.analysis", "threadlens.review"),
    ("threadlens.report",),
    ("threadlens.pipeline", "threadlens.batch", "threadlens.retention", "threadlens.fetch", "threadlens.intake"),
    ("threadlens.cli", "threadlens.__main__", "threadlens"),  # the package's own __init__ gathers the public API
)


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def layer(module: str) -> int:
    """The layer of a module: that of the longest prefix named in ``LAYERS``."""
    if module == "threadlens":
        return len(LAYERS) - 1
    best = max(
        (
            prefix
            for names in LAYERS
            for prefix in names
            if prefix != "threadlens" and (module == prefix or module.startswith(prefix + "."))
        ),
        key=len,
    )
    return next(index for index, names in enumerate(LAYERS) if best in names)


def imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The threadlens modules ``module`` imports anywhere in its source (type-checking-only imports aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known}
    found.discard(module)
    return found


def import_graph() -> nx.DiGraph:
    known = modules()
    graph = nx.DiGraph()
    for module, path in known.items():
        graph.add_node(module)
        graph.add_edges_from((module, target) for target in imports(module, path, known))
    return graph


def test_no_module_imports_from_a_layer_above_it():
    upward = {(a, b) for a, b in import_graph().edges if layer(b) > layer(a)}
    assert upward == set()


def test_the_import_graph_has_no_cycle_between_packages_or_modules():
    graph = import_graph()
    # Within a package, a package's __init__ gathering its own modules is not a cycle of layers.
    collapsed = nx.DiGraph((a, b) for a, b in graph.edges if not b.startswith(a + ".") and not a.startswith(b + "."))
    assert list(nx.simple_cycles(collapsed)) == []


def test_no_module_is_over_600_lines():
    long = {
        module: n
        for module, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


@pytest.mark.parametrize("module", sorted(modules()))
def test_every_module_imports_on_its_own(module):
    if module == "threadlens.__main__":
        pytest.skip("runs the command")
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
