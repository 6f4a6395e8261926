"""Issue 20, inputs and what is printed of them: one reader for every named file, one table parser, one
escaping of outside text, bounded summaries and error lines. Each test names the finding it holds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tracemalloc

import pytest
from conftest import PROFILES, icitrace_command, invoke, no_traceback, records_of

ESC = "\x1b]0;PWN\x07\x1b[31mred\nfake: ok"


def jsonl(data: bytes) -> list[dict]:
    return [json.loads(line) for line in records_of(data).splitlines()]


# F11: a row with fewer cells than the header is an error record, not a shorter profile -----------------

@pytest.mark.parametrize("torn", ["15", "a,15", "a,15,12,7"])
def test_f11_a_row_with_the_wrong_number_of_cells_is_an_error_record_in_place(tmp_path, torn):
    table = tmp_path / "t.csv"
    table.write_text(f"id,tmb,pd_l1_tps\nx,4,60\n{torn}\n")
    done = invoke("batch", str(table))
    records = jsonl(done.stdout)
    assert [r["ok"] for r in records] == [True, False] and done.returncode == 1
    assert re.search("cells? for 3 columns", records[1]["error"]) and "high_tmb" not in json.dumps(records[1])


def test_f11_a_mapped_table_row_with_too_few_cells_is_an_error_record(tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text("SAMPLE_ID\tTMB\tTYPE\nS-1\t4\tMelanoma\nS-2\t15\n")
    column_map = tmp_path / "m.yaml"
    column_map.write_text("id: SAMPLE_ID\nkeep: [TYPE]\nfields: {tmb: TMB}\n")
    records = jsonl(invoke("batch", str(table), "--map", str(column_map)).stdout)
    assert [r["ok"] for r in records] == [True, False] and "2 cells for 3 columns" in records[1]["error"]


# F30: outside text is escaped in every message ------------------------------------------------------------

def test_f30_a_hostile_file_name_cannot_forge_or_style_a_line_in_any_message(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    hostile = folder / f"{ESC}.json"
    hostile.write_text('{"tmb": 4}')
    (folder / f"{ESC}.txt").write_text("x")
    outputs = [
        invoke("validate", str(hostile)),  # "ok" line
        invoke("suggest", str(folder / f"{ESC}-missing.json")),  # no such file
        invoke("batch", str(folder), "--out", str(tmp_path / "o.jsonl")),  # the skipped entry's note
        invoke("batch", str(folder / f"{ESC}.jsonl")),
    ]
    for done in outputs:
        err = no_traceback(done)
        assert "\x1b" not in err and "\x07" not in err and "\\x1b]0;PWN\\x07" in err, err
        assert not any(line.startswith("fake: ok") for line in err.splitlines()), err


def test_f30_summary_group_values_are_escaped(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text('id,type,tmb\na,"\x1b]0;PWN\x07\x1b[31mred\x85fake: ok",4\n')
    column_map = tmp_path / "m.yaml"
    column_map.write_text("id: id\nkeep: [type]\nfields: {tmb: tmb}\n")
    done = invoke("batch", str(table), "--map", str(column_map), "--summary", "--by", "type",
                  "--out", str(tmp_path / "o.jsonl"))
    text = done.stdout.decode()
    assert done.returncode == 0 and "\x1b" not in text and "\x85" not in text and "type = \\x1b]0;PWN" in text


# F20: --summary --by is bounded whatever the column holds --------------------------------------------------

def test_f20_a_summary_by_a_column_of_distinct_values_is_bounded_in_memory_and_output():
    from icitrace.batch.formats import Outcome
    from icitrace.batch.summary import SHOWN, TRACKED, Summary

    summary = Summary(by="id")
    tracemalloc.start()
    for n in range(20_000):
        summary.add(Outcome("", True, ["high_tmb", "hypoxic_tme"], ["hypoxia_targeting"], ["tmb"], keep={"id": f"S-{n}"}))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    data = summary.as_data()
    assert len(summary.groups) == TRACKED and len(data["by"]["groups"]) == SHOWN
    other = data["by"]["other"]
    assert other["records"] == 20_000 - SHOWN and other["values"] >= TRACKED and other["values_at_least"]
    assert sum(g["records"] for g in data["by"]["groups"].values()) + other["records"] == data["records"] == 20_000
    assert peak < 30 * 2**20, f"{peak / 2**20:.1f} MB"  # measured: 381 MB for these 20,000 before
    assert len(json.dumps(data)) < 200_000 and len(summary.as_text().splitlines()) < 2_000


def test_f20_group_values_are_compared_as_keys():
    from icitrace.batch.formats import Outcome
    from icitrace.batch.summary import Summary

    summary = Summary(by="type")
    for value in ("Melanoma", "Melanoma ", "Me\u0301lanoma", "M\u00e9lanoma"):
        summary.add(Outcome("", True, keep={"type": value}))
    assert {name: g["records"] for name, g in summary.as_data()["by"]["groups"].items()} == {
        "Melanoma": 2, "M\u00e9lanoma": 2}


# F21: an error line has a stated length ------------------------------------------------------------------------

def test_f21_an_error_record_is_cut_to_a_stated_length(tmp_path):
    from icitrace.batch.records import MAX_ERROR

    table = tmp_path / "t.csv"
    table.write_text("id,hypoxia\n" + "a," + "h" * 500_000 + "\n")
    record = jsonl(invoke("batch", str(table)).stdout)[0]
    assert not record["ok"] and len(record["error"]) <= MAX_ERROR + 60 and "more characters cut" in record["error"]


# closed streams through the real command --------------------------------------------------------------------

@pytest.mark.cli
def test_a_closed_stdin_is_refused_before_the_output_is_touched(tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_text("earlier\n")
    done = subprocess.run(icitrace_command() + ["batch", "-", "--out", str(out)], stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=60, preexec_fn=lambda: os.close(0))
    assert done.returncode == 2 and "standard input is closed" in no_traceback(done)
    assert out.read_text() == "earlier\n"


@pytest.mark.cli
def test_a_closed_stdout_is_a_message_but_a_run_writing_elsewhere_goes_on(tmp_path):
    closed = dict(stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60, preexec_fn=lambda: os.close(1))
    done = subprocess.run(icitrace_command() + ["suggest", str(PROFILES[0])], **closed)
    assert done.returncode == 1 and "standard output is closed" in no_traceback(done)
    out = tmp_path / "o.jsonl"
    done = subprocess.run(icitrace_command() + ["batch", str(PROFILES[0]), "--out", str(out)], **closed)
    assert done.returncode == 0 and len(jsonl(out.read_bytes())) == 1


# F8: a --cutoffs-by group is the same key on every path, and a group no record has is refused ------------

def _cutoff_table(tmp_path, groups: str) -> str:
    table = tmp_path / "lines.csv"
    table.write_text("group,cutoff,value\n" + "".join(f"{g},tmb_high,20\n" for g in groups.split("|")))
    return str(table)


def test_f8_a_group_matches_whatever_the_path_blanks_or_unicode_form(tmp_path):
    cohort = tmp_path / "c.jsonl"
    cohort.write_text('{"tmb": 14, "tumor_type": "Melanoma "}\n{"tmb": 14, "tumor_type": "Me\\u0301lanome"}\n'
                      '{"tmb": 14, "tumor_type": "Lung"}\n')
    table = tmp_path / "c.csv"
    table.write_text("tmb,tumor_type\n14, Melanoma\n14,M\u00e9lanome\n14,Lung\n")
    lines = _cutoff_table(tmp_path, "Melanoma|M\u00e9lanome")
    for source in (cohort, table):
        done = invoke("batch", str(source), "--cutoffs-by", "tumor_type", lines)
        records = jsonl(done.stdout)
        assert done.returncode == 0, done.stderr
        assert [r["cutoffs"] for r in records] == [{"tmb_high": 20.0}, {"tmb_high": 20.0}, {}], source
        assert [list(r["findings"]) for r in records] == [["low_immunogenicity"]] * 2 + [["high_tmb"]]


def test_f8_a_group_no_record_has_is_refused_naming_the_nearest_values(tmp_path):
    cohort = tmp_path / "c.jsonl"
    cohort.write_text('{"tmb": 14, "tumor_type": "Melanoma"}\n' * 3)
    out = tmp_path / "out.jsonl"
    out.write_text("earlier\n")
    done = invoke("batch", str(cohort), "--cutoffs-by", "tumor_type", _cutoff_table(tmp_path, "melanoma"),
                  "--out", str(out))
    err = no_traceback(done)
    assert done.returncode == 2 and "'melanoma' matches no record" in err and "'Melanoma'" in err, err
    assert "lines.csv:2" in err and out.read_text() == "earlier\n"
    allowed = invoke("batch", str(cohort), "--cutoffs-by", "tumor_type", _cutoff_table(tmp_path, "melanoma"),
                     "--allow-unmatched-groups", "--out", str(out))
    assert allowed.returncode == 0, allowed.stderr
    provenance = json.loads(out.read_text().splitlines()[0])["icitrace_run"]["cutoffs_by"]
    assert provenance["records"] == {"melanoma": 0} and provenance["records_by_the_run_cutoffs"] == 3


def test_f8_stdin_with_cutoffs_by_needs_the_explicit_option(tmp_path):
    lines = _cutoff_table(tmp_path, "Melanoma")
    stdin = b'{"tmb": 14, "tumor_type": "Melanoma"}\n'
    refused = invoke("batch", "-", "--cutoffs-by", "tumor_type", lines, stdin=stdin)
    assert refused.returncode == 2 and "--allow-unmatched-groups" in no_traceback(refused)
    done = invoke("batch", "-", "--cutoffs-by", "tumor_type", lines, "--allow-unmatched-groups", stdin=stdin)
    assert done.returncode == 0 and jsonl(done.stdout)[0]["cutoffs"] == {"tmb_high": 20.0}
