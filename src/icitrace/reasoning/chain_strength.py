"""How firm a chain is, end to end: its weakest evidence, and the borderline values it rests on.

A chain runs from profile values through findings to a strategy. Along it, links are ANDed (a rule
needs all its conditions) and the rules that derived one finding are ORed (any one of them gives the
finding). So a chain is as firm as its weakest link, and a finding is as firm as the firmest rule that
derived it. Likewise a finding rests on a borderline value only when every rule that derived it does:
if another derivation stands clear of any margin, the finding does not depend on the borderline one.

Read from what the engine fired (the findings each firing matched, and for a count every finding of
its kind that was derived), never re-derived.
"""

from __future__ import annotations

from dataclasses import dataclass

from icitrace.engine.durable import Firing
from icitrace.rulebase.book import RuleBook
from icitrace.rulebase.conditions import meaning
from icitrace.rulebase.model import EVIDENCE_ORDER

#: a rule whose premise reads a cut-off from outside the review is no firmer than that cut-off
CUTOFF_PREMISE = EVIDENCE_ORDER.index("external-cutoff")


@dataclass(frozen=True)
class Strength:
    #: index into EVIDENCE_ORDER: 0 is the firmest
    weakest: int
    #: borderline fields the chain cannot do without
    borderline: tuple[str, ...]

    @property
    def evidence(self) -> str:
        return EVIDENCE_ORDER[self.weakest]


class ChainStrength:
    """The strength of each firing's chain, for one result."""

    def __init__(self, book: RuleBook, firings: list[Firing], near: dict[str, list[str]]):
        self.book, self.near = book, near
        self.producers: dict[str, list[Firing]] = {}
        for firing in firings:
            then = book.by_id[firing.rule].then
            if then.finding:
                self.producers.setdefault(then.finding, []).append(firing)
        self._findings: dict[str, Strength] = {}

    def of_firing(self, firing: Firing) -> Strength:
        rule = self.book.by_id[firing.rule]
        weakest = EVIDENCE_ORDER.index(rule.evidence)
        if self.book.cutoffs_of(rule):
            weakest = max(weakest, CUTOFF_PREMISE)
        fields = list(self.near.get(rule.id, []))
        for i, cond in enumerate(rule.when):
            if cond.finding is not None:
                below = self.of_finding(meaning(cond).matched(cond, i, firing.matched))
            elif cond.count is not None:
                below = self._of_count(cond.count.kind, cond.count.at_least)
            else:
                continue
            weakest = max(weakest, below.weakest)
            fields += [f for f in below.borderline if f not in fields]
        return Strength(weakest, tuple(fields))

    def _of_count(self, kind: str, at_least: int) -> Strength:
        """At least k findings of a kind: any k of those derived will do, so the chain is as firm as the
        k-th firmest, and rests on borderline values only when fewer than k stand clear of them."""
        derived = [self.of_finding(f) for f in self.producers if self.book.finding_kind(f) == kind]
        ranked = sorted(s.weakest for s in derived)
        clear = sum(not s.borderline for s in derived)
        fields = {} if clear >= at_least else dict.fromkeys(f for s in derived for f in s.borderline)
        return Strength(ranked[at_least - 1], tuple(fields))

    def of_finding(self, finding: str) -> Strength:
        if finding not in self._findings:
            routes = [self.of_firing(f) for f in self.producers[finding]]
            rests = all(r.borderline for r in routes)
            fields = dict.fromkeys(f for r in routes for f in r.borderline) if rests else {}
            self._findings[finding] = Strength(min(r.weakest for r in routes), tuple(fields))
        return self._findings[finding]
