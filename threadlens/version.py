"""The installed package's version (``pyproject.toml`` is the one place it is written), importable without the
package's lazily loaded API."""

from __future__ import annotations

from importlib.metadata import version

__version__ = version("threadlens")
