"""`icitrace.evaluate_frame`: a pandas DataFrame in, the `batch --format wide` table out (the pandas extra)."""

import io

import pytest
from conftest import ROOT, invoke

import icitrace
from icitrace.batch.provenance import read_provenance

pd = pytest.importorskip("pandas")  # the test extra installs it; icitrace itself does not need it
DATA = ROOT / "tests" / "data"


@pytest.mark.parametrize("table, column_map, sep", [
    (DATA / "r-export.csv", DATA / "r-export-map.yaml", ","),
    (DATA / "data_clinical_sample.txt", DATA / "cbioportal-map.yaml", "\t"),
], ids=["r-export", "cbioportal"])
def test_a_frame_gives_the_table_batch_wide_gives_for_the_same_rows(table, column_map, sep):
    frame = pd.read_csv(table, sep=sep, comment="#" if sep == "\t" else None, dtype=str,
                        keep_default_na=False)
    got = icitrace.evaluate_frame(frame, map=column_map)
    done = invoke("batch", str(table), "--map", str(column_map), "--format", "wide")
    expected = pd.read_csv(io.BytesIO(done.stdout), comment="#")  # past the provenance line, as the README says
    assert got.attrs["icitrace_run"] == read_provenance(done.stdout.decode().splitlines()[0])
    assert list(got.columns) == list(expected.columns)
    assert got["record"].tolist() == [f"row {i}" for i in range(len(frame))]
    # the same row by row, but the record's name (here its index label, there its file and line) and
    # the error text, which names it
    same = [c for c in got.columns if c not in ("record", "error")]
    pd.testing.assert_frame_equal(got[same], expected[same])
    assert got["error"].isna().tolist() == expected["error"].isna().tolist()


def test_a_frame_of_profile_fields_needs_no_map_and_an_unknown_column_is_refused():
    got = icitrace.evaluate_frame(pd.DataFrame({"tmb": [4, None], "hypoxia": ["high", None]}))
    assert got["low_immunogenicity"].tolist()[0] == 1 and got["hypoxic_tme"].tolist()[0] == 1
    assert got[["low_immunogenicity", "hypoxic_tme"]].iloc[1].isna().all()  # nothing known: undecided
    with pytest.raises(icitrace.InputProblem, match="unknown column"):
        icitrace.evaluate_frame(pd.DataFrame({"TMB Score": [4]}))
