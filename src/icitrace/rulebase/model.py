"""The rule model: what a rule file may say, as pydantic models.

Shape only lives here. Whether a field, cut-off or catalogue id exists is checked by the loader
(``rule_loader``), which knows the whole rule directory and every line number.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

EvidenceKind = Literal["review-stated", "inferred-link", "external-cutoff"]
FindingKind = Literal["mechanism", "biomarker signal"]
#: the kind of resistance the review ties a finding to: primary ([4]) or adaptive ([3])
ResistanceKind = Literal["primary", "adaptive"]
HistoryValue = Literal["naive", "primary_resistance", "acquired_resistance"]

#: Evidence kinds from firmest to weakest. A chain is as firm as its weakest link, and a link whose
#: premise rests on a cut-off from outside the review counts as `external-cutoff` whatever its kind.
EVIDENCE_ORDER: tuple[str, ...] = ("review-stated", "inferred-link", "external-cutoff")

REVIEW_CITATION = re.compile(r"^\[(10|[1-9])\]$|^conclusion$")
RULE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"

#: Text as written in YAML (folded, wrapped) read as one line: renderers wrap it for their reader.
Prose = Annotated[str, AfterValidator(lambda text: " ".join(text.split()))]

#: GUIDE §2: 512 rules in one ruleset hang the C engine; stay far below.
MAX_RULES = 400
#: GUIDE §2: at most 16 patterns in one join.
MAX_JOIN = 16
#: items one `includes_any` condition may list
MAX_TERMS = 50
#: distinct `includes_any` tests in a rule base: each is one key of the profile fact (253 at most)
MAX_LIST_TESTS = 100
FIELD_TESTS = ("is_", "in_", "below", "at_least", "not_empty", "includes_any")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, frozen=True)


class Margin(_Strict):
    """How close to a cut-off a value counts as borderline, on each side, and why."""

    below: float = Field(ge=0)
    above: float = Field(ge=0)
    reason: Prose = ""


class Cutoff(_Strict):
    """A named numeric cut-off from outside the review, with its source and caveat."""

    name: str = ""
    field: str
    value: float
    unit: str
    #: a number is the same margin on both sides; a mapping gives each side and the reason
    margin: Margin
    cite: str = Field(min_length=3, description="short citation shown next to conclusions")
    source: Prose = Field(min_length=10)
    caveat: Prose = Field(min_length=10)

    @field_validator("margin", mode="before")
    @classmethod
    def _symmetric(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return {"below": float(value), "above": float(value)}
        return value

    def show(self) -> str:
        gap = "" if self.unit.startswith("%") else " "
        return f"{self.name} {_num(self.value)}{gap}{self.unit}"


class Source(_Strict):
    """A named source from outside the review, citable by rules like a cut-off."""

    name: str = ""
    cite: str = Field(min_length=3, description="short citation shown next to conclusions")
    source: Prose = Field(min_length=10)


class Note(_Strict):
    """A sentence in icitrace's words with the references behind it."""

    text: Prose = Field(min_length=10)
    cites: list[str] = Field(min_length=1)


class FindingEntry(_Strict):
    label: Prose
    kind: FindingKind
    review: list[str] = Field(min_length=1)
    summary: Prose
    #: the resistance the review ties this finding to, if any (annotated against `ici_history`)
    resistance: ResistanceKind | None = None
    #: what a reader should keep in mind whenever this finding is shown
    caveat: Note | None = None


class Maturity(_Strict):
    """Where the review says an approach stands, phrased in icitrace's words."""

    #: one of the catalogue's `maturity_stages`
    stage: str
    text: Prose = Field(min_length=10)
    cite: str


class StrategyEntry(_Strict):
    label: Prose
    review: list[str] = Field(min_length=1)
    summary: Prose
    #: optional so that rule directories written before it still load; every shipped strategy has one
    maturity: Maturity | None = None
    #: what a learner will ask that the review does not answer
    not_in_review: Prose | None = None
    #: where the field stands beyond the review (outside knowledge, cited)
    outside_review: Note | None = None


class Review(_Strict):
    title: str
    sections: dict[str, str]


class Catalog(_Strict):
    """The public vocabulary: finding and strategy ids with labels in icitrace's own words."""

    rules_version: str
    review: Review
    findings: dict[str, FindingEntry]
    strategies: dict[str, StrategyEntry]
    #: the stages of `maturity`, as they read in output
    maturity_stages: dict[str, Prose] = {}
    #: resistance kind -> ici_history value -> a caveat for findings of that kind
    history_notes: dict[ResistanceKind, dict[HistoryValue, Note]] = {}


class Count(_Strict):
    kind: FindingKind
    at_least: int = Field(ge=2, le=MAX_JOIN - 1)


class Condition(_Strict):
    """One test: on a profile field (is / in / below / at_least / not_empty), on a finding, or a count."""

    field: str | None = None
    is_: str | bool | None = Field(None, alias="is")
    in_: list[str] | None = Field(None, alias="in", min_length=1)
    below: str | None = None
    at_least: str | None = None
    not_empty: Literal[True] | None = None
    #: a list field names at least one of these items (compared with `profile.normal_item`)
    includes_any: list[str] | None = Field(None, min_length=1, max_length=MAX_TERMS)
    finding: str | None = None
    count: Count | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Condition:
        tests = [n for n in FIELD_TESTS if getattr(self, n) is not None]
        if self.field is not None:
            if len(tests) != 1 or self.finding is not None or self.count is not None:
                raise ValueError("a field condition takes exactly one of: is, in, below, at_least, not_empty, "
                                 "includes_any")
        elif tests:
            raise ValueError("is / in / below / at_least / not_empty / includes_any need a `field`")
        elif (self.finding is None) == (self.count is None):
            raise ValueError("a condition is `field` plus one test, `finding: ID`, or `count: {kind, at_least}`")
        return self

    @property
    def op(self) -> str:
        """'is', 'in', 'below', 'at_least', 'not_empty', 'includes_any', 'finding' or 'count'."""
        if self.finding is not None:
            return "finding"
        if self.count is not None:
            return "count"
        return next(n.rstrip("_") for n in FIELD_TESTS if getattr(self, n) is not None)

    @property
    def cutoff(self) -> str | None:
        return self.below if self.below is not None else self.at_least


class Conclusion(_Strict):
    finding: str | None = None
    strategy: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Conclusion:
        if (self.finding is None) == (self.strategy is None):
            raise ValueError("`then` names exactly one of: finding, strategy")
        return self

    @property
    def kind(self) -> str:
        return "finding" if self.finding else "strategy"

    @property
    def id(self) -> str:
        return self.finding or self.strategy or ""


class Rule(_Strict):
    """One rule: conditions on profile fields and/or findings, one conclusion, its support."""

    id: str = Field(pattern=RULE_ID, max_length=64)
    title: Prose = Field(min_length=5)
    version: int = Field(ge=1)
    when: list[Condition] = Field(min_length=1, max_length=MAX_JOIN)
    then: Conclusion
    evidence: EvidenceKind
    citations: list[str] = Field(min_length=1)
    explanation: Prose = Field(min_length=30)

    _file: str = PrivateAttr("")
    _line: int = PrivateAttr(0)
    _doc: Any = PrivateAttr(None)
    _index: int = PrivateAttr(0)

    @property
    def where(self) -> str:
        return f"{self._file}:{self._line}"

    def fields(self) -> list[str]:
        """Profile fields this rule tests, in order, without repeats."""
        return list(dict.fromkeys(c.field for c in self.when if c.field is not None))

    def cutoffs(self) -> list[str]:
        return list(dict.fromkeys(c.cutoff for c in self.when if c.cutoff is not None))


def _num(value: float) -> str:
    """A number as people write it: 10 not 10.0, 3.2 not 3.2000000000000002."""
    return format(value, "g")
