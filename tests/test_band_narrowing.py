"""Knowing more never gives a weaker answer: a band is narrowed by every bound the profile implies for its
field (CPS is never below TPS, TPS never above CPS), exactly as an unknown number is, in the three-valued
reading and in the engine alike."""

import random
import shutil

import pytest

from icitrace.pipeline import engine_of, evaluate, fact_of, shipped_dir
from icitrace.profile.model import Profile
from icitrace.profile.synth import synth_profiles
from icitrace.reasoning.verdicts import assess
from icitrace.rulebase.loading import load_rules

TPS_60 = {"pd_l1_tps": 60}
CASES = [
    # (profile, rule, verdict): what the reading says, and the engine fires exactly where it says True
    (TPS_60, "pd-l1-cps-low", False),  # an unknown CPS is at least 60
    (TPS_60 | {"pd_l1_cps": {"at_least": 5, "below": 70}}, "pd-l1-cps-low", False),  # F12: [5, 70) is [60, 70)
    ({"pd_l1_tps": {"at_least": 20}, "pd_l1_cps": {"at_least": 5, "below": 70}}, "pd-l1-cps-low", False),
    ({"pd_l1_tps": {"at_least": 5}, "pd_l1_cps": {"at_least": 0.5, "below": 70}}, "pd-l1-cps-low", None),
    ({"pd_l1_tps": {"below": 60}, "pd_l1_cps": 0.5}, "pd-l1-tps-negative", True),  # TPS <= 0.5
    ({"pd_l1_tps": {"below": 60}, "pd_l1_cps": 0.5}, "pd-l1-tps-high", False),
    ({"pd_l1_tps": {"below": 60}, "pd_l1_cps": 1}, "pd-l1-tps-negative", None),  # TPS <= 1 may be 1
    ({"pd_l1_tps": {"below": 60}, "pd_l1_cps": {"below": 1}}, "pd-l1-tps-negative", True),  # TPS < 1
    ({"pd_l1_tps": {"at_least": 0.5, "below": 60}, "pd_l1_cps": {"at_least": 0.5, "below": 1}},
     "pd-l1-tps-negative", True),
    ({"pd_l1_tps": {"at_least": 0.5, "below": 60}, "pd_l1_cps": 50}, "pd-l1-tps-high", None),  # may be 50
    ({"pd_l1_tps": {"at_least": 0.5, "below": 60}, "pd_l1_cps": 49}, "pd-l1-tps-high", False),
    ({"pd_l1_tps": {"at_least": 50}, "pd_l1_cps": 50}, "pd-l1-tps-high", True),  # TPS is exactly 50
    ({"pd_l1_tps": {"at_least": 50}, "pd_l1_cps": 50}, "pd-l1-tps-negative", False),
]


@pytest.mark.parametrize("data, rule, verdict", CASES)
def test_a_band_is_narrowed_by_every_bound_the_profile_implies_in_the_reading_and_in_the_engine(
        book, data, rule, verdict):
    profile = Profile.model_validate(data, strict=True)
    assert assess(book, profile)[rule].holds is verdict, data
    fired = {f.rule for f in engine_of(book, profile.has_band()).run(fact_of(profile, book))}
    assert (rule in fired) is (verdict is True), data


def test_a_rule_fired_through_a_narrowed_band_says_how_the_band_was_narrowed(book):
    result = evaluate({"pd_l1_tps": {"below": 60}, "pd_l1_cps": 0.5}, book)
    (finding,) = [f for f in result.findings if f.rule == "pd-l1-tps-negative"]
    (because,) = finding.because
    assert because.value.model_dump() == {"below": 60}  # the band as given
    assert because.condition == ("pd_l1_tps <60, so <=0.5 as pd_l1_tps is never above pd_l1_cps 0.5 (a band, wholly "
                                 "< pd_l1_negative 1%)")


def test_a_rule_the_narrowed_band_fails_says_why_in_why_not(book):
    result = evaluate(TPS_60 | {"pd_l1_cps": {"at_least": 5, "below": 70}}, book, why_not=["cps_below_keynote355"])
    (explained,) = result.why_not
    (route,) = [r for r in explained.routes if r.rule == "pd-l1-cps-low"]
    assert route.status == "failed"
    assert route.checks[0].condition == ("needs pd_l1_cps < cps_keynote355 10 CPS; pd_l1_cps is >=5 <70, so >=60 <70 "
                                         "as pd_l1_cps is never below pd_l1_tps 60")


def _undecided_or_same(before, after):
    return {r for r, v in before.items() if v.holds is not None and after[r].holds is not v.holds}


def test_knowing_more_never_undecides_a_rule(book):
    """Over generated profiles: giving an unknown TPS or CPS a band, or a band a number inside it, never
    turns a decided rule undecided or the other way round."""
    rng = random.Random(5)
    checked = 0
    for data in synth_profiles(1500, seed=12, p_band=0.5):
        for name in ("pd_l1_tps", "pd_l1_cps"):
            known = data.get(name)
            if known is None or not isinstance(known, dict):
                continue
            wider = {k: v for k, v in data.items() if k != name}  # the field unknown
            low, high = known.get("at_least", 0.0), known.get("below", 100.0)
            inside = round(rng.uniform(low, high), 1)
            if not low <= inside < high:
                continue
            narrower = data | {name: inside}  # a number the band allows
            try:
                steps = [Profile.model_validate(d, strict=True) for d in (wider, data, narrower)]
            except ValueError:
                continue  # the number breaks CPS >= TPS with the other field: not a possible profile
            verdicts = [assess(book, p) for p in steps]
            assert not _undecided_or_same(verdicts[0], verdicts[1]), (wider, data)
            assert not _undecided_or_same(verdicts[1], verdicts[2]), (data, narrower)
            checked += 1
    assert checked > 300


CPS_HIGH = """
  - id: pd-l1-cps-high
    title: "PD-L1 CPS of {cps_keynote355:number} or more: over the KEYNOTE-355 line"
    version: 1
    when:
      - field: pd_l1_cps
        at_least: cps_keynote355
    then:
      finding: high_pdl1_expression
    evidence: external-cutoff
    citations: ["[8]", cps_keynote355]
    explanation: >-
      A rule made for the test: a combined positive score at or over the line of one trial, to check that
      the lower bound a known TPS gives a CPS band lets the engine decide as the reading does.
"""


def test_a_lower_bound_from_the_tps_lets_a_cps_band_reach_a_line_in_the_engine_too(tmp_path):
    from icitrace.verify import check

    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    (rules / "biomarkers.yaml").write_text((rules / "biomarkers.yaml").read_text() + CPS_HIGH)
    book = load_rules(rules)
    profile = Profile.model_validate(TPS_60 | {"pd_l1_cps": {"at_least": 5, "below": 70}}, strict=True)
    assert assess(book, profile)["pd-l1-cps-high"].holds is True
    assert "pd-l1-cps-high" in {f.rule for f in engine_of(book, True).run(fact_of(profile, book))}
    assert check(book, 1500).disagreements == []
