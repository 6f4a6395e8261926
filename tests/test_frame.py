"""`icitrace.evaluate_frame`: a pandas DataFrame in, the `batch --format wide` table out (the pandas extra)."""

import io
import json
import math

import pytest
from conftest import ROOT, invoke, read_provenance

import icitrace

pd = pytest.importorskip("pandas")  # the test extra installs it; icitrace itself does not need it
DATA = ROOT / "tests" / "data"


@pytest.mark.parametrize("table, column_map, sep", [
    (DATA / "r-export.csv", DATA / "r-export-map.yaml", ","),
    (DATA / "data_clinical_sample.txt", DATA / "cbioportal-map.yaml", "\t"),
], ids=["r-export", "cbioportal"])
def test_a_frame_gives_the_table_batch_wide_gives_for_the_same_rows(table, column_map, sep):
    frame = _read(table, sep)
    got = icitrace.evaluate_frame(frame, map=column_map)
    done = invoke("batch", str(table), "--map", str(column_map), "--format", "wide")
    _same_as_batch(got, frame, done.stdout)


def _read(table, sep: str):
    return pd.read_csv(table, sep=sep, comment="#" if sep == "\t" else None, dtype=str, keep_default_na=False)


def _same_as_batch(got, frame, stdout: bytes) -> None:
    """``got`` (evaluate_frame's table) holds what batch wrote (``stdout``, --format wide) for ``frame``."""
    # past the provenance line; every cell as the text batch wrote, then typed as evaluate_frame documents:
    # a conclusion 1 / 0 / NaN as a float, an empty text cell NaN, the kept columns as the frame holds them
    expected = pd.read_csv(io.BytesIO(stdout), comment="#", dtype=str, keep_default_na=False)
    decided = [c for c in expected.columns
               if c not in ("record", "id", "cutoffs", *frame.columns, "unknown", "error", "disclaimer")]
    for column in expected.columns:
        if column in decided:
            expected[column] = expected[column].replace("", "nan").astype("float64")
        elif column not in frame.columns:
            expected[column] = expected[column].replace("", math.nan)
    assert got.attrs["icitrace_run"] == read_provenance(stdout.decode().splitlines()[0])
    assert list(got.columns) == list(expected.columns)
    assert got["record"].tolist() == [f"row {i}" for i in range(len(frame))]
    # the same row by row, but the record's name (here its index label, there its file and line) and
    # the error text, which names it
    same = [c for c in got.columns if c not in ("record", "error")]
    pd.testing.assert_frame_equal(got[same], expected[same])
    assert got["error"].isna().tolist() == expected["error"].isna().tolist()


CBIO, CBIO_MAP = DATA / "data_clinical_sample.txt", DATA / "cbioportal-map.yaml"


def test_cutoffs_by_and_thresholds_give_what_batch_gives_with_the_same_options(tmp_path):
    """The API at the CLI's level: `--cutoffs-by CANCER_TYPE FILE --threshold ...` as arguments."""
    lines = tmp_path / "lines.csv"
    lines.write_text("group,cutoff,value\nMelanoma,tmb_high,20\n")
    frame = _read(CBIO, "\t")
    got = icitrace.evaluate_frame(frame, map=CBIO_MAP, cutoffs_by=("CANCER_TYPE", lines),
                                  thresholds={"pd_l1_high": 40})
    done = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--format", "wide", "--cutoffs-by", "CANCER_TYPE",
                  str(lines), "--threshold", "pd_l1_high=40")
    _same_as_batch(got, frame, done.stdout)
    assert got["cutoffs"].tolist()[:3] == ["tmb_high=20", "run", "run"]  # the group's own row, else the run's
    assert got.attrs["icitrace_run"]["overrides"][0]["after"] == 40
    assert got.attrs["icitrace_run"]["cutoffs_by"]["records"] == {"Melanoma": 1}
    assert got["high_tmb"].iloc[0] == 0.0  # S-0001's TMB 14.2 against the melanoma line of 20


def test_a_cutoff_group_no_row_has_is_refused_unless_allowed(tmp_path):
    lines = tmp_path / "lines.csv"
    lines.write_text("group,cutoff,value\nMelanom,tmb_high,20\n")
    frame = _read(CBIO, "\t")
    with pytest.raises(icitrace.InputProblem) as refused:
        icitrace.evaluate_frame(frame, map=CBIO_MAP, cutoffs_by=("CANCER_TYPE", lines))
    assert "'Melanom' matches no record; the nearest values of CANCER_TYPE: 'Melanoma'" in str(refused.value)
    assert "pass allow_unmatched_groups=True" in str(refused.value)
    got = icitrace.evaluate_frame(frame, map=CBIO_MAP, cutoffs_by=("CANCER_TYPE", lines), allow_unmatched_groups=True)
    assert set(got["cutoffs"].dropna()) == {"run"}
    with pytest.raises(icitrace.InputProblem, match="a column the map keeps"):
        icitrace.evaluate_frame(frame, map=CBIO_MAP, cutoffs_by=("HYPOXIA", lines))
    with pytest.raises(icitrace.InputProblem, match=r"^thresholds=\{'tmb_hihg': 20.0\}: no cut-off named 'tmb_hihg'"):
        icitrace.evaluate_frame(frame, map=CBIO_MAP, thresholds={"tmb_hihg": 20})


def test_the_summary_as_a_frame_holds_what_batch_summary_gives(tmp_path):
    from icitrace.batch.frame import SUMMARY_COLUMNS, summary_rows

    frame = _read(CBIO, "\t")
    got = icitrace.summarise_frame(frame, map=CBIO_MAP, by="CANCER_TYPE", thresholds={"tmb_high": 12})
    done = invoke("batch", str(CBIO), "--map", str(CBIO_MAP), "--out", str(tmp_path / "o.jsonl"), "--summary",
                  "--summary-format", "json", "--by", "CANCER_TYPE", "--threshold", "tmb_high=12")
    summary = json.loads(done.stdout)
    pd.testing.assert_frame_equal(got, pd.DataFrame(summary_rows(summary), columns=SUMMARY_COLUMNS))
    assert list(got.columns) == SUMMARY_COLUMNS and got.attrs["disclaimer"] == icitrace.DISCLAIMER
    cohort = got[got["scope"] == "cohort"].set_index(["part", "name"])
    assert cohort.loc[("records", "failed"), "records"] == 1 and cohort.loc[("records", "evaluated"), "records"] == 3
    assert cohort.loc[("finding", "high_tmb"), "share"] == pytest.approx(1 / 3)
    lung = got[(got["scope"] == "group") & (got["group"] == "Non-Small Cell Lung Cancer")]
    assert lung.set_index(["part", "name"]).loc[("records", "records"), "records"] == 2
    assert (got["part"] == "deciding_unknown").any()
    assert got.attrs["icitrace_run"] == icitrace.evaluate_frame(frame, map=CBIO_MAP,
                                                                thresholds={"tmb_high": 12}).attrs["icitrace_run"]


def test_a_frame_of_profile_fields_needs_no_map_and_an_unknown_column_is_refused():
    got = icitrace.evaluate_frame(pd.DataFrame({"tmb": [4, None], "hypoxia": ["high", None]}))
    assert got["low_immunogenicity"].tolist()[0] == 1 and got["hypoxic_tme"].tolist()[0] == 1
    assert got[["low_immunogenicity", "hypoxic_tme"]].iloc[1].isna().all()  # nothing known: undecided
    with pytest.raises(icitrace.InputProblem, match="unknown column"):
        icitrace.evaluate_frame(pd.DataFrame({"TMB Score": [4]}))


# The frame's own values come back as they were: its index, its ids and kept columns; cells that pandas
# holds as lists, nullable values or numpy scalars read as what they are --------------------------------

FINDINGS = ["low_immunogenicity", "hypoxic_tme", "oncogenic_pathway_evasion", "epigenetic_immune_silencing"]


def _map(tmp_path, text: str):
    path = tmp_path / "map.yaml"
    path.write_text(text)
    return path


def test_ids_and_kept_columns_keep_their_text_and_dtype(tmp_path):
    """F5: read back without dtype, "0001" became 1, "007" 7.0, "NA" NaN and "1e2" 100.0."""
    column_map = _map(tmp_path, "id: sample\nkeep: [code, note, count, group]\nfields:\n  tmb: tmb\n")
    frame = pd.DataFrame({
        "sample": ["0001", "007", "1e2"],
        "code": ["007", "NA", "1e2"],
        "note": pd.array(["x", pd.NA, "0"], dtype="string"),
        "count": pd.array([1, pd.NA, 3], dtype="Int64"),
        "group": pd.Categorical(["a", "b", "a"]),
        "tmb": ["4", "12", "NA"],
    })
    got = icitrace.evaluate_frame(frame, map=column_map)
    assert got["id"].tolist() == ["0001", "007", "1e2"]
    for column in ("code", "note", "count", "group"):
        pd.testing.assert_series_equal(got[column], frame[column])  # values, dtype and index as given
    assert got["low_immunogenicity"].dtype == "float64" and got["high_tmb"].tolist()[:2] == [0.0, 1.0]
    assert math.isnan(got["high_tmb"].tolist()[2])  # NA: undecided


def test_the_result_keeps_the_frame_s_index_so_a_join_lines_up(tmp_path):
    """F5: a fresh 0..n-1 index misaligned every row of a join back to a filtered frame."""
    whole = pd.DataFrame({"tmb": [4, 20, 3, 15, 30], "hypoxia": ["low", "high", "high", None, "low"]})
    kept = whole[whole["tmb"] != 3]  # labels 0, 1, 3, 4
    got = icitrace.evaluate_frame(kept)
    assert got.index.tolist() == [0, 1, 3, 4] and got["record"].tolist() == ["row 0", "row 1", "row 3", "row 4"]
    joined = kept.join(got[["high_tmb", "hypoxic_tme"]])
    assert joined["high_tmb"].tolist() == [0.0, 1.0, 1.0, 1.0]
    assert joined["hypoxic_tme"].tolist()[:2] == [0.0, 1.0] and math.isnan(joined["hypoxic_tme"].tolist()[2])
    labelled = pd.DataFrame({"tmb": [12, 2, 40]}, index=pd.Index(["b", "a", "b"], name="sample"))
    got = icitrace.evaluate_frame(labelled)
    assert got.index.equals(labelled.index) and got["high_tmb"].tolist() == [1.0, 0.0, 1.0]


def test_a_list_cell_in_a_list_field_is_its_items():
    """F6: a Python list was written as one string ("['WNT...', 'PTEN loss']") and [] as the item "[]"."""
    frame = pd.DataFrame({"oncogenic_alterations": [["WNT/beta-catenin activation", "PTEN loss"], [],
                                                    ("PTEN loss",), None, "PTEN loss; KRAS mutation"]})
    got = icitrace.evaluate_frame(frame)
    evasion = got["oncogenic_pathway_evasion"].tolist()
    assert evasion[:3] == [1.0, 0.0, 1.0] and math.isnan(evasion[3]) and evasion[4] == 1.0
    assert got["error"].isna().all()
    assert "oncogenic_alterations" not in str(got["unknown"].iloc[1])  # [] is "none found", not unknown
    assert "oncogenic_alterations" in got["unknown"].iloc[3]


@pytest.mark.parametrize("column, cell, says", [
    ("oncogenic_alterations", ["PTEN loss", 3], "column 'oncogenic_alterations' holds a list whose item 2 is an int"),
    ("oncogenic_alterations", ["PTEN loss", " "], "item 2 is blank"),
    ("hypoxia", ["high"], "column 'hypoxia' holds a list; hypoxia takes one of low, moderate, high"),
    ("id", ["a"], "column 'id' holds a list; id takes text"),
    ("tmb", {"below": 1}, "column 'tmb' holds a dict"),
    ("tmb", 10**5000, "column 'tmb' holds a number of more than 30 digits, which icitrace does not accept"),
], ids=["item", "blank-item", "not-a-list-field", "id", "dict", "huge-int"])
def test_a_cell_that_cannot_be_read_is_an_error_row_naming_its_column(column, cell, says):
    other = "tmb" if column == "hypoxia" else "hypoxia"
    frame = pd.DataFrame({column: pd.Series([cell, None], dtype=object), other: [None, None]})
    got = icitrace.evaluate_frame(frame)
    error = got["error"].iloc[0]
    assert error.startswith("row 0: ") and says in error and len(error) < 500
    assert pd.isna(got["error"].iloc[1]) and got[FINDINGS[:2]].iloc[0].isna().all()


def test_a_list_cell_through_a_map(tmp_path):
    column_map = _map(tmp_path, "fields:\n  oncogenic_alterations: genes\n  hypoxia:\n    column: hyp\n"
                                "    values: {High: high}\n")
    frame = pd.DataFrame({"genes": [["PTEN loss"], [], ["x"]], "hyp": ["High", None, ["High"]]})
    got = icitrace.evaluate_frame(frame, map=column_map)
    assert got["oncogenic_pathway_evasion"].tolist()[:2] == [1.0, 0.0] and got["hypoxic_tme"].iloc[0] == 1.0
    assert math.isnan(got["hypoxic_tme"].iloc[1])  # a missing value is unknown whatever the NA tokens
    assert "column 'hyp' holds a list" in got["error"].iloc[2]


def test_nullable_dtypes_hold_unknowns_and_numpy_scalars_read_as_their_values():
    """F27: a nullable boolean column was refused row by row ("got True"); numpy 2 names its bool `bool`."""
    np = pytest.importorskip("numpy")
    frame = pd.DataFrame({
        "epigenetic_silencing": pd.array([True, False, pd.NA], dtype="boolean"),
        "tmb": pd.array([4.5, pd.NA, 12.0], dtype="Float64"),
        "pd_l1_tps": pd.array([60, 0, pd.NA], dtype="Int64"),
        "hypoxia": pd.array(["high", pd.NA, "low"], dtype="string"),
    })
    got = icitrace.evaluate_frame(frame)
    assert got["error"].isna().all(), got["error"].tolist()
    assert got["epigenetic_immune_silencing"].tolist()[:2] == [1.0, 0.0]
    assert math.isnan(got["epigenetic_immune_silencing"].iloc[2])
    assert got["low_immunogenicity"].iloc[0] == 1.0 and math.isnan(got["low_immunogenicity"].iloc[1])
    assert got["hypoxic_tme"].iloc[0] == 1.0 and math.isnan(got["hypoxic_tme"].iloc[1])
    assert "pd_l1_tps" in got["unknown"].iloc[2] and "hypoxia" in got["unknown"].iloc[1]
    scalars = pd.DataFrame({"epigenetic_silencing": pd.Series([np.bool_(True), np.bool_(False)], dtype=object),
                            "tmb": pd.Series([np.int64(12), np.float64(4.5)], dtype=object),
                            "pd_l1_tps": pd.Series([np.float32(60), pd.NaT], dtype=object)})
    got = icitrace.evaluate_frame(scalars)
    assert got["error"].isna().all(), got["error"].tolist()
    assert got["epigenetic_immune_silencing"].tolist() == [1.0, 0.0] and got["high_tmb"].tolist() == [1.0, 0.0]


@pytest.mark.parametrize("columns, says", [
    (["\ud800"], "column '\\\\ud800' is not valid Unicode text"),
    ([("tmb", "x")], "column ('tmb', 'x') is named by a tuple; a column name is text or a number"),
    ([None], "column None is named by None; a column name is text or a number"),
    (["tmb", "tmb"], "column 'tmb' is named twice"),
    ([0, "0"], "column '0' is named twice"),
], ids=["surrogate", "tuple", "none", "twice", "number-and-text"])
def test_a_column_name_that_is_not_text_or_is_named_twice_is_refused(columns, says):
    """F28: a lone surrogate as a column name was a UnicodeEncodeError traceback."""
    frame = pd.DataFrame([[1] * len(columns)], columns=pd.Index(columns, dtype=object, tupleize_cols=False))
    with pytest.raises(icitrace.InputProblem) as refused:
        icitrace.evaluate_frame(frame)
    assert says.replace("\\\\", "\\") in str(refused.value)
    assert str(refused.value).isprintable()


def test_a_column_name_that_is_a_number_is_read_as_its_text(tmp_path):
    column_map = _map(tmp_path, "fields:\n  tmb: '2019'\n")
    got = icitrace.evaluate_frame(pd.DataFrame({2019: [12.0]}), map=column_map)
    assert got["high_tmb"].tolist() == [1.0]
