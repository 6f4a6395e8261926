"""A differential check of a rule base: the engine against the three-valued reading of the same rules.

The engine decides what fires; the reading explains why and why not. They must agree, rule by rule, or
an explanation would contradict the result. ``icitrace rules lint`` runs this on the rule directory it
checks, with profiles drawn to sit on and around that rule base's own cut-offs and list items.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from icitrace.engine.durable import EngineError
from icitrace.pipeline import compiled, engine_of, fact_of
from icitrace.profile.model import (
    ORDERED_FIELDS,
    Profile,
    always_below,
    as_numeric,
    band_labels,
    field_bounds,
    field_kind,
    field_levels,
    reasoned_fields,
)
from icitrace.reasoning.verdicts import assess
from icitrace.rulebase.book import RuleBook


@dataclass
class Disagreement:
    rule: str
    #: profiles where the engine fired the rule but the reading says it does not hold, and the reverse
    engine_only: int = 0
    reading_only: int = 0
    example: dict = field(default_factory=dict)


@dataclass
class Check:
    profiles: int
    disagreements: list[Disagreement]
    #: profiles the engine refused (an error it reported), with the first one
    engine_errors: int = 0
    first_error: str = ""


def check(book: RuleBook, n: int = 2000, seed: int = 0) -> Check:
    """Run ``n`` generated profiles through both and collect every rule on which they disagree."""
    rng = random.Random(seed)
    points = _points(book)
    items = sorted({i for t in compiled(book).list_tests for i in t.items})
    found: dict[str, Disagreement] = {}
    errors, first = 0, ""
    for _ in range(n):
        data = _profile(rng, points, items)
        profile = Profile.model_validate(data, strict=True)
        try:
            fired = {f.rule for f in engine_of(book, profile.has_band()).run(fact_of(profile, book))}
        except EngineError as error:
            errors, first = errors + 1, first or f"{error} ({data})"
            continue
        holds = {rule for rule, verdict in assess(book, profile).items() if verdict.holds}
        for rule in fired ^ holds:
            entry = found.setdefault(rule, Disagreement(rule, example=data))
            if rule in fired:
                entry.engine_only += 1
            else:
                entry.reading_only += 1
    order = {r.id: i for i, r in enumerate(book.rules)}
    return Check(n, sorted(found.values(), key=lambda d: order[d.rule]), errors, first)


def _points(book: RuleBook) -> dict[str, list[float]]:
    """Values on and around each cut-off of the rule base, within the field's range."""
    points: dict[str, list[float]] = {}
    for cutoff in book.cutoffs.values():
        least, most = field_bounds(cutoff.field)
        for value in (cutoff.value, cutoff.value - cutoff.margin.below, cutoff.value + cutoff.margin.above,
                      round(cutoff.value - 0.1, 4), round(cutoff.value + 0.1, 4)):
            if least <= value <= most:
                points.setdefault(cutoff.field, []).append(float(value))
    return points


def _profile(rng: random.Random, points: dict[str, list[float]], items: list[str]) -> dict:
    data: dict = {}
    for name in reasoned_fields():
        if rng.random() < 0.3:
            continue
        kind = field_kind(name)
        if kind == "number":
            least, most = field_bounds(name)
            near = points.get(name)
            value = rng.choice(near) if near and rng.random() < 0.5 else round(rng.uniform(least, min(most, 100)), 1)
            data[name] = _band(rng, value, near or [value]) if rng.random() < 0.2 else value
            if band_labels(name) and rng.random() < 0.2:  # a level as the assay reports it (IC2+): read as its band
                data[name] = rng.choice(sorted(band_labels(name)))
        elif kind == "bool":
            data[name] = rng.random() < 0.5
        elif kind == "list":
            pool = items + ["an item no rule names"]
            data[name] = rng.sample(pool, rng.randint(0, min(3, len(pool))))
        else:
            data[name] = rng.choice(field_levels(name))
    for smaller, larger in ORDERED_FIELDS:  # never an impossible profile
        if smaller in data and larger in data and always_below(as_numeric(data[larger]), as_numeric(data[smaller])):
            del data[smaller]
    return data


def _band(rng: random.Random, value: float, near: list[float]) -> dict:
    """A band with an edge at ``value`` and, for a closed one, another at a point above it: bands on the
    cut-offs and across them, so that the ruleset that reads bands is checked too."""
    above = [p for p in near if p > value]
    shape = rng.choice(("at_least", "below", "both") if above else ("at_least",))
    if shape == "below":
        return {"below": above[0]} if value == 0 else {"below": value}
    return {"at_least": value, **({"below": rng.choice(above)} if shape == "both" else {})}

