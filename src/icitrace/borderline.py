"""Values that sit close to a cut-off: within the cut-off's stated margin, the answer could flip
with another assay, another sample or another laboratory."""

from __future__ import annotations

from pydantic import BaseModel

from .profile import Profile
from .rule_loader import RuleBook

ASSAY_NOTE = ("Assays, samples and laboratories differ around such cut-offs: a value this close could "
              "fall on the other side when measured again.")


class Borderline(BaseModel):
    field: str
    value: float
    cutoff: str
    threshold: float
    unit: str
    margin: float
    #: the rules reading this cut-off, and whether each fired for this profile
    rules: dict[str, bool]


def borderline(book: RuleBook, profile: Profile, fired: set[str]) -> list[Borderline]:
    known = profile.known()
    out = []
    for name, cutoff in book.cutoffs.items():
        value = known.get(cutoff.field)
        if value is None or abs(value - cutoff.value) > cutoff.margin:
            continue
        rules = {r.id: r.id in fired for r in book.rules if name in r.cutoffs()}
        if rules:
            out.append(Borderline(field=cutoff.field, value=value, cutoff=name, threshold=cutoff.value,
                                  unit=cutoff.unit, margin=cutoff.margin, rules=rules))
    return out
