"""`batch --map`: tables in the formats researchers have (a cBioPortal clinical file, an R export with
NA) read as profiles through a column map, with their ids and kept columns in every output record."""

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import ROOT, but_deciding, invoke, records_of, run_cli

from icitrace.errors import InputProblem

DATA = ROOT / "tests" / "data"
CBIO, CBIO_MAP = DATA / "data_clinical_sample.txt", DATA / "cbioportal-map.yaml"
R_EXPORT, R_MAP = DATA / "r-export.csv", DATA / "r-export-map.yaml"


def _rows(text: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(records_of(text))))


@pytest.mark.cli
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


# Map tokens are text as written; a token of a field wins over the NA list; the token table is built once;
# an error line is bounded; tokens, NA tokens, cells and column names compare through normal_key --------

def _map(tmp_path, text: str):
    from icitrace.batch.column_map import load_map

    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return load_map(path)


def test_yaml_booleans_as_tokens_are_the_words_written(tmp_path):
    """F31: PyYAML reads Yes/No/on as booleans, keys too; a map token is the text as written."""
    column_map = _map(tmp_path, "fields:\n  epigenetic_silencing:\n    column: METH\n    values: {Yes: true, No: false}\n"
                                "  hypoxia:\n    column: HYP\n    values: {yes: high, on: low, On: moderate, 0x10: high,"
                                " 1.0: low, ~: moderate, null: low}\n")
    def read(meth: str, hyp: str) -> dict:
        return column_map.profile_data({"METH": meth, "HYP": hyp})

    assert read("Yes", "yes") == {"epigenetic_silencing": True, "hypoxia": "high"}
    assert read("No", "on") == {"epigenetic_silencing": False, "hypoxia": "low"}
    assert read("Yes", "On")["hypoxia"] == "moderate" and read("Yes", "0x10")["hypoxia"] == "high"
    assert read("Yes", "1.0")["hypoxia"] == "low" and read("Yes", "~")["hypoxia"] == "moderate"
    assert read("Yes", "null")["hypoxia"] == "low"  # a field's own token wins over the NA list
    for cell in ("True", "true", "16", "1", ""):
        if cell == "":
            assert "hypoxia" not in read("Yes", cell)  # the empty cell is an NA token
            continue
        with pytest.raises(ValueError, match=f"column 'HYP' holds '{cell}', which the map gives no value for"):
            read("Yes", cell)


def test_yaml_scalars_elsewhere_in_a_map_are_the_text_written(tmp_path):
    column_map = _map(tmp_path, "id: 2019\nkeep: [Yes, 0x10]\nna: {replace: [no, ~, '']}\nfields:\n  tmb: 1e3\n")
    assert column_map.id == "2019" and column_map.keep == ("Yes", "0x10")
    assert column_map.fields[0][1].column == "1e3"
    row = {"2019": "s1", "Yes": "k", "0x10": "k2", "1e3": "no"}
    assert column_map.profile_data(row) == {"id": "s1"}  # "no" is one of this map's NA tokens
    assert column_map.profile_data({**row, "1e3": "~"}) == {"id": "s1"}
    with pytest.raises(ValueError, match="column '1e3'"):
        column_map.profile_data({**row, "1e3": "NA"})  # not an NA token of this map: na replaces the defaults
    from icitrace.errors import InputProblem

    with pytest.raises(InputProblem, match=r"map.yaml:2: unknown profile field `yes`"):
        _map(tmp_path, "fields:\n  yes: TMB\n")


def test_an_explicit_token_wins_over_the_na_list_for_its_field(tmp_path):
    """F9: `values: {NA: low}` says what NA means in that column; other columns keep NA as unknown."""
    column_map = _map(tmp_path, "fields:\n  hypoxia:\n    column: HYP\n    values: {NA: low, High: high}\n"
                                "  tmb: TMB\n")
    assert column_map.profile_data({"HYP": "NA", "TMB": "NA"}) == {"hypoxia": "low"}
    assert column_map.profile_data({"HYP": " NA ", "TMB": "4"}) == {"hypoxia": "low", "tmb": 4.0}


def test_tokens_na_tokens_cells_and_column_names_compare_without_blanks_and_in_one_unicode_form(tmp_path):
    nfc, nfd = "R\u00e9duit", "Re\u0301duit"
    column_map = _map(tmp_path, f"id: 'Sample '\nkeep: [Typ\u00e9]\nna: {{add: [' n/a']}}\nfields:\n  mhc_class_i:\n"
                                f"    column: HLA\n    values: {{'Loss ': lost, {nfc}: reduced}}\n  tmb: TMB\n")
    header = ["Sample", "Type\u0301", "HLA ", " TMB"]
    column_map.check_header(header, "t.csv:1")
    row = {"Sample": " s-1 ", "Type\u0301": "kept", "HLA ": "Loss", " TMB": "n/a"}
    assert column_map.profile_data(row) == {"id": "s-1", "mhc_class_i": "lost"}
    assert column_map.profile_data({**row, "HLA ": f" {nfd}"})["mhc_class_i"] == "reduced"
    assert column_map.record_id(row) == "s-1" and column_map.kept(row) == {"Typ\u00e9": "kept"}


def test_two_tokens_that_are_one_key_are_refused_at_their_line(tmp_path):
    from icitrace.errors import InputProblem

    with pytest.raises(InputProblem, match=r"map.yaml:6: hypoxia: the token 'High ' is the token 'High' again"):
        _map(tmp_path, "fields:\n  hypoxia:\n    column: H\n    values:\n      High: high\n      'High ': moderate\n")


def test_a_header_with_two_columns_of_one_key_is_refused_when_the_map_names_it(tmp_path):
    from icitrace.errors import InputProblem

    column_map = _map(tmp_path, "fields:\n  tmb: TMB\n")
    with pytest.raises(InputProblem, match=r"t.csv:1: the columns 'TMB' and 'TMB ' are one name"):
        column_map.check_header(["TMB", "TMB ", "x"], "t.csv:1")


def test_a_map_of_60000_tokens_costs_little_per_row_and_its_error_lines_are_bounded(tmp_path):
    """F21: the token table is built once per map; an error names the nearest tokens, not all of them."""
    import time

    tokens = [f"L{i:05d}" for i in range(60_000)]  # a flow mapping, to stay within the map's size bound
    column_map = _map(tmp_path, "fields:\n  hypoxia:\n    column: HYP\n    values: {"
                      + ", ".join(f"{t}: {('low', 'moderate', 'high')[i % 3]}" for i, t in enumerate(tokens)) + "}\n")
    start = time.process_time()
    for i in range(500):
        assert column_map.profile_data({"HYP": tokens[i * 97]})["hypoxia"] == ("low", "moderate", "high")[i * 97 % 3]
    assert (time.process_time() - start) / 500 < 0.001  # 12 ms a row when the table was rebuilt per cell
    long_cell = "L12340" + "x" * 100_000
    with pytest.raises(ValueError) as refused:
        column_map.profile_data({"HYP": long_cell})
    message = str(refused.value)
    from icitrace.batch.column_map import MAX_MESSAGE

    assert len(message) <= MAX_MESSAGE == 2_000
    assert "'L12340'" in message and "and 59,990 more" in message
    assert "NA tokens (the default list; a map's na: {add: [...]} adds to it): '', 'NA'" in message


def test_an_error_lists_every_token_of_a_short_map_and_says_which_na_tokens_apply(tmp_path):
    column_map = _map(tmp_path, "na: {replace: [NA, missing]}\nfields:\n  hypoxia:\n    column: HYP\n    values: {Low: low, High: high}\n")
    with pytest.raises(ValueError) as refused:
        column_map.profile_data({"HYP": "Hihg"})
    assert str(refused.value) == ("column 'HYP' holds 'Hihg', which the map gives no value for (its tokens: 'Low', "
                                  "'High'; NA tokens (this map's na: replace, instead of the default list): 'NA', 'missing')")


@pytest.mark.parametrize("value, says", [
    ("2020-01-01", "hypoxia: 'A' maps to a date"),
    ("!!binary aGk=", "hypoxia: 'A' maps to a bytes"),
    ("[low, high]", "hypoxia: 'A' maps to ['low', 'high']"),
])
def test_a_value_yaml_builds_but_json_cannot_hold_is_refused_at_its_line(tmp_path, value, says):
    from icitrace.errors import InputProblem

    with pytest.raises(InputProblem, match=r"map.yaml:4: " + says.replace("[", r"\[").replace("]", r"\]")):
        _map(tmp_path, f"fields:\n  hypoxia:\n    column: H\n    values: {{A: {value}}}\n")


def test_a_map_that_is_not_a_regular_file_is_refused_at_once(tmp_path):
    import os
    import threading

    fifo = tmp_path / "map.fifo"
    os.mkfifo(fifo)
    for path, says in ((Path("/dev/zero"), "is not a regular file"), (fifo, "is not a regular file"),
                       (tmp_path, "is a directory")):
        outcome: list = []
        reader = threading.Thread(target=_load_into, args=(path, outcome), daemon=True)
        reader.start()
        reader.join(10)  # a reader that blocks on the FIFO, or reads /dev/zero for ever, fails here
        assert outcome and outcome[0].startswith(f"--map {path}: {says}")


def _load_into(path: Path, outcome: list) -> None:
    from icitrace.batch.column_map import load_map
    from icitrace.errors import InputProblem

    try:
        load_map(path)
    except InputProblem as error:
        outcome.append(str(error))


def test_a_map_file_larger_than_the_bound_is_refused_unread(tmp_path):
    from icitrace.batch.column_map import MAX_MAP_BYTES, load_map
    from icitrace.errors import InputProblem

    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_MAP_BYTES + b"\nfields: {tmb: TMB}\n")
    with pytest.raises(InputProblem, match=f"--map {big}: is larger than"):
        load_map(big)


def test_booleans_as_tokens_through_the_real_command(tmp_path):
    table, column_map = tmp_path / "t.csv", tmp_path / "map.yaml"
    table.write_text("sample,meth,hyp\ns1,Yes,NA\ns2,No,Yes\n")
    column_map.write_text("id: sample\nfields:\n  epigenetic_silencing:\n    column: meth\n    values: {Yes: true, No: false}\n"
                          "  hypoxia:\n    column: hyp\n    values: {Yes: high, No: low, NA: moderate}\n")
    done = invoke("batch", str(table), "--map", str(column_map), "--format", "wide")
    rows = _rows(done.stdout)
    assert done.returncode == 0 and [r["error"] for r in rows] == ["", ""]
    assert [r["hypoxic_tme"] for r in rows] == ["0", "1"]  # NA means moderate in this column, Yes means high


def test_a_message_names_the_column_as_the_table_s_header_writes_it(tmp_path):
    column_map = _map(tmp_path, "fields:\n  hypoxia:\n    column: HYP\n    values: {High: high}\n  tmb: TMB\n")
    with pytest.raises(ValueError, match=r"^column 'HYP ' holds 'Low'"):
        column_map.profile_data({"HYP ": "Low", " TMB": "4"})
    with pytest.raises(ValueError, match=r"^column ' TMB': field \"tmb\" takes a number"):
        column_map.profile_data({"HYP ": "High", " TMB": "four"})


def test_a_missing_column_lists_the_header_s_nearest_columns_when_it_is_wide(tmp_path):
    column_map = _map(tmp_path, "fields:\n  tmb: TMB_NONSYNONYMUS\n")
    header = ["TMB_NONSYNONYMOUS"] + [f"COL_{i}" for i in range(5_000)]
    with pytest.raises(InputProblem) as refused:
        column_map.check_header(header, "t.csv:1")
    assert "the columns are: 'TMB_NONSYNONYMOUS', " in str(refused.value) and "and 4,991 more" in str(refused.value)
    assert len(str(refused.value)) < 1_000


def test_the_maps_page_s_worked_example_prints_what_the_run_gives(tmp_path, monkeypatch):
    """docs/maps.md's cBioPortal example: its command run, then its pandas lines run as a doctest on
    the table written, so the figures the page shows are the ones a reader gets."""
    import doctest
    import re

    pytest.importorskip("pandas")
    page = (ROOT / "docs" / "maps.md").read_text(encoding="utf-8")
    command = next(b for b in re.findall(r"```sh\n(.*?)```", page, flags=re.S)
                   if "data_clinical_sample.txt" in b and "--out wide.csv" in b).split()
    session = next(b for b in re.findall(r"```python\n(.*?)```", page, flags=re.S) if 'read_csv("wide.csv"' in b)
    monkeypatch.chdir(tmp_path)
    args = [str(ROOT / a) if a.startswith("tests/") else str(tmp_path / a) if a == "wide.csv" else a
            for a in command[1:]]
    assert invoke(*args).returncode == 1  # S-0004's error row, as the page says
    test = doctest.DocTestParser().get_doctest(session, {}, "docs/maps.md", "docs/maps.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=lambda text: pytest.fail(text))
    assert runner.summarize(verbose=False).attempted >= 3
