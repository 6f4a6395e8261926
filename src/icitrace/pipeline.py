"""The pipeline in one place: profile -> facts -> engine -> findings, traced.

``evaluate`` is the library entry point the CLI uses too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from icitrace.engine.compile import CompiledRuleset, compile_rules
from icitrace.engine.durable import Engine, engine_for
from icitrace.engine.facts import profile_fact
from icitrace.errors import IcitraceError
from icitrace.profile.editing import Change, apply_changes
from icitrace.profile.model import Profile
from icitrace.profile.plain import profile_data
from icitrace.profile.reading import ProfileError, read_profile, validate
from icitrace.reasoning.verdicts import assess
from icitrace.result.assembly import build_result
from icitrace.result.model import Result
from icitrace.rulebase.book import RuleBook
from icitrace.rulebase.cache import load_cached

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """``rules`` or ``profiles``: inside an installed wheel, else at the top of the source checkout."""
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent.parent / name


@lru_cache(maxsize=8)
def rulebook(directory: str | None = None) -> RuleBook:
    """The checked rule base of a directory (default: the shipped rules), loaded once per process, from
    the user's cache when its files have not changed (``rulebase.cache``)."""
    return load_cached(Path(directory) if directory else shipped_dir("rules"))


def evaluate(profile: Profile | dict, book: RuleBook | None = None, *, changes: list[Change] | None = None,
             why_not: list[str] | None = None) -> Result:
    """Run one profile through the rule engine and return the traced result.

    ``profile`` is checked as a file would be, whatever it is: a dict, or a ``Profile`` (which pydantic
    lets be built or changed without validation); a bad one is an ``InputProblem``. ``changes`` records
    edits made for this run (``--set``); ``why_not`` lists catalogue ids to explain.
    """
    return evaluate_validated(checked(profile, "profile"), book, changes, why_not)


def checked(profile: object, name: str) -> Profile:
    """Any value as a validated profile (a new instance), or a ``ProfileError`` naming ``name``."""
    return validate(profile_data(profile, name), name, default_id="profile")


def evaluate_validated(profile: Profile, book: RuleBook | None = None, changes: list[Change] | None = None,
                      why_not: list[str] | None = None) -> Result:
    """``evaluate`` for a profile this process has just validated itself (never one from a caller)."""
    book = book or rulebook()
    firings = engine_of(book, profile.has_band()).run(fact_of(profile, book))
    return build_result(profile, book, firings, assess(book, profile), changes, why_not)


#: compiled rule bases kept, least recently used dropped first. A `--cutoffs-by` run may use thousands of
#: cut-off sets: each compiled definition is a few hundred KB of Python dicts, and compiling one again
#: takes about 0.2 ms (measured). The C rulesets behind them are bounded apart (``durable.LIVE_ENGINES``).
COMPILED_KEEP = 32
_compiled: OrderedDict[tuple[str, bool], CompiledRuleset] = OrderedDict()
_compiled_lock = threading.Lock()


def compiled(book: RuleBook, bands: bool = False) -> CompiledRuleset:
    """The ruleset definition of a rule base, compiled once per rule files and cut-off values
    (``RuleBook.ruleset_key``: groups whose cut-offs come out alike share it) and kept while recently used
    (``bands``: the variant that reads bands, for profiles holding one)."""
    key = (book.ruleset_key, bands)
    with _compiled_lock:
        found = _compiled.get(key)
        if found is not None:
            _compiled.move_to_end(key)
            return found
    found = compile_rules(book, bands)
    with _compiled_lock:
        found = _compiled.setdefault(key, found)
        while len(_compiled) > COMPILED_KEEP:
            _compiled.popitem(last=False)
    return found


def fact_of(profile: Profile, book: RuleBook) -> dict:
    """The profile fact the engine sees for this rule base."""
    return profile_fact(profile, compiled(book).list_tests)


def engine_of(book: RuleBook, bands: bool = False) -> Engine:
    """The engine for a rule base (``engine_for`` keeps one per ruleset, a bounded number alive)."""
    return engine_for(compiled(book, bands))


def evaluate_fired(profile: Profile, book: RuleBook) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Only what fired, for cohorts: finding id -> rules and strategy id -> rules, in firing order."""
    findings: dict[str, list[str]] = {}
    strategies: dict[str, list[str]] = {}
    ruleset = compiled(book, profile.has_band())
    for firing in engine_for(ruleset).run(profile_fact(profile, ruleset.list_tests)):
        is_finding, concluded = ruleset.concludes[firing.rule]
        (findings if is_finding else strategies).setdefault(concluded, []).append(firing.rule)
    return findings, strategies


def evaluate_sources(sources: list[str], book: RuleBook, edits: list[tuple[str, object]] | None = None,
                     why_not: list[str] | None = None) -> Iterator[Result | IcitraceError]:
    """Read, edit (``--set``) and evaluate each profile file, lazily, in the order given: a bad one is
    yielded as its error (naming the source) and the rest go on. Only one profile is held at a time."""
    for source in sources:
        try:
            profile, changes = apply_changes(read_profile(source), edits or [])
            yield evaluate_validated(profile, book, changes, why_not)
        except ProfileError as error:
            yield error
        except IcitraceError as error:  # an edit the model refuses, an engine error: name the source
            error.args = (f"{source}: {error}",)
            yield error


def evaluate_many(profiles: Iterable[Profile | dict], book: RuleBook | None = None) -> Iterator[Result | IcitraceError]:
    """``evaluate`` over an iterable, lazily, with one engine, in input order. As the CLI does, a profile
    that cannot be evaluated does not stop the rest: its ``IcitraceError`` is yielded in its place,
    naming its position counted from 0 as Python indexes (``item 3: ...``), whatever the item is."""
    book = book or rulebook()
    for position, profile in enumerate(profiles):
        try:
            yield evaluate_validated(checked(profile, f"item {position}"), book)
        except ProfileError as error:  # it names the item already
            yield error
        except IcitraceError as error:  # an engine error: name the item
            error.args = (f"item {position}: {error}",)
            yield error
