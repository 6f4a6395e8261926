"""The pipeline in one place: profile -> facts -> engine -> findings, traced.

``evaluate`` is the library entry point the CLI uses too.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .compiler import compile_rules
from .engine import engine_for
from .facts import profile_fact
from .profile import Profile
from .reasoning import assess
from .result import Result, build_result
from .rule_loader import RuleBook, load_rules

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """``rules`` or ``profiles``: inside an installed wheel, else at the top of the source checkout."""
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent.parent / name


@lru_cache(maxsize=8)
def rulebook(directory: str | None = None) -> RuleBook:
    """The checked rule base of a directory (default: the shipped rules), loaded once per process."""
    return load_rules(Path(directory) if directory else shipped_dir("rules"))


def evaluate(profile: Profile | dict, book: RuleBook | None = None) -> Result:
    """Run one profile through the rule engine and return the traced result."""
    if isinstance(profile, dict):
        profile = Profile.model_validate(profile, strict=True)
    book = book or rulebook()
    firings = engine_for(compile_rules(book)).run(profile_fact(profile))
    return build_result(profile, book, firings, assess(book, profile))
