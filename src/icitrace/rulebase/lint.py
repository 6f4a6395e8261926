"""Checks on a rule base as a whole, beyond the shape of each rule: conditions that can never hold,
findings and strategies no profile can reach, explanations copied from the review or worded as advice.

Run by the loader, so `suggest` refuses rules that fail them and `icitrace rules lint` reports them.
"""

from __future__ import annotations

from collections.abc import Callable

from icitrace.profile.intervals import Interval
from icitrace.profile.model import ORDERED_FIELDS, field_bounds, field_levels
from icitrace.rulebase.graph import RuleGraph
from icitrace.rulebase.model import Catalog, Cutoff, Rule
from icitrace.rulebase.operators import OPERATORS
from icitrace.rulebase.review_fingerprint import copied_runs
from icitrace.rulebase.wording import prescriptive

Report = Callable[[Rule, tuple, str], None]


def lint(rules: list[Rule], catalog: Catalog, cutoffs: dict[str, Cutoff], report: Report) -> None:
    possible = {r.id for r in rules if _satisfiable(r, cutoffs, report)}
    reachable = RuleGraph(rules, catalog).reachable(possible)
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
    spans: dict[str, Interval] = {}  # field -> the values the rule's conditions so far allow it
    words: dict[str, set] = {}
    for i, cond in enumerate(rule.when):
        if cond.kind != "field":
            continue
        op, name = OPERATORS[cond.op], cond.field
        span = op.interval(cond, cutoffs)
        if span is not None:
            own = Interval(*field_bounds(name))
            if own.disjoint(span):
                bound = f"at least {own.low:g}" if span.high <= own.low else f"at most {own.high:g}"
                report(rule, ("when", i, cond.op), f"`{op.words(cond, cutoffs)}` can never be true: {name} is {bound}")
                return False
            spans[name] = spans.get(name, Interval()).meet(span)
            if spans[name].empty:
                report(rule, ("when", i), f"the conditions on `{name}` exclude each other")
                return False
            for smaller, larger in ORDERED_FIELDS:  # larger >= smaller: some value of larger must reach smaller's
                if smaller in spans and larger in spans and spans[larger].below(spans[smaller]):
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
