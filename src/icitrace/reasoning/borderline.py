"""Values that sit close to a cut-off: within the cut-off's stated margin on the value's side, the
answer could flip with another assay, another sample or another laboratory."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from icitrace.profile.model import Profile
from icitrace.rulebase.book import RuleBook

ASSAY_NOTE = ("Assays, samples and laboratories differ around such cut-offs: a value this close could "
              "fall on the other side when measured again.")


class Borderline(BaseModel):
    field: str
    value: float
    cutoff: str
    threshold: float
    unit: str
    #: the side of the line the value is on: under it, or at or over it
    side: Literal["below", "at or above"]
    #: the margin on that side (margins may differ per side; see `rules/cutoffs.yaml`)
    margin: float
    #: why the margin is what it is
    margin_reason: str
    #: the rules reading this cut-off, and whether each fired for this profile
    rules: dict[str, bool]


def borderline(book: RuleBook, profile: Profile, fired: set[str]) -> list[Borderline]:
    known = profile.known()
    out = []
    for name, cutoff in book.cutoffs.items():
        value = known.get(cutoff.field)
        if not isinstance(value, float):  # unknown, or a band: a range of assay categories, not a reading near a line
            continue
        below = value < cutoff.value
        margin = cutoff.margin.below if below else cutoff.margin.above
        if abs(value - cutoff.value) > margin:
            continue
        rules = {r.id: r.id in fired for r in book.rules if name in book.cutoffs_of(r)}
        if rules:
            out.append(Borderline(field=cutoff.field, value=value, cutoff=name, threshold=cutoff.value,
                                  unit=cutoff.unit, side="below" if below else "at or above", margin=margin,
                                  margin_reason=cutoff.margin.reason, rules=rules))
    return out


def borderline_fields(near: list[Borderline]) -> dict[str, list[str]]:
    """Rule id -> the fields it read whose values are borderline, for the rules that fired."""
    out: dict[str, list[str]] = {}
    for b in near:
        for rule, fired in b.rules.items():
            if fired and b.field not in out.setdefault(rule, []):
                out[rule].append(b.field)
    return out
