"""Profile -> the one fact the engine sees.

Only known values go in: an unknown field is simply absent, and the rule model (not the engine)
decides what that leaves unevaluated. A banded number goes in as its bounds, under their own keys. Lists travel with their length, and with one 0/1 key per
``includes_any`` test of the rule base, since the engine compares numbers, not list items.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from icitrace.profile.model import Band, Profile, possible
from icitrace.rulebase.conditions import FINDING_FACT
from icitrace.rulebase.operators import names_any

PROFILE = "profile"
FINDING = FINDING_FACT


def band_keys(field: str) -> tuple[str, str, str]:
    """The fact keys holding a banded field's bounds: (at least, below, at most). A band sets at most one
    of its two kinds of top, and never the field's own key, so a test of the number and the tests of the
    band can never both hold (``operators._Threshold``)."""
    return f"{field}__lo", f"{field}__hi", f"{field}__max"


def count_key(field: str) -> str:
    """The fact key holding a list field's length."""
    return f"{field}__n"


class ListTest(NamedTuple):
    """Does list ``field`` name one of ``items`` (normalised)? Answered in the fact under ``key``."""

    key: str
    field: str
    items: frozenset[str]

    def holds(self, values: list[str]) -> bool:
        return names_any(values, self.items)


def profile_fact(profile: Profile, list_tests: Iterable[ListTest]) -> dict[str, object]:
    """The profile's known values, each list's length, and the answer of each ``includes_any`` test of
    the rule base (``pipeline.fact_of`` passes the compiled ruleset's tests)."""
    fact: dict[str, object] = {"t": PROFILE}
    known = profile.known()
    for name, value in known.items():
        if isinstance(value, Band):
            # The band as the other fields narrow it (``profile.possible``), the reading's own bounds: a
            # CPS band >=5 <70 beside a TPS of 60 is >=60 <70 here too, so that both decide alike.
            bounds = possible(name, known)[0]
            lo, below, at_most = band_keys(name)
            if math.isfinite(bounds.low):
                fact[lo] = bounds.low
            if math.isfinite(bounds.high):
                fact[below if bounds.high_open else at_most] = bounds.high
            continue
        fact[name] = value
        if isinstance(value, list):
            fact[count_key(name)] = len(value)
    for test in list_tests:
        if test.field in known:
            fact[test.key] = int(test.holds(known[test.field]))  # type: ignore[arg-type]
    return fact


def finding_fact(finding_id: str, kind: str, ordinal: int) -> dict[str, object]:
    """A derived finding; ``n`` numbers the findings of one kind in the order they were derived."""
    return {"t": FINDING, "id": finding_id, "kind": kind, "n": ordinal}
