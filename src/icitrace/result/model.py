"""The result object: what the engine concluded for one profile, traced. Renderers only read it.

Its JSON form is the public contract documented in docs/json.md; ``assembly`` builds it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, computed_field

from icitrace.profile.editing import Change
from icitrace.reasoning.borderline import Borderline
from icitrace.reasoning.explain import Explanation
from icitrace.reasoning.deciding_unknowns import DecidingUnknown
from icitrace.rulebase.book import Override

#: `Because.field` of a condition on a finding, and of a count of findings (the rest name profile fields)
FINDING_EDGE, FINDINGS_EDGE = "finding", "findings"


class Because(BaseModel):
    """One condition of a fired rule: the profile field it read (or a finding edge), the value, in words."""

    field: str
    value: Any
    condition: str

    @property
    def joined(self) -> list[str]:
        """The findings this condition joined on; none for a profile field."""
        if self.field == FINDING_EDGE:
            return [self.value]
        return list(self.value) if self.field == FINDINGS_EDGE else []

    @property
    def on_profile(self) -> bool:
        """A condition on a profile value (not on findings)."""
        return self.field not in (FINDING_EDGE, FINDINGS_EDGE)


class Caveat(BaseModel):
    """A sentence to keep in mind with a conclusion, with the references behind it."""

    text: str
    citations: list[str]


class FindingOut(BaseModel):
    id: str
    label: str
    kind: str
    #: what the finding stands for (the catalogue's summary)
    summary: str
    rule: str
    #: the rule's title, so that two routes to one finding read as what each is
    title: str
    evidence: str
    citations: list[str]
    because: list[Because]
    #: why the rule draws this conclusion, with what it infers (the rule's explanation)
    explanation: str
    #: a value this rule read sits within its cut-off's margin (see `borderline`)
    borderline: bool = False
    #: the cut-off's caveat, the catalogue's caveat, and how the ICI history bears on it
    caveats: list[Caveat] = []


class Route(BaseModel):
    """One rule's way to a strategy."""

    rule: str
    title: str
    from_findings: list[str]
    evidence: str
    #: the weakest evidence along the whole chain: profile value -> finding(s) -> this strategy
    chain_evidence: str
    #: the borderline fields the chain cannot do without (empty: it rests on none)
    rests_on_borderline: list[str]
    citations: list[str]
    explanation: str
    because: list[Because]


class MaturityOut(BaseModel):
    """Where the review says the approach stands, in icitrace's words."""

    stage: str
    #: the stage in words
    label: str
    text: str
    citation: str


class StrategyOut(BaseModel):
    id: str
    label: str
    summary: str
    #: null only for a rule directory whose catalogue gives none
    maturity: MaturityOut | None
    #: what a learner will ask that the review does not answer (null: nothing noted)
    not_in_review: str | None
    #: where the field stands beyond the review, as outside knowledge (null: nothing noted)
    outside_review: Caveat | None
    rules: list[str]
    from_findings: list[str]
    evidence: list[str]
    citations: list[str]
    because: list[Because]
    routes: list[Route]
    #: what draws it whatever else the profile shows (null: it is particular to the profile's findings);
    #: a standing strategy is summarised as a standing note, not as a candidate
    standing: str | None = None


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


class SummaryStrategy(BaseModel):
    id: str
    label: str
    #: the firmest chain among its routes
    chain_evidence: str
    #: the borderline fields its routes rest on when every route rests on one (empty: a route stands clear)
    rests_on_borderline: list[str]


class StandingNote(BaseModel):
    id: str
    label: str
    #: what draws it, whatever else the profile shows
    note: str
    rules: list[str]


class SummaryBorderline(BaseModel):
    """A borderline value and what rests on it: the findings and strategies it cannot do without."""

    field: str
    cutoff: str
    findings: list[str]
    strategies: list[str]


class Summary(BaseModel):
    """The answer first: what a reader needs before the detail, each item by the id the detail uses."""

    #: finding ids by kind, in the order the detail shows them
    mechanisms: list[str]
    biomarker_signals: list[str]
    #: the candidates particular to this profile, firmest chain first, then in catalogue order
    strategies: list[SummaryStrategy]
    #: candidates that any measured biomarker draws (listed once, as a note)
    standing: list[StandingNote]
    borderline: list[SummaryBorderline]
    #: the unknown field that would settle the most undecided rules (first of `deciding_unknowns`)
    deciding_unknown: str | None


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
    #: the unknown fields undecided rules wait on, the one that would settle the most first
    deciding_unknowns: list[DecidingUnknown]
    borderline: list[Borderline]
    #: only when asked for (`explain`, `suggest --why-not`)
    why_not: list[Explanation] | None = None
    #: what each citation above refers to: review paragraphs and outside sources
    references: dict[str, str]
    #: what icitrace takes from an outside source beyond the reference (said beside its conclusions)
    reference_notes: dict[str, str] = {}
    trace: list[TraceStep]
    #: the answer first: findings by kind, candidates firmest chain first, borderline, deciding unknown
    summary: Summary

    @computed_field  # type: ignore[prop-decorator]
    @property
    def next_measurements(self) -> list[DecidingUnknown]:
        """The old name of `deciding_unknowns`, kept in the JSON for one release (rules 2026.12.2)."""
        return self.deciding_unknowns

    def reached_by(self, cid: str) -> list[str]:
        """The rules that reached finding or strategy ``cid`` (empty: it was not reached)."""
        return [f.rule for f in self.findings if f.id == cid] + [r for s in self.strategies if s.id == cid
                                                                 for r in s.rules]

    def waiting_for(self, cid: str) -> list[str]:
        """The undecided rules that conclude ``cid``: while one waits, a conclusion not reached is not
        ruled out either."""
        return [n.rule for n in self.not_evaluated if n.concludes == cid]

    def to_json_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"why_not"} if self.why_not is None else set())
