"""What every surface asks before the work, answered once for the CLI, the classroom page and the BDD steps.

- the rule base to use (``load_rules``) and, when a directory cannot be used, the words that refuse it
  (``rules_refusal``);
- whether the finding and strategy ids a request names exist (``check_ids``);
- the values a sweep takes (``plan_sweep``): the field checked, a range or every level.

Each refusal is an ``IcitraceError`` with the same words on every surface (the page sends them as its
JSON error, the CLI prints them on stderr), so what is refused, and how it is said, is decided here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from icitrace.errors import InputProblem, RulesError, did_you_mean
from icitrace.pipeline import rulebook
from icitrace.profile.editing import check_field
from icitrace.profile.model import field_kind, field_levels, reasoned_fields
from icitrace.rulebase.book import RuleBook, parse_thresholds, with_overrides

#: what every surface says first when a rule directory cannot be used; each problem follows at file:line
RULES_UNUSABLE = "the rules cannot be used:"
#: the most values a sweep takes (each is one evaluation)
MAX_STEPS = 10_000


def load_rules(directory: str | Path | None = None, thresholds: Iterable[str] = ()) -> RuleBook:
    """The checked rule base of ``directory`` (default: the shipped rules) with the ``--threshold``
    moves (``NAME=VALUE``) applied. ``RulesError`` when the directory cannot be used (its problems at
    file:line, said with ``rules_refusal``); ``ThresholdError`` for a move it cannot take."""
    book = rulebook(str(directory) if directory else None)
    return with_overrides(book, parse_thresholds(list(thresholds)))


def rules_refusal(error: RulesError) -> list[str]:
    """The refusal of a rule directory, line by line: ``RULES_UNUSABLE``, then each problem."""
    return [RULES_UNUSABLE, *(str(problem) for problem in error.problems)]


def check_ids(book: RuleBook, ids: Iterable[str]) -> None:
    """Each id a finding or a strategy of ``book``: the first that is not is refused (``InputProblem``),
    with the nearest ids and every id."""
    known = [*book.catalog.findings, *book.catalog.strategies]
    for target in ids:
        if target not in known:
            raise InputProblem(f"no finding or strategy `{target}`{did_you_mean(target, known, 3)}. "
                               f"Ids: {', '.join(known)}")


def plan_sweep(field: str, start: float | None = None, stop: float | None = None,
               step: float | None = None) -> list[Any]:
    """The values a sweep of ``field`` takes: ``start`` to ``stop`` by ``step`` for a number (exact
    decimal steps, at most ``MAX_STEPS``), every level then unknown for a level, false, true and
    unknown for a yes/no field. An unknown field is an ``EditError``; a field that cannot be swept, or a
    range that cannot be taken, an ``InputProblem`` naming ``--field``."""
    check_field(field)
    try:
        return _values(field, start, stop, step)
    except ValueError as error:
        raise InputProblem(f"--field {field}: {error}") from None


def _values(field: str, start: float | None, stop: float | None, step: float | None) -> list[Any]:
    if field not in reasoned_fields():
        raise ValueError(f"{field} is echoed text, not a field the rules read; it cannot be swept")
    kind = field_kind(field)
    if kind == "number":
        if start is None or stop is None or step is None or step <= 0 or stop < start:
            raise ValueError(f"sweeping {field} needs --from, --to and a positive --step, with --from <= --to")
        if not all(math.isfinite(x) for x in (start, stop, step)):
            raise ValueError("--from, --to and --step must be finite numbers")
        count = int((Decimal(str(stop)) - Decimal(str(start))) / Decimal(str(step))) + 1
        if count > MAX_STEPS:
            raise ValueError(f"{count} steps is more than {MAX_STEPS}; use a larger --step")
        return [float(Decimal(str(start)) + i * Decimal(str(step))) for i in range(count)]
    if kind == "level":
        return [*field_levels(field), None]
    if kind == "bool":
        return [False, True, None]
    raise ValueError(f"{field} is a list field and cannot be swept")
