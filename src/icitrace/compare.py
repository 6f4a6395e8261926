"""What if: two evaluations side by side (``icitrace diff``) and one field swept across its range
(``icitrace sweep``). Both read results and explanations; neither reasons on its own."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from icitrace import DISCLAIMER, __version__
from icitrace.profile.editing import EditError, apply_changes
from icitrace.profile.model import Profile, field_bounds, field_kind, implied_bounds
from icitrace.reasoning.explain import explain
from icitrace.reasoning.verdicts import assess
from icitrace.result.model import Result
from icitrace.rulebase.book import Override, RuleBook


class Shift(BaseModel):
    """A finding or strategy gained or lost, and the rule(s) that decided it."""

    id: str
    kind: str
    rules: list[str]
    #: for a loss: where each of those rules now stops (first failing condition, or the unknown fields)
    now: list[str] = []


class Stamped(BaseModel):
    """What every output states of its making, as a result does: icitrace, the rules, and each cut-off
    ``--threshold`` moved for the run (a moved line is never silent)."""

    disclaimer: str
    icitrace_version: str
    rules_version: str
    rules_digest: str
    overrides: list[Override]


def stamp(book: RuleBook) -> dict[str, Any]:
    """The ``Stamped`` fields for a run on ``book``."""
    return {"disclaimer": DISCLAIMER, "icitrace_version": __version__, "rules_version": book.version,
            "rules_digest": book.digest, "overrides": list(book.overrides)}


class Diff(Stamped):
    a: str
    b: str
    changed_fields: list[dict[str, Any]]
    gained: list[Shift]
    lost: list[Shift]


def diff(book: RuleBook, a: Result, b: Result) -> Diff:
    fields = sorted(set(a.profile.values) | set(b.profile.values) | set(a.profile.unknown) | set(b.profile.unknown))
    changed = [{"field": f, "before": a.profile.values.get(f), "after": b.profile.values.get(f)}
               for f in fields if a.profile.values.get(f) != b.profile.values.get(f)]
    rules_a, rules_b = _conclusions(a), _conclusions(b)
    gained = [Shift(id=c, kind=k, rules=r) for (c, k), r in rules_b.items() if (c, k) not in rules_a]
    lost_keys = [(c, k) for (c, k) in rules_a if (c, k) not in rules_b]
    # B's known values are the profile the engine saw: rebuild it instead of reading the file again.
    profile_b = Profile.model_validate({"id": b.profile.id, **b.profile.values}, strict=True)
    verdicts_b = assess(book, profile_b)
    lost = []
    for cid, kind in lost_keys:
        routes = {r.rule: r for r in explain(book, profile_b, verdicts_b, cid).routes}
        now = [_where(rule, routes[rule]) for rule in rules_a[(cid, kind)]]
        lost.append(Shift(id=cid, kind=kind, rules=rules_a[(cid, kind)], now=now))
    return Diff(**stamp(book), a=a.profile.id, b=b.profile.id, changed_fields=changed, gained=gained, lost=lost)


def _conclusions(result: Result) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for f in result.findings:
        out.setdefault((f.id, "finding"), []).append(f.rule)
    for s in result.strategies:
        out[(s.id, "strategy")] = list(s.rules)
    return out


def _where(rule: str, route: Any) -> str:
    if route.status == "undecided":
        return f"{rule}: undecided, needs {', '.join(route.missing)}"
    failing = next((c for c in route.checks if c.status == "fails"), None)
    return f"{rule} does not fire: {failing.condition}" if failing else f"{rule}: {route.status}"


class Sweep(Stamped):
    profile: str
    field: str
    values: list[Any]
    #: conclusion id -> the runs of consecutive swept values where it holds, as [first, last]
    present: dict[str, list[list[Any]]]
    #: where along the sweep conclusions appear (+) or disappear (-), with the rules that decided it
    transitions: list[dict[str, Any]]
    #: swept values that the rest of the profile rules out (a CPS below the profile's TPS): [first, last]
    #: runs of them with the reason; they are not evaluated and not in `values`
    impossible: list[dict[str, Any]] = []


def sweep_profile(book: RuleBook, base: Profile, field: str, values: list[Any]) -> Sweep:
    """Evaluate ``base`` with ``field`` set to each of ``values`` (``service.plan_sweep``); a value the
    rest of the profile rules out (a TPS above its CPS) is not evaluated and is reported with the reason."""
    from icitrace.pipeline import evaluate

    others = {k: v for k, v in base.known().items() if k != field}
    bound = implied_bounds(field, others)[2]
    least, most = field_bounds(field) if field_kind(field) == "number" else (None, None)
    evaluated, impossible = [], []
    for index, value in enumerate(values):  # only each step's conclusions are kept: memory stays flat
        try:
            evaluated.append((value, _conclusions(evaluate(apply_changes(base, [(field, value)])[0], book))))
        except EditError as error:
            # the other fields' bound is the reason only for a value the field itself could take
            in_range = least is None or least <= value <= most
            impossible.append((index, value, bound if bound and in_range else str(error).removeprefix("after --set: ")))
    return sweep(book, field, evaluated, impossible, base.id or "profile")


def sweep(book: RuleBook, field: str, evaluated: list[tuple[Any, dict]], impossible: list[tuple[int, Any, str]],
          profile_id: str) -> Sweep:
    """Where each conclusion holds along the evaluated values (each value with the conclusions of its
    result, as ``_conclusions`` gives them); the impossible values (position in the sweep, value,
    reason) are reported apart, in runs of consecutive values with one reason."""
    numeric = field_kind(field) == "number"  # levels are listed one by one, numbers merged into runs
    values = [v for v, _ in evaluated]
    present: dict[str, list[list[Any]]] = {}
    transitions = []
    before: dict[str, list[str]] = {}
    for index, (value, conclusions) in enumerate(evaluated):
        now = {f"{k} {c}": r for (c, k), r in conclusions.items()}
        for key in now:
            runs = present.setdefault(key, [])
            if runs and key in before and numeric:
                runs[-1][1] = value
            else:
                runs.append([value, value])
        if index:
            gained = [f"+ {k} (by {', '.join(now[k])})" for k in now if k not in before]
            lost = [f"- {k} (was by {', '.join(before[k])})" for k in before if k not in now]
            if gained or lost:
                transitions.append({"at": value, "changes": gained + lost})
        before = now
    runs: list[dict[str, Any]] = []
    last = -2
    for index, value, reason in impossible:
        if runs and runs[-1]["reason"] == reason and index == last + 1:
            runs[-1]["at"][1] = value
        else:
            runs.append({"at": [value, value], "reason": reason})
        last = index
    return Sweep(**stamp(book), profile=profile_id, field=field, values=values, present=present,
                 transitions=transitions, impossible=runs)
