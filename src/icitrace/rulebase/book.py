"""A checked rule base (``RuleBook``), its problems, and cut-offs moved for one run (``--threshold``).

Kept apart from ``loading`` (YAML, checks) so that a rule base read back from the cache needs none of it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel

from icitrace.errors import (  # noqa: F401 - defined with the family
    InputProblem,
    MoveProblem,
    RulesError,
    RulesProblem,
    ThresholdError,
    did_you_mean,
)
from icitrace.profile.model import field_bounds, show_number
from icitrace.rulebase.model import (
    LARGEST,
    REVIEW_CITATION,
    SMALLEST,
    TITLE_CUTOFF,
    Catalog,
    Cutoff,
    Margin,
    Rule,
    Source,
    engine_number,
)
from icitrace.rulebase.graph import RuleGraph
from icitrace.rulebase.operators import cutoffs_read


@dataclass(frozen=True)
class RuleProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file  # 0: the whole file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RuleBook:
    """A checked rule base: catalogue, cut-offs and rules in definition (= firing tie-break) order."""

    directory: Path
    catalog: Catalog
    cutoffs: dict[str, Cutoff]
    rules: tuple[Rule, ...]
    digest: str
    #: named sources from outside the review other than cut-offs (``sources.yaml``)
    sources: dict[str, Source] = field(default_factory=dict)
    #: cut-offs changed for this run only (``--threshold``), echoed in every output
    overrides: tuple[Override, ...] = ()
    #: what the lint noticed without refusing the rules (``rules lint`` shows them), each at file:line
    notes: tuple[RuleProblem, ...] = ()
    by_id: dict[str, Rule] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {r.id: r for r in self.rules})

    @property
    def version(self) -> str:
        return self.catalog.rules_version

    @property
    def rules_digest(self) -> str:
        """The digest of the rule files alone: a rule base moved for a run (``with_overrides``) has a digest
        that adds a tag for its cut-offs after a "-", and shares this one."""
        return self.digest.partition("-")[0]

    @cached_property
    def ruleset_key(self) -> str:
        """What the compiled ruleset depends on: the rule files and the value of every cut-off, not which
        option moved it nor the margins. Groups of a `--cutoffs-by` run whose cut-offs come out alike (and
        a cut-off "moved" to where it was) share one compiled ruleset and one engine."""
        values = repr(sorted((name, cutoff.value) for name, cutoff in self.cutoffs.items()))
        return f"{self.rules_digest}-{hashlib.sha256(values.encode()).hexdigest()[:12]}"

    @cached_property
    def graph(self) -> RuleGraph:
        """Which rules conclude each finding and which findings each rule reads (``rulebase.graph``)."""
        return RuleGraph(self.rules, self.catalog)

    @property
    def producers(self) -> dict[str, list[Rule]]:
        """Finding id -> the rules that conclude it, in order."""
        return self.graph.producers

    def cutoffs_of(self, rule: Rule) -> tuple[str, ...]:
        """The named cut-offs a rule reads, in order (worked out once per rule book: every result asks)."""
        return self._cutoffs_read[rule.id]

    @cached_property
    def _cutoffs_read(self) -> dict[str, tuple[str, ...]]:
        return {rule.id: tuple(cutoffs_read(rule)) for rule in self.rules}

    def title(self, rule: Rule) -> str:
        """The rule's title with each cut-off it names shown at the value in force, and, where this run
        moved it, saying so: "PD-L1 TPS under 60% (moved from 1% for this run): ..."."""
        if "{" not in rule.title:
            return rule.title
        moved = {o.cutoff: o.before for o in self.overrides if o.before != o.after}

        def show(match: re.Match) -> str:
            name, form = match.group(1), match.group(2)
            cutoff = self.cutoffs[name]
            amount = (lambda value: show_number(value)) if form == "number" else cutoff.amount
            text = amount(cutoff.value)
            return f"{text} (moved from {amount(moved[name])} for this run)" if name in moved else text

        return TITLE_CUTOFF.sub(show, rule.title)

    def finding_kind(self, finding_id: str) -> str:
        return self.catalog.findings[finding_id].kind

    def label(self, conclusion_id: str) -> str:
        entry = self.catalog.findings.get(conclusion_id) or self.catalog.strategies[conclusion_id]
        return entry.label

    def cite(self, citation: str) -> str:
        """How a citation reads next to a conclusion: ``[4]`` as it is, an outside source by its short cite."""
        if REVIEW_CITATION.match(citation):
            return citation
        return (self.cutoffs.get(citation) or self.sources[citation]).cite

    def reference(self, citation: str) -> tuple[str, str]:
        """(short cite, what it stands for): a review section, or an outside source labelled as such."""
        if REVIEW_CITATION.match(citation):
            return citation, f"review {citation}: {self.catalog.review.sections[citation]}"
        entry = self.cutoffs.get(citation) or self.sources[citation]
        return entry.cite, entry.source

    def reference_note(self, citation: str) -> str | None:
        """What icitrace takes from an outside source beyond the reference itself (none for a cut-off)."""
        source = self.sources.get(citation)
        return source.note if source else None


class Override(BaseModel):
    cutoff: str
    before: float
    after: float
    unit: str


def parse_thresholds(texts: list[str]) -> dict[str, float]:
    """``["tmb_high=12"]`` -> ``{"tmb_high": 12.0}``, as written on the command line."""
    values = {}
    for text in texts:
        name, sep, value = text.partition("=")
        try:
            values[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise ThresholdError(f"--threshold {text!r}: expected NAME=NUMBER, e.g. tmb_high=12")
    return values


def check_moves(cutoffs: Mapping[str, Cutoff], values: Mapping[str, float]) -> None:
    """The one check of cut-offs moved for a run (``--threshold``, a ``--cutoffs-by`` group on top of it):
    each named cut-off exists, its value lies in its field's range and is a number the engine reads, and
    with the others as ``cutoffs`` has them every declared order (``stays_below``) still holds. Raises a
    ``MoveProblem`` saying what is wrong, in that order: a crossed order is only worth reading between
    values that are themselves possible."""
    for name, value in values.items():
        if name not in cutoffs:
            raise MoveProblem(f"no cut-off named {name!r}{did_you_mean(name, cutoffs)}; cut-offs: {', '.join(cutoffs)}",
                              (name,))
        least, most = field_bounds(cutoffs[name].field)
        if not least <= value <= most:  # NaN fails here too
            raise MoveProblem(f"the value of {name} must be a number from {show_number(least)} to "
                              f"{show_number(most)} ({cutoffs[name].field}), got {show_number(value)}", (name,))
        try:
            engine_number(value)
        except ValueError as error:
            raise MoveProblem(f"the value of {name}: {error}", (name,)) from None
    for lower, upper in broken_orders(cutoffs, values):
        def at(name: str) -> str:
            shown = f"{name} at {cutoffs[name].amount(values.get(name))}"
            return shown if name in values else f"{shown} (as the run has it)"

        unmoved = [n for n in (lower, upper) if n not in values]
        advice = f"move {unmoved[0]} too, or keep them in that order" if unmoved else "keep them in that order"
        raise MoveProblem(f"{at(lower)} would not be below {at(upper)}: cutoffs.yaml declares that {lower} stays "
                          f"below {upper} (between crossed lines one value would read as both); {advice}",
                          tuple(n for n in (lower, upper) if n in values))


def broken_orders(cutoffs: Mapping[str, Cutoff], values: Mapping[str, float] | None = None
                  ) -> Iterator[tuple[str, str]]:
    """Each declared order (``lower`` stays below ``upper``) that the cut-offs break once ``values`` move
    some of them: the one reading of ``stays_below``, for the loader and for every run."""
    values = values or {}
    for lower, cutoff in cutoffs.items():
        for upper in cutoff.stays_below:
            if upper in cutoffs:  # an unknown name is the loader's to report
                low, high = (values.get(n, cutoffs[n].value) for n in (lower, upper))
                if not low < high:
                    yield lower, upper


def with_overrides(book: RuleBook, values: dict[str, float]) -> RuleBook:
    """The same rule base with some cut-offs moved for one run; its digest changes with them. Refused
    (``ThresholdError``) unless ``check_moves`` passes them."""
    if not values:
        return book
    values = {name: value + 0.0 for name, value in values.items()}  # -0 is 0: it must never print as "-0"
    try:
        check_moves(book.cutoffs, values)
    except MoveProblem as problem:
        shown = " ".join(f"{n}={show_number(values[n])}" for n in problem.cutoffs if n in values)
        raise ThresholdError(f"--threshold {shown or ', '.join(values)}: {problem}") from None
    cutoffs = dict(book.cutoffs)
    overrides = []
    for name, value in values.items():
        cutoff = cutoffs[name]
        overrides.append(Override(cutoff=name, before=cutoff.value, after=value, unit=cutoff.unit))
        cutoffs[name] = cutoff.model_copy(update={"value": value, "margin": _moved_margin(cutoff, value)})
    tag = hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()[:6]
    return dataclasses.replace(book, cutoffs=cutoffs, digest=f"{book.digest}-{tag}", overrides=tuple(overrides))


def _moved_margin(cutoff: Cutoff, value: float) -> Margin:
    """A margin set for one line, carried to a line moved for this run: in proportion, and saying so."""
    if value == cutoff.value:
        return cutoff.margin
    factor = value / cutoff.value if cutoff.value else 1.0
    moved = (f"Set for the line at {cutoff.value:g} {cutoff.unit} and scaled with it to {value:g} for this run"
             if cutoff.value else f"Set for the line at 0 and kept as it was for this run's line at {value:g}")
    margin = cutoff.margin
    return Margin(below=_margin_number(margin.below * factor), above=_margin_number(margin.above * factor),
                  reason=f"{moved}. {margin.reason}".strip())


def _margin_number(value: float) -> float:
    """A scaled margin kept to numbers the engine reads (a line moved near 0 scales its margin below them)."""
    value = round(value, 6)
    return 0.0 if value == 0 or not math.isfinite(value) else min(LARGEST, max(SMALLEST, value))
