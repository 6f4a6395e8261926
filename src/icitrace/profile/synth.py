"""Reproducible synthetic hypothetical profiles, for tests, teaching and benchmarks.

Each field is unknown with probability ``p_unknown``; numbers are drawn so that a good share land
near the cut-offs, where rules change their answer.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from icitrace.profile.model import (
    always_below,
    as_numeric,
    band_labels,
    field_kind,
    field_levels,
    reasoned_fields,
)

#: values around the shipped cut-offs (TMB 10, TPS 1 and 50, CPS 10, SP142 IC 1 and 5) plus the range ends
_NUMBER_POINTS = {
    "tmb": (0, 0.5, 9.9, 10, 10.1, 10_000),
    "pd_l1_tps": (0, 0.9, 1, 49.9, 50, 100),
    "pd_l1_cps": (0, 9.9, 10, 100),
    "pd_l1_ic_sp142": (0, 0.9, 1, 4.9, 5, 10, 100),
}
_NUMBER_RANGE = {"tmb": (0, 60), "pd_l1_tps": (0, 100), "pd_l1_cps": (0, 100), "pd_l1_ic_sp142": (0, 30)}
#: two the rules read as immune evasion and two they do not
_ALTERATIONS = ("WNT/beta-catenin activation", "PTEN loss", "KRAS mutation", "JAK1/2 loss")


def synth_profiles(n: int, seed: int = 0, p_unknown: float = 0.3, p_band: float = 0.0) -> Iterator[dict]:
    """``n`` profile dicts (valid input format v1), the same for the same seed; a known number is a band
    with probability ``p_band`` (0 by default, so that the numbers drawn for a seed never change)."""
    rng = random.Random(seed)
    for index in range(n):
        profile: dict = {"id": f"synth-{seed}-{index}"}
        for name in reasoned_fields():
            if rng.random() < p_unknown:
                continue
            band = p_band and field_kind(name) == "number" and rng.random() < p_band
            profile[name] = _band(rng, name) if band else _value(rng, name)
        if any(isinstance(profile.get(f), dict) for f in ("pd_l1_tps", "pd_l1_cps")):
            _possible_pd_l1_bands(profile)
        else:
            _possible_pd_l1(rng, profile)
        yield profile


def _band(rng: random.Random, name: str) -> dict | str:
    """A band with edges on and around the cut-offs: open below, open above, or closed; for a field with
    band labels, half the time one of its labels (IC2+), as an assay reports it."""
    if band_labels(name) and rng.random() < 0.5:
        return rng.choice(sorted(band_labels(name)))
    edges = sorted(rng.sample(sorted({float(p) for p in _NUMBER_POINTS[name]} - {0.0}), 2))
    shape = rng.choice(("at_least", "below", "both"))
    if shape == "at_least":
        return {"at_least": edges[0]}
    if shape == "below":
        return {"below": edges[1]}
    return {"at_least": edges[0], "below": edges[1]}


def _possible_pd_l1_bands(profile: dict) -> None:
    """A TPS that a banded or exact CPS rules out (every CPS below every TPS) is left unknown."""
    tps, cps = profile.get("pd_l1_tps"), profile.get("pd_l1_cps")
    if tps is not None and cps is not None and always_below(as_numeric(cps), as_numeric(tps)):
        del profile["pd_l1_tps"]



def _possible_pd_l1(rng: random.Random, profile: dict) -> None:
    """CPS can never be below TPS on one sample (the model refuses such a profile): when it was drawn
    below, CPS keeps its draw and TPS is drawn again at or below it, by the same scheme (a point near a
    cut-off with probability 0.3, else uniform)."""
    tps, cps = profile.get("pd_l1_tps"), profile.get("pd_l1_cps")
    if tps is None or cps is None or cps >= tps:
        return
    points = [p for p in _NUMBER_POINTS["pd_l1_tps"] if p <= cps]
    if rng.random() < 0.3:
        profile["pd_l1_tps"] = float(rng.choice(points))
    else:
        profile["pd_l1_tps"] = min(cps, round(rng.uniform(0, cps), 1))


def _value(rng: random.Random, name: str) -> object:
    kind = field_kind(name)
    if kind == "number":
        if rng.random() < 0.3:
            return float(rng.choice(_NUMBER_POINTS[name]))
        low, high = _NUMBER_RANGE[name]
        return round(rng.uniform(low, high), 1)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "list":
        return rng.sample(_ALTERATIONS, rng.randint(0, 2))
    return rng.choice(field_levels(name))
