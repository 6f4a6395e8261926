"""Whether the installed durable-rules can evaluate at all, found out without running it.

durable-rules 2.0.28 calls ``PyEval_CallObject``, which CPython 3.13 removed. Built on 3.13 without the
define that maps it to ``PyObject_CallObject``, its extension imports (the symbol is bound lazily) and
the first evaluation ends the whole process with the dynamic linker's "undefined symbol": no exception
to catch. So the extension's bytes are read once, without importing it, and a build that names the
removed function on a Python that lacks it is refused with the one line that reinstalls it.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache

REINSTALL = ('CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject" pip install --no-cache-dir --force-reinstall '
             "--no-deps durable-rules==2.0.28")


@lru_cache(maxsize=1)
def problem() -> str:
    """Why the installed engine cannot evaluate ("" when it can, as far as can be told before running it)."""
    spec = importlib.util.find_spec("durable_rules_engine")
    if spec is None or not spec.origin:
        return f"durable-rules is not installed; install it with: {REINSTALL}"
    if sys.version_info < (3, 13):  # PyEval_CallObject is still there
        return ""
    try:
        with open(spec.origin, "rb") as handle:
            calls_removed = b"PyEval_CallObject" in handle.read()
    except OSError:
        return ""
    if not calls_removed:
        return ""
    return (f"durable-rules was built for this Python {sys.version_info.major}.{sys.version_info.minor} without "
            "the define it needs (it calls PyEval_CallObject, which Python 3.13 removed), so the first evaluation "
            f"would end the process; reinstall it with: {REINSTALL}")
