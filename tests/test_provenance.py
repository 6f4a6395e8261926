"""What a batch output says about itself: the provenance line that opens it, per-group cut-offs
(`--cutoffs-by`) stated on every record, and the summary's deciding unknowns."""

import csv
import io
import json

import pytest
from conftest import ROOT, invoke, read_provenance, records_of, run_cli

from icitrace import __version__
from icitrace.batch.provenance import is_provenance
from icitrace.pipeline import rulebook

DATA = ROOT / "tests" / "data"
CBIO, CBIO_MAP = DATA / "data_clinical_sample.txt", DATA / "cbioportal-map.yaml"
LINES = "group,cutoff,value\nMelanoma,tmb_high,20\nNon-Small Cell Lung Cancer,tmb_high,3\n"


def _first(data: bytes) -> dict:
    return read_provenance(data.decode().split("\n", 1)[0])


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "wide"])
def test_every_output_opens_with_one_line_naming_version_rules_overrides_and_map(fmt, tmp_path):
    done = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--format", fmt, "--threshold", "tmb_high=12")
    first = done.stdout.decode().split("\n", 1)[0]
    assert first.startswith('{"icitrace_run":' if fmt == "jsonl" else "# icitrace_run {")
    data = read_provenance(first)
    book = rulebook()
    assert data["icitrace"] == __version__ and data["rules_version"] == book.version
    assert data["rules_digest"].startswith(book.digest + "-")  # the digest of the rules as moved
    assert data["overrides"] == [{"cutoff": "tmb_high", "before": 10.0, "after": 12.0, "unit": "mut/Mb"}]
    assert data["map"]["file"] == str(CBIO_MAP) and len(data["map"]["sha256"]) == 16
    assert data["disclaimer"].startswith("ILLUSTRATIVE ONLY")
    assert sum(is_provenance(line) for line in done.stdout.decode().splitlines()) == 1
    again = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--format", fmt, "--threshold", "tmb_high=12")
    assert again.stdout == done.stdout  # no time, no host: the same run writes the same bytes


def test_a_changed_map_file_changes_its_digest_in_the_provenance_line(tmp_path):
    copy = tmp_path / "map.yaml"
    copy.write_text(CBIO_MAP.read_text())
    before = _first(invoke("batch", str(CBIO), "--map", str(copy)).stdout)["map"]["sha256"]
    copy.write_text(CBIO_MAP.read_text() + "# a comment\n")
    assert _first(invoke("batch", str(CBIO), "--map", str(copy)).stdout)["map"]["sha256"] != before


def test_pandas_reads_the_wide_table_past_the_provenance_comment_with_a_hash_in_a_kept_cell(tmp_path):
    pd = pytest.importorskip("pandas")
    table = tmp_path / "cohort.tsv"
    table.write_text("sample\tnote\ttmb\nA\tcase #1, seen twice\t12\nB\t#2\t3\n")
    column_map = tmp_path / "map.yaml"
    column_map.write_text("id: sample\nkeep: [note]\nfields:\n  tmb: tmb\n")
    out = tmp_path / "wide.csv"
    done = invoke("batch", str(table), "--map", str(column_map), "--format", "wide", "--out", str(out))
    assert done.returncode == 0
    frame = pd.read_csv(out, comment="#")
    assert frame["note"].tolist() == ["case #1, seen twice", "#2"] and frame["high_tmb"].tolist() == [1, 0]
    # and icitrace's own reader, after a resume from the first record
    kept = out.read_bytes().splitlines(keepends=True)[:3]
    out.write_bytes(b"".join(kept))
    resumed = invoke("batch", str(table), "--map", str(column_map), "--format", "wide", "--out", str(out),
                     "--resume", "--summary", "--summary-format", "json")
    assert resumed.returncode == 0 and json.loads(resumed.stdout)["findings"] == {"high_tmb": 1,
                                                                                 "low_immunogenicity": 1}


def test_an_output_written_before_provenance_lines_is_not_resumed(tmp_path):
    source, out = tmp_path / "c.jsonl", tmp_path / "out.jsonl"
    source.write_text('{"tmb": 12}\n{"tmb": 1}\n')
    invoke("batch", str(source), "--out", str(out))
    record = out.with_name(out.name + ".icitrace-run.json")
    old = json.loads(record.read_text())
    del old["layout"]
    record.write_text(json.dumps(old))
    out.write_bytes(b"".join(out.read_bytes().splitlines(keepends=True)[1:2]))  # one record, no provenance
    written = out.read_bytes()
    done = invoke("batch", str(source), "--out", str(out), "--resume")
    assert done.returncode == 2 and "no provenance line; start again without --resume" in done.stderr.decode()
    assert out.read_bytes() == written


@pytest.mark.cli
def test_cutoffs_by_a_kept_column_through_the_real_command(tmp_path):
    """TMB lines per cancer type: each record is judged by its group's line and says so; a group with no
    row is judged by the run's cut-offs; an error record by none."""
    lines = tmp_path / "tmb-lines.csv"
    lines.write_text(LINES)
    done = run_cli("batch", str(CBIO), "--map", str(CBIO_MAP), "--cutoffs-by", "CANCER_TYPE", str(lines),
                   "--format", "wide")
    assert done.returncode == 1  # S-0004 holds a token the map has no value for
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(records_of(done.stdout)))}
    assert {i: r["cutoffs"] for i, r in rows.items()} == {
        "S-0001": "tmb_high=20", "S-0002": "tmb_high=3", "S-0003": "tmb_high=3", "S-0004": ""}
    # S-0001 (melanoma, TMB 14.2) is under its group's line of 20; S-0002 (lung, 3.1) over its line of 3
    assert (rows["S-0001"]["high_tmb"], rows["S-0001"]["low_immunogenicity"]) == ("0", "1")
    assert (rows["S-0002"]["high_tmb"], rows["S-0002"]["low_immunogenicity"]) == ("1", "0")
    plain = {r["id"]: r for r in csv.DictReader(io.StringIO(records_of(
        invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--format", "wide").stdout)))}
    assert (plain["S-0001"]["high_tmb"], plain["S-0002"]["high_tmb"]) == ("1", "0")  # the shipped line of 10
    table = _first(done.stdout)["cutoffs_by"]
    assert table["column"] == "CANCER_TYPE" and table["groups"] == {
        "Melanoma": {"tmb_high": 20.0}, "Non-Small Cell Lung Cancer": {"tmb_high": 3.0}}


def test_cutoffs_by_in_jsonl_and_csv_and_by_tumor_type_without_a_map(tmp_path):
    lines = tmp_path / "tmb-lines.csv"
    lines.write_text("group,cutoff,value\nmelanoma,tmb_high,20\n")
    source = tmp_path / "c.jsonl"
    source.write_text('{"tumor_type": "melanoma", "tmb": 14}\n{"tumor_type": "lung", "tmb": 14}\n{"tmb": 14}\n')
    records = [json.loads(x) for x in records_of(invoke("batch", str(source), "--cutoffs-by", "tumor_type",
                                                        str(lines)).stdout).splitlines()]
    assert [r["cutoffs"] for r in records] == [{"tmb_high": 20.0}, {}, {}]
    assert ["high_tmb" in r["findings"] for r in records] == [False, True, True]
    rows = list(csv.DictReader(io.StringIO(records_of(invoke(
        "batch", str(source), "--cutoffs-by", "tumor_type", str(lines), "--format", "csv").stdout))))
    assert [r["cutoffs"] for r in rows] == ["tmb_high=20", "run", "run"]
    full = json.loads(records_of(invoke("batch", str(source), "--cutoffs-by", "tumor_type", str(lines),
                                        "--full").stdout).splitlines()[0])
    assert full["result"]["overrides"] == [{"cutoff": "tmb_high", "before": 10.0, "after": 20.0, "unit": "mut/Mb"}]


@pytest.mark.parametrize("text, says", [
    ("grp,cutoff,value\nMelanoma,tmb_high,20\n", "{f}:1: the header must be group,cutoff,value"),
    ("group,cutoff,value\nMelanoma,tmb_hi,20\n", "{f}:2: no cut-off named 'tmb_hi' (did you mean `tmb_high`?)"),
    ("group,cutoff,value\nMelanoma,tmb_high,twenty\n", "{f}:2: the value of tmb_high must be a number from 0 "
                                                      "to 10000 (tmb), got 'twenty'"),
    ("group,cutoff,value\nMelanoma,pd_l1_high,150\n", "{f}:2: the value of pd_l1_high must be a number from 0 "
                                                       "to 100 (pd_l1_tps), got 150"),
    ("group,cutoff,value\nMelanoma,tmb_high,20\nMelanoma,tmb_high,15\n", "{f}:3: tmb_high is given twice for "
                                                                          "the group 'Melanoma'"),
    ("group,cutoff,value\n,tmb_high,20\n", "{f}:2: the group is empty"),
    ("group,cutoff,value\nNSCLC,tmb_high,0.00001\n", "{f}:2: the value of tmb_high: expected 0 or a number from "
                                                     "0.0001 to 10000"),
    ("group,cutoff,value\n", "{f}: no rows under the header"),
], ids=["header", "name", "number", "range", "twice", "no-group", "engine", "empty"])
def test_a_cutoff_table_that_cannot_be_used_is_refused_naming_file_and_line_before_the_output_is_touched(
        tmp_path, text, says):
    table, out = tmp_path / "lines.csv", tmp_path / "out.jsonl"
    table.write_text(text)
    out.write_text("kept\n")
    done = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--cutoffs-by", "CANCER_TYPE", str(table),
                  "--out", str(out))
    assert done.returncode == 2 and done.stdout == b"" and out.read_text() == "kept\n"
    assert done.stderr.decode().startswith(f"icitrace: {says.format(f=table)}")


def test_a_group_cell_is_read_without_the_blanks_around_it(tmp_path):
    table, column_map, lines = tmp_path / "t.tsv", tmp_path / "map.yaml", tmp_path / "lines.csv"
    table.write_text("sample\ttype\ttmb\nA\tNSCLC \t12\nB\t NSCLC\t12\nC\tother\t12\n")
    column_map.write_text("id: sample\nkeep: [type]\nfields:\n  tmb: tmb\n")
    lines.write_text("group,cutoff,value\nNSCLC,tmb_high,20\n")
    rows = list(csv.DictReader(io.StringIO(records_of(invoke(
        "batch", str(table), "--map", str(column_map), "--cutoffs-by", "type", str(lines), "-f", "csv").stdout))))
    assert [(r["cutoffs"], "high_tmb" in r["findings"]) for r in rows] == [
        ("tmb_high=20", False), ("tmb_high=20", False), ("run", True)]
    assert [r["type"] for r in rows] == ["NSCLC ", " NSCLC", "other"]  # kept as written


def test_cutoffs_by_a_column_the_records_do_not_carry_is_refused(tmp_path):
    table = tmp_path / "lines.csv"
    table.write_text(LINES)
    done = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--cutoffs-by", "HLA_I", str(table))
    assert done.returncode == 2 and "--cutoffs-by HLA_I: with --map, a column the map keeps" in done.stderr.decode()
    done = invoke("batch", "profiles", "--cutoffs-by", "CANCER_TYPE", str(table))
    assert done.returncode == 2 and "grouped by the profile field tumor_type" in done.stderr.decode()


def test_resume_refuses_a_changed_cutoff_table(tmp_path):
    table, out = tmp_path / "lines.csv", tmp_path / "out.jsonl"
    table.write_text(LINES)
    invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--cutoffs-by", "CANCER_TYPE", str(table), "--out", str(out))
    table.write_text(LINES.replace("20", "15"))
    done = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--cutoffs-by", "CANCER_TYPE", str(table),
                  "--out", str(out), "--resume")
    assert done.returncode == 2 and "the --cutoffs-by column or table differs" in done.stderr.decode()


def test_the_summary_names_the_unknowns_that_would_decide_the_most(tmp_path):
    source = tmp_path / "c.jsonl"
    # both: hypoxia unknown, and the hypoxia rule reads nothing else; tmb known in one only
    source.write_text('{"tmb": 12}\n{"tregs": "abundant"}\n')
    data = json.loads(invoke("batch", str(source), "--summary", "--summary-format", "json", "--out",
                             str(tmp_path / "o.jsonl")).stdout)
    deciding = {d["field"]: d for d in data["deciding_unknowns"]["fields"]}
    assert data["deciding_unknowns"]["over_records"] == 2
    assert deciding["hypoxia"]["records"] == 2 and deciding["tmb"]["records"] == 1
    assert "ici_history" not in deciding  # no rule reads it
    ranked = [d["records"] for d in data["deciding_unknowns"]["fields"]]
    assert ranked == sorted(ranked, reverse=True)
