"""How a condition reads, with or without the profile's value: one wording for every output."""

from __future__ import annotations

from icitrace.profile.model import show_number
from icitrace.rulebase.loading import RuleBook
from icitrace.rulebase.model import Condition


def show_value(value: object) -> str:
    """A value as people write it: 10 not 10.0, true not True, lists comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return show_number(value)
    if isinstance(value, list):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    return str(value)


def describe(cond: Condition, book: RuleBook, value: object = None) -> str:
    """``tmb 3.2 < tmb_high 10 mut/Mb`` with a value; ``tmb < tmb_high 10 mut/Mb`` without."""
    subject = cond.field if value is None else f"{cond.field} {show_value(value)}"
    op = cond.op
    if op == "finding":
        return f"finding {cond.finding} derived"
    if op == "count":
        need = f"at least {cond.count.at_least} {cond.count.kind} findings"
        if value is None:
            return need
        return f"{len(value)} {cond.count.kind} findings {show_value(value)}: {need}"  # type: ignore[arg-type]
    if op == "is":
        return f"{cond.field} is {show_value(cond.is_)}"
    if op == "in":
        words = " or ".join(cond.in_)
        return f"{cond.field} is {words}" if value is None else f"{cond.field} is {value} ({words})"
    if op == "not_empty":
        return f"{cond.field} lists at least one" if value is None else f"{subject}: at least one listed"
    if op == "includes_any":
        need = f"{cond.field} names one of: {', '.join(cond.includes_any)}"
        return need if value is None else f"{subject}: {need}"
    cutoff = book.cutoffs[cond.cutoff]
    sign = "<" if op == "below" else ">="
    return f"{subject} {sign} {cutoff.show()}"
