"""Profile -> the one fact the engine sees.

Only known values go in: an unknown field is simply absent, and the rule model (not the engine)
decides what that leaves unevaluated. A banded number goes in as its bounds, under their own keys. Lists travel with their length, and with one 0/1 key per
``includes_any`` test of the rule base, since the engine compares numbers, not list items.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from icitrace.profile.model import Band, Profile, normal_item

PROFILE = "profile"
FINDING = "finding"


def band_keys(field: str) -> tuple[str, str]:
    """The fact keys holding a banded field's bounds: (at least, below). A band never sets the field's own
    key, so a test of the number and a test of the band can never both hold (``operators._Threshold``)."""
    return f"{field}__lo", f"{field}__hi"


def count_key(field: str) -> str:
    """The fact key holding a list field's length."""
    return f"{field}__n"


class ListTest(NamedTuple):
    """Does list ``field`` name one of ``items`` (normalised)? Answered in the fact under ``key``."""

    key: str
    field: str
    items: frozenset[str]

    def holds(self, values: list[str]) -> bool:
        return any(normal_item(v) in self.items for v in values)


def profile_fact(profile: Profile, list_tests: Iterable[ListTest]) -> dict[str, object]:
    """The profile's known values, each list's length, and the answer of each ``includes_any`` test of
    the rule base (``pipeline.fact_of`` passes the compiled ruleset's tests)."""
    fact: dict[str, object] = {"t": PROFILE}
    known = profile.known()
    for name, value in known.items():
        if isinstance(value, Band):
            for key, bound in zip(band_keys(name), (value.at_least, value.below)):
                if bound is not None:
                    fact[key] = bound
            continue
        fact[name] = value
        if isinstance(value, list):
            fact[count_key(name)] = len(value)
    for test in list_tests:
        if test.field in known:
            fact[test.key] = int(test.holds(known[test.field]))  # type: ignore[arg-type]
    return fact


def fact_value(fact: dict, field: str) -> object:
    """A field's value as the engine matched it: the number, list or word, or the band its bounds make."""
    if field in fact:
        return fact[field]
    low, high = (fact.get(key) for key in band_keys(field))
    return Band(at_least=low, below=high)


def finding_fact(finding_id: str, kind: str, ordinal: int) -> dict[str, object]:
    """A derived finding; ``n`` numbers the findings of one kind in the order they were derived."""
    return {"t": FINDING, "id": finding_id, "kind": kind, "n": ordinal}
