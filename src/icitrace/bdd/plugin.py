"""pytest plugin entry point (``pytest11``): registers the icitrace steps when pytest-bdd is present.

The guard keeps a plain pytest run working in an environment without pytest-bdd (GUIDE §3).
"""

import importlib.util

pytest_plugins = ["icitrace.bdd.steps"] if importlib.util.find_spec("pytest_bdd") else []
