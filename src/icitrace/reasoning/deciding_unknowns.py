"""The deciding unknowns: for each unknown field, the undecided rules it bears on and the strategies it
is the only remaining route to, the one that would settle the most first. A field known only as a band that straddles a cut-off counts too:
an exact value would settle what the band leaves open."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pydantic import BaseModel

from icitrace.profile.model import Band
from icitrace.reasoning.verdicts import Verdict, finding_verdicts
from icitrace.rulebase.book import RuleBook
from icitrace.rulebase.conditions import of_kind
from icitrace.rulebase.model import Rule


class DecidingUnknown(BaseModel):
    field: str
    #: undecided rules that need this field (it alone, or with others)
    rules: list[str]
    #: undecided rules that this field alone would decide
    decides: list[str]
    #: strategies not reached whose every open route needs this field
    only_route_to: list[str]
    #: the above in words
    sentence: str


def deciding_unknowns(book: RuleBook, verdicts: dict[str, Verdict], reached: set[str],
                      bands: Mapping[str, Band] = MappingProxyType({})) -> list[DecidingUnknown]:
    open_rules = [r for r in book.rules if verdicts[r.id].holds is None]
    needs = _Necessary(book, verdicts)
    fields = list(dict.fromkeys(f for r in open_rules for f in verdicts[r.id].missing))
    out = []
    for field in fields:
        rules = [r for r in open_rules if field in verdicts[r.id].missing]
        decides = [r.id for r in rules if verdicts[r.id].missing == (field,)]
        candidates = dict.fromkeys(r.then.strategy for r in rules if r.then.strategy and r.then.strategy not in reached)
        only = [s for s in candidates if all(field in needs.rule(r) for r in open_rules if r.then.strategy == s)]
        out.append(DecidingUnknown(field=field, rules=[r.id for r in rules], decides=decides, only_route_to=only,
                                   sentence=_sentence(field, len(rules), len(decides), only, bands.get(field))))
    # Most rules first; ties keep the order in which the fields first appear among the rules.
    return sorted(out, key=lambda m: -len(m.rules))



class _Necessary:
    """Fields an undecided rule cannot do without: each must be measured before the rule can fire."""

    def __init__(self, book: RuleBook, verdicts: dict[str, Verdict]):
        self.book, self.verdicts = book, verdicts
        self.findings = finding_verdicts(book, verdicts)
        self._memo: dict[str, frozenset[str]] = {}

    def rule(self, rule: Rule) -> frozenset[str]:
        if rule.id not in self._memo:
            self._memo[rule.id] = frozenset()  # guards against cycles (the loader refuses them anyway)
            out: set[str] = set()
            for cond in rule.when:
                if cond.field is not None and cond.field in self.verdicts[rule.id].missing:
                    out.add(cond.field)
                elif cond.finding is not None and self.findings[cond.finding].holds is None:
                    out |= self.finding(cond.finding)
                elif cond.count is not None:
                    out |= self._count(cond.count.kind, cond.count.at_least)
            self._memo[rule.id] = frozenset(out)
        return self._memo[rule.id]

    def finding(self, finding: str) -> frozenset[str]:
        """Needed by every open route to the finding."""
        routes = [self.rule(r) for r in self.book.producers[finding] if self.verdicts[r.id].holds is None]
        return frozenset.intersection(*routes) if routes else frozenset()

    def _count(self, kind: str, at_least: int) -> frozenset[str]:
        """Fields without which fewer than ``at_least`` findings of ``kind`` could still hold."""
        counted = of_kind(self.book.catalog, kind)
        holding = sum(self.findings[f].holds is True for f in counted)
        if holding >= at_least:
            return frozenset()
        open_ = {f: self.finding(f) for f in counted if self.findings[f].holds is None}
        fields = {x for needs in open_.values() for x in needs}
        return frozenset(x for x in fields if holding + sum(x not in n for n in open_.values()) < at_least)


def _sentence(field: str, rules: int, decides: int, only: list[str], band: Band | None) -> str:
    """What knowing the field would settle, in words that teach rather than order a test."""
    state = "is unknown" if band is None else f"is known only as the band {band.show()}"
    text = f"{field} {state}: {rules} undecided rule{'s' * (rules != 1)} read{'s' * (rules == 1)} it"
    if decides:
        text += f", {decides} of which it alone would settle"
    if only:
        text += f"; every open route to {', '.join(only)} waits on it"
    return text
