"""Why, and why not: the chain behind a conclusion, or every route to it and where each one stopped.

Computed from the rule model with the three-valued reading of ``reasoning`` (the same reading a test
proves equal to what durable-rules fires). ``icitrace explain`` and ``suggest --why-not`` both call
``explain`` and render its answer, so the answer is the same whichever way it is asked.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from icitrace.profile.model import Band, Profile, narrowed, show_value
from icitrace.reasoning.verdicts import Verdict, any_of, condition_verdict, finding_verdicts
from icitrace.rulebase.book import RuleBook
from icitrace.rulebase.model import Condition, Rule
from icitrace.rulebase.conditions import describe, of_kind, ruled_out

Status = Literal["holds", "fails", "unknown"]


class ConditionCheck(BaseModel):
    condition: str
    status: Status
    field: str | None = None
    value: Any = None
    missing: list[str] = []
    #: for a condition on a finding: why that finding holds or not
    finding: Explanation | None = None


class RuleTry(BaseModel):
    """One rule's try at a conclusion, for "why" and "why not": fired, failed at a condition, or undecided
    (the strategy's way through a fired rule, in the result, is ``result.model.Route``)."""

    rule: str
    status: Literal["fired", "failed", "undecided"]
    #: fired: every condition; failed: the conditions up to the first that fails; undecided: the unknown ones
    checks: list[ConditionCheck]
    missing: list[str] = []


class Explanation(BaseModel):
    id: str
    kind: Literal["finding", "strategy"]
    label: str
    holds: bool | None
    summary: str
    routes: list[RuleTry]


ConditionCheck.model_rebuild()


def explain(book: RuleBook, profile: Profile, verdicts: dict[str, Verdict], target: str) -> Explanation:
    """The explanation of one catalogue id (``ValueError`` for an id the catalogue does not have)."""
    return explain_many(book, profile, verdicts, [target])[0]


def explain_many(book: RuleBook, profile: Profile, verdicts: dict[str, Verdict], targets: list[str]) -> list[Explanation]:
    """Several explanations sharing the work on the findings they have in common."""
    unknown = [t for t in targets if t not in book.catalog.findings and t not in book.catalog.strategies]
    if unknown:
        raise ValueError(", ".join(unknown))
    explainer = _Explainer(book, profile, verdicts)
    return [explainer.explain(t) for t in targets]


def rule_route(book: RuleBook, profile: Profile, verdicts: dict[str, Verdict], rule_id: str) -> RuleTry:
    """One rule's route, whatever its conclusion's state: for a rule decided not to fire, its
    conditions up to the first that fails (why not)."""
    return _Explainer(book, profile, verdicts).route(book.by_id[rule_id])


class _Explainer:
    def __init__(self, book: RuleBook, profile: Profile, verdicts: dict[str, Verdict]):
        self.book, self.verdicts, self.known = book, verdicts, profile.known()
        self.findings = finding_verdicts(book, verdicts)
        self._done: dict[str, Explanation] = {}

    def explain(self, target: str) -> Explanation:
        if target not in self._done:
            self._done[target] = self._explain(target)
        return self._done[target]

    def _explain(self, target: str) -> Explanation:
        kind = "finding" if target in self.book.catalog.findings else "strategy"
        rules = [r for r in self.book.rules if r.then.id == target]
        verdict = self.findings[target] if kind == "finding" else any_of([self.verdicts[r.id] for r in rules])
        routes = [self.route(r) for r in rules]
        if verdict.holds:
            routes = [r for r in routes if r.status == "fired"]  # the chain: only what produced it
        return Explanation(id=target, kind=kind, label=self.book.label(target), holds=verdict.holds,
                           summary=self._summary(target, kind, verdict, routes), routes=routes)

    def route(self, rule: Rule) -> RuleTry:
        verdict = self.verdicts[rule.id]
        status = {True: "fired", False: "failed", None: "undecided"}[verdict.holds]
        checks = [self._check(c) for c in rule.when]
        if status == "failed":
            first = next(i for i, c in enumerate(checks) if c.status == "fails")
            checks = checks[: first + 1]
        elif status == "undecided":
            checks = [c for c in checks if c.status == "unknown"]
        return RuleTry(rule=rule.id, status=status, checks=checks, missing=list(verdict.missing))

    def _check(self, cond: Condition) -> ConditionCheck:
        verdict = condition_verdict(cond, self.known, self.findings, self.book)
        status: Status = {True: "holds", False: "fails", None: "unknown"}[verdict.holds]
        need = describe(cond, self.book.cutoffs)
        if cond.field is not None:
            value = self.known.get(cond.field)
            tested = value if value is None else narrowed(cond.field, self.known)  # a band as the others narrow it
            shown = show_value(tested) if value is not None else f"unknown, but {ruled_out(cond, self.known, self.book.cutoffs)}"
            state = (f"known only as the band {show_value(tested)}, which straddles the line" if isinstance(value, Band)
                     else "unknown")
            text = {"holds": describe(cond, self.book.cutoffs, tested), "unknown": f"needs {need}; {cond.field} is {state}",
                    "fails": f"needs {need}; {cond.field} is {shown}"}[status]
            return ConditionCheck(condition=text, status=status, field=cond.field, value=value,
                                  missing=list(verdict.missing))
        if cond.finding is not None:
            need = f"finding {cond.finding}"
            text = {"holds": f"{need} derived", "unknown": f"needs {need}; undecided", "fails": f"needs {need}; not derived"}[status]
            return ConditionCheck(condition=text, status=status, missing=list(verdict.missing),
                                  finding=self.explain(cond.finding))
        kind = cond.count.kind
        held = [f for f in of_kind(self.book.catalog, kind) if self.findings[f].holds]
        text = describe(cond, self.book.cutoffs, held) if status == "holds" else f"needs {need}; has {len(held)}"
        return ConditionCheck(condition=text, status=status, value=held, missing=list(verdict.missing))

    def _summary(self, target: str, kind: str, verdict: Verdict, routes: list[RuleTry]) -> str:
        # "derived", not "inferred": a finding's rule may be review-stated, and `inferred-link` is an evidence kind
        verb = "derived" if kind == "finding" else "reached"
        if verdict.holds:
            return f"{target} is {verb} by {', '.join(r.rule for r in routes)}."
        if not routes:
            return f"{target} is not {verb}: no rule concludes it."
        rules = "its only rule" if len(routes) == 1 else f"each of its {len(routes)} rules"
        if verdict.holds is None:
            banded = [f for f in verdict.missing if isinstance(self.known.get(f), Band)]
            state = "unknown here" if not banded else (
                "known here only as a band across a cut-off" if len(banded) == len(verdict.missing)
                else f"unknown here or (for {', '.join(banded)}) known only as a band across a cut-off")
            return (f"{target} is undecided: no rule reaches it yet, and {rules} waits on "
                    f"{', '.join(verdict.missing)}, {state}.")
        return f"{target} is not {verb}: {rules} fails on the known values."
