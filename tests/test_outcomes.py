"""`icitrace outcomes` (the analysis extra): every figure equals what lifelines and scipy give on the same
groups, computed directly here on data those packages ship; the row order changes no byte; thin groups,
missing outcomes and bad outcome maps are said, never turned into a figure."""

from __future__ import annotations

import csv
import io
import json
import math
import random

import pytest
from conftest import ROOT, invoke, run_cli

import icitrace
from icitrace.batch.provenance import read_provenance

pd = pytest.importorskip("pandas")
pytest.importorskip("lifelines")
pytest.importorskip("scipy")
pytest.importorskip("matplotlib")

from lifelines import CoxPHFitter, KaplanMeierFitter  # noqa: E402
from lifelines.datasets import load_rossi, load_waltons  # noqa: E402
from lifelines.statistics import logrank_test  # noqa: E402
from lifelines.utils import median_survival_times  # noqa: E402
from scipy.stats import binomtest, false_discovery_control, fisher_exact  # noqa: E402
from scipy.stats.contingency import odds_ratio  # noqa: E402

DATA = ROOT / "tests" / "data"
MAP = """id: id
keep: [group]
fields:
  tmb: tmb
outcomes:
  response: {column: resp, positive: [CR/PR]}
  survival: {time: T, event: E, event_value: 1}
"""


def close(got, expected) -> bool:
    """The table writes 6 significant digits."""
    return got is not None and math.isclose(got, float(expected), rel_tol=6e-6, abs_tol=1e-300)


def _waltons():
    """lifelines' Waltons data as a cohort table: the miR-137 flies get a TMB over the line (high_tmb
    reached), the controls one under it (high_tmb decided not reached), every 15th record an unknown TMB
    (undecided); a response column read off the row number, with some NA; a few survival cells NA."""
    data = load_waltons()
    data["id"] = [f"W{i:03d}" for i in range(len(data))]
    data["tmb"] = ["NA" if i % 15 == 7 else "20" if g == "miR-137" else "3" for i, g in enumerate(data["group"])]
    data["resp"] = ["NA" if i % 11 == 3 else "CR/PR" if (i * 7) % 5 < 2 else "SD/PD" for i in range(len(data))]
    data["T"] = [("NA" if i % 23 == 5 else f"{t:g}") for i, t in enumerate(data["T"])]
    return data[["id", "group", "tmb", "resp", "T", "E"]]


@pytest.fixture
def waltons(tmp_path):
    table, column_map = tmp_path / "waltons.csv", tmp_path / "map.yaml"
    _waltons().to_csv(table, index=False)
    column_map.write_text(MAP)
    return table, column_map


def _rows(done) -> dict[str, dict]:
    assert done.returncode == 0, done.stderr.decode()
    return {row["conclusion"]: row for row in json.loads(done.stdout)["rows"]}


def test_the_figures_are_lifelines_and_scipy_s_on_the_waltons_data(waltons):
    table, column_map = waltons
    row = _rows(invoke("outcomes", str(table), "--map", str(column_map), "--format", "json"))["high_tmb"]
    data = _waltons()
    known_tmb = data[data["tmb"] != "NA"]
    reached, other = known_tmb[known_tmb["tmb"] == "20"], known_tmb[known_tmb["tmb"] == "3"]
    assert (row["n_reached"], row["n_not_reached"], row["n_undecided"]) == (len(reached), len(other),
                                                                            int((data["tmb"] == "NA").sum()))
    assert 0 < row["n_undecided"] and row["note"] == ""

    # response: Wilson intervals, the conditional odds ratio and its exact interval, Fisher's p
    counts = []
    for group, part in (("reached", reached), ("not_reached", other)):
        known = part[part["resp"] != "NA"]
        k, n = int((known["resp"] == "CR/PR").sum()), len(known)
        counts.append((k, n))
        assert (row[f"responders_{group}"], row[f"response_known_{group}"]) == (k, n)
        interval = binomtest(k, n).proportion_ci(method="wilson")
        assert close(row[f"response_rate_{group}"], k / n)
        assert close(row[f"response_rate_{group}_ci_low"], interval.low)
        assert close(row[f"response_rate_{group}_ci_high"], interval.high)
    (a, n1), (c, n0) = counts
    two_by_two = [[a, n1 - a], [c, n0 - c]]
    ratio = odds_ratio(two_by_two)
    assert close(row["odds_ratio"], ratio.statistic)
    assert close(row["odds_ratio_ci_low"], ratio.confidence_interval().low)
    assert close(row["odds_ratio_ci_high"], ratio.confidence_interval().high)
    assert close(row["fisher_p"], fisher_exact(two_by_two).pvalue)

    # survival: Kaplan-Meier medians and intervals, log-rank p, Cox hazard ratio
    groups = {}
    for group, part in (("reached", reached), ("not_reached", other)):
        known = part[part["T"] != "NA"]
        groups[group] = (known["T"].astype(float), known["E"])
        fitter = KaplanMeierFitter().fit(*groups[group])
        interval = median_survival_times(fitter.confidence_interval_)
        assert (row[f"survival_known_{group}"], row[f"events_{group}"]) == (len(known), int(known["E"].sum()))
        assert close(row[f"median_survival_{group}"], fitter.median_survival_time_)
        assert close(row[f"median_survival_{group}_ci_low"], interval.iloc[0, 0])
        assert close(row[f"median_survival_{group}_ci_high"], interval.iloc[0, 1])
    (t1, e1), (t0, e0) = groups["reached"], groups["not_reached"]
    assert close(row["logrank_p"], logrank_test(t1, t0, e1, e0).p_value)
    cox = pd.DataFrame({"T": [*t1, *t0], "E": [*e1, *e0], "reached": [1] * len(t1) + [0] * len(t0)})
    summary = CoxPHFitter().fit(cox, "T", "E").summary.loc["reached"]
    assert close(row["hazard_ratio"], summary["exp(coef)"]) and row["hazard_ratio"] > 3  # miR-137 flies die sooner
    assert close(row["hazard_ratio_ci_low"], summary["exp(coef) lower 95%"])
    assert close(row["hazard_ratio_ci_high"], summary["exp(coef) upper 95%"])
    assert close(row["cox_p"], summary["p"])


def test_q_values_are_benjamini_hochberg_over_every_p_value_of_the_table(waltons):
    table, column_map = waltons
    rows = list(_rows(invoke("outcomes", str(table), "--map", str(column_map), "--format", "json")).values())
    tests = [(row, test) for row in rows for test in ("fisher", "logrank") if row[f"{test}_p"] is not None]
    assert len(tests) == 4  # high_tmb and its mirror, low_immunogenicity: two tests each
    expected = false_discovery_control([row[f"{test}_p"] for row, test in tests], method="bh")
    for (row, test), q in zip(tests, expected, strict=True):
        assert close(row[f"{test}_q"], q)
        assert row["q_value"] == min(row["fisher_q"], row["logrank_q"])
    assert all(row["q_value"] is None for row in rows if row["fisher_p"] is None and row["logrank_p"] is None)


def test_a_cox_ratio_stratified_by_a_kept_column_is_lifelines_stratified_fit(tmp_path):
    """lifelines' Rossi data: financial aid (fin) gives a TMB over the line; the ratio is stratified by
    work experience (wexp), as CoxPHFitter(strata=...) computes it."""
    rossi = load_rossi()
    table = rossi.assign(id=[f"R{i:03d}" for i in range(len(rossi))], tmb=[20 if f else 3 for f in rossi["fin"]],
                         wexp=["yes" if w else "no" for w in rossi["wexp"]])
    table[["id", "tmb", "wexp", "week", "arrest"]].to_csv(tmp_path / "rossi.csv", index=False)
    (tmp_path / "map.yaml").write_text("id: id\nkeep: [wexp]\nfields: {tmb: tmb}\noutcomes:\n"
                                       "  survival: {time: week, event: arrest, event_value: 1}\n")
    done = invoke("outcomes", str(tmp_path / "rossi.csv"), "--map", str(tmp_path / "map.yaml"), "--by", "wexp",
                  "--format", "json")
    row = _rows(done)["high_tmb"]
    fitted = CoxPHFitter().fit(rossi[["week", "arrest", "fin", "wexp"]], "week", "arrest", strata=["wexp"])
    summary = fitted.summary.loc["fin"]
    assert close(row["hazard_ratio"], summary["exp(coef)"]) and close(row["cox_p"], summary["p"])
    assert close(row["hazard_ratio_ci_low"], summary["exp(coef) lower 95%"])
    unstratified = CoxPHFitter().fit(rossi[["week", "arrest", "fin"]], "week", "arrest").summary.loc["fin"]
    assert not close(row["hazard_ratio"], unstratified["exp(coef)"])  # the strata do change it
    assert row["response_rate_reached"] is None and row["fisher_p"] is None  # no response column mapped
    assert json.loads(done.stdout)["icitrace_run"]["outcomes"]["by"] == "wexp"


def test_shuffling_the_rows_changes_no_byte_of_any_output(tmp_path, waltons):
    table, column_map = waltons
    lines = table.read_text().splitlines(keepends=True)
    body = lines[1:]
    random.Random(7).shuffle(body)
    outputs = {}
    for name, content in (("a", lines), ("b", [lines[0], *body])):
        (tmp_path / name).mkdir()
        (tmp_path / name / "cohort.csv").write_text("".join(content))
        for fmt in ("csv", "json"):
            done = invoke("outcomes", "cohort.csv", "--map", str(column_map), "--format", fmt, "--every-rule",
                          "--report", "report.html", cwd=tmp_path / name)
            assert done.returncode == 0, done.stderr.decode()
            outputs[name, fmt] = done.stdout
        outputs[name, "html"] = (tmp_path / name / "report.html").read_bytes()
    assert (tmp_path / "a" / "cohort.csv").read_bytes() != (tmp_path / "b" / "cohort.csv").read_bytes()
    for fmt in ("csv", "json", "html"):
        assert outputs["a", fmt] == outputs["b", fmt], fmt


def test_a_thin_group_is_too_few_with_no_figure_and_the_threshold_said(waltons):
    table, column_map = waltons
    rows = _rows(invoke("outcomes", str(table), "--map", str(column_map), "--format", "json", "--min-n", "40"))
    row = rows["high_tmb"]  # about 30 miR-137 flies with a known TMB: under 40
    for column in ("response_rate_reached", "odds_ratio", "fisher_p", "median_survival_reached", "hazard_ratio",
                   "logrank_p", "cox_p", "q_value"):
        assert row[column] is None, column
    assert "response: too few to compare (reached: " in row["note"] and "fewer than 40" in row["note"]
    assert "survival: too few to compare" in row["note"]
    assert row["n_reached"] < 40 and row["response_known_reached"] is not None  # the counts are still given
    assert rows["acidic_tme"]["note"] == "not compared: every record is undecided"


def test_missing_outcome_cells_leave_their_record_out_of_that_analysis_counted(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("id,tmb,resp,T,E\n" + "".join(
        f"r{i},{20 if i % 2 else 3},{'NA' if i < 4 else 'CR/PR' if i % 3 else 'SD/PD'},"
        f"{'' if i in (5, 6) else i + 1},{'NA' if i == 7 else i % 2}\n" for i in range(30)))
    (tmp_path / "m.yaml").write_text(MAP.replace("keep: [group]\n", ""))
    done = invoke("outcomes", str(table), "--map", str(tmp_path / "m.yaml"), "--format", "json", "--min-n", "3")
    row = _rows(done)["high_tmb"]
    assert row["response_known_reached"] + row["response_known_not_reached"] == 26  # 4 NA responses left out
    assert row["survival_known_reached"] + row["survival_known_not_reached"] == 27  # 2 empty times, 1 NA event
    read = json.loads(done.stdout)["icitrace_run"]["outcomes"]["read"]
    assert read["response"]["missing"] == 4 and read["survival"]["missing"] == 3
    assert read["response"]["response"] == {"CR/PR": 18} and read["survival"]["event"] == {"1": 14}


@pytest.mark.parametrize("outcomes, key, column", [
    ("  survival: {time: OS, event: E, event_value: 1}\n", "outcomes.survival.time", "'OS'"),
    ("  response: {column: Resp, positive: [CR]}\n", "outcomes.response.column", "'Resp'"),
    ("  response: {column: resp, positive: [CR]}\n", "outcomes.response.positive", "'resp'"),
    ("  survival: {time: T, event: E, event_value: dead}\n", "outcomes.survival.event_value", "'E'"),
], ids=["missing time column", "missing response column", "a positive token no cell holds",
        "an event value no cell holds"])
def test_a_bad_outcome_map_is_refused_naming_its_key_and_column(waltons, tmp_path, outcomes, key, column):
    table, _ = waltons
    bad = tmp_path / "bad.yaml"
    bad.write_text(MAP.split("outcomes:")[0] + "outcomes:\n" + outcomes)
    out = tmp_path / "out.csv"
    out.write_text("an earlier output\n")
    done = invoke("outcomes", str(table), "--map", str(bad), "--out", str(out))
    err = done.stderr.decode()
    assert done.returncode == 2 and key in err and column in err and "Traceback" not in err, err
    assert out.read_text() == "an earlier output\n"  # refused before the output was touched


@pytest.mark.parametrize("text, said", [
    ("outcomes:\n  response: {column: resp}\n", "{map}:6: missing key outcomes.response.positive"),
    ("outcomes:\n  survival: {time: T, event: E, event_value: 1, unit: days}\n",
     "{map}:6: unknown key outcomes.survival.unit"),
    ("outcomes:\n  overall: {time: T}\n", "{map}:6: unknown key outcomes.overall"),
    ("outcomes: []\n", "{map}:5: outcomes names a response column"),
])
def test_a_malformed_outcomes_section_is_refused_at_its_line(waltons, tmp_path, text, said):
    table, _ = waltons
    bad = tmp_path / "bad.yaml"
    bad.write_text(MAP.split("outcomes:")[0] + text)
    done = invoke("outcomes", str(table), "--map", str(bad))
    assert done.returncode == 2 and said.format(map=bad) in done.stderr.decode(), done.stderr.decode()


def test_a_time_that_is_not_a_number_is_refused_naming_its_line(waltons, tmp_path):
    table, column_map = waltons
    table.write_text(table.read_text().replace("\nW004,", "\nW004,", 1))
    lines = table.read_text().splitlines()
    cells = lines[5].split(",")
    cells[4] = "about a year"
    lines[5] = ",".join(cells)
    table.write_text("\n".join(lines) + "\n")
    done = invoke("outcomes", str(table), "--map", str(column_map))
    err = done.stderr.decode()
    assert done.returncode == 2 and f"{table}:6: column 'T' holds 'about a year'" in err, err
    assert "outcomes.survival.time" in err and done.stdout == b""


def test_a_map_without_outcomes_and_a_by_the_map_does_not_keep_are_refused(waltons):
    table, column_map = waltons
    done = invoke("outcomes", str(DATA / "r-export.csv"), "--map", str(ROOT / "tests" / "data" / "r-export-map.yaml"),
                  "--by", "tmb")
    assert done.returncode == 2 and "--by tmb: a column the map keeps (kept: none)" in done.stderr.decode()
    plain = column_map.with_name("plain.yaml")
    plain.write_text(MAP.split("outcomes:")[0])
    done = invoke("outcomes", str(table), "--map", str(plain))
    assert done.returncode == 2 and "the map names no outcomes" in done.stderr.decode()


def test_without_the_extra_the_command_names_it_and_other_commands_never_load_it(monkeypatch):
    import icitrace.cli.outcomes as command

    monkeypatch.setattr(command, "_importable", lambda name: name != "lifelines")
    done = invoke("outcomes", str(DATA / "r-export.csv"), "--map", str(DATA / "r-export-map.yaml"))
    err = done.stderr.decode()
    assert done.returncode == 2 and "pip install 'icitrace[analysis]' (missing: lifelines)" in err, err
    assert "Traceback" not in err and done.stdout == b""


@pytest.mark.cli
def test_the_command_and_its_help_start_without_the_analysis_packages():
    import subprocess
    import sys

    code = ("import sys; from icitrace.cli import app_for; import icitrace.cli.outcomes; "
            "print(sorted(m for m in ('lifelines', 'scipy', 'matplotlib', 'pandas') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.stdout.strip() == b"[]", done.stderr
    helped = run_cli("outcomes", "--help")
    assert helped.returncode == 0 and b"Examples:" in helped.stdout and b"--every-rule" in helped.stdout


def test_the_python_api_gives_the_command_s_table_as_a_dataframe(waltons):
    table, column_map = waltons
    frame = icitrace.outcomes_frame(table, map=column_map)
    done = invoke("outcomes", str(table), "--map", str(column_map))
    lines = done.stdout.decode().splitlines()
    written = pd.read_csv(io.StringIO(done.stdout.decode()), comment="#", keep_default_na=False, dtype=str)
    assert list(frame.columns) == list(written.columns) and len(frame) == len(written)
    assert frame.attrs["icitrace_run"] == read_provenance(lines[0])
    assert frame["conclusion"].tolist() == written["conclusion"].tolist()
    row, line = frame.set_index("conclusion").loc["high_tmb"], written.set_index("conclusion").loc["high_tmb"]
    assert row["n_reached"] == int(line["n_reached"]) and close(row["hazard_ratio"], line["hazard_ratio"])
    assert str(frame["n_reached"].dtype) == "Int64" and str(frame["hazard_ratio"].dtype) == "float64"
    assert math.isnan(frame.set_index("conclusion").loc["acidic_tme", "fisher_p"])
    with pytest.raises(icitrace.InputProblem, match="outcomes.response.column"):
        bad = column_map.with_name("bad.yaml")
        bad.write_text(MAP.replace("column: resp", "column: Response"))
        icitrace.outcomes_frame(table, map=bad)


def test_every_rule_adds_a_row_per_rule(waltons):
    table, column_map = waltons
    rows = _rows(invoke("outcomes", str(table), "--map", str(column_map), "--format", "json", "--every-rule"))
    kinds = [row["kind"] for row in rows.values()]
    assert kinds.count("rule") > 40 and kinds == sorted(kinds, key=["finding", "strategy", "rule"].index)
    assert rows["tmb-high"]["n_reached"] == rows["high_tmb"]["n_reached"]
    assert close(rows["tmb-high"]["hazard_ratio"], rows["high_tmb"]["hazard_ratio"])


# --- the shipped real-format fixtures, end to end through the real command ---------------------------------

def _end_to_end(tmp_path, table, column_map, code):
    out, report = tmp_path / "outcomes.csv", tmp_path / "report.html"
    done = run_cli("outcomes", str(table), "--map", str(column_map), "--out", str(out), "--report", str(report))
    assert done.returncode == code and b"Traceback" not in done.stderr, done.stderr.decode()
    lines = out.read_text().splitlines()
    run = read_provenance(lines[0])
    assert run["map"]["file"] == str(column_map) and run["disclaimer"].startswith("ILLUSTRATIVE ONLY")
    rows = list(csv.DictReader(lines[1:]))
    book = icitrace.evaluate({}).rules_version if False else None  # noqa: F841 - the catalogue's size below
    from icitrace.pipeline import rulebook

    catalog = rulebook().catalog
    assert [r["conclusion"] for r in rows] == sorted(catalog.findings) + sorted(catalog.strategies)
    page = report.read_text()
    assert icitrace.DISCLAIMER in page and "not a cause, and not a result about any patient" in page
    assert "<svg" not in page or "http://www.w3.org/2000/svg" in page
    assert not any(f'{attr}="http' in page or f"{attr}='http" in page for attr in ("src", "href"))
    assert "<script" not in page and "<link" not in page
    return run["outcomes"], {r["conclusion"]: r for r in rows}, done.stderr.decode()


@pytest.mark.cli
def test_outcomes_on_the_cbioportal_fixture_end_to_end(tmp_path):
    run, rows, err = _end_to_end(tmp_path, DATA / "data_clinical_sample.txt", DATA / "cbioportal-map.yaml", 1)
    # S-0004's HLA_I "Not done" has no token: an error record, left out, counted, exit 1 with the reason
    assert (run["records"], run["records_failed"]) == (4, 1) and "1 of 4 records could not be evaluated" in err
    assert ":9: column 'HLA_I' holds 'Not done'" in err
    assert run["read"]["survival"] == {"event": {"1:DECEASED": 1}, "censored": {"0:LIVING": 1}, "missing": 1}
    assert run["read"]["response"] == {"response": {"PR": 1}, "no response": {"PD": 1, "SD": 1}, "missing": 0}
    high = rows["high_tmb"]  # S-0001 (TMB 14.2) reached, S-0002 (3.1) not, S-0003 (NA) undecided
    assert (high["n_reached"], high["n_not_reached"], high["n_undecided"]) == ("1", "1", "1")
    assert high["fisher_p"] == high["logrank_p"] == "" and "too few to compare" in high["note"]


@pytest.mark.cli
def test_outcomes_on_the_r_export_fixture_end_to_end(tmp_path):
    run, rows, err = _end_to_end(tmp_path, DATA / "r-export.csv", DATA / "r-export-map.yaml", 0)
    assert (run["records"], run["records_failed"]) == (3, 0) and err == ""
    assert run["read"]["response"] == {"response": {"CR/PR": 1}, "no response": {"SD/PD": 1}, "missing": 1}
    assert run["read"]["survival"] == {"event": {"1": 1}, "censored": {"0": 1}, "missing": 1}
    assert all(row["q_value"] == "" for row in rows.values())  # three records: nothing is tested


# --- the worked example of docs/outcomes.md --------------------------------------------------------------

def test_the_worked_example_of_the_docs_gives_the_figures_it_shows():
    import contextlib
    import runpy

    docs = ROOT / "docs"
    made = io.StringIO()
    with contextlib.redirect_stdout(made):
        runpy.run_path(str(docs / "examples" / "make_teaching_cohort.py"), run_name="__main__")
    assert made.getvalue() == (docs / "examples" / "teaching-cohort.csv").read_text()  # the script makes these bytes
    done = invoke("outcomes", "docs/examples/teaching-cohort.csv", "--map", "docs/examples/teaching-map.yaml",
                  "--by", "CANCER_TYPE")
    assert done.returncode == 0, done.stderr.decode()
    rows = {row["conclusion"]: row for row in csv.DictReader(done.stdout.decode().splitlines()[1:])}
    page = (docs / "outcomes.md").read_text()
    high = rows["high_tmb"]
    shown = (f"                   high_tmb         {high['n_reached']}            {high['n_not_reached']}            "
             f"{high['n_undecided']}               {high['response_rate_reached']}                   "
             f"{high['response_rate_not_reached']}  {float(high['fisher_p']):.6f}")  # pandas shows 6 decimals
    assert shown in page
    assert (high["median_survival_reached"], high["median_survival_not_reached"], high["hazard_ratio"],
            high["logrank_p"], high["q_value"]) == ("18.1", "9.3", "0.538235", "0.00218734", "0.013124")
    assert "| hazard ratio (stratified by CANCER_TYPE) | 0.538 (0.365-0.795), Cox p 0.0018 |" in page
    assert (high["hazard_ratio_ci_low"], high["hazard_ratio_ci_high"], high["cox_p"]) == ("0.364566", "0.794636",
                                                                                          "0.00183064")
