"""Cut-offs moved for a run (`--threshold`, a `--cutoffs-by` row): one check for every path, and titles
that show the cut-off in force.

The check (``rulebase.book.check_moves``): a moved value lies in its field's range, is a number the engine
reads, and keeps every order that ``cutoffs.yaml`` declares (``stays_below``), so that no run can make a
value read as PD-L1 negative and high at once.
"""

import json
import math
import shutil
from pathlib import Path

import pytest
from conftest import invoke, records_of

from icitrace.pipeline import evaluate, shipped_dir
from icitrace.rulebase.book import RulesError, ThresholdError, with_overrides
from icitrace.rulebase.loading import load_rules

PROFILE = "profiles/sparse-unknowns.json"
#: each command that takes --threshold, with what it needs besides
COMMANDS = {
    "suggest": ["suggest", PROFILE],
    "explain": ["explain", PROFILE, "low_pdl1_expression"],
    "diff": ["diff", PROFILE, "--set", "tmb=12"],
    "sweep": ["sweep", PROFILE, "--field", "tmb", "--from", "0", "--to", "20", "--step", "5"],
    "batch": ["batch", "profiles"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_threshold_that_breaks_a_declared_order_is_refused_by_every_command(command):
    """TPS 55 under a negative line of 60 and over the high line of 50 would be PD-L1 low and high at once."""
    done = invoke(*COMMANDS[command], "--threshold", "pd_l1_negative=60")
    assert done.returncode == 2 and done.stdout == b"", done.stdout.decode()[:300]
    said = done.stderr.decode()
    assert said.startswith("icitrace: --threshold pd_l1_negative=60: pd_l1_negative at 60% would not be below "
                           "pd_l1_high at 50%"), said
    assert "cutoffs.yaml declares that pd_l1_negative stays below pd_l1_high" in said


@pytest.mark.parametrize("command", COMMANDS)
def test_a_negative_threshold_is_refused_with_exit_2_not_a_traceback(command):
    done = invoke(*COMMANDS[command], "--threshold", "tmb_high=-5")
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode() == ("icitrace: --threshold tmb_high=-5: the value of tmb_high must be a number from 0 "
                                    "to 10000 (tmb), got -5\n")


def test_moving_both_lines_of_an_order_together_is_accepted(book):
    moved = with_overrides(book, {"pd_l1_negative": 60, "pd_l1_high": 70})
    found = {f.id for f in evaluate({"pd_l1_tps": 55}, moved).findings}
    assert found == {"low_pdl1_expression"}


@pytest.mark.parametrize("value", [-5, -0.0, 0, 0.00001, 0.0001, 0.00015, 0.5, 1, 49.9, 50, 99.99999, 100, 100.5,
                                   9999, 10_000, 10_001, 1e20, math.nan, math.inf, -math.inf])
def test_every_threshold_value_moves_its_cutoff_or_is_refused_as_a_threshold_error(book, value):
    """Whatever number a person types, the answer is a moved rule base or a ThresholdError (exit 2), never a
    validation error from deeper down (the margin scaled with the line, for one)."""
    for name, cutoff in book.cutoffs.items():
        try:
            moved = with_overrides(book, {name: value})
        except ThresholdError as error:
            assert str(error).startswith(f"--threshold {name}="), error
            continue
        assert moved.cutoffs[name].value == value and str(moved.cutoffs[name].value) != "-0.0"
        least, most = 0, 100 if cutoff.field.startswith("pd_l1") else 10_000
        assert least <= value <= most


# --- the order, declared in the rule directory -------------------------------------------------------------

def _rules(tmp_path: Path, find: str, replace: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    path = rules / "cutoffs.yaml"
    assert find in path.read_text(), f"fixture out of date: {find!r}"
    path.write_text(path.read_text().replace(find, replace, 1))
    return rules


def _problems(rules: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(RulesError) as error:
        load_rules(rules)
    return [(Path(p.file).name, p.line, p.message) for p in error.value.problems]


def _line_of(rules: Path, text: str) -> int:
    content = (rules / "cutoffs.yaml").read_text()
    return content[: content.index(text)].count("\n") + 1


def test_the_shipped_cutoffs_declare_that_pd_l1_negative_stays_below_pd_l1_high(book):
    assert book.cutoffs["pd_l1_negative"].stays_below == ["pd_l1_high"]


def test_a_rule_directory_whose_own_values_break_a_declared_order_is_refused_at_its_line(tmp_path):
    rules = _rules(tmp_path, "    value: 50\n", "    value: 0.5\n")
    line = _line_of(rules, "    stays_below:")
    assert ("cutoffs.yaml", line, "cut-off `pd_l1_negative` (1%) must stay below `pd_l1_high` (0.5%), as its "
            "`stays_below` says") in _problems(rules)


def test_a_declared_order_naming_an_unknown_cutoff_is_refused_at_its_line(tmp_path):
    rules = _rules(tmp_path, "    stays_below: [pd_l1_high]", "    stays_below: [pd_l1_hihg]")
    line = _line_of(rules, "    stays_below:")
    assert ("cutoffs.yaml", line, "cut-off `pd_l1_negative`: `stays_below` names no cut-off `pd_l1_hihg` (did you "
            "mean `pd_l1_high`?)") in _problems(rules)


def test_a_declared_order_between_cutoffs_of_two_fields_is_refused(tmp_path):
    rules = _rules(tmp_path, "    stays_below: [pd_l1_high]", "    stays_below: [pd_l1_high, tmb_high]")
    line = _line_of(rules, "    stays_below:")
    assert ("cutoffs.yaml", line, "cut-off `pd_l1_negative`: `stays_below` names `tmb_high`, a line on tmb, not on "
            "pd_l1_tps: an order holds between lines on one field") in _problems(rules)


def test_the_lint_notes_two_cutoffs_on_one_field_that_declare_no_order(tmp_path):
    from icitrace.rulebase.loading import load_rules

    rules = _rules(tmp_path, "    stays_below: [pd_l1_high]\n", "")
    book = load_rules(rules)  # a note, not a refusal: two lines on one field may be independent
    assert [str(note) for note in book.notes] == [
        f"{rules / 'cutoffs.yaml'}:{_line_of(rules, '  pd_l1_high:') + 1}: cut-offs `pd_l1_negative` and `pd_l1_high` "
        "are both lines on pd_l1_tps but declare no order (`stays_below`): a run may move one past the other"]
    assert load_rules(shipped_dir("rules")).notes == ()


# --- --cutoffs-by: each group's row combined with the run's --threshold -----------------------------------------

def _batch_with_table(tmp_path: Path, table: str, *extra: str):
    lines, source = tmp_path / "lines.csv", tmp_path / "c.jsonl"
    lines.write_text(table)
    source.write_text('{"tumor_type": "melanoma", "pd_l1_tps": 55}\n{"tumor_type": "lung", "pd_l1_tps": 55}\n')
    return invoke("batch", str(source), "--cutoffs-by", "tumor_type", str(lines), *extra), lines


def test_a_group_row_that_breaks_a_declared_order_is_refused_at_its_line(tmp_path):
    done, lines = _batch_with_table(tmp_path, "group,cutoff,value\nlung,tmb_high,12\nmelanoma,pd_l1_negative,60\n")
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().startswith(
        f"icitrace: {lines}:3: pd_l1_negative at 60% would not be below pd_l1_high at "
        "50% (as the run has it)"), done.stderr.decode()


def test_a_group_row_is_checked_with_the_runs_thresholds(tmp_path):
    done, lines = _batch_with_table(tmp_path, "group,cutoff,value\nmelanoma,pd_l1_negative,40\n",
                                    "--threshold", "pd_l1_high=30")
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().startswith(
        f"icitrace: {lines}:2: pd_l1_negative at 40% would not be below pd_l1_high at "
        "30% (as the run has it)"), done.stderr.decode()


def test_a_group_that_moves_both_lines_of_an_order_is_accepted(tmp_path):
    done, _ = _batch_with_table(tmp_path, "group,cutoff,value\nmelanoma,pd_l1_negative,60\nmelanoma,pd_l1_high,70\n")
    assert done.returncode == 0, done.stderr.decode()
    melanoma, lung = (json.loads(line)["findings"] for line in records_of(done.stdout).splitlines())
    assert "low_pdl1_expression" in melanoma and "high_pdl1_expression" not in melanoma  # 55 under 60
    assert "high_pdl1_expression" in lung and "low_pdl1_expression" not in lung  # the shipped lines


def test_a_negative_group_value_is_refused_at_its_line(tmp_path):
    done, lines = _batch_with_table(tmp_path, "group,cutoff,value\nmelanoma,tmb_high,-5\n")
    assert done.returncode == 2
    assert done.stderr.decode() == (f"icitrace: {lines}:2: the value of tmb_high must be a "
                                    "number from 0 to 10000 (tmb), got -5\n")


# --- titles name the cut-off in force ------------------------------------------------------------------------

SHIPPED_TITLES = {
    "pd-l1-tps-negative": "PD-L1 TPS under 1%: PD-L1 negative (KEYNOTE-042 line)",
    "pd-l1-cps-low": "PD-L1 CPS under 10: below the KEYNOTE-355 line, not PD-L1 negative",
    "pd-l1-tps-high": "PD-L1 TPS of 50% or more: high expression (KEYNOTE-024 line)",
}


def test_titles_name_their_cutoffs_by_placeholder_and_read_as_before_with_the_shipped_values(book):
    for rule_id, title in SHIPPED_TITLES.items():
        rule = book.by_id[rule_id]
        assert "{" in rule.title and book.cutoffs_of(rule)[0] in rule.title  # the number is not written
        assert book.title(rule) == title


@pytest.mark.parametrize("moved, rule_id, title", [
    ({"pd_l1_negative": 0.5}, "pd-l1-tps-negative",
     "PD-L1 TPS under 0.5% (moved from 1% for this run): PD-L1 negative (KEYNOTE-042 line)"),
    ({"cps_keynote355": 20}, "pd-l1-cps-low", "PD-L1 CPS under 20 (moved from 10 for this run): below the "
                                               "KEYNOTE-355 line, not PD-L1 negative"),
    ({"pd_l1_high": 40}, "pd-l1-tps-high",
     "PD-L1 TPS of 40% (moved from 50% for this run) or more: high expression (KEYNOTE-024 line)"),
    ({"pd_l1_high": 50}, "pd-l1-tps-high", "PD-L1 TPS of 50% or more: high expression (KEYNOTE-024 line)"),
], ids=["tps-negative", "cps", "tps-high", "not-really-moved"])
def test_a_title_shows_the_cutoff_in_force_and_says_when_it_was_moved_for_the_run(book, moved, rule_id, title):
    from icitrace.render.rules import render_rule

    moved_book = with_overrides(book, moved)
    rule = moved_book.by_id[rule_id]
    assert moved_book.title(rule) == title
    shown = " ".join(render_rule(moved_book, rule).split())  # `rules show` wraps its lines
    assert shown.startswith(f"{rule_id} (version {rule.version}): {title} defined at")


def test_every_output_of_a_moved_run_shows_the_title_in_force():
    args = ["suggest", "profiles/sparse-unknowns.json", "--set", "pd_l1_tps=0.2", "--threshold",
            "pd_l1_negative=0.5"]
    data = json.loads(invoke(*args, "--format", "json").stdout)
    titles = [f["title"] for f in data["findings"] if f["rule"] == "pd-l1-tps-negative"]
    assert titles == ["PD-L1 TPS under 0.5% (moved from 1% for this run): PD-L1 negative (KEYNOTE-042 line)"]
    text = invoke(*args).stdout.decode()
    assert "rule pd-l1-tps-negative: PD-L1 TPS under 0.5% (moved from 1% for this run)" in text
    assert "under 1%:" not in text


@pytest.mark.parametrize("command, fmt", [(c, f) for c in COMMANDS if c != "batch"  # batch: its provenance line
                                          for f in ("text", "json", "markdown") if f != "markdown" or c == "suggest"])
def test_every_command_says_a_cut_off_was_moved_for_the_run_in_every_format(command, fmt):
    """A moved line is never silent: each output states the cut-off, its line before and after, and what
    made it (icitrace, the rules' digest with the tag of the move)."""
    done = invoke(*COMMANDS[command], "--threshold", "tmb_high=12", "--format", fmt)
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    if fmt == "json":
        data = json.loads(out)
        stated = data[0] if isinstance(data, list) else data
        assert stated["overrides"] == [{"cutoff": "tmb_high", "before": 10.0, "after": 12.0, "unit": "mut/Mb"}]
        assert stated["rules_digest"].count("-") == 1  # the digest tagged with the move
    else:
        assert "tmb_high" in out and "10 -> 12 mut/Mb" in out and "cut-off changed for this run" in out.lower(), out


def _rule_title(tmp_path: Path, find: str, replace: str) -> tuple[Path, int]:
    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    path = rules / "biomarkers.yaml"
    assert find in path.read_text(), f"fixture out of date: {find!r}"
    text = path.read_text().replace(find, replace, 1)
    path.write_text(text)
    return rules, text[: text.index(replace)].count("\n") + 1


@pytest.mark.parametrize("title, says", [
    ("TMB at or over {tmb_hihg} signals more predicted neoantigens",
     "rule `tmb-high`: the title names `{tmb_hihg}`, which is no cut-off (did you mean `tmb_high`?)"),
    ("TMB at or over {pd_l1_high} signals more predicted neoantigens",
     "rule `tmb-high`: the title names cut-off `{pd_l1_high}`, which the rule does not read (it reads: tmb_high)"),
    ("TMB at or over {tmb_high:percent} signals more predicted neoantigens",
     "rule `tmb-high`: the title names a cut-off the rule reads as {NAME} (its value and unit) or "
     "{NAME:number} (the number alone); other braces are not allowed"),
], ids=["unknown", "not-read", "bad-form"])
def test_a_title_placeholder_naming_no_cutoff_the_rule_reads_is_refused_at_its_line(tmp_path, title, says):
    rules, line = _rule_title(tmp_path, "title: TMB at or over the TMB-high line signals more predicted neoantigens",
                              f"title: {title}")
    with pytest.raises(RulesError) as error:
        load_rules(rules)
    assert [(Path(p.file).name, p.line, p.message) for p in error.value.problems] == [("biomarkers.yaml", line, says)]
