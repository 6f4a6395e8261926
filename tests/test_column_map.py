"""`batch --map`: tables in the formats researchers have (a cBioPortal clinical file, an R export with
NA) read as profiles through a column map, with their ids and kept columns in every output record."""

import csv
import io
import json

import pytest
from conftest import ROOT, but_deciding, invoke, records_of, run_cli

DATA = ROOT / "tests" / "data"
CBIO, CBIO_MAP = DATA / "data_clinical_sample.txt", DATA / "cbioportal-map.yaml"
R_EXPORT, R_MAP = DATA / "r-export.csv", DATA / "r-export-map.yaml"


def _rows(text: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(records_of(text))))


def test_a_cbioportal_clinical_file_through_the_real_command(tmp_path):
    out = tmp_path / "wide.csv"
    done = run_cli("batch", str(CBIO), "--map", str(CBIO_MAP), "--format", "wide", "--out", str(out))
    assert done.returncode == 1  # one sample holds a token the map has no value for
    rows = _rows(out.read_bytes())
    assert [r["record"] for r in rows] == [f"{CBIO}:{n}" for n in (6, 7, 8, 9)]  # after the # lines and header
    assert [(r["id"], r["PATIENT_ID"], r["CANCER_TYPE"]) for r in rows] == [
        ("S-0001", "P-0001", "Melanoma"), ("S-0002", "P-0002", "Non-Small Cell Lung Cancer"),
        ("S-0003", "P-0003", "Non-Small Cell Lung Cancer"), ("S-0004", "P-0004", "Bladder Cancer")]
    first, second, third, refused = rows
    assert first["high_tmb"] == "1" and first["hypoxic_tme"] == "1" and first["low_immunogenicity"] == "0"
    assert second["immune_desert"] == "1" and second["hypoxic_tme"] == ""  # NA: unknown, never a guess
    assert third["low_immunogenicity"] == "" and "tmb" in third["unknown"].split(";")
    assert "column 'HLA_I' holds 'Not done', which the map gives no value for" in refused["error"]
    assert all(refused[c] == "" for c in ("high_tmb", "hypoxic_tme", "immune_desert"))
    assert b"1 of 4 records could not be evaluated" in done.stderr


def test_an_r_export_with_na_and_row_names():
    done = invoke("batch", str(R_EXPORT), "--map", str(R_MAP))
    records = [json.loads(line) for line in records_of(done.stdout).splitlines()]
    assert done.returncode == 0 and [r["id"] for r in records] == ["a-01", "a-02", "a-03"]
    assert "pd_l1_tps" in records[0]["unknown"] and "tmb" in records[1]["unknown"]  # NA
    assert "tregs" in records[1]["unknown"] and "high_tmb" in records[0]["findings"]
    assert "low_pdl1_expression" in records[1]["findings"]  # 0.5 read as a number
    assert all(r["keep"] == {} for r in records)


def test_kept_columns_and_the_id_travel_with_error_records_in_every_format():
    for fmt in ("jsonl", "csv", "wide"):
        done = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--format", fmt)
        if fmt == "jsonl":
            refused = json.loads(done.stdout.splitlines()[-1])
            assert refused["id"] == "S-0004" and refused["keep"] == {"PATIENT_ID": "P-0004", "CANCER_TYPE": "Bladder Cancer"}
        else:
            refused = _rows(done.stdout)[-1]
            assert (refused["id"], refused["PATIENT_ID"], refused["CANCER_TYPE"]) == ("S-0004", "P-0004", "Bladder Cancer")
            header = records_of(done.stdout).splitlines()[0].split(",")
            own = ["record", "ok", "id"] if fmt == "csv" else ["record", "id"]
            assert header[:len(own) + 2] == [*own, "PATIENT_ID", "CANCER_TYPE"]


@pytest.mark.parametrize("map_text, table, says", [
    ("fields:\n  tmbb: TMB_NONSYNONYMOUS\n", CBIO, "{map}:2: unknown profile field `tmbb` (did you mean `tmb`?)"),
    ("fields:\n  tmb: TMB\n", CBIO, f"{CBIO}:5: no column 'TMB', which the map " + "{map} names under fields.tmb"),
    ("fields:\n  pd_l1_tps:\n    column: PD_L1_TC\n    values:\n      TC0: {below: 0}\n", CBIO,
     "{map}:5: pd_l1_tps: 'TC0' maps to {'below': 0}: field \"pd_l1_tps\": a band is {\"at_least\": X}, "
     '{"below": Y} or both, with X < Y, numbers from 0 to 100; got {"below": 0}, which holds no value pd_l1_tps '
     "can take"),
    ("fields:\n  hypoxia:\n    column: HYPOXIA\n    values: {High: severe}\n", CBIO,
     "{map}:4: hypoxia: 'High' maps to 'severe'"),
    ("id: [a]\nfields: {tmb: TMB_NONSYNONYMOUS}\n", CBIO, "{map}:1: id is the name of one column"),
    ("keep: [PATIENT_ID]\nfield: {tmb: TMB_NONSYNONYMOUS}\n", CBIO, "{map}:2: unknown key 'field'"),
    ("fields:\n  tmb: TMB_NONSYNONYMOUS\n", ROOT / "profiles", "--map reads tables (.csv, .tsv, .txt); {table} is not one"),
], ids=["field", "column", "band", "value", "id", "key", "not-a-table"])
def test_a_map_that_cannot_be_used_is_refused_naming_file_and_line_before_the_output_is_touched(
        tmp_path, map_text, table, says):
    column_map = tmp_path / "map.yaml"
    column_map.write_text(map_text)
    out = tmp_path / "out.csv"
    out.write_text("kept\n")
    done = invoke("batch", str(table), "--map", str(column_map), "--out", str(out))
    assert done.returncode == 2 and done.stdout == b"" and out.read_text() == "kept\n"
    assert says.replace("{map}", str(column_map)).replace("{table}", str(table)) in done.stderr.decode()


def test_a_resume_with_a_changed_map_is_refused(tmp_path):
    column_map, out = tmp_path / "map.yaml", tmp_path / "out.jsonl"
    column_map.write_bytes(CBIO_MAP.read_bytes())
    invoke("batch", str(CBIO), "--map", str(column_map), "--out", str(out))
    column_map.write_text(CBIO_MAP.read_text().replace("High: high", "High: moderate"))
    done = invoke("batch", str(CBIO), "--map", str(column_map), "--out", str(out), "--resume")
    assert done.returncode == 2 and "the --map differs, or its file changed" in done.stderr.decode()


def test_a_tsv_of_profile_fields_needs_no_map(tmp_path):
    table = tmp_path / "cohort.tsv"
    table.write_text("# a comment line before the header\nid\ttmb\thypoxia\nx\t12\thigh\n")
    done = invoke("batch", str(table))
    record = json.loads(records_of(done.stdout))
    assert done.returncode == 0 and record["record"] == f"{table}:3" and record["id"] == "x"
    assert set(record["findings"]) == {"high_tmb", "hypoxic_tme"}
    table.write_text("id\tTMB Score\n")
    refused = invoke("batch", str(table))
    assert refused.returncode == 2 and "unknown column(s) TMB Score" in refused.stderr.decode()
    assert "--map MAP.yaml" in refused.stderr.decode()


def test_suggest_reads_one_row_of_a_table_through_a_map(tmp_path):
    done = invoke("suggest", str(CBIO), "--map", str(CBIO_MAP), "--row", "S-0002", "--format", "json")
    result = json.loads(done.stdout)
    assert done.returncode == 0 and result["profile"]["id"] == "S-0002"
    assert result["profile"]["values"] == {"tmb": 3.1, "t_cell_infiltration": "desert", "mhc_class_i": "lost",
                                           "pd_l1_tps": {"below": 1.0}}  # TC0, a band
    missing = invoke("suggest", str(CBIO), "--map", str(CBIO_MAP), "--row", "S-002")
    assert missing.returncode == 2 and missing.stdout == b""
    assert "no row has SAMPLE_ID = 'S-002' (did you mean `S-0002`" in missing.stderr.decode()
    refused = invoke("suggest", str(CBIO), "--map", str(CBIO_MAP), "--row", "S-0004")
    assert refused.returncode == 2 and f"{CBIO}:9: column 'HLA_I' holds 'Not done'" in refused.stderr.decode()
    alone = invoke("suggest", str(CBIO), "--row", "S-0002")
    assert alone.returncode == 2 and "--map and --row go together" in alone.stderr.decode()
    twice = tmp_path / "twice.tsv"
    twice.write_text("SAMPLE_ID\tTMB_NONSYNONYMOUS\nS-1\t4\nS-1\t20\n")
    column_map = tmp_path / "map.yaml"
    column_map.write_text("id: SAMPLE_ID\nfields: {tmb: TMB_NONSYNONYMOUS}\n")
    both = invoke("suggest", str(twice), "--map", str(column_map), "--row", "S-1")
    assert both.returncode == 2 and f"2 rows have SAMPLE_ID = 'S-1' (at {twice}:2, {twice}:3)" in both.stderr.decode()


def test_the_summary_per_group_of_a_kept_column_and_after_a_resume(tmp_path):
    whole = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--summary", "--summary-format", "json", "--by",
                   "CANCER_TYPE", "--out", str(tmp_path / "whole.jsonl"))
    data = json.loads(whole.stdout)
    groups = data["by"]["groups"]
    assert data["by"]["column"] == "CANCER_TYPE" and "other" not in data["by"]
    assert list(groups) == sorted(groups, key=lambda name: (-groups[name]["records"], name))  # largest first
    assert {name: (g["records"], g["failed"]) for name, g in groups.items()} == {
        "Bladder Cancer": (1, 1), "Melanoma": (1, 0), "Non-Small Cell Lung Cancer": (2, 0)}
    assert sum(g["records"] for g in groups.values()) == data["records"] == 4
    assert groups["Melanoma"]["findings"] == {"high_tmb": 1, "hypoxic_tme": 1}
    assert "ici_history" not in data["unknown_fields"]  # no rule reads it: its being unknown changes nothing
    for fmt in ("jsonl", "csv", "wide"):  # a resumed run's groups cover the records written before it
        out = tmp_path / f"out.{fmt}"
        invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--format", fmt, "--out", str(out))
        lines = out.read_bytes().splitlines(keepends=True)
        out.write_bytes(b"".join(lines[:2]))
        resumed = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--format", fmt, "--out", str(out), "--resume",
                         "--summary", "--summary-format", "json", "--by", "CANCER_TYPE")
        assert but_deciding(json.loads(resumed.stdout)) == but_deciding(data), fmt
    text = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--summary", "--by", "CANCER_TYPE",
                  "--out", str(tmp_path / "t.jsonl")).stdout.decode()
    assert "\nCANCER_TYPE = Melanoma: 1 records, 1 evaluated, 0 failed\n" in text
    assert "CANCER_TYPE = Bladder Cancer: 1 records, 0 evaluated, 1 failed\n\nCANCER_TYPE = Melanoma" in text
    refused = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--summary", "--by", "HLA_I")
    assert refused.returncode == 2 and "--by HLA_I: a column the map keeps" in refused.stderr.decode()


@pytest.mark.parametrize("keep, fmt", [("[high_tmb]", "wide"), ("[record]", "csv"), ("[note, note]", "wide")])
def test_a_kept_column_named_as_one_icitrace_writes_is_refused_in_tables_and_nested_in_jsonl(tmp_path, keep, fmt):
    table, column_map, out = tmp_path / "t.tsv", tmp_path / "map.yaml", tmp_path / "out.csv"
    table.write_text("sample\thigh_tmb\trecord\tnote\ttmb\nA\tyes\tr1\tn\t12\n")
    column_map.write_text(f"id: sample\nkeep: {keep}\nfields:\n  tmb: tmb\n")
    out.write_text("kept\n")
    done = invoke("batch", str(table), "--map", str(column_map), "--format", fmt, "--out", str(out))
    assert done.returncode == 2 and out.read_text() == "kept\n"
    assert "has the name of a column icitrace writes" in done.stderr.decode()
    if keep != "[note, note]":  # in JSON Lines the kept columns sit under "keep": no clash
        record = json.loads(records_of(invoke("batch", str(table), "--map", str(column_map)).stdout))
        assert record["keep"] == {keep.strip("[]"): {"[high_tmb]": "yes", "[record]": "r1"}[keep]}


def test_the_delimiter_is_sniffed_from_the_header_whatever_the_suffix(tmp_path):
    """A cBioPortal file saved as .csv is still tab-separated; a .txt of commas is still comma-separated."""
    as_csv = tmp_path / "clinical.csv"
    as_csv.write_bytes(CBIO.read_bytes())
    done = invoke("batch", str(as_csv), "--map", str(CBIO_MAP), "--format", "wide")
    assert [r["id"] for r in _rows(done.stdout)] == ["S-0001", "S-0002", "S-0003", "S-0004"]
    commas = tmp_path / "cohort.txt"
    commas.write_text("id,tmb\na,12\n")
    assert json.loads(records_of(invoke("batch", str(commas)).stdout))["findings"] == {"high_tmb": ["tmb-high"]}
