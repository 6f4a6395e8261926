"""Building a ``Result`` from what the engine fired: conclusions with their words, chain strength,
borderline values, unknowns and references, all read from the same rule model."""

from __future__ import annotations

from icitrace import DISCLAIMER, __version__
from icitrace.engine.durable import Firing
from icitrace.profile.editing import Change
from icitrace.profile.model import Narrowed, Profile, narrowed
from icitrace.reasoning.borderline import Borderline, borderline, borderline_fields
from icitrace.reasoning.chain_strength import ChainStrength
from icitrace.reasoning.explain import explain_many
from icitrace.reasoning.deciding_unknowns import DecidingUnknown, deciding_unknowns
from icitrace.reasoning.verdicts import Verdict
from icitrace.result.model import (
    FINDING_EDGE,
    FINDINGS_EDGE,
    Because,
    Caveat,
    FindingOut,
    MaturityOut,
    NotEvaluated,
    ProfileOut,
    Result,
    Route,
    StandingNote,
    StrategyOut,
    Summary,
    SummaryBorderline,
    SummaryStrategy,
    TraceStep,
)
from icitrace.rulebase.book import RuleBook
from icitrace.rulebase.conditions import describe, meaning
from icitrace.rulebase.model import EVIDENCE_ORDER, Rule


def build_result(profile: Profile, book: RuleBook, firings: list[Firing], verdicts: dict[str, Verdict],
                 changes: list[Change] | None = None, why_not: list[str] | None = None) -> Result:
    """Assemble the traced result; the insights (unknowns, borderline values, chain strength, why-not)
    read the same rule model as the engine."""
    fired = {f.rule for f in firings}
    near = borderline(book, profile, fired)
    assembly = _Assembly(book, profile, firings, near)
    findings, strategies = assembly.conclusions()
    not_evaluated = [
        NotEvaluated(rule=rule.id, concludes=rule.then.id, missing=list(verdicts[rule.id].missing))
        for rule in book.rules
        if verdicts[rule.id].holds is None
    ]
    trace = [
        TraceStep(step=i, rule=f.rule, concludes=book.by_id[f.rule].then.id, kind=book.by_id[f.rule].then.kind)
        for i, f in enumerate(firings, start=1)
    ]
    unknowns = deciding_unknowns(book, verdicts, {s.id for s in strategies}, profile.bands())
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
        deciding_unknowns=unknowns,
        borderline=near,
        why_not=None if why_not is None else explain_many(book, profile, verdicts, why_not),
        references=_references(book, assembly.cited),
        reference_notes={book.cite(c): n for c in assembly.cited if (n := book.reference_note(c))},
        trace=trace,
        summary=assembly.summary(findings, strategies, near, unknowns),
    )


class _Assembly:
    """Findings (one per firing) and strategies (one per id, gathering its rules), in firing order,
    each with the words that explain it; ``cited`` gathers every citation used, for the references."""

    def __init__(self, book: RuleBook, profile: Profile, firings: list[Firing], near: list[Borderline]):
        self.book, self.profile, self.firings = book, profile, firings
        self.cited: dict[str, None] = {}
        self.near_fields = borderline_fields(near)
        self.strength = ChainStrength(book, firings, self.near_fields)

    def conclusions(self) -> tuple[list[FindingOut], list[StrategyOut]]:
        findings: list[FindingOut] = []
        strategies: dict[str, StrategyOut] = {}
        known = self.profile.known()
        for firing in self.firings:
            rule = self.book.by_id[firing.rule]
            because = _because(rule, firing, self.book, known)
            if rule.then.finding:
                findings.append(self._finding(rule, because))
                continue
            sid = rule.then.id
            if sid not in strategies:
                strategies[sid] = self._strategy(sid)
            out = strategies[sid]
            route = self._route(rule, firing, because)
            out.routes.append(route)
            out.rules.append(rule.id)
            _extend(out.from_findings, route.from_findings)
            _extend(out.evidence, [rule.evidence])
            _extend(out.citations, route.citations)
            out.because.extend(b for b in because if b not in out.because)
        return findings, list(strategies.values())

    def summary(self, findings: list[FindingOut], strategies: list[StrategyOut], near: list[Borderline],
                unknowns: list[DecidingUnknown]) -> Summary:
        """The answer first. Candidates firmest chain first, then in catalogue order, so that the order
        never depends on which rule happened to fire first; a standing strategy apart, as a note."""
        ids = list(dict.fromkeys(f.id for f in findings))
        order = list(self.book.catalog.strategies)
        ranked = sorted((s for s in strategies if not s.standing),
                        key=lambda s: (EVIDENCE_ORDER.index(_firmest(s)), order.index(s.id)))
        standing = [s for s in strategies if s.standing]
        shown = [*ranked, *standing]
        return Summary(
            mechanisms=[f for f in ids if self.book.finding_kind(f) == "mechanism"],
            biomarker_signals=[f for f in ids if self.book.finding_kind(f) == "biomarker signal"],
            strategies=[SummaryStrategy(id=s.id, label=s.label, chain_evidence=_firmest(s),
                                        rests_on_borderline=_rests(s)) for s in ranked],
            standing=[StandingNote(id=s.id, label=s.label, note=s.standing or "", rules=s.rules) for s in standing],
            borderline=[SummaryBorderline(field=b.field, cutoff=b.cutoff,
                                          findings=[f for f in ids if b.field in self.strength.of_finding(f).borderline],
                                          strategies=[s.id for s in shown if b.field in _rests(s)])
                        for b in near],
            deciding_unknown=unknowns[0].field if unknowns else None,
        )

    def _finding(self, rule: Rule, because: list[Because]) -> FindingOut:
        fid = rule.then.finding or ""
        entry = self.book.catalog.findings[fid]
        return FindingOut(id=fid, label=entry.label, kind=entry.kind, summary=entry.summary, rule=rule.id,
                          title=self.book.title(rule), evidence=rule.evidence, citations=self._cites(rule.citations),
                          because=because, explanation=rule.explanation,
                          borderline=rule.id in self.near_fields, caveats=self._caveats(rule))

    def _caveats(self, rule: Rule) -> list[Caveat]:
        """The caveats of the cut-offs the rule reads, the finding's own, and the ICI history's bearing."""
        notes = [(self.book.cutoffs[name].caveat, [name]) for name in self.book.cutoffs_of(rule)]
        entry = self.book.catalog.findings[rule.then.finding or ""]
        if entry.caveat:
            notes.append((entry.caveat.text, entry.caveat.cites))
        history = self.profile.ici_history
        if entry.resistance and history:
            note = self.book.catalog.history_notes.get(entry.resistance, {}).get(history)
            if note:
                notes.append((note.text, note.cites))
        return [Caveat(text=text, citations=self._cites(cites)) for text, cites in notes]

    def _strategy(self, sid: str) -> StrategyOut:
        entry = self.book.catalog.strategies[sid]
        m, outside = entry.maturity, entry.outside_review
        maturity = m and MaturityOut(stage=m.stage, label=self.book.catalog.maturity_stages[m.stage], text=m.text,
                                     citation=self._cites([m.cite])[0])
        return StrategyOut(id=sid, label=entry.label, summary=entry.summary, maturity=maturity,
                           not_in_review=entry.not_in_review,
                           outside_review=outside and Caveat(text=outside.text, citations=self._cites(outside.cites)),
                           rules=[], from_findings=[], evidence=[], citations=[], because=[], routes=[],
                           standing=entry.standing)

    def _route(self, rule: Rule, firing: Firing, because: list[Because]) -> Route:
        strength = self.strength.of_firing(firing)
        joined = [f for b in because for f in b.joined]
        return Route(rule=rule.id, title=self.book.title(rule), from_findings=joined, evidence=rule.evidence,
                     chain_evidence=strength.evidence, rests_on_borderline=list(strength.borderline),
                     citations=self._cites(rule.citations), explanation=rule.explanation, because=because)

    def _cites(self, citations: list[str]) -> list[str]:
        """Citations as they read next to a conclusion; each is noted for the references."""
        self.cited.update(dict.fromkeys(citations))
        return list(dict.fromkeys(self.book.cite(c) for c in citations))


def _because(rule: Rule, firing: Firing, book: RuleBook, known: dict) -> list[Because]:
    """Each condition of a fired rule with the value, read from the facts the engine matched; a band, whose
    bounds the engine matched as the other fields narrow them, is shown as given and as narrowed."""
    out = []
    for i, cond in enumerate(rule.when):
        value = meaning(cond).matched(cond, i, firing.matched)
        if cond.field is not None:
            tested = narrowed(cond.field, known) if value is None else value
            value = tested.band if isinstance(tested, Narrowed) else tested
            out.append(Because(field=cond.field, value=value, condition=describe(cond, book.cutoffs, tested)))
        elif cond.finding is not None:
            out.append(Because(field=FINDING_EDGE, value=value, condition=describe(cond, book.cutoffs)))
        else:
            out.append(Because(field=FINDINGS_EDGE, value=value, condition=describe(cond, book.cutoffs, value)))
    return out


def _references(book: RuleBook, cited: dict[str, None]) -> dict[str, str]:
    """The review's title, the review sections used in its own order, then the outside sources used."""
    if not cited:
        return {}
    sections = list(book.catalog.review.sections)
    review = sorted((c for c in cited if c in book.catalog.review.sections), key=sections.index)
    outside = [c for c in cited if c not in book.catalog.review.sections]
    return {"review": book.catalog.review.title} | dict(book.reference(c) for c in [*review, *outside])


def _firmest(s: StrategyOut) -> str:
    """A strategy is as firm as its firmest route."""
    return min((r.chain_evidence for r in s.routes), key=EVIDENCE_ORDER.index)


def _rests(s: StrategyOut) -> list[str]:
    """The borderline fields the strategy rests on: those of its routes when every route rests on one (as
    a finding does, ``chain_strength``); none when a route stands clear of every margin."""
    if not all(r.rests_on_borderline for r in s.routes):
        return []
    return list(dict.fromkeys(f for r in s.routes for f in r.rests_on_borderline))


def _extend(target: list, items: list) -> None:
    target.extend(i for i in dict.fromkeys(items) if i not in target)
