"""`batch --format parquet`: the wide table as Parquet, equal to the wide CSV cell for cell, the same
bytes for the same run, written only to a file, never resumed, and refused with the install line where
pyarrow is missing."""

import io
import subprocess
import sys

import pytest
from conftest import ROOT, invoke

from icitrace.batch.provenance import read_provenance
from icitrace.bdd.steps import icitrace_command

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")  # the test extra installs it (and the parquet extra)

DATA = ROOT / "tests" / "data"
TABLES = {"cbioportal": (DATA / "data_clinical_sample.txt", DATA / "cbioportal-map.yaml"),
          "dot-na": (DATA / "dot-na.csv", DATA / "dot-na-map.yaml"),
          "r-export": (DATA / "r-export.csv", DATA / "r-export-map.yaml")}


def _wide_typed(wide: bytes, decided: set[str]):
    """The wide CSV as the parquet file types it: conclusions float (NaN undecided), text None where empty."""
    table = pd.read_csv(io.BytesIO(wide), comment="#", dtype=str, keep_default_na=False)
    for column in table.columns:
        if column in decided:
            table[column] = pd.to_numeric(table[column].replace("", None)).astype("float64")
        else:
            table[column] = table[column].astype(object).where(table[column] != "", None)
    return table


def _decided() -> set[str]:
    from icitrace.pipeline import rulebook

    book = rulebook()
    return {*book.catalog.findings, *book.catalog.strategies}


@pytest.mark.parametrize("name", list(TABLES))
def test_the_parquet_table_is_the_wide_table_cell_for_cell(tmp_path, name):
    from icitrace.batch.parquet import read_metadata

    table, column_map = TABLES[name]
    wide = invoke("batch", str(table), "--map", str(column_map), "--format", "wide").stdout
    out = tmp_path / "wide.parquet"
    done = invoke("batch", str(table), "--map", str(column_map), "--format", "parquet", "--out", str(out))
    assert done.returncode in (0, 1) and done.stdout == b""
    got = pd.read_parquet(out)
    expected = _wide_typed(wide, _decided())
    assert list(got.columns) == list(expected.columns) and len(got) == len(expected) > 0
    for column in got.columns:
        assert got[column].tolist() == pytest.approx(expected[column].tolist(), nan_ok=True) \
            if column in _decided() else got[column].tolist() == expected[column].tolist(), column
    assert read_metadata(out) == read_provenance(wide.decode().splitlines()[0])


def test_the_same_run_writes_the_same_bytes_in_row_groups_of_any_size(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from icitrace.batch import parquet

    table, column_map = TABLES["cbioportal"]
    outs = [tmp_path / f"{n}.parquet" for n in range(3)]
    for out in outs[:2]:
        invoke("batch", str(table), "--map", str(column_map), "-f", "parquet", "-o", str(out))
    assert outs[0].read_bytes() == outs[1].read_bytes()
    monkeypatch.setattr(parquet, "ROWS", 3)  # 4 records: two row groups
    invoke("batch", str(table), "--map", str(column_map), "-f", "parquet", "-o", str(outs[2]))
    assert pq.ParquetFile(outs[2]).num_row_groups == 2
    pd.testing.assert_frame_equal(pd.read_parquet(outs[2]), pd.read_parquet(outs[0]))


@pytest.mark.parametrize("args, says", [
    ((), "--format parquet writes binary: give --out FILE, or redirect standard output to a file"),
    (("--out", "{out}", "--resume"), "--resume cannot continue --format parquet"),
    (("--out", "{out}", "--full"), "--full writes JSON; use it with --format jsonl"),
], ids=["terminal-or-pipe", "resume", "full"])
def test_parquet_is_refused_where_it_cannot_be_right_before_the_output_is_touched(tmp_path, args, says):
    table, column_map = TABLES["r-export"]
    out = tmp_path / "kept.parquet"
    out.write_text("kept\n")
    done = invoke("batch", str(table), "--map", str(column_map), "-f", "parquet",
                  *(a.replace("{out}", str(out)) for a in args))
    assert done.returncode == 2 and done.stdout == b"" and out.read_text() == "kept\n"
    assert says in done.stderr.decode()


def test_without_pyarrow_parquet_is_refused_with_the_install_line(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    table, column_map = TABLES["r-export"]
    out = tmp_path / "o.parquet"
    done = invoke("batch", str(table), "--map", str(column_map), "-f", "parquet", "-o", str(out))
    assert done.returncode == 2 and not out.exists()
    assert "--format parquet needs pyarrow, which is not installed: pip install 'icitrace[parquet]'" in done.stderr.decode()


def test_a_parquet_output_is_not_resumed_as_another_format(tmp_path):
    table, column_map = TABLES["r-export"]
    out = tmp_path / "o.parquet"
    invoke("batch", str(table), "--map", str(column_map), "-f", "parquet", "-o", str(out))
    before = out.read_bytes()
    done = invoke("batch", str(table), "--map", str(column_map), "-f", "wide", "-o", str(out), "--resume")
    assert done.returncode == 2 and out.read_bytes() == before
    assert b"not the run that wrote it: it was written as parquet, this run writes wide" in done.stderr


@pytest.mark.cli
def test_the_real_command_writes_parquet_to_a_stdout_redirected_to_a_file(tmp_path):
    table, column_map = TABLES["dot-na"]
    out = tmp_path / "redirected.parquet"
    with out.open("wb") as stdout:
        done = subprocess.run(icitrace_command() + ["batch", str(table), "--map", str(column_map), "-f", "parquet"],
                              stdout=stdout, stderr=subprocess.PIPE, timeout=120)
    assert done.returncode == 0, done.stderr
    assert pd.read_parquet(out)["id"].tolist() == ["p1", "p2", "p3", "p4"]
    piped = subprocess.run(icitrace_command() + ["batch", str(table), "--map", str(column_map), "-f", "parquet"],
                           capture_output=True, timeout=120)
    assert piped.returncode == 2 and piped.stdout == b"" and b"give --out FILE" in piped.stderr
