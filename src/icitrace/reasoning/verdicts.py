"""Three-valued reading of the rule model: does each rule hold, fail, or stay undecided?

The engine decides what fires. This module answers the questions the engine cannot: which rules
could not be evaluated because a field is unknown, and which fields would settle them. It reads the
same rule model the compiler compiles, and a test checks that the rules it says hold are exactly the
rules durable-rules fires.
"""

from __future__ import annotations

from dataclasses import dataclass

from icitrace.profile.model import Profile, narrowed, possible
from icitrace.rulebase.book import RuleBook
from icitrace.rulebase.model import Condition, Rule
from icitrace.rulebase.operators import OPERATORS


@dataclass(frozen=True)
class Verdict:
    """``holds`` is True, False or None (undecided); ``missing`` names the unknown fields behind None."""

    holds: bool | None
    missing: tuple[str, ...] = ()


TRUE = Verdict(True)
FALSE = Verdict(False)


def assess(book: RuleBook, profile: Profile) -> dict[str, Verdict]:
    """Rule id -> verdict, in one pass: every rule comes after the rules its findings depend on."""
    known = profile.known()
    rules: dict[str, Verdict] = {}
    findings = _Findings(book, rules)
    for rule in evaluation_order(book):
        rules[rule.id] = _rule_verdict(rule, known, findings, book)
    return {rule.id: rules[rule.id] for rule in book.rules}


class _Findings(dict):
    """Finding verdicts computed on first use, once all of the finding's rules have a verdict."""

    def __init__(self, book: RuleBook, rules: dict[str, Verdict]):
        super().__init__()
        self.book, self.rules = book, rules

    def __missing__(self, finding: str) -> Verdict:
        verdict = any_of([self.rules[r.id] for r in self.book.producers[finding]])
        self[finding] = verdict
        return verdict


_orders: dict[str, list[Rule]] = {}


def evaluation_order(book: RuleBook) -> list[Rule]:
    """The rules ordered so that whatever concludes a finding comes before whatever reads it.

    The loader refuses cycles between findings, so the order always exists.
    """
    # keyed by the rule files alone: the order does not depend on cut-offs, so the many rule bases of a
    # `--cutoffs-by` run share one entry
    if book.rules_digest not in _orders:
        order: list[Rule] = []
        placed: set[str] = set()

        def place(rule: Rule) -> None:
            if rule.id in placed:
                return
            placed.add(rule.id)
            for dep in _depends_on(rule, book):
                place(dep)
            order.append(rule)

        for rule in book.rules:
            place(rule)
        _orders[book.rules_digest] = order
    return _orders[book.rules_digest]


def _depends_on(rule: Rule, book: RuleBook) -> list[Rule]:
    return [r for f in rule.findings_read(book.catalog) for r in book.producers[f]]


def finding_verdicts(book: RuleBook, rules: dict[str, Verdict]) -> dict[str, Verdict]:
    """Finding id -> verdict, from the verdicts of the rules that conclude it."""
    out = {}
    for finding, producers in book.producers.items():
        # Before the first pass nothing is known about any rule: treat it as undecided.
        verdicts = [rules.get(r.id, Verdict(None)) for r in producers]
        out[finding] = any_of(verdicts)
    return out


def _rule_verdict(rule: Rule, known: dict, findings: dict[str, Verdict], book: RuleBook) -> Verdict:
    return _all([condition_verdict(c, known, findings, book) for c in rule.when])


def condition_verdict(cond: Condition, known: dict, findings: dict[str, Verdict], book: RuleBook) -> Verdict:
    if cond.finding is not None:
        return findings[cond.finding]
    if cond.count is not None:
        of_kind = [findings[f] for f in book.catalog.findings if book.finding_kind(f) == cond.count.kind]
        holding = sum(v.holds is True for v in of_kind)
        open_ = [v for v in of_kind if v.holds is None]
        if holding >= cond.count.at_least:
            return TRUE
        if holding + len(open_) < cond.count.at_least:
            return FALSE
        return Verdict(None, _union(v.missing for v in open_))
    if cond.field not in known:
        return FALSE if ruled_out(cond, known, book) else Verdict(None, (cond.field,))
    # a band is tested as the other fields narrow it, exactly as an unknown number is bounded by them
    holds = test_value(cond, narrowed(cond.field, known), book)
    return Verdict(None, (cond.field,)) if holds is None else TRUE if holds else FALSE  # None: a band across


def ruled_out(cond: Condition, known: dict, book: RuleBook) -> str:
    """Why a cut-off test on an unknown field can never hold, given the known fields ("" if it can).

    Only ever a failure: the engine cannot fire on a field it does not have, so an unknown field never
    makes a condition hold."""
    allowed = OPERATORS[cond.op].interval(cond, book.cutoffs)
    if allowed is None:
        return ""
    least, most, most_open, why = possible(cond.field, known)
    low, high, open_high = allowed
    impossible = (most < low or (most == low and most_open)) or (least > high or (least == high and open_high))
    return why if impossible and why else ""


def test_value(cond: Condition, value: object, book: RuleBook) -> bool | None:
    """Whether a known field value satisfies a field condition (its operator's semantics); None when a
    band straddles the condition's cut-off."""
    return OPERATORS[cond.op].holds(cond, value, book.cutoffs)


def _all(verdicts: list[Verdict]) -> Verdict:
    return _combine(verdicts, decisive=False)


def any_of(verdicts: list[Verdict]) -> Verdict:
    """Holds if one holds, fails if all fail, else undecided."""
    return _combine(verdicts, decisive=True)


def _combine(verdicts: list[Verdict], decisive: bool) -> Verdict:
    """Kleene's three-valued AND (one False decides) or OR (one True decides)."""
    if any(v.holds is decisive for v in verdicts):
        return Verdict(decisive)
    if all(v.holds is (not decisive) for v in verdicts):
        return Verdict(not decisive)
    return Verdict(None, _union(v.missing for v in verdicts if v.holds is None))


def _union(groups) -> tuple[str, ...]:  # noqa: ANN001
    return tuple(dict.fromkeys(f for g in groups for f in g))
