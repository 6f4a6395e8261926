"""pytest plugin entry point (``pytest11``): registers the icitrace steps when pytest-bdd is present.

The guard keeps a plain pytest run working in an environment without pytest-bdd (docs/pytest-bdd.md).
"""

try:
    import pytest_bdd  # noqa: F401
except ImportError:
    pytest_plugins: list[str] = []
else:
    pytest_plugins = ["icitrace.bdd.steps"]
