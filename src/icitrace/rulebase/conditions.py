"""What a condition means, in one place: a field test, a finding reference, a count of findings.

Each kind of condition says here, once: which findings it depends on (the rule book's dependency graph,
``rulebase.graph``), whether it holds once some findings are derived (two-valued, the lint's
reachability), its three-valued verdict on a profile that may leave fields unknown (prepared once per
rule book: ``prepare``), how it reads in words, the durable-rules patterns it joins beyond the profile
pattern, and what the engine matched for it. What a field test's operator means lives one level down, in
``rulebase.operators``. The compiler, the reading, the explanation, the assembly of a result, the lint
and the loader all ask here, so the engine and the reading cannot drift apart on a join.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from icitrace.errors import did_you_mean
from icitrace.profile.model import (
    ORDERED_FIELDS,
    Band,
    field_kind,
    narrowed,
    possible,
    reasoned_fields,
    show_value,
)
from icitrace.rulebase.model import Catalog, Condition, Cutoff
from icitrace.rulebase.operators import NO_VALUE, OPERATORS

#: the engine's fact types (``engine.facts``): a join pattern matches a derived finding's fact
FINDING_FACT = "finding"


@dataclass(frozen=True, slots=True)
class Verdict:
    """``holds`` is True, False or None (undecided); ``missing`` names the unknown fields behind None."""

    holds: bool | None
    missing: tuple[str, ...] = ()


TRUE = Verdict(True)
FALSE = Verdict(False)

#: the three-valued meaning of one condition, prepared for a rule book: (known fields, finding verdicts)
Test = Callable[[Mapping[str, object], Mapping[str, Verdict]], Verdict]


def any_of(verdicts: list[Verdict]) -> Verdict:
    """Kleene's three-valued OR: holds if one holds, fails if all fail, else undecided (its AND is a rule's
    verdict, ``reasoning.verdicts.Reading``, which stops at the first condition that fails)."""
    waiting: list[Verdict] = []
    for verdict in verdicts:
        if verdict.holds is True:
            return TRUE
        if verdict.holds is None:
            waiting.append(verdict)
    return undecided(waiting) if waiting else FALSE


def undecided(waiting: list[Verdict]) -> Verdict:
    """The undecided verdict of several undecided ones: waiting on what any of them waits on."""
    return waiting[0] if len(waiting) == 1 else Verdict(None, union(v.missing for v in waiting))


def union(groups) -> tuple[str, ...]:  # noqa: ANN001
    return tuple(dict.fromkeys(f for g in groups for f in g))


def of_kind(catalog: Catalog, kind: str) -> list[str]:
    """The findings a count of ``kind`` may count, in catalogue order."""
    return [f for f, entry in catalog.findings.items() if entry.kind == kind]


class ConditionKind:
    """The meaning of one kind of condition; ``meaning(cond)`` picks it."""

    kind = ""

    def reads(self, cond: Condition, catalog: Catalog) -> list[str]:
        """The findings the condition depends on: any of them may change its verdict."""
        return []

    def given(self, cond: Condition, derived: Collection[str], catalog: Catalog) -> bool:
        """Whether it holds once ``derived`` are the findings derived (field tests: some profile allows
        them, which the lint checks on its own)."""
        return True

    def problems(self, cond: Condition, catalog: Catalog, cutoffs: Mapping[str, Cutoff]) -> list[tuple[str, str]]:
        """What is wrong with it in this rule base, each with the key whose line shows it (the loader's)."""
        return []

    def prepare(self, cond: Condition, catalog: Catalog, cutoffs: Mapping[str, Cutoff]) -> Test:
        """Its three-valued verdict as a function of (known fields, finding verdicts)."""
        raise NotImplementedError

    def describe(self, cond: Condition, cutoffs: Mapping[str, Cutoff], value: Any = NO_VALUE) -> str:
        raise NotImplementedError

    def patterns(self, cond: Condition, index: int) -> list[dict]:
        """The durable-rules patterns it joins beyond the profile pattern ``p`` (named uniquely in the rule)."""
        return []

    def matched(self, cond: Condition, index: int, facts: Mapping[str, Mapping[str, Any]]) -> Any:
        """What the engine matched for it, from a firing's matched facts (pattern name -> fact)."""
        raise NotImplementedError


class FieldTest(ConditionKind):
    """`field: NAME` with one operator: its meaning on a value is the operator's."""

    kind = "field"

    def problems(self, cond, catalog, cutoffs):  # noqa: ANN001, ANN201
        name, op = cond.field, OPERATORS.get(cond.op or "")
        if name not in reasoned_fields():
            return [(f"unknown profile field `{name}`{did_you_mean(name, reasoned_fields())}", "field")]
        if op is None:
            return [(f"unknown test `{cond.op}`{did_you_mean(cond.op, OPERATORS)} (tests: {', '.join(OPERATORS)})",
                     cond.op)]
        kind = field_kind(name)
        if kind not in op.kinds:
            fitting = [k for k, o in OPERATORS.items() if kind in o.kinds]
            return [(f"`{cond.op}` does not apply to {kind} field `{name}` (use {' or '.join(fitting)})", cond.op)]
        problem = op.check(cond, cutoffs)
        return [(problem, cond.op)] if problem else []

    def prepare(self, cond, catalog, cutoffs):  # noqa: ANN001, ANN201
        op, name, waiting = OPERATORS[cond.op], cond.field, Verdict(None, (cond.field,))
        allowed, holds_for = op.interval(cond, cutoffs), op.prepare(cond, cutoffs)
        if allowed is None:  # a level, a truth value, a list: known, it decides; unknown, it waits

            def decided(known: Mapping[str, object], findings: Mapping[str, Verdict]) -> Verdict:
                value = known.get(name)
                return waiting if value is None else TRUE if holds_for(value) else FALSE

            return decided
        # the fields whose value may bound this one (CPS >= TPS): without them known, nothing rules it out
        bounding = tuple(f for pair in ORDERED_FIELDS if name in pair for f in pair if f != name)

        def test(known: Mapping[str, object], findings: Mapping[str, Verdict]) -> Verdict:
            value = known.get(name)
            if value is None:  # an unknown field: only ever ruled out, never held (the engine has no value)
                bounded = any(f in known for f in bounding)
                return FALSE if bounded and ruled_out_by(name, allowed, known) else waiting  # type: ignore[arg-type]
            if isinstance(value, Band):  # tested as the other fields narrow it, like an unknown number
                value = narrowed(name, known)  # type: ignore[arg-type]
            holds = holds_for(value)
            return waiting if holds is None else TRUE if holds else FALSE  # None: a band across the line

        return test

    def describe(self, cond, cutoffs, value=NO_VALUE):  # noqa: ANN001, ANN201
        return OPERATORS[cond.op].words(cond, cutoffs, value)

    def matched(self, cond, index, facts):  # noqa: ANN001, ANN201
        return facts["p"].get(cond.field)  # None for a band: the fact holds its bounds, not the field


class FindingRef(ConditionKind):
    """`finding: ID`: holds when the finding is derived; one engine pattern on its fact."""

    kind = "finding"

    def problems(self, cond, catalog, cutoffs):  # noqa: ANN001, ANN201
        if cond.finding in catalog.findings:
            return []
        return [(f"unknown finding `{cond.finding}`{did_you_mean(cond.finding, catalog.findings)}", "finding")]

    def reads(self, cond, catalog):  # noqa: ANN001, ANN201
        return [cond.finding]

    def given(self, cond, derived, catalog):  # noqa: ANN001, ANN201
        return cond.finding in derived

    def prepare(self, cond, catalog, cutoffs):  # noqa: ANN001, ANN201
        finding = cond.finding
        return lambda known, findings: findings[finding]

    def describe(self, cond, cutoffs, value=NO_VALUE):  # noqa: ANN001, ANN201
        return f"finding {cond.finding} derived"

    def patterns(self, cond, index):  # noqa: ANN001, ANN201
        return [{f"f{index}": {"$and": [{"t": FINDING_FACT}, {"id": cond.finding}]}}]

    def matched(self, cond, index, facts):  # noqa: ANN001, ANN201
        return facts[f"f{index}"]["id"]


class CountOf(ConditionKind):
    """`count: {kind, at_least}`: at least k findings of a kind derived, whichever. In the engine, k
    patterns on the findings of that kind numbered 1..k in the order they were derived (``engine.facts``),
    so the join fires once however many more are derived."""

    kind = "count"

    def reads(self, cond, catalog):  # noqa: ANN001, ANN201
        return of_kind(catalog, cond.count.kind)

    def given(self, cond, derived, catalog):  # noqa: ANN001, ANN201
        return sum(catalog.findings[f].kind == cond.count.kind for f in derived) >= cond.count.at_least

    def prepare(self, cond, catalog, cutoffs):  # noqa: ANN001, ANN201
        counted, at_least = tuple(of_kind(catalog, cond.count.kind)), cond.count.at_least

        def test(known: Mapping[str, object], findings: Mapping[str, Verdict]) -> Verdict:
            verdicts = [findings[f] for f in counted]
            holding = sum(v.holds is True for v in verdicts)
            if holding >= at_least:
                return TRUE
            open_ = [v for v in verdicts if v.holds is None]
            if holding + len(open_) < at_least:
                return FALSE
            return Verdict(None, union(v.missing for v in open_))

        return test

    def describe(self, cond, cutoffs, value=NO_VALUE):  # noqa: ANN001, ANN201
        need = f"at least {cond.count.at_least} {cond.count.kind} findings"
        return need if value is NO_VALUE else f"{len(value)} {cond.count.kind} findings {show_value(value)}: {need}"

    def patterns(self, cond, index):  # noqa: ANN001, ANN201
        return [{f"k{n}": {"$and": [{"t": FINDING_FACT}, {"kind": cond.count.kind}, {"n": n}]}}
                for n in range(1, cond.count.at_least + 1)]

    def matched(self, cond, index, facts):  # noqa: ANN001, ANN201
        return [facts[f"k{n}"]["id"] for n in range(1, cond.count.at_least + 1)]


KINDS: dict[str, ConditionKind] = {k.kind: k for k in (FieldTest(), FindingRef(), CountOf())}


def meaning(cond: Condition) -> ConditionKind:
    return KINDS[cond.kind]


def describe(cond: Condition, cutoffs: Mapping[str, Cutoff], value: Any = NO_VALUE) -> str:
    """How any condition reads: ``tmb 3.2 < tmb_high 10 mut/Mb`` with a value, ``tmb < …`` without; for a
    count, ``value`` is the list of findings it joined."""
    return meaning(cond).describe(cond, cutoffs, value)


def ruled_out_by(name: str, allowed: Any, known: Mapping[str, object]) -> str:
    """Why a cut-off test allowing ``allowed`` on unknown field ``name`` can never hold, given the known
    fields ("" if it can): the bound CPS >= TPS puts on it leaves no value the test allows."""
    can_be, why = possible(name, known)  # type: ignore[arg-type]
    return why if why and can_be.disjoint(allowed) else ""


def ruled_out(cond: Condition, known: Mapping[str, object], cutoffs: Mapping[str, Cutoff]) -> str:
    """Why a field test on an unknown field can never hold, given the known fields ("" if it can)."""
    allowed = OPERATORS[cond.op].interval(cond, cutoffs)
    return "" if allowed is None else ruled_out_by(cond.field, allowed, known)


def join_problems(when: list[Condition], catalog: Catalog) -> list[str]:
    """durable-rules never lets one fact fill two patterns of one rule (docs/durable-rules.md): a rule that
    names a finding twice, or a finding beside a count of its own kind, would never fire, while the
    three-valued reading would say it does."""
    named = [c.finding for c in when if c.finding is not None]
    twice = next((f for f in named if named.count(f) > 1), None)
    if twice:
        return [f"names finding `{twice}` twice: one fact cannot fill two conditions of a rule in the engine, "
                "so the rule would never fire"]
    counted = {c.count.kind for c in when if c.count is not None}
    clash = next((f for f in named if f in catalog.findings and catalog.findings[f].kind in counted), None)
    if clash:
        return [f"names finding `{clash}` beside a count of {catalog.findings[clash].kind} findings: the count "
                "cannot use that finding's fact again in the engine, so the rule would not fire as it reads"]
    return []
