"""PD-L1 on immune cells by SP142 (`pd_l1_ic_sp142`, rules 2026.12.3): the field, its levels read as the
bands they stand for wherever a value is read, and its two routes, each its own finding, never one of
the TPS's."""

import json

import pytest
from conftest import ROOT, invoke, records_of

from icitrace.pipeline import evaluate
from icitrace.profile.editing import EditError, typed_value
from icitrace.profile.model import Band, Profile
from icitrace.profile.reading import ProfileError, validate
from icitrace.profile.synth import synth_profiles
from icitrace.reasoning.verdicts import assess

DATA = ROOT / "tests" / "data"
NEGATIVE, LINE = "pd-l1-ic-sp142-negative", "pd-l1-ic-sp142-imvigor210"  # IC < 1 %, IC >= 5 %
FIELD = "pd_l1_ic_sp142"


@pytest.mark.parametrize("level, band", [
    ("IC0", Band(below=1)), ("IC1", Band(at_least=1, below=5)), ("IC2+", Band(at_least=5)),
    ("IC2/3", Band(at_least=5)),
])
def test_a_level_is_read_as_the_band_it_stands_for_in_a_profile_and_in_set(level, band):
    assert validate({FIELD: level}, "p.json", default_id="p").pd_l1_ic_sp142 == band
    assert Band(**typed_value(FIELD, level)) == band
    assert validate({FIELD: band.model_dump()}, "p.json", default_id="p").pd_l1_ic_sp142 == band  # as a band


@pytest.mark.parametrize("value", [0, 0.5, 4.9, 100, {"at_least": 1}, {"below": 5}])
def test_numbers_and_bands_within_the_range_are_taken(value):
    validate({FIELD: value}, "p.json", default_id="p")


@pytest.mark.parametrize("value, says", [
    (101, "from 0 to 100"), (-1, "from 0 to 100"), ("IC3", "IC0, IC1, IC2+, IC2/3"),
    ("ic2+", "IC0, IC1, IC2+, IC2/3"), ("5", "got \"5\""), (True, "got true"), ([1], "got [1]"),
    ({"below": 0}, "holds no value pd_l1_ic_sp142 can take"), ({"at_least": 5, "below": 1}, "holds no value"),
    ({"above": 5}, "a band is"),
])
def test_nonsense_is_refused_naming_the_field(value, says):
    with pytest.raises(ProfileError) as error:
        validate({FIELD: value}, "p.json", default_id="p")
    assert f'field "{FIELD}"' in str(error.value) and says in str(error.value), str(error.value)


def test_the_levels_belong_to_the_sp142_field_alone():
    """A TPS is another assay's score: an IC level given for it is refused, not read as a band."""
    with pytest.raises(ProfileError, match='field "pd_l1_tps"'):
        validate({"pd_l1_tps": "IC0"}, "p.json", default_id="p")
    with pytest.raises(EditError, match='field "pd_l1_tps"'):
        typed_value("pd_l1_tps", "IC2+")
    with pytest.raises(EditError, match="a level IC0, IC1, IC2\\+, IC2/3"):
        typed_value(FIELD, "IC9")


def test_the_schema_offers_the_levels_and_says_the_assay():
    spec = Profile.model_json_schema()["properties"][FIELD]
    assert {"enum": ["IC0", "IC1", "IC2+", "IC2/3"], "type": "string"} in spec["anyOf"]
    assert "SP142" in spec["description"] and "Not interchangeable with a 22C3 TPS or CPS" in spec["description"]


def test_the_negative_route_names_the_sp142_route_its_cut_off_and_the_caveat():
    result = evaluate({FIELD: 0.5})
    found = {f.id: f for f in result.findings}
    assert set(found) == {"pdl1_negative_on_immune_cells"}  # never PD-L1 negative by TPS
    route = found["pdl1_negative_on_immune_cells"]
    assert route.rule == NEGATIVE and "SP142" in route.title
    assert [b.condition for b in route.because] == ["pd_l1_ic_sp142 0.5 < sp142_ic_positive 1%"]
    assert "IMpassion130 (SP142 IC >= 1% PD-L1 positive)" in route.citations and "[8]" in route.citations
    assert "outside knowledge" in route.explanation
    assert any("not interchangeable with a 22C3" in c.text for c in route.caveats)
    assert [t.rule for t in result.trace] == [NEGATIVE, "ic-negative-to-biomarker-guided"]


def test_a_level_is_traced_as_its_band():
    route = next(f for f in evaluate({FIELD: "IC2+"}).findings if f.id == "pdl1_immune_cells_imvigor210")
    assert route.rule == LINE
    assert route.because[0].condition == "pd_l1_ic_sp142 >=5 (a band, wholly >= sp142_ic_imvigor210 5%)"
    assert not any(f.id == "high_pdl1_expression" for f in evaluate({FIELD: 100}).findings)  # 5% is not high


@pytest.mark.parametrize("value, negative, line", [
    ("IC0", True, False),
    ("IC1", False, False),  # 1 to < 5: decided for both lines, as every band wholly on one side
    ("IC2+", False, True),
    ({"at_least": 1}, False, None),  # IC1 or more: open at 5 %
    ({"below": 5}, None, False),  # IC0 or IC1: open at 1 %
    ({"at_least": 0.5, "below": 5}, None, False),
])
def test_a_level_decides_a_line_only_when_it_lies_wholly_on_one_side(book, value, negative, line):
    profile = validate({FIELD: value}, "p.json", default_id="p")
    verdicts = assess(book, profile)
    fired = {t.rule for t in evaluate(profile, book).trace}
    for rule, expected in ((NEGATIVE, negative), (LINE, line)):
        assert verdicts[rule].holds is expected, rule
        assert (rule in fired) is (expected is True), rule  # the engine fires exactly what the reading decides
        if expected is None:
            assert verdicts[rule].missing == (FIELD,)


def test_generated_profiles_carry_the_field_as_numbers_bands_and_levels(book):
    """The agreement tests' generator (synth) draws the new field, its levels among its bands, and the
    engine and the three-valued reading agree on every one."""
    drawn = [p for p in synth_profiles(600, seed=24, p_band=0.5) if FIELD in p]
    assert {type(p[FIELD]) for p in drawn} == {float, dict, str}
    assert {p[FIELD] for p in drawn if isinstance(p[FIELD], str)} == {"IC0", "IC1", "IC2+", "IC2/3"}
    for data in drawn:
        profile = validate(data, "synth", default_id="synth")
        fired = {t.rule for t in evaluate(profile, book).trace}
        holds = {rule for rule, verdict in assess(book, profile).items() if verdict.holds}
        assert fired == holds, data


def test_a_table_of_levels_through_a_map_with_no_values_table():
    done = invoke("batch", str(DATA / "urothelial-ic.csv"), "--map", str(DATA / "urothelial-ic-map.yaml"))
    records = [json.loads(line) for line in records_of(done.stdout).splitlines()]
    assert [r["id"] for r in records] == ["u-01", "u-02", "u-03", "u-04", "u-05"]
    ic0, ic1, ic2, na, ic3 = records
    assert "pdl1_negative_on_immune_cells" in ic0["findings"] and "pdl1_immune_cells_imvigor210" not in ic0["findings"]
    assert not {"pdl1_negative_on_immune_cells", "pdl1_immune_cells_imvigor210"} & set(ic1["findings"])
    assert "pdl1_immune_cells_imvigor210" in ic2["findings"]
    assert FIELD in na["unknown"]  # NA: unknown, never a guess
    assert "column 'IC Level'" in ic3["error"] and "IC3" in ic3["error"] and "IC2+" in ic3["error"]
    assert done.returncode == 1 and b"1 of 5 records could not be evaluated" in done.stderr


def test_the_page_api_reads_a_level_as_the_cli_does():
    """The page sends a level as typed (app.js offers the schema's levels): the server reads its band."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from icitrace.web.app import create_app

    client = TestClient(create_app(), base_url="http://127.0.0.1:8000", headers={"Content-Type": "application/json"})
    answer = client.post("/api/evaluate", content=json.dumps({"id": "ic", FIELD: "IC0"}).encode())
    assert answer.status_code == 200
    assert answer.content == invoke("suggest", "-", "--format", "json", stdin=b'{"id": "ic", "pd_l1_ic_sp142": "IC0"}').stdout
    assert answer.json()["profile"]["values"][FIELD] == {"below": 1.0}

