"""The shipped Gherkin step library: write scenarios about the rule base without any Python.

One regular expression per family of sentences (pytest-bdd silently picks one definition when two
match, docs/pytest-bdd.md), each matched in full. Every step fails with a message that names what was wrong
and lists what would have been valid.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from pytest_bdd import given, parsers, then, when

from icitrace.bdd import sentences as say
from icitrace.bdd.sentences import SENTENCES, Sentence
from icitrace.errors import did_you_mean, near

# The engine, the models and the renderers are imported by the steps that use them, not here: this
# module is a pytest plugin in every project that has pytest-bdd, and a session with no icitrace
# scenario must not pay for (or load) durable-rules' C engine.
if TYPE_CHECKING:
    from icitrace.profile.model import Profile
    from icitrace.result.model import Result

#: every step pattern of the library: a scenario is icitrace's when one of its steps matches one, and
#: the guards below touch no other scenario (an unrelated pytest-bdd suite runs as if icitrace were absent)
PATTERNS: list[tuple[re.Pattern[str], Sentence]] = []

#: environment variable naming a rule directory for scenarios (default: the shipped rules)
RULES_ENV = "ICITRACE_RULES"


@dataclass
class Case:
    """What one scenario has built so far: the profile data, then the result."""

    data: dict[str, Any] = field(default_factory=dict)
    result: Result | None = None
    feature_dir: Path = field(default_factory=Path.cwd)
    #: run through the real `icitrace` command (scenarios tagged @cli) instead of in-process
    via_cli: bool = False
    #: every result this scenario produced, for `icitrace rules coverage`
    history: list[Result] = field(default_factory=list)
    #: the profile evaluated last (for why-not), or the message it was refused with
    profile: Profile | None = None
    refused: str | None = None


@pytest.fixture
def icitrace_case() -> Case:
    return Case()


def _fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


def _choose(kind: str, word: str, valid: Any) -> None:
    valid = list(valid)
    if word not in valid:
        _fail(f"unknown {kind} {word!r}{did_you_mean(word, valid, 3, quote=chr(39))}. Valid: {', '.join(valid)}")


def _choose_conclusion(kind: str, cid: str, book: Any) -> None:
    """``cid`` as a finding or a strategy id, saying so when it is the other kind."""
    ids = {"finding": book.catalog.findings, "strategy": book.catalog.strategies}
    other = "strategy" if kind == "finding" else "finding"
    if cid not in ids[kind] and cid in ids[other]:
        _fail(f'{cid!r} is a {other}, not a {kind}: write the {other} "{cid}"')
    _choose(kind, cid, ids[kind])


def _result(case: Case) -> Result:
    if case.refused is not None:
        _fail(f"the profile was refused, so there is no result: {case.refused}")
    if case.result is None:
        _fail('no result yet: add "When the profile is evaluated" before the Then steps')
    return case.result  # type: ignore[return-value]


def _step(sentence: Sentence) -> Any:
    """Register the sentence's step, matched in full, and remember its pattern (``uses_icitrace``)."""
    PATTERNS.append((re.compile(sentence.pattern), sentence))
    decorator = {"Given": given, "When": when, "Then": then}[sentence.keyword]
    return decorator(parsers.re(sentence.pattern))


def _worded_as_ours(text: str) -> Sentence | None:
    return next((sentence for pattern, sentence in PATTERNS if pattern.fullmatch(text)), None)


def uses_icitrace(request: Any, scenario: Any) -> bool:
    """Whether a step of ``scenario`` is this library's: worded as one of its sentences and not bound
    to a definition of the project's own (a project's own step with the same words wins, and its
    scenario stays the project's: the guards below leave it alone)."""
    return any(_is_ours(request, step.type, step.name) for step in scenario.steps)


def _is_ours(request: Any, kind: str, text: str) -> bool:
    """Worded as one of our sentences and bound to our definition, or to none (our sentence under
    another keyword: the lookup error explains it)."""
    if _worded_as_ours(text) is None:
        return False
    bound = _bound_definition(request, SimpleNamespace(type=kind, name=text))
    return bound is None or bound.step_func.__module__ == __name__


def _bound_definition(request: Any, step: Any) -> Any:
    """The step definition pytest-bdd binds ``step`` to, or None (pytest-bdd's own lookup)."""
    try:
        from pytest_bdd.scenario import get_step_function
    except ImportError:  # another pytest-bdd: fall back to the wording alone
        return None
    return get_step_function(request, step)


# --- Given -------------------------------------------------------------------------------------


@_step(say.GIVEN_PROFILE_FILE)
def given_profile_file(name: str, icitrace_case: Case) -> None:
    from icitrace.profile.reading import ProfileError, read_profile

    path = _find_profile(name, icitrace_case.feature_dir)
    try:
        profile = read_profile(str(path))
    except ProfileError as error:
        _fail(str(error))
    icitrace_case.data = profile.model_dump(exclude_none=True, exclude={"schema_ref"})


def _find_profile(name: str, feature_dir: Path) -> Path:
    """From the feature file's folder, then the working directory, then the shipped profiles."""
    from icitrace.pipeline import shipped_dir

    shipped = shipped_dir("profiles")
    for candidate in (feature_dir / name, Path.cwd() / name, shipped / name, shipped / f"{name}.json"):
        if candidate.is_file():
            return candidate
    names = sorted(p.stem for p in shipped.glob("*.json"))
    _fail(f"profile {name!r} not found next to the feature file, in the working directory, or among "
          f"the shipped profiles ({', '.join(names)})")
    raise AssertionError  # unreachable


@_step(say.GIVEN_TABLE)
def given_profile_table(datatable: list[list[str]], icitrace_case: Case) -> None:
    rows = [row for row in datatable if row and row[0].strip().lower() != "field"]
    for row in rows:
        if len(row) != 2:
            _fail(f"each row of the table is | field | value |, got {row}")
        _set(icitrace_case, row[0].strip(), row[1].strip())


@_step(say.GIVEN_FIELD)
def given_field(name: str, value: str, icitrace_case: Case) -> None:
    _set(icitrace_case, name, value.strip())


def _set(case: Case, name: str, text: str) -> None:
    from icitrace.profile.editing import EditError, typed_value

    try:
        value = typed_value(name, text)
    except EditError as error:
        _fail(str(error))
    case.result = None
    if value is None:
        case.data.pop(name, None)
    else:
        case.data[name] = value


# --- When --------------------------------------------------------------------------------------


@_step(say.WHEN_EVALUATED)
def when_evaluated(icitrace_case: Case) -> None:
    # A refusal is kept for "the profile is refused with"; any other Then fails on it (_result).
    from icitrace.pipeline import evaluate_validated
    from icitrace.profile.reading import ProfileError, validate

    icitrace_case.result, icitrace_case.refused, icitrace_case.profile = None, None, None
    try:
        profile: Profile = validate(dict(icitrace_case.data), "scenario profile", default_id="scenario")
    except ProfileError as error:
        icitrace_case.refused = str(error)
        return
    result = _run_cli(profile) if icitrace_case.via_cli else evaluate_validated(profile, _book())
    icitrace_case.result, icitrace_case.profile = result, profile
    icitrace_case.history.append(result)


def icitrace_command() -> list[str]:
    """The installed console script beside this interpreter: the real command users run."""
    script = Path(sys.executable).with_name("icitrace")
    return [str(script) if script.exists() else shutil.which("icitrace") or "icitrace"]


def _run_cli(profile: Profile) -> Result:
    """The same evaluation through the installed command, JSON over a pipe (about 10x slower)."""
    from icitrace.result.model import Result

    rules = ["--rules", os.environ[RULES_ENV]] if os.environ.get(RULES_ENV) else []
    command = [*icitrace_command(), "suggest", "-", "--format", "json", *rules]
    done = subprocess.run(command, input=profile.model_dump_json(by_alias=True, exclude_none=True).encode(),
                          capture_output=True, timeout=120)
    if done.returncode != 0:
        _fail(f"icitrace exited {done.returncode}: {done.stderr.decode()}")
    return Result.model_validate_json(done.stdout)


def _fields() -> tuple[str, ...]:
    from icitrace.profile.model import reasoned_fields

    return reasoned_fields()


def _book():  # noqa: ANN202
    """The rule base the scenarios speak about: $ICITRACE_RULES, else the shipped rules. One that cannot
    be used fails the step with the CLI's words, a problem a line."""
    from icitrace.errors import RulesError
    from icitrace.service import load_rules, rules_refusal

    try:
        return load_rules(os.environ.get(RULES_ENV) or None)
    except RulesError as error:
        _fail("\n  ".join(rules_refusal(error)))


# --- Then --------------------------------------------------------------------------------------


@_step(say.THEN_FINDING)
def then_finding(fid: str, neg: str | None, rule: str | None, icitrace_case: Case) -> None:
    book = _book()
    _choose_conclusion("finding", fid, book)
    _check(fid, "finding", "inferred", neg, rule, _result(icitrace_case).reached_by(fid), book)


@_step(say.THEN_STRATEGY)
def then_strategy(sid: str, neg: str | None, rule: str | None, icitrace_case: Case) -> None:
    book = _book()
    _choose_conclusion("strategy", sid, book)
    _check(sid, "strategy", "suggested", neg, rule, _result(icitrace_case).reached_by(sid), book)


def _conclusion_state(kind: str, cid: str, case: Case) -> tuple[str, list[str]]:
    """("reached", its rules) / ("undecided", the rules waiting) / ("ruled out", [])."""
    _choose_conclusion(kind, cid, _book())
    result = _result(case)
    if reached := result.reached_by(cid):
        return "reached", reached
    waiting = result.waiting_for(cid)
    return ("undecided", waiting) if waiting else ("ruled out", [])


def _state_words(kind: str, state: str, rules: list[str]) -> str:
    verb = "inferred" if kind == "finding" else "suggested"
    return {"reached": f"{verb} by: {', '.join(rules)}", "undecided": f"undecided (waiting: {', '.join(rules)})",
            "ruled out": "ruled out: every rule that concludes it was decided not to fire"}[state]


@_step(say.THEN_UNDECIDED)
def then_conclusion_undecided(kind: str, cid: str, icitrace_case: Case) -> None:
    state, rules = _conclusion_state(kind, cid, icitrace_case)
    if state != "undecided":
        _fail(f"expected {kind} {cid!r} to be undecided, but it was {_state_words(kind, state, rules)}")


@_step(say.THEN_RULED_OUT)
def then_conclusion_ruled_out(kind: str, cid: str, icitrace_case: Case) -> None:
    state, rules = _conclusion_state(kind, cid, icitrace_case)
    if state != "ruled out":
        _fail(f"expected {kind} {cid!r} to be ruled out, but it was {_state_words(kind, state, rules)}")


def _check(cid: str, kind: str, verb: str, neg: str | None, rule: str | None, rules: list[str], book: Any) -> None:
    if rule is not None:
        _choose("rule", rule, book.by_id)
        if book.by_id[rule].then.id != cid:
            _fail(f"rule {rule!r} concludes {book.by_id[rule].then.id!r}, never {kind} {cid!r}")
    held = (rule in rules) if rule else bool(rules)
    want = not neg
    if held != want:
        how = f" by rule {rule!r}" if rule else ""
        seen = f" (it was {verb} by: {', '.join(rules)})" if rules else ""
        _fail(f"expected {kind} {cid!r} {'' if want else 'not '}{verb}{how}, but it was"
              f"{'' if held else ' not'}{seen}")


@_step(say.THEN_RULE)
def then_rule_fires(rid: str, verb: str, icitrace_case: Case) -> None:
    """`fires`, `does not fire` (for either reason), `is decided not to fire` (its conditions are false),
    `is undecided` (a field it reads is unknown, so it neither fired nor was ruled out)."""
    _choose("rule", rid, _book().by_id)
    result = _result(icitrace_case)
    if any(t.rule == rid for t in result.trace):
        state = "fired"
    elif any(n.rule == rid for n in result.not_evaluated):
        state = "was undecided"
    else:
        state = "was decided not to fire"
    verb = " ".join(verb.split())
    expected, wanted = {
        "fires": ("to fire", {"fired"}),
        "does not fire": ("not to fire", {"was undecided", "was decided not to fire"}),
        "is decided not to fire": ("to be decided not to fire", {"was decided not to fire"}),
        "is undecided": ("to be undecided", {"was undecided"}),
    }[verb]
    if state not in wanted:
        missing = next((n.missing for n in result.not_evaluated if n.rule == rid), [])
        why = f" ({', '.join(missing)} unknown)" if missing else ""
        _fail(f"expected rule {rid!r} {expected}, but it {state}{why}")


@_step(say.THEN_NOT_EVALUATED)
def then_rule_not_evaluated(rid: str, name: str, icitrace_case: Case) -> None:
    _choose("rule", rid, _book().by_id)
    _choose("profile field", name, _fields())
    entry = next((n for n in _result(icitrace_case).not_evaluated if n.rule == rid), None)
    if entry is None or name not in entry.missing:
        state = f"it misses {', '.join(entry.missing)}" if entry else "it was evaluated"
        _fail(f"expected rule {rid!r} not to be evaluated for lack of {name!r}, but {state}")


@_step(say.THEN_NO_FINDING)
def then_no_finding(icitrace_case: Case) -> None:
    found = sorted({f.id for f in _result(icitrace_case).findings})
    if found:
        _fail(f"expected no finding, got: {', '.join(found)}")


@_step(say.THEN_MENTIONS)
def then_rationale(text: str, icitrace_case: Case) -> None:
    from icitrace.render.text import render_text

    rationale = render_text([_result(icitrace_case)])
    # The text is wrapped at 100 columns: a phrase may run across a line break and its indent.
    if " ".join(text.split()) not in " ".join(rationale.split()):
        _fail(f"the rationale does not mention {text!r}; it reads:\n{rationale}")


@_step(say.THEN_CITES)
def then_cites_review(icitrace_case: Case) -> None:
    from icitrace.rulebase.model import REVIEW_CITATION as review_citation

    result = _result(icitrace_case)
    for item in [*result.findings, *result.strategies]:
        if not any(review_citation.match(c) for c in item.citations):
            _fail(f"{item.id} cites no reference of the review: {item.citations}")


@_step(say.THEN_RULED_OUT_BY)
def then_rule_ruled_out_by(rid: str, name: str, icitrace_case: Case) -> None:
    from icitrace.reasoning.explain import rule_route
    from icitrace.reasoning.verdicts import assess

    book = _book()
    _choose("rule", rid, book.by_id)
    _choose("profile field or finding", name, [*_fields(), *book.catalog.findings])
    _result(icitrace_case)
    profile = icitrace_case.profile
    route = rule_route(book, profile, assess(book, profile), rid)
    if route.status != "failed":
        state = {"fired": "fired", "undecided": f"was undecided ({', '.join(route.missing)} unknown)"}[route.status]
        _fail(f"expected rule {rid!r} to be ruled out by {name!r}, but it {state}")
    first = route.checks[-1]  # a failed route's checks stop at the first that fails
    reads = first.field or (first.finding.id if first.finding else None)
    if reads != name:
        _fail(f"expected rule {rid!r} to be ruled out by {name!r}, but its first failing condition is: "
              f"{first.condition}")


@_step(say.THEN_BORDERLINE)
def then_borderline(name: str, neg: str | None, icitrace_case: Case) -> None:
    _choose("profile field", name, _fields())
    near = [b for b in _result(icitrace_case).borderline if b.field == name]
    if bool(near) == bool(neg):
        from icitrace.render.prose import closeness

        _fail(f"expected field {name!r} {'not ' if neg else ''}borderline, but "
              + (f"it is: {closeness(near[0])}" if near else "it is not within the margin of any cut-off a rule reads"))


@_step(say.THEN_DECIDING_UNKNOWN)
def then_deciding_unknown(name: str, icitrace_case: Case) -> None:
    _choose("profile field", name, _fields())
    ranked = _result(icitrace_case).deciding_unknowns
    if not ranked or ranked[0].field != name:
        order = ", ".join(m.field for m in ranked[:5]) or "none (no undecided rule waits on an unknown field)"
        _fail(f"expected {name!r} to be the deciding unknown, but the deciding unknowns are: {order}")


@_step(say.THEN_NEXT_MEASUREMENT)
def then_next_measurement(name: str, icitrace_case: Case) -> None:
    then_deciding_unknown(name, icitrace_case)


def _suggested(sid: str, case: Case) -> Any:
    _choose("strategy", sid, _book().catalog.strategies)
    strategy = next((s for s in _result(case).strategies if s.id == sid), None)
    if strategy is None:
        _fail(f"strategy {sid!r} is not suggested, so the result says nothing of its maturity or evidence")
    return strategy


@_step(say.THEN_MATURITY)
def then_maturity(sid: str, stage: str, icitrace_case: Case) -> None:
    _choose("maturity stage", stage, _book().catalog.maturity_stages)
    strategy = _suggested(sid, icitrace_case)
    shown = strategy.maturity.stage if strategy.maturity else "none given"
    if shown != stage:
        _fail(f"expected strategy {sid!r} at the stage {stage!r}, but it is at {shown!r}")


@_step(say.THEN_EVIDENCE)
def then_evidence(sid: str, evidence: str, icitrace_case: Case) -> None:
    from icitrace.rulebase.model import EVIDENCE_ORDER  # firmest first; imported when a scenario asks

    strategy = _suggested(sid, icitrace_case)
    best = min((r.chain_evidence for r in strategy.routes), key=EVIDENCE_ORDER.index)
    if best != evidence:
        routes = "; ".join(f"{r.rule}: {r.chain_evidence}" for r in strategy.routes)
        _fail(f"expected strategy {sid!r} to rest at best on {evidence} evidence, but its firmest route is "
              f"{best} ({routes})")


@_step(say.THEN_REFUSED)
def then_refused(text: str, icitrace_case: Case) -> None:
    if icitrace_case.refused is None:
        evaluated = icitrace_case.result is not None
        _fail(f"expected the profile to be refused with {text!r}, but it was "
              + ("accepted and evaluated" if evaluated else 'not evaluated: add "When the profile is evaluated"'))
    if " ".join(text.split()) not in " ".join(icitrace_case.refused.split()):
        _fail(f"expected the profile to be refused with {text!r}, but the message is: {icitrace_case.refused}")


# --- guards against scenarios that pass without checking anything (docs/pytest-bdd.md) ---------------------


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "cli: the scenario runs the real icitrace command in a subprocess")


def pytest_bdd_before_scenario(request: Any, feature: Any, scenario: Any) -> None:
    # A name repeated in the file hides all but the last scenario of that name: refused where one of
    # them uses icitrace's steps (the hidden one may be ours, whatever runs in its place).
    same_name = _scenarios_by_name(feature.filename).get(scenario.name, [])
    if len(same_name) > 1 and any(_is_ours(request, kind, text) for _, steps in same_name for kind, text in steps):
        lines = " and ".join(str(line) for line, _ in same_name)
        pytest.fail(f'{feature.rel_filename}: the scenario name "{scenario.name}" is used at lines {lines}; '
                    "pytest-bdd silently runs only the last of them: give each its own name", pytrace=False)
    if not uses_icitrace(request, scenario):
        return
    case = request.getfixturevalue("icitrace_case")
    case.feature_dir = Path(feature.filename).parent
    case.via_cli = "cli" in scenario.tags
    if not any(step.type == "then" for step in scenario.steps):
        pytest.fail(f'scenario "{scenario.name}" ({feature.rel_filename}) has no Then step, so it would '
                    "pass without checking anything; add at least one Then", pytrace=False)


@functools.lru_cache(maxsize=None)
def _scenarios_by_name(filename: str) -> dict[str, list[tuple[int, list[tuple[str, str]]]]]:
    """Scenario name -> [(line, [(step type, text), ...]), ...] for every scenario of the file. Read
    with the Gherkin parser itself, so a feature in any language (`# language: fr`) reads alike."""
    from gherkin.parser import Parser

    document = Parser().parse(Path(filename).read_text(encoding="utf-8"))
    found: dict[str, list[tuple[int, list[tuple[str, str]]]]] = {}
    children = list((document.get("feature") or {}).get("children", []))
    while children:
        child = children.pop(0)
        if "rule" in child:  # scenarios grouped under a Rule
            children[0:0] = child["rule"].get("children", [])
        elif "scenario" in child:
            scenario, steps, kind = child["scenario"], [], "given"
            for step in scenario.get("steps", []):  # And and But take the kind before them
                kind = {"Context": "given", "Action": "when", "Outcome": "then"}.get(step.get("keywordType"), kind)
                steps.append((kind, step["text"]))
            found.setdefault(scenario["name"], []).append((scenario["location"]["line"], steps))
    return found


def pytest_bdd_step_func_lookup_error(request: Any, feature: Any, scenario: Any, step: Any, exception: Any) -> None:
    if not uses_icitrace(request, scenario):  # another library's scenario: pytest-bdd's own error stands
        return
    written = f"{step.keyword} {step.name}"
    where = f"line {step.line_number} of {feature.rel_filename}"
    sentence = _worded_as_ours(step.name)
    if sentence is not None:  # our sentence under another keyword (And/But continue the one before)
        pytest.fail(f'"{written}" ({where}) is a {sentence.keyword} sentence, but here it counts as a '
                    f"{step.type.capitalize()} (And and But take the keyword before them): write it as "
                    f'"{sentence.keyword} {step.name}", or move it', pytrace=False)
    shape = lambda s: re.sub(r'"[^"]*"|\b\d+(\.\d+)?\b', '"…"', s)  # noqa: E731 - compare sentence shapes
    closest = near(shape(written), [shape(s) for s in SENTENCES], n=3, cutoff=0.4)
    examples = [s for s in SENTENCES if shape(s) in closest]
    hint = "\n".join(f"  {s}" for s in dict.fromkeys(examples)) or "  (`icitrace bdd steps` lists them)"
    pytest.fail(f'no icitrace step matches "{written}" ({where}).\nNearest shipped sentences:\n{hint}',
                pytrace=False)
