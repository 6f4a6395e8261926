"""Checks on a rule base as a whole, beyond the shape of each rule: conditions that can never hold,
findings and strategies no profile can reach, explanations copied from the review or worded as advice.

Run by the loader, so `suggest` refuses rules that fail them and `icitrace rules lint` reports them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from icitrace.profile.model import ORDERED_FIELDS, field_bounds, field_levels
from icitrace.rulebase.model import Catalog, Cutoff, Rule
from icitrace.rulebase.operators import OPERATORS
from icitrace.rulebase.review_fingerprint import copied_runs
from icitrace.rulebase.wording import prescriptive

Report = Callable[[Rule, tuple, str], None]


def lint(rules: list[Rule], catalog: Catalog, cutoffs: dict[str, Cutoff], report: Report) -> None:
    possible = {r.id for r in rules if _satisfiable(r, cutoffs, report)}
    reachable = _reachable(rules, catalog, possible)
    for rule in rules:
        if rule.id in possible and rule.id not in reachable:
            report(rule, ("when",), "can never fire: a finding it needs can never be inferred")
        for key in ("explanation", "title"):
            for problem in text_problems(getattr(rule, key)):
                report(rule, (key,), f"{key} {problem}")
    concluded = {r.then.id for r in rules if r.id in reachable}
    for fid in catalog.findings:
        if fid not in concluded:
            report(None, ("findings", fid), f"finding `{fid}` can never be inferred: no rule that can fire concludes it")
    for sid in catalog.strategies:
        if sid not in concluded:
            report(None, ("strategies", sid), f"strategy `{sid}` is never reachable: no rule that can fire suggests it")


def unordered_cutoffs(cutoffs: dict[str, Cutoff]) -> list[tuple[str, str]]:
    """(cut-off, note) for each two lines on one field that declare no order, directly or through others
    (``stays_below``): a run may then move one past the other, which `--threshold` and `--cutoffs-by`
    only refuse for a declared order. A note, not a refusal: two lines on one field may be independent."""
    above: dict[str, set[str]] = {name: set(c.stays_below) for name, c in cutoffs.items()}
    changed = True
    while changed:  # the orders' transitive closure: a < b < c orders a and c
        changed = False
        for higher in above.values():
            more = set().union(*(above.get(h, set()) for h in higher)) - higher
            if more:
                higher |= more
                changed = True
    names = list(cutoffs)
    return [(second, (f"cut-offs `{first}` and `{second}` are both lines on {cutoffs[first].field} but declare "
                      "no order (`stays_below`): a run may move one past the other"))
            for i, first in enumerate(names) for second in names[i + 1:]
            if cutoffs[first].field == cutoffs[second].field
            and second not in above[first] and first not in above[second]]


def text_problems(text: str) -> list[str]:
    """What is wrong with a text that reaches the output: copied from the review, or worded as advice."""
    out = []
    runs = copied_runs(text)
    if runs:
        out.append(f"copies the review ({runs} run(s) of 8 words); say it in your own words and cite the "
                   "reference number")
    advice = prescriptive(text)
    if advice:
        out.append(f"reads as advice ({advice[0]!r}); say what the review discusses and why the profile led there")
    return out


def _satisfiable(rule: Rule, cutoffs: dict[str, Cutoff], report: Report) -> bool:
    """False (and reported) when some profile field would need an impossible value: outside the field's
    own range, excluded by another condition on it, or by a field it is ordered with (CPS >= TPS)."""
    spans: dict[str, tuple[float, float, bool]] = {}  # field -> (low, high, high is open)
    words: dict[str, set] = {}
    for i, cond in enumerate(rule.when):
        if cond.kind != "field":
            continue
        op, name = OPERATORS[cond.op], cond.field
        span = op.interval(cond, cutoffs)
        if span is not None:
            least, most = field_bounds(name)
            low, high, open_high = span
            if high < least or (high == least and open_high) or low > most:
                bound = f"at least {least:g}" if high <= least else f"at most {most:g}"
                report(rule, ("when", i, cond.op), f"`{op.words(cond, cutoffs)}` can never be true: {name} is {bound}")
                return False
            spans[name] = _narrow(spans.get(name, (-math.inf, math.inf, False)), span)
            if _empty(spans[name]):
                report(rule, ("when", i), f"the conditions on `{name}` exclude each other")
                return False
            for smaller, larger in ORDERED_FIELDS:  # larger >= smaller: larger's high must clear smaller's low
                if smaller in spans and larger in spans and _empty((spans[smaller][0], *spans[larger][1:])):
                    report(rule, ("when", i), f"the conditions on `{smaller}` and `{larger}` exclude each other: "
                                              f"{larger} is never below {smaller}")
                    return False
        allowed = op.words_allowed(cond)
        if allowed is not None:
            words[name] = words.get(name, set(field_levels(name)) | {True, False}) & allowed
            if not words[name]:
                report(rule, ("when", i), f"the conditions on `{name}` exclude each other")
                return False
    return True


def _narrow(a: tuple[float, float, bool], b: tuple[float, float, bool]) -> tuple[float, float, bool]:
    """The values both spans allow."""
    low = max(a[0], b[0])
    high, open_high = min((a[1], a[2]), (b[1], b[2]), key=lambda h: (h[0], not h[1]))
    return low, high, open_high


def _empty(span: tuple[float, float, bool]) -> bool:
    low, high, open_high = span
    return low > high or (low == high and open_high)


def _reachable(rules: list[Rule], catalog: Catalog, possible: set[str]) -> set[str]:
    """Rules that some profile could fire: forward from the satisfiable field-only rules."""
    fired: set[str] = set()
    findings: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rule in rules:
            if rule.id in fired or rule.id not in possible:
                continue
            ok = all(
                (c.finding is None or c.finding in findings)
                and (c.count is None or sum(catalog.findings[f].kind == c.count.kind for f in findings) >= c.count.at_least)
                for c in rule.when
            )
            if ok:
                fired.add(rule.id)
                if rule.then.finding:
                    findings.add(rule.then.finding)
                changed = True
    return fired
