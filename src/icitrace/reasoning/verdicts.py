"""Three-valued reading of the rule model: does each rule hold, fail, or stay undecided?

The engine decides what fires. This module answers the questions the engine cannot: which rules
could not be evaluated because a field is unknown, and which fields would settle them. It reads the
same conditions the compiler compiles (``rulebase.conditions``), and a test checks that the rules it
says hold are exactly the rules durable-rules fires.

The reading is prepared once per rule book (``Reading``): each condition's meaning as a test, each rule
in the dependency graph's order; a profile then costs only those tests.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping

from icitrace.profile.model import Profile
from icitrace.rulebase.book import RuleBook
from icitrace.rulebase.conditions import FALSE, TRUE, Verdict, any_of, meaning, undecided
from icitrace.rulebase.model import Condition, Rule

__all__ = ["FALSE", "TRUE", "Reading", "Verdict", "any_of", "assess", "condition_verdict", "evaluation_order",
           "finding_verdicts", "reading"]


class Reading:
    """The three-valued reading of one rule book, prepared: per rule, in an order where whatever concludes
    a finding comes before whatever reads it, the tests of its conditions."""

    def __init__(self, book: RuleBook):
        catalog, cutoffs = book.catalog, book.cutoffs
        self.steps = tuple((rule.id, tuple(meaning(c).prepare(c, catalog, cutoffs) for c in rule.when))
                           for rule in book.graph.order())
        self.rule_ids = tuple(rule.id for rule in book.rules)
        #: whether the order is the rules' own (then the verdicts need no reordering)
        self.in_order = self.rule_ids == tuple(step[0] for step in self.steps)
        self.producers = {f: tuple(r.id for r in rules) for f, rules in book.graph.producers.items()}

    def assess(self, known: Mapping[str, object]) -> dict[str, Verdict]:
        """Rule id -> verdict, in rule order, for a profile's known fields."""
        rules: dict[str, Verdict] = {}
        findings = _Findings(self.producers, rules)
        for rule_id, tests in self.steps:
            verdict, waiting = TRUE, None
            for test in tests:  # Kleene's AND, stopping at the first condition that fails
                holds = test(known, findings)
                if holds.holds is False:
                    verdict = FALSE
                    break
                if holds.holds is None:
                    waiting = [holds] if waiting is None else [*waiting, holds]
            if waiting is not None and verdict is TRUE:
                verdict = undecided(waiting)
            rules[rule_id] = verdict
        return rules if self.in_order else {rule_id: rules[rule_id] for rule_id in self.rule_ids}


class _Findings(dict):
    """Finding verdicts computed on first use, once all of the finding's rules have a verdict."""

    def __init__(self, producers: Mapping[str, tuple[str, ...]], rules: Mapping[str, Verdict]):
        super().__init__()
        self.producers, self.rules = producers, rules

    def __missing__(self, finding: str) -> Verdict:
        verdict = self[finding] = any_of([self.rules[r] for r in self.producers[finding]])
        return verdict


#: prepared readings, by what they depend on (``RuleBook.ruleset_key``: the rule files and the cut-offs'
#: values), the most recently used kept: a `--cutoffs-by` run may use thousands of cut-off sets
_readings: OrderedDict[str, Reading] = OrderedDict()
_readings_lock = threading.Lock()
KEPT_READINGS = 64


def reading(book: RuleBook) -> Reading:
    """The book's prepared reading (prepared on first use)."""
    key = book.ruleset_key
    with _readings_lock:
        prepared = _readings.get(key)
        if prepared is not None:
            _readings.move_to_end(key)
            return prepared
    prepared = Reading(book)
    with _readings_lock:
        _readings[key] = prepared
        while len(_readings) > KEPT_READINGS:
            _readings.popitem(last=False)
    return prepared


def assess(book: RuleBook, profile: Profile) -> dict[str, Verdict]:
    """Rule id -> verdict, in one pass: every rule comes after the rules its findings depend on."""
    return reading(book).assess(profile.known())


def evaluation_order(book: RuleBook) -> list[Rule]:
    """The rules ordered so that whatever concludes a finding comes before whatever reads it."""
    return book.graph.order()


def finding_verdicts(book: RuleBook, rules: dict[str, Verdict]) -> dict[str, Verdict]:
    """Finding id -> verdict, from the verdicts of the rules that conclude it."""
    # Before the first pass nothing is known about any rule: treat it as undecided.
    return {finding: any_of([rules.get(r.id, Verdict(None)) for r in producers])
            for finding, producers in book.producers.items()}


def condition_verdict(cond: Condition, known: dict, findings: Mapping[str, Verdict], book: RuleBook) -> Verdict:
    """One condition's verdict (the explanation's, condition by condition; ``Reading`` prepares them)."""
    return meaning(cond).prepare(cond, book.catalog, book.cutoffs)(known, findings)
