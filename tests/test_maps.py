"""Maps a researcher can write from docs/maps.md: NA tokens added or replaced by name, constants for a
whole cohort, fields never measured, tumor_type mapped like any field, and the map's JSON Schema
(`icitrace schema --map`), which is the model every map is validated with."""

import csv
import io
import json
from pathlib import Path

import jsonschema  # in the test extra: the shipped maps are checked against the schema as an editor would
import pytest
from conftest import ROOT, invoke, records_of

from icitrace.batch.column_map import DEFAULT_NA, load_map
from icitrace.errors import InputProblem

DATA = ROOT / "tests" / "data"
DOTS, DOTS_MAP = DATA / "dot-na.csv", DATA / "dot-na-map.yaml"
R_EXPORT = DATA / "r-export.csv"
SHIPPED_MAPS = sorted(DATA.glob("*map*.yaml"))


def _map(tmp_path: Path, text: str, name: str = "map.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _batch(table: Path, column_map: Path, *args: str):
    done = invoke("batch", str(table), "--map", str(column_map), "--format", "csv", *args)
    text = records_of(done.stdout) if done.stdout else ""
    return done, list(csv.DictReader(io.StringIO(text)))


# --- na: add or replace, by name ---------------------------------------------------------------------

def test_na_add_reads_a_dot_as_unknown_besides_the_default_tokens(tmp_path):
    """A Stata/SAS export's "." with pandas' NaN and empty cells: adding "." keeps the others unknown."""
    column_map = _map(tmp_path, 'id: patient\nna: {add: ["."]}\nfields:\n  tmb: tmb\n  pd_l1_tps: tps\n  tregs: tregs\n')
    done, rows = _batch(DOTS, column_map)
    assert done.returncode == 0 and [r["error"] for r in rows] == [""] * 4
    unknown = [set(r["unknown"].split(";")) for r in rows]
    assert "pd_l1_tps" in unknown[0] and {"tmb", "tregs"} <= unknown[1] and "tmb" in unknown[2]  # ".", NaN, ""
    assert "pd_l1_tps" in unknown[3]  # NA: a default token, still read as unknown
    assert load_map(column_map).na_tokens == (*DEFAULT_NA, ".")


def test_na_replace_reads_only_its_tokens_so_the_default_ones_become_errors(tmp_path):
    column_map = _map(tmp_path, 'id: patient\nna: {replace: ["."]}\nfields:\n  tmb: tmb\n  pd_l1_tps: tps\n')
    done, rows = _batch(DOTS, column_map)
    assert done.returncode == 1
    errors = [r["error"] for r in rows]
    assert errors[0] == ""  # "." is this map's one NA token
    assert "column 'tmb'" in errors[1] and "got NaN" in errors[1]
    assert "'NaN' is a default NA token, which this map's na: replace leaves out (na: {add: [...]} keeps" in errors[1]
    assert "got NA;" in errors[3] and errors[2]  # NA and "" are no longer unknown


def test_an_r_export_keeps_na_unknown_when_a_map_adds_a_token_and_not_when_it_replaces(tmp_path):
    adds = _map(tmp_path, 'id: sample\nna: {add: [missing]}\nfields:\n  tmb: tmb\n  pd_l1_tps: tps\n', "adds.yaml")
    replaces = _map(tmp_path, 'id: sample\nna: {replace: [missing]}\nfields:\n  tmb: tmb\n  pd_l1_tps: tps\n',
                    "replaces.yaml")
    done, rows = _batch(R_EXPORT, adds)
    assert done.returncode == 0 and "pd_l1_tps" in rows[0]["unknown"]
    done, rows = _batch(R_EXPORT, replaces)
    assert done.returncode == 1 and sum(bool(r["error"]) for r in rows) == 2  # the rows holding NA


def test_a_bare_na_list_is_refused_naming_both_forms_before_the_output_is_touched(tmp_path):
    column_map = _map(tmp_path, "id: sample\nna: [NA, missing]\nfields:\n  tmb: tmb\n")
    out = tmp_path / "out.csv"
    out.write_text("kept\n")
    done = invoke("batch", str(R_EXPORT), "--map", str(column_map), "--out", str(out))
    assert done.returncode == 2 and out.read_text() == "kept\n"
    said = done.stderr.decode()
    assert f"{column_map}:2: na: a bare list is ambiguous" in said
    assert "na: {add: [...]}" in said and "na: {replace: [...]}" in said


@pytest.mark.parametrize("na", ["{add: [x], replace: [y]}", "{}", "{add: x}", "{plus: [x]}"])
def test_na_must_be_one_of_add_or_replace_with_a_list(tmp_path, na):
    with pytest.raises(InputProblem, match=r"map.yaml:1: na"):
        load_map(_map(tmp_path, f"na: {na}\nfields: {{tmb: T}}\n"))


# --- constants ---------------------------------------------------------------------------------------

def test_a_constant_gives_every_record_its_value_and_is_checked_as_the_profile_checks_it(tmp_path):
    column_map = load_map(DOTS_MAP)
    assert column_map.profile_data({"patient": "p9", "tmb": "4"})["ici_history"] == "naive"
    done, rows = _batch(DOTS, DOTS_MAP)
    assert all("ici_history" not in r["unknown"].split(";") for r in rows)
    bare = _map(tmp_path, "id: patient\nfields: {tmb: tmb}\n")
    assert all("ici_history" in r["unknown"].split(";") for r in _batch(DOTS, bare)[1])  # without the constant


@pytest.mark.parametrize("text, says", [
    ("constants: {ici_history: nave}", "map.yaml:2: constants: ici_history is 'nave': field \"ici_history\""),
    ("constants: {tmb: -1}", "map.yaml:2: constants: tmb is -1"),
    ("constants: {ici_history: ~}",
     "constants: ici_history is null; a field the cohort never measured goes under not_measured"),
    ("constants: {tregs: absent}",
     "constants: tregs is also read from the column 'T' (fields: line 4); give the field one way"),
    ("constants: {pd_l1_tps: 60, pd_l1_cps: 10}", "map.yaml:2: constants: "),  # each valid, together not
    ("constants: {tmbb: 3}", "map.yaml:2: unknown profile field `tmbb` (did you mean `tmb`?)"),
    ("constants: [ici_history]", "map.yaml:2: constants maps profile fields to one value each"),
    ("not_measured: [tregs]", "not_measured: tregs is also given as a column (fields); a field is measured or not"),
    ("not_measured: [tmb, tmb]", "not_measured: tmb is named twice"),
    ("not_measured: [tumor_type]", "tumor_type is echoed text, not a field the rules read"),
    ("not_measured: [tmbb]", "unknown profile field `tmbb`"),
    ("constants: {tmb: 3}\nnot_measured: [tmb]", "not_measured: tmb is also given as a constant"),
])
def test_a_constant_or_a_field_not_measured_the_map_cannot_mean_is_refused_at_its_line(tmp_path, text, says):
    """A constant is checked as the profile checks the field; a field not measured is one the rules read;
    a field is a column, a constant or not measured, never two."""
    with pytest.raises(InputProblem) as refused:
        load_map(_map(tmp_path, f"id: patient\n{text}\nfields:\n  tregs: T\n"))
    assert says in str(refused.value)


def test_the_text_summary_names_the_fields_not_measured(tmp_path):
    done = invoke("batch", str(DOTS), "--map", str(DOTS_MAP), "--out", str(tmp_path / "o.jsonl"), "--summary")
    text = " ".join(done.stdout.decode().split())
    assert "Not measured in this cohort (the map's not_measured; left out of the unknown fields and the deciding " \
           "unknowns): pd_l1_cps, il10" in text


# --- tumor_type ----------------------------------------------------------------------------------------

def test_tumor_type_is_mapped_like_any_field_and_groups_cutoffs_by(tmp_path):
    """Before: `tumor_type is echoed text, not a field the rules read`; now it is read, and
    `--cutoffs-by tumor_type` groups a mapped table by it as it groups JSON profiles."""
    column_map = load_map(DOTS_MAP)
    assert column_map.profile_data({"histology": "Melanoma"})["tumor_type"] == "Melanoma"
    lines = tmp_path / "lines.csv"
    lines.write_text("group,cutoff,value\nMelanoma,tmb_high,20\n")
    done, rows = _batch(DOTS, DOTS_MAP, "--cutoffs-by", "tumor_type", str(lines))
    assert done.returncode == 0, done.stderr
    assert [r["cutoffs"] for r in rows] == ["tmb_high=20", "run", "run", "tmb_high=20"]
    assert rows[0]["findings"].split(";").count("high_tmb") == 0  # p1's TMB 12 is under the melanoma line
    unmapped = _map(tmp_path, "id: patient\nkeep: [arm]\nfields: {tmb: tmb}\n")
    done = invoke("batch", str(DOTS), "--map", str(unmapped), "--cutoffs-by", "tumor_type", str(lines))
    assert done.returncode == 2 and b"or tumor_type when the map gives it" in done.stderr


def test_the_id_is_optional_and_values_may_be_left_out(tmp_path):
    column_map = load_map(_map(tmp_path, "fields:\n  tmb:\n    column: T\n"))
    assert column_map.id is None and column_map.fields[0][1].values is None
    assert column_map.profile_data({"T": "12"}) == {"tmb": 12.0}


# --- the schema ----------------------------------------------------------------------------------------

def _schema() -> dict:
    done = invoke("schema", "--map")
    assert done.returncode == 0
    return json.loads(done.stdout)


def _typed(text: str) -> dict:
    """A map as an editor's YAML plug-in hands it to the schema: typed as YAML types it."""
    import yaml

    return yaml.safe_load(text)


def test_the_shipped_maps_are_valid_against_the_schema():
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert len(SHIPPED_MAPS) >= 3
    for path in SHIPPED_MAPS:
        load_map(path)  # the model takes it
        jsonschema.validate(_typed(path.read_text()), schema)


@pytest.mark.parametrize("text", [
    "na: [NA]\nfields: {tmb: T}\n",
    "fields: {tmbb: T}\n",
    "fields: {}\n",
    "fields: {hypoxia: {column: H, values: {hi: severe}}}\n",
    "constants: {ici_history: nave}\nfields: {tmb: T}\n",
    "not_measured: [tumor_type]\nfields: {tmb: T}\n",
    "field: {tmb: T}\n",
])
def test_a_map_the_reader_refuses_the_schema_refuses_too(tmp_path, text):
    with pytest.raises(InputProblem):
        load_map(_map(tmp_path, text))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_typed(text), _schema())


def test_the_schema_names_every_key_and_each_fields_values():
    schema = _schema()
    assert list(schema["properties"]) == ["id", "keep", "na", "constants", "not_measured", "fields", "outcomes"]
    survival = schema["$defs"]["SurvivalColumns"]
    assert survival["required"] == ["time", "event", "event_value"] and survival["additionalProperties"] is False
    assert schema["additionalProperties"] is False
    fields = schema["$defs"]["Fields"]
    assert "tumor_type" in fields["properties"] and "id" not in fields["properties"]
    column = fields["properties"]["hypoxia"]["anyOf"][1]
    assert column["required"] == ["column"] and column["additionalProperties"] is False
    hypoxia = column["properties"]["values"]["anyOf"][0]["additionalProperties"]
    assert hypoxia["anyOf"][0]["enum"] == ["low", "moderate", "high"]


def test_batch_help_names_the_tables_it_reads_and_where_maps_are_documented():
    said = " ".join(invoke("batch", "--help", env={"COLUMNS": "200"}).stdout.decode().split())
    assert "a .csv file or a tab-separated .tsv or .txt" in said
    assert "docs/maps.md; icitrace schema --map" in said
