"""Banded numbers ({"at_least": x}, {"below": y} or both): a rule decides only when the whole band lies on
one side of its cut-off, in durable-rules and in the three-valued reading alike, and a band is shown as a
band wherever the profile is shown."""

import csv
import io
import json

import pytest
from conftest import ROOT, invoke, records_of, run_cli

from icitrace.engine.compile import compile_rules
from icitrace.engine.durable import engine_for
from icitrace.pipeline import evaluate, evaluate_fired, fact_of
from icitrace.profile.model import Profile
from icitrace.profile.reading import ProfileError, validate
from icitrace.reasoning.verdicts import assess

DATA = ROOT / "tests" / "data"
TPS_RULES = ("pd-l1-tps-negative", "pd-l1-tps-high")  # TPS < 1 and TPS >= 50 (rules/cutoffs.yaml)


def _out(*args: str) -> str:
    done = invoke(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode()


@pytest.mark.parametrize("band, negative, high", [
    ({"at_least": 5}, False, None),  # TC2+: not PD-L1 negative; 50 % or more stays open
    ({"below": 1}, True, False),  # TC0: wholly below 1 %, hence below 50 % too
    ({"at_least": 1, "below": 5}, False, False),  # TC1
    ({"at_least": 50}, False, True),
    ({"below": 50}, None, False),  # the open top is exclusive: every value is under the 50 % line
    ({"below": 50.0001}, None, None),
    ({"at_least": 0.5, "below": 1}, True, False),
    ({"at_least": 0.5, "below": 1.0001}, None, False),
], ids=str)
def test_a_band_decides_a_rule_only_when_it_lies_wholly_on_one_side_of_the_cut_off(book, band, negative, high):
    profile = Profile.model_validate({"pd_l1_tps": band}, strict=True)
    verdicts = assess(book, profile)
    fired = [f.rule for f in engine_for(compile_rules(book, bands=True)).run(fact_of(profile, book))]
    findings, strategies = evaluate_fired(profile, book)  # the pipeline picks that ruleset for a banded profile
    assert {r for rules in [*findings.values(), *strategies.values()] for r in rules} == set(fired)
    assert [t.rule for t in evaluate(profile, book).trace] == fired
    for rule, expected in zip(TPS_RULES, (negative, high)):
        assert verdicts[rule].holds is expected, rule
        assert (rule in fired) is (expected is True), rule  # durable-rules fires exactly the decided ones
        if expected is None:
            assert verdicts[rule].missing == ("pd_l1_tps",)


def test_a_banded_tps_bounds_an_unknown_cps(book):
    """CPS is never below TPS: a TPS of at least 10 rules out a CPS under 10 without a CPS being given."""
    verdicts = assess(book, Profile.model_validate({"pd_l1_tps": {"at_least": 10}}))
    assert verdicts["pd-l1-cps-low"].holds is False
    assert assess(book, Profile.model_validate({"pd_l1_tps": {"at_least": 9}}))["pd-l1-cps-low"].holds is None


@pytest.mark.parametrize("value, says", [
    ({"at_least": 5, "below": 5}, 'got {"at_least": 5, "below": 5}, which holds no value'),
    ({"below": 0}, 'got {"below": 0}, which holds no value pd_l1_tps can take'),
    ({"at_least": 101}, 'numbers from 0 to 100 (0 or at least 0.0001); got {"at_least": 101}'),
    ({"above": 5}, 'a band is {"at_least": X}, {"below": Y} or both'),
    ({}, 'a band is {"at_least": X}, {"below": Y} or both'),
    ({"at_least": "5"}, 'got {"at_least": "5"}'),
    ({"at_least": True}, 'got {"at_least": true}'),
], ids=["empty-range", "below-zero", "out-of-range", "unknown-key", "no-bound", "string", "boolean"])
def test_a_band_that_is_not_one_is_refused_naming_the_field(value, says):
    with pytest.raises(ProfileError) as refused:
        validate({"pd_l1_tps": value}, "p.json", default_id="p")
    assert str(refused.value).startswith('p.json: field "pd_l1_tps": ') and says in str(refused.value)


def test_a_cps_band_wholly_below_the_tps_band_is_refused():
    with pytest.raises(ProfileError, match="a CPS of <5 below a TPS of >=5 cannot come from one sample"):
        validate({"pd_l1_tps": {"at_least": 5}, "pd_l1_cps": {"below": 5}}, "p.json", default_id="p")
    validate({"pd_l1_tps": {"at_least": 5}, "pd_l1_cps": {"below": 6}}, "p.json", default_id="p")  # may overlap


def test_bands_are_shown_as_bands_in_every_format(tmp_path):
    path = tmp_path / "tc1.json"
    path.write_text(json.dumps({"pd_l1_tps": {"at_least": 1, "below": 5}, "tmb": {"below": 10}}))
    text = _out("suggest", str(path))
    assert "known:   tmb <10, pd_l1_tps >=1 <5" in text
    assert "because tmb <10 (a band, wholly < tmb_high 10 mut/Mb)" in text
    assert "pd_l1_cps (" in text  # named among the deciding unknowns; in words one flag away
    assert "pd_l1_cps is unknown" in _out("suggest", str(path), "--full")
    data = json.loads(_out("suggest", str(path), "--format", "json"))
    assert data["profile"]["values"] == {"tmb": {"below": 10.0}, "pd_l1_tps": {"at_least": 1.0, "below": 5.0}}
    low = next(s for s in data["findings"] if s["id"] == "low_immunogenicity")
    assert low["because"][0]["value"] == {"below": 10.0}
    assert "| `pd_l1_tps` | >=1 &lt;5 |" in _out("suggest", str(path), "--format", "markdown")
    assert '"tmb <10\\n(value)"' in _out("suggest", str(path), "--format", "dot")
    rows = _out("batch", str(path), "--format", "jsonl")
    assert "pd_l1_tps" not in json.loads(records_of(rows))["unknown"]  # a band is known, if only as a range


def test_a_band_straddling_a_line_is_named_as_such_in_why_not_and_next_measurements(tmp_path):
    path = tmp_path / "tc2.json"
    path.write_text(json.dumps({"pd_l1_tps": {"at_least": 5}}))
    why = _out("explain", str(path), "high_pdl1_expression")
    assert "pd_l1_tps is known only as the band >=5, which straddles" in " ".join(why.split())
    result = evaluate(Profile.model_validate({"pd_l1_tps": {"at_least": 5}}))
    tps = next(m for m in result.next_measurements if m.field == "pd_l1_tps")
    assert tps.sentence.startswith("pd_l1_tps is known only as the band >=5: ")
    assert "pd-l1-tps-high" in tps.decides


@pytest.mark.parametrize("text, value", [
    (">=5", {"at_least": 5.0}), ("<1", {"below": 1.0}), (">=1 <5", {"at_least": 1.0, "below": 5.0}),
    (">=1,<5", {"at_least": 1.0, "below": 5.0}), ('{"at_least": 2}', {"at_least": 2.0}),
])
def test_set_takes_a_band(tmp_path, text, value):
    path = tmp_path / "p.json"
    path.write_text("{}")
    done = _out("suggest", str(path), "--set", f"pd_l1_tps={text}", "--format", "json")
    assert json.loads(done)["profile"]["values"]["pd_l1_tps"] == value


def test_a_band_set_for_the_run_is_shown_as_a_band_where_the_change_is_named(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"tmb": 12}')
    assert "changed for this run: tmb 12 -> >=1 <5" in _out("suggest", str(path), "--set", "tmb=>=1 <5")
    data = json.loads(_out("suggest", str(path), "--set", "tmb=>=1 <5", "--format", "json"))
    assert data["changed_fields"] == [{"field": "tmb", "before": 12.0, "after": {"at_least": 1.0, "below": 5.0}}]
    twice = invoke("suggest", str(path), "--set", 'tmb={"at_least": 1, "at_least": 20}')
    assert twice.returncode == 2 and 'field "at_least" appears more than once' in twice.stderr.decode()


def test_set_refuses_a_band_that_holds_nothing(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{}")
    done = invoke("suggest", str(path), "--set", "pd_l1_tps=>=5 <1")
    assert done.returncode == 2 and done.stdout == b""
    assert 'field "pd_l1_tps": a band is' in done.stderr.decode() and "which holds no value" in done.stderr.decode()


@pytest.mark.cli
def test_a_banded_pd_l1_column_of_a_cbioportal_file_through_the_real_command(tmp_path):
    """TC0 / TC1 / TC2+ mapped to bands: TC0 decides PD-L1 low, TC2+ rules out PD-L1 negative but leaves
    PD-L1 high open, NA stays unknown; the wide table says 1, 0 or nothing accordingly."""
    done = run_cli("batch", str(DATA / "data_clinical_sample.txt"), "--map", str(DATA / "cbioportal-map.yaml"),
                  "--format", "wide")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(records_of(done.stdout)))}
    got = {i: (r["low_pdl1_expression"], r["high_pdl1_expression"]) for i, r in rows.items()}
    # S-0001 TC2+, S-0002 TC0, S-0003 TC1 (PD-L1 negative is the TPS's alone since rules 2026.12.2: a CPS
    # under 10 is its own finding), S-0004 refused
    assert got == {"S-0001": ("0", ""), "S-0002": ("1", "0"), "S-0003": ("0", "0"), "S-0004": ("", "")}
    one = invoke("suggest", str(DATA / "data_clinical_sample.txt"), "--map", str(DATA / "cbioportal-map.yaml"),
                 "--row", "S-0001", "--format", "json")
    result = json.loads(one.stdout)
    assert result["profile"]["values"]["pd_l1_tps"] == {"at_least": 5.0}
    undecided = {r["rule"] for r in result["not_evaluated"]}
    assert "pd-l1-tps-high" in undecided and "pd-l1-tps-negative" not in undecided
