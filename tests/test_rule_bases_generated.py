"""Generated rule bases (hypothesis): whatever the loader accepts, `suggest`, `explain`, `batch` and
`rules lint` read without a traceback, and durable-rules fires exactly the rules the three-valued
reading says hold. Whatever it refuses, `rules lint` refuses too, with exit 2 and no traceback.

A base is a small catalogue of its own (a few findings of either kind, a few strategies), the shipped
cut-offs, and rules drawn from field tests, `finding:` references (cycles included) and `count:` joins.
Derandomized with a bounded number of examples, so CI runs the same bases each time in a few seconds.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from conftest import invoke, no_traceback
from icitrace.engine.compile import compile_rules
from icitrace.engine.durable import engine_for
from icitrace.pipeline import fact_of, shipped_dir
from icitrace.profile.model import Profile
from icitrace.profile.synth import synth_profiles
from icitrace.reasoning.verdicts import assess
from icitrace.rulebase.book import RulesError
from icitrace.rulebase.loading import load_rules

#: field tests some profile satisfies, each with the cut-off it reads (cited by the rule)
FIELD_TESTS = [
    ({"field": "tmb", "at_least": "tmb_high"}, "tmb_high"), ({"field": "tmb", "below": "tmb_high"}, "tmb_high"),
    ({"field": "pd_l1_tps", "below": "pd_l1_negative"}, "pd_l1_negative"),
    ({"field": "pd_l1_tps", "at_least": "pd_l1_high"}, "pd_l1_high"),
    ({"field": "pd_l1_cps", "below": "cps_keynote355"}, "cps_keynote355"),
    ({"field": "pd_l1_cps", "at_least": "cps_keynote355"}, "cps_keynote355"),
    ({"field": "hypoxia", "is": "high"}, None), ({"field": "tregs", "in": ["present", "abundant"]}, None),
    ({"field": "epigenetic_silencing", "is": True}, None), ({"field": "oncogenic_alterations", "not_empty": True}, None),
    ({"field": "oncogenic_alterations", "includes_any": ["PTEN loss", "WNT/beta-catenin activation"]}, None),
]
KINDS = ("mechanism", "biomarker signal")
PROFILES = ([{}, {"pd_l1_tps": 60, "pd_l1_cps": {"at_least": 5, "below": 70}}]
            + list(synth_profiles(10, seed=3)) + list(synth_profiles(8, seed=4, p_band=0.6)))


@st.composite
def rule_bases(draw: st.DrawFn) -> tuple[dict, list[dict]]:
    """(catalogue, rules): findings f0.., strategies s0.., each concluded by a rule or two. A finding's
    rules read only earlier findings, except in one base in five, where any reference goes (cycles,
    a finding twice, a finding beside a count of its kind: what the loader must refuse)."""
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=4))
    findings = [f"f{i}" for i in range(len(kinds))]
    strategies = [f"s{i}" for i in range(draw(st.integers(0, 2)))]
    wild = draw(st.integers(0, 4)) == 0
    rules = []
    for then in [*findings, *findings[: draw(st.integers(0, len(findings)))], *strategies]:
        is_strategy = then in strategies
        earlier = findings if wild or is_strategy else findings[: findings.index(then)]
        named = draw(st.lists(st.sampled_from(earlier), max_size=2, unique=not wild)) if earlier else []
        when = [({"finding": f}, None) for f in named]
        # a count reads every finding of its kind: all of them earlier, and none named beside it
        countable = [k for k in KINDS if k in kinds and (wild or (
            all(f in earlier for f, fk in zip(findings, kinds) if fk == k)
            and all(kinds[findings.index(f)] != k for f in named)))]
        if countable and draw(st.booleans()):
            when.append(({"count": {"kind": draw(st.sampled_from(countable)), "at_least": draw(st.integers(2, 3))}},
                         None))
        if is_strategy and not when:
            when.append(({"finding": draw(st.sampled_from(findings))}, None))
        when += [FIELD_TESTS[i] for i in draw(st.lists(st.integers(0, len(FIELD_TESTS) - 1), min_size=0 if when else 1,
                                                           max_size=2, unique=True))]
        rules.append({"when": [c for c, _ in when], "then": {"strategy" if is_strategy else "finding": then},
                      "citations": list(dict.fromkeys(c for _, c in when if c)),
                      "evidence": draw(st.sampled_from(("review-stated", "inferred-link", "external-cutoff")))})
    return _base(kinds, strategies, rules)


def _base(kinds: list[str], strategies: list[str], rules: list[dict]) -> tuple[dict, list[dict]]:
    """A whole base from its findings' kinds (f0, f1, ...), strategy ids and the rules' when, then and any
    cut-off citations: a catalogue with the shipped review, the rest of each rule filled in."""
    shipped = yaml.safe_load((shipped_dir("rules") / "catalog.yaml").read_text())
    entry = {"review": ["[2]"], "summary": "A generated entry for a generated rule base."}
    catalog = {"rules_version": "generated", "review": shipped["review"],
               "findings": {f"f{i}": {"label": f"finding f{i}", "kind": k, **entry} for i, k in enumerate(kinds)},
               "strategies": {s: {"label": f"strategy {s}", **entry} for s in strategies}}
    return catalog, [{"id": f"r{i}", "title": f"Generated rule {i}", "version": 1, "evidence": "inferred-link",
                      "explanation": "A generated rule that exists only to exercise the loader and the readers.",
                      **rule, "citations": ["[2]", *rule.get("citations", [])]} for i, rule in enumerate(rules)]


def _write(folder: Path, catalog: dict, rules: list[dict]) -> None:
    folder.mkdir()
    shutil.copy(shipped_dir("rules") / "cutoffs.yaml", folder / "cutoffs.yaml")
    # as JSON, which is YAML: without the anchors a YAML dumper writes for shared values (refused in rule files)
    (folder / "catalog.yaml").write_text(json.dumps(catalog, indent=1))
    (folder / "rules.yaml").write_text(json.dumps({"rules": rules}, indent=1))


def _count_cycle() -> tuple[dict, list[dict]]:
    """The crash of issue 23: a mechanism concluded from a count of mechanisms (once passed by the loader,
    then every `suggest` died in the reading)."""
    return _base(["mechanism", "mechanism"], [], [
        {"when": [{"field": "hypoxia", "is": "high"}], "then": {"finding": "f0"}},
        {"when": [{"field": "tmb", "at_least": "tmb_high"}], "then": {"finding": "f1"}, "citations": ["tmb_high"]},
        {"when": [{"count": {"kind": "mechanism", "at_least": 2}}], "then": {"finding": "f1"}}])


@settings(max_examples=20, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rule_bases())
@example(_count_cycle())
def test_whatever_the_loader_accepts_every_command_reads_and_the_engine_agrees(base):
    catalog, rules = base
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "rules"
        _write(folder, catalog, rules)
        lint = invoke("rules", "lint", "--rules", str(folder))
        no_traceback(lint)
        try:
            book = load_rules(folder)
        except RulesError:
            event("refused")
            assert lint.returncode == 2, lint.stderr.decode()
            return
        assert lint.returncode == 0, lint.stderr.decode()
        event("accepted")
        engines = {bands: engine_for(compile_rules(book, bands)) for bands in (False, True)}
        for data in PROFILES:
            profile = Profile.model_validate(data, strict=True)
            fired = [f.rule for f in engines[profile.has_band()].run(fact_of(profile, book))]
            holds = {rule for rule, verdict in assess(book, profile).items() if verdict.holds}
            assert len(fired) == len(set(fired)) and set(fired) == holds, (data, rules)
        cohort = Path(tmp) / "cohort.jsonl"
        cohort.write_text("".join(json.dumps(d) + "\n" for d in PROFILES[:6]))
        profile_file = Path(tmp) / "one.json"
        profile_file.write_text(json.dumps(PROFILES[2]))
        ids = [*catalog["findings"], *catalog["strategies"]]
        for args in (["suggest", str(profile_file), "--format", "json", *(a for i in ids for a in ("--why-not", i))],
                     ["explain", str(profile_file), ids[-1]],
                     ["batch", str(cohort), "--workers", "1", "--format", "wide"],
                     ["batch", str(cohort), "--workers", "1", "--full"]):
            done = invoke(*args, "--rules", str(folder))
            no_traceback(done)
            assert done.returncode == 0, (args, done.stderr.decode())
