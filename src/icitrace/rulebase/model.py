"""The rule model: what a rule file may say, as pydantic models.

Shape only lives here. Whether a field, cut-off or catalogue id exists is checked by the loader
(``rule_loader``), which knows the whole rule directory and every line number.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from icitrace.profile.model import MIN_POSITIVE

#: firmest first (``EVIDENCE_ORDER``)
EvidenceKind = Literal["review-stated", "inferred-link", "external-cutoff"]
FindingKind = Literal["mechanism", "biomarker signal"]
#: the kind of resistance the review ties a finding to: primary ([4]) or adaptive ([3])
ResistanceKind = Literal["primary", "adaptive"]
HistoryValue = Literal["naive", "primary_resistance", "acquired_resistance"]

#: Evidence kinds from firmest to weakest. A chain is as firm as its weakest link, and a link whose
#: premise rests on a cut-off from outside the review counts as `external-cutoff` whatever its kind.
EVIDENCE_ORDER: tuple[str, ...] = get_args(EvidenceKind)

REVIEW_CITATION = re.compile(r"^\[(10|[1-9])\]$|^conclusion$")
RULE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
#: a cut-off's name as rules and `stays_below` write it (the loader's ids: lower-case letters, digits, _)
CUTOFF_NAME = r"^[a-z][a-z0-9_]*$"
#: A cut-off named in a rule's title, shown with the value in force for the run (``RuleBook.title``):
#: ``{pd_l1_negative}`` reads "1%" (value and unit), ``{cps_keynote355:number}`` reads "10" (where the
#: title's words already say what is counted). A title never writes the number itself: a run may move it.
TITLE_CUTOFF = re.compile(r"\{([a-z][a-z0-9_]*)(?::(number))?\}")

#: Text as written in YAML (folded, wrapped) read as one line: renderers wrap it for their reader.
Prose = Annotated[str, AfterValidator(lambda text: " ".join(text.split()))]

#: docs/durable-rules.md: 512 rules in one ruleset hang the C engine; stay far below.
MAX_RULES = 400
#: docs/durable-rules.md: 256 rules sharing one identical condition fail (error 108); stay far below.
MAX_SHARED = 200
#: docs/durable-rules.md: at most 16 patterns in one join.
MAX_JOIN = 16
#: items one `includes_any` condition may list
MAX_TERMS = 50
#: distinct `includes_any` tests in a rule base: each is one key of the profile fact (253 at most)
MAX_LIST_TESTS = 100


class _Strict(BaseModel):
    # defer_build: a rule base read back from the cache is never validated again, so a command that
    # starts from the cache never pays for building these validators.
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, frozen=True, defer_build=True)


#: The numbers the C engine reads reliably (docs/durable-rules.md: exponent-form floats such as 1e-05 fail with error
#: 204, and so do very large ones): 0, or from 0.0001 (the profile's own smallest number) to 10,000.
SMALLEST, LARGEST = MIN_POSITIVE, 10_000


def engine_number(value: float) -> float:
    """A cut-off or margin the engine and the lint can use, or a ValueError saying why not."""
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a finite number")
    if value != 0 and not SMALLEST <= abs(value) <= LARGEST:
        raise ValueError(f"expected 0 or a number from {SMALLEST:g} to {LARGEST:g}, got {value!r} (the rule engine "
                         "cannot read numbers outside that range)")
    return value


EngineNumber = Annotated[float, AfterValidator(engine_number)]


class Margin(_Strict):
    """How close to a cut-off a value counts as borderline, on each side, and why."""

    below: EngineNumber = Field(ge=0)
    above: EngineNumber = Field(ge=0)
    reason: Prose = ""


class Cutoff(_Strict):
    """A named numeric cut-off from outside the review, with its source and caveat."""

    name: str = ""
    field: str
    value: EngineNumber
    unit: str
    #: a number is the same margin on both sides; a mapping gives each side and the reason
    margin: Margin
    cite: str = Field(min_length=3, description="short citation shown next to conclusions")
    source: Prose = Field(min_length=10)
    caveat: Prose = Field(min_length=10)
    #: cut-offs on the same field that this one must stay below, whatever a run moves (PD-L1 negative
    #: below PD-L1 high: between two crossed lines a value would read as both). The loader checks the
    #: names and the shipped values; ``book.check_moves`` checks every run's moved values.
    stays_below: list[Annotated[str, Field(pattern=CUTOFF_NAME)]] = []

    @field_validator("stays_below")
    @classmethod
    def _once_each(cls, names: list[str]) -> list[str]:
        twice = next((n for n in names if names.count(n) > 1), None)
        if twice:
            raise ValueError(f"names `{twice}` twice")
        return names

    @field_validator("margin", mode="before")
    @classmethod
    def _symmetric(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return {"below": float(value), "above": float(value)}
        return value

    def show(self) -> str:
        return f"{self.name} {self.amount()}"

    def amount(self, value: float | None = None) -> str:
        """A value of this cut-off with its unit, as people write it: ``1%``, ``10 mut/Mb``."""
        gap = "" if self.unit.startswith("%") else " "
        return f"{_num(self.value if value is None else value)}{gap}{self.unit}"


class Source(_Strict):
    """A named source from outside the review, citable by rules like a cut-off."""

    name: str = ""
    cite: str = Field(min_length=3, description="short citation shown next to conclusions")
    #: the reference itself (authors, title, journal), as the References list it
    source: Prose = Field(min_length=10)
    #: what icitrace takes from it; said beside the conclusions that cite it, so the References give it
    #: only on request (`--full`) and the JSON under `reference_notes`
    note: Prose | None = None


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
    #: set for a strategy that any measured biomarker draws, whatever else the profile shows: what draws
    #: it, in words. Outputs list it once as a standing note, not as a candidate particular to the profile.
    standing: Prose | None = None


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
    """One test: a profile field with one operator (`field: tmb` + `below: tmb_high`), a finding
    (`finding: ID`), or a count of findings (`count: {kind, at_least}`).

    Shape only: what each kind of condition means lives in ``rulebase.conditions``; the operator is kept
    as written (`op`, `arg`), what it means lives in ``rulebase.operators``, and the loader checks it
    there, with the line of the key."""

    field: str | None = None
    op: str | None = None
    arg: Any = None
    finding: str | None = None
    count: Count | None = None

    @model_validator(mode="before")
    @classmethod
    def _operator(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "field" not in data:
            return data
        if "op" in data or "arg" in data:
            raise ValueError("write the test as `OPERATOR: VALUE`, e.g. `is: high` or `below: tmb_high`")
        tests = [k for k in data if k not in ("field", "finding", "count")]
        if len(tests) != 1:
            raise ValueError("a field condition takes exactly one test, such as `is: high` or `below: tmb_high`"
                             + (f"; got {', '.join(map(str, tests))}" if tests else ""))
        return {k: v for k, v in data.items() if k != tests[0]} | {"op": tests[0], "arg": data[tests[0]]}

    @model_validator(mode="after")
    def _one_shape(self) -> Condition:
        if self.field is not None:
            if self.finding is not None or self.count is not None:
                raise ValueError("a condition is `field` plus one test, `finding: ID`, or `count: {kind, at_least}`")
        elif (self.finding is None) == (self.count is None):
            raise ValueError("a condition is `field` plus one test, `finding: ID`, or `count: {kind, at_least}`")
        return self

    @property
    def kind(self) -> str:
        """'field', 'finding' or 'count'."""
        return "field" if self.field is not None else "finding" if self.finding is not None else "count"


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

    def title_cutoffs(self) -> list[tuple[str, str]]:
        """The cut-offs the title names, as (name, form): form "" (value and unit) or "number"."""
        return [(m.group(1), m.group(2) or "") for m in TITLE_CUTOFF.finditer(self.title)]


def _num(value: float) -> str:
    """A number as people write it: 10 not 10.0, 3.2 not 3.2000000000000002."""
    return format(value, "g")
