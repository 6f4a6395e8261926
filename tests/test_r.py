"""The docs' R line, for real: `read.csv("wide.csv", comment.char = "#")` in R reads batch's wide table
with every record, every column (named as batch names them), NA where a conclusion is undecided, a cell
holding "#" whole, and the provenance comment left for `readLines`."""

import csv
import io

import pytest
from conftest import ROOT, invoke, records_of
from r_reading import read_with_r

from icitrace.batch.provenance import is_provenance, read_provenance

DATA = ROOT / "tests" / "data"
pytestmark = pytest.mark.cli  # Rscript is a process


def _wide(tmp_path, table, column_map, *args):
    out = tmp_path / "wide.csv"
    done = invoke("batch", str(table), "--map", str(column_map), "--format", "wide", "--out", str(out), *args)
    assert done.returncode in (0, 1), done.stderr
    rows = list(csv.reader(io.StringIO(records_of(out.read_text(encoding="utf-8")))))
    return out, rows[0], rows[1:]


def test_r_reads_the_wide_table_with_every_record_column_and_undecided_cell(tmp_path):
    out, header, rows = _wide(tmp_path, DATA / "data_clinical_sample.txt", DATA / "cbioportal-map.yaml")
    table = read_with_r(out)
    assert table.rows == len(rows) == 4
    assert table.names == header  # no column renamed by R (check.names would turn a blank or a "-" into ".")
    for position, name in enumerate(header):  # an empty cell: NA in a number column, "" in a text one
        text = table.classes[name] == "character"
        assert table.columns[name] == [row[position] or ("" if text else "<NA>") for row in rows], name
    assert table.columns["high_tmb"][:3] == ["1", "0", "<NA>"]  # NA: undecided, as pandas' NaN
    assert table.classes["high_tmb"] == "integer" and table.classes["id"] == "character"
    assert "which the map gives no value for" in table.columns["error"][3]  # an error row, whole
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert table.first_line == first and is_provenance(first)
    assert read_provenance(table.first_line)["map"]["file"] == str(DATA / "cbioportal-map.yaml")


def test_r_reads_a_kept_cell_holding_a_hash_whole_and_the_map_s_declarations_in_the_provenance(tmp_path):
    table_file = tmp_path / "cohort.csv"
    table_file.write_text("patient,note,tmb\np1,\"biopsy #2, re-read\",12\np2,#,NA\n")
    column_map = tmp_path / "map.yaml"
    column_map.write_text("id: patient\nkeep: [note]\nconstants: {ici_history: naive}\nnot_measured: [tregs]\n"
                          "fields: {tmb: tmb}\n")
    out, header, rows = _wide(tmp_path, table_file, column_map)
    table = read_with_r(out)
    assert table.rows == 2 and table.names == header
    assert table.columns["note"] == ["biopsy #2, re-read", "#"]  # comment.char does not cut a quoted cell
    assert table.columns["high_tmb"] == ["1", "<NA>"]
    provenance = read_provenance(table.first_line)["map"]
    assert provenance["not_measured"] == ["tregs"] and provenance["constants"] == {"ici_history": "naive"}


def test_r_reads_the_outcomes_table_with_every_conclusion_figure_and_empty_cell(tmp_path):
    """The outcomes table (issue 24) through the same R line: a row per conclusion, the columns as
    icitrace names them, each figure R's number equal to the text written, NA where a figure cannot be
    had, and the provenance comment for readLines."""
    pytest.importorskip("lifelines")
    out = tmp_path / "outcomes.csv"
    examples = ROOT / "docs" / "examples"
    done = invoke("outcomes", str(examples / "teaching-cohort.csv"), "--map", str(examples / "teaching-map.yaml"),
                  "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(records_of(out.read_text(encoding="utf-8")))))
    header, rows = rows[0], rows[1:]
    table = read_with_r(out)
    assert table.rows == len(rows) > 0 and table.names == header
    numbers = [name for name in header if table.classes[name] in ("numeric", "integer")]
    assert {"n_reached", "odds_ratio", "fisher_p", "hazard_ratio", "logrank_p", "q_value"} <= set(numbers)
    for position, name in enumerate(header):
        for row, cell in zip(rows, table.columns[name], strict=True):
            if name in numbers:
                assert (cell == "<NA>") if row[position] == "" else float(cell) == pytest.approx(
                    float(row[position]), rel=1e-12), (name, row[position], cell)
            else:
                assert cell == row[position], (name, row[position], cell)
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert table.first_line == first and is_provenance(first)
