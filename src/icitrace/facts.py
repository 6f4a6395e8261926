"""Profile -> the one fact the engine sees.

Only known values go in: an unknown field is simply absent, and the rule model (not the engine)
decides what that leaves unevaluated. Lists travel with their length, since the engine compares
numbers, not lists.
"""

from __future__ import annotations

from .profile import Profile

PROFILE = "profile"
FINDING = "finding"


def count_key(field: str) -> str:
    """The fact key holding a list field's length."""
    return f"{field}__n"


def profile_fact(profile: Profile) -> dict[str, object]:
    fact: dict[str, object] = {"t": PROFILE}
    for name, value in profile.known().items():
        fact[name] = value
        if isinstance(value, list):
            fact[count_key(name)] = len(value)
    return fact


def finding_fact(finding_id: str, kind: str, ordinal: int) -> dict[str, object]:
    """A derived finding; ``n`` numbers the findings of one kind in the order they were derived."""
    return {"t": FINDING, "id": finding_id, "kind": kind, "n": ordinal}
