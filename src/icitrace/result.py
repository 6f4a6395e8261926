"""The result object: what the engine concluded for one profile, traced. Renderers only read it.

Its JSON form is the public contract documented in the README.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from . import DISCLAIMER, __version__
from .borderline import Borderline, borderline
from .condition_text import describe
from .engine import Firing
from .explain import Explanation, explain_many
from .next_measurements import NextMeasurement, next_measurements
from .profile import Profile
from .profile_edit import Change
from .reasoning import Verdict
from .rule_loader import Override, RuleBook
from .rule_model import REVIEW_CITATION, Rule


class Because(BaseModel):
    field: str
    value: Any
    condition: str


class FindingOut(BaseModel):
    id: str
    label: str
    kind: str
    rule: str
    evidence: str
    citations: list[str]
    because: list[Because]
    #: a value this rule read sits within its cut-off's margin (see `borderline`)
    borderline: bool = False


class Route(BaseModel):
    """One rule's way to a strategy."""

    rule: str
    from_findings: list[str]
    evidence: str
    because: list[Because]


class StrategyOut(BaseModel):
    id: str
    label: str
    rules: list[str]
    from_findings: list[str]
    evidence: list[str]
    citations: list[str]
    because: list[Because]
    routes: list[Route]


class NotEvaluated(BaseModel):
    rule: str
    concludes: str
    missing: list[str]


class TraceStep(BaseModel):
    step: int
    rule: str
    concludes: str
    kind: str


class ProfileOut(BaseModel):
    id: str
    description: str | None
    tumor_type: str | None
    values: dict[str, Any]
    unknown: list[str]


class Result(BaseModel):
    disclaimer: str
    icitrace_version: str
    rules_version: str
    rules_digest: str
    overrides: list[Override]
    profile: ProfileOut
    changed_fields: list[Change]
    findings: list[FindingOut]
    strategies: list[StrategyOut]
    not_evaluated: list[NotEvaluated]
    next_measurements: list[NextMeasurement]
    borderline: list[Borderline]
    #: only when asked for (`explain`, `suggest --why-not`)
    why_not: list[Explanation] | None = None
    #: what each citation above refers to: review paragraphs and outside sources
    references: dict[str, str]
    trace: list[TraceStep]

    def to_json_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"why_not"} if self.why_not is None else set())


def build_result(profile: Profile, book: RuleBook, firings: list[Firing], verdicts: dict[str, Verdict],
                 changes: list[Change] | None = None, why_not: list[str] | None = None) -> Result:
    """Assemble the traced result; the insights (unknowns, borderline values, why-not) read the same
    rule model as the engine."""
    fired = {f.rule for f in firings}
    near = borderline(book, profile, fired)
    near_rules = {r for b in near for r in b.rules}
    findings, strategies = _conclusions(book, firings)
    for finding in findings:
        finding.borderline = finding.rule in near_rules
    not_evaluated = [
        NotEvaluated(rule=rule.id, concludes=rule.then.id, missing=list(verdicts[rule.id].missing))
        for rule in book.rules
        if verdicts[rule.id].holds is None
    ]
    trace = [
        TraceStep(step=i, rule=f.rule, concludes=book.by_id[f.rule].then.id, kind=book.by_id[f.rule].then.kind)
        for i, f in enumerate(firings, start=1)
    ]
    return Result(
        disclaimer=DISCLAIMER,
        icitrace_version=__version__,
        rules_version=book.version,
        rules_digest=book.digest,
        overrides=list(book.overrides),
        profile=ProfileOut(id=profile.id or "profile", description=profile.description,
                           tumor_type=profile.tumor_type, values=profile.known(), unknown=profile.unknown()),
        changed_fields=changes or [],
        findings=findings,
        strategies=strategies,
        not_evaluated=not_evaluated,
        next_measurements=next_measurements(book, verdicts, {s.id for s in strategies}),
        borderline=near,
        why_not=None if why_not is None else explain_many(book, profile, verdicts, why_not),
        references=_references(book, findings, strategies),
        trace=trace,
    )


def _conclusions(book: RuleBook, firings: list[Firing]) -> tuple[list[FindingOut], list[StrategyOut]]:
    """Findings (one per firing) and strategies (one per id, gathering its rules), in firing order."""
    findings: list[FindingOut] = []
    strategies: dict[str, StrategyOut] = {}
    for firing in firings:
        rule = book.by_id[firing.rule]
        because = _because(rule, firing, book)
        citations = [_cite(c, book) for c in rule.citations]
        if rule.then.finding:
            entry = book.catalog.findings[rule.then.finding]
            findings.append(FindingOut(id=rule.then.finding, label=entry.label, kind=entry.kind, rule=rule.id,
                                       evidence=rule.evidence, citations=citations, because=because))
            continue
        sid = rule.then.id
        out = strategies.setdefault(sid, StrategyOut(id=sid, label=book.label(sid), rules=[], from_findings=[],
                                                     evidence=[], citations=[], because=[], routes=[]))
        sources = [b.value for b in because if b.field == "finding"]
        sources += [f for b in because if b.field == "findings" for f in b.value]
        out.routes.append(Route(rule=rule.id, from_findings=sources, evidence=rule.evidence, because=because))
        out.rules.append(rule.id)
        _extend(out.from_findings, sources)
        _extend(out.evidence, [rule.evidence])
        _extend(out.citations, citations)
        out.because.extend(b for b in because if b not in out.because)
    return findings, list(strategies.values())


def _because(rule: Rule, firing: Firing, book: RuleBook) -> list[Because]:
    """Each condition of a fired rule with the value, read from the facts the engine matched."""
    out = []
    for i, cond in enumerate(rule.when):
        if cond.field is not None:
            value = firing.matched["p"][cond.field]
            out.append(Because(field=cond.field, value=value, condition=describe(cond, book, value)))
        elif cond.finding is not None:
            value = firing.matched[f"f{i}"]["id"]
            out.append(Because(field="finding", value=value, condition=describe(cond, book)))
        else:
            ids = [firing.matched[f"k{n}"]["id"] for n in range(1, cond.count.at_least + 1)]
            out.append(Because(field="findings", value=ids, condition=describe(cond, book, ids)))
    return out


def _references(book: RuleBook, findings: list[FindingOut], strategies: list[StrategyOut]) -> dict[str, str]:
    cited = dict.fromkeys(c for item in [*findings, *strategies] for c in item.citations)
    sources = {c.cite: c.source for c in book.cutoffs.values()}
    review = book.catalog.review
    out = {"review": review.title} if cited else {}
    return out | {c: (f"review {c}: {review.sections[c]}" if c in review.sections else sources[c]) for c in cited}


def _cite(citation: str, book: RuleBook) -> str:
    return citation if REVIEW_CITATION.match(citation) else book.cutoffs[citation].cite


def _extend(target: list, items: list) -> None:
    target.extend(i for i in dict.fromkeys(items) if i not in target)
