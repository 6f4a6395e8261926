"""The rule loader: the shipped rules load clean; each broken directory stops with file:line."""

import shutil
from pathlib import Path

import pytest
import yaml

from icitrace.pipeline import shipped_dir
from icitrace.rulebase.book import RulesError
from icitrace.rulebase.loading import load_rules

ROOT = Path(__file__).resolve().parent.parent
FAULTS = yaml.safe_load((Path(__file__).parent / "rule_faults.yaml").read_text())

def test_an_explanation_copied_from_the_review_is_refused(tmp_path):
    """Takes a real sentence of the review at test time (the project never stores the review's text)."""
    seed = sorted((ROOT.parent / "shared" / "seed").glob("*.txt"))
    if not seed:
        pytest.skip("the review is not beside this checkout")
    import re

    words = re.findall(r"[A-Za-z0-9-]+", seed[0].read_text())
    copied = " ".join(words[200:215])
    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    path = rules / "microenvironment.yaml"
    text = path.read_text().replace("      Acidity is listed by the review", f"      {copied}. Acidity is listed", 1)
    path.write_text(text)
    with pytest.raises(RulesError) as error:
        load_rules(rules)
    assert any("explanation copies the review" in p.message and "acidity-acidic" in p.message
               for p in error.value.problems), error.value.problems


# The fixed public vocabulary of CATALOG.md: these ids must exist and never change.
REQUIRED_FINDINGS = {
    "hypoxic_tme", "acidic_tme", "suppressive_immune_cells", "antigen_presentation_loss",
    "alternative_checkpoint_upregulation", "immunosuppressive_cytokines", "oncogenic_pathway_evasion",
    "epigenetic_immune_silencing", "low_immunogenicity", "low_pdl1_expression",
}
REQUIRED_STRATEGIES = {
    "ici_plus_chemotherapy", "ici_plus_targeted_therapy", "cancer_vaccine_combination",
    "oncolytic_virus_combination", "treg_depletion", "mdsc_targeting", "tgf_beta_inhibition",
    "hypoxia_targeting", "biomarker_guided_personalization", "anti_tim3_combination",
    "anti_lag3_combination", "anti_vista_combination", "multi_pathway_combination",
    "adoptive_cell_transfer", "tlr_agonist_adjuvant", "sting_agonist_adjuvant", "single_cell_and_ml_profiling",
}


def test_catalogue_holds_the_public_vocabulary(book):
    assert REQUIRED_FINDINGS <= set(book.catalog.findings)
    assert set(book.catalog.strategies) == REQUIRED_STRATEGIES


def test_cutoffs_carry_source_and_caveat(book):
    assert book.cutoffs["tmb_high"].value == 10
    assert book.cutoffs["pd_l1_negative"].value == 1
    for cutoff in book.cutoffs.values():
        assert cutoff.source and cutoff.caveat and cutoff.cite


def test_findings_come_before_strategies_in_definition_order(book):
    kinds = [r.then.kind for r in book.rules]
    assert kinds == sorted(kinds, key=lambda k: k != "finding")


@pytest.mark.parametrize("case", FAULTS, ids=[c["name"] for c in FAULTS])
def test_broken_rule_directory_stops_with_file_and_line(tmp_path, case):
    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    for edit in case["edits"]:  # [find, replace] in the case's file, or [file, find, replace]
        name, find, replace = edit if len(edit) == 3 else [case["file"], *edit]
        path = rules / name
        assert find in path.read_text(), f"fixture out of date: {find!r} not in {name}"
        path.write_text(path.read_text().replace(find, replace, 1))
    text = (rules / case["file"]).read_text()
    anchor = case.get("at", case["edits"][0][-1])
    line = text[: text.index(anchor)].count("\n") + 1
    with pytest.raises(RulesError) as error:
        load_rules(rules)
    problems = [(Path(p.file).name, p.line, p.message) for p in error.value.problems]
    assert any(f == case["file"] and ln == line and case["message"] in m for f, ln, m in problems), problems


def test_missing_catalogue_is_reported(tmp_path):
    with pytest.raises(RulesError, match="catalog.yaml: missing: every rule directory needs it"):
        load_rules(tmp_path)


def test_more_rules_sharing_one_condition_than_the_engine_takes_are_refused(tmp_path):
    from icitrace.rulebase.model import MAX_SHARED

    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    many = "".join(f"""
  - id: also-hypoxic-{n}
    title: One of many rules sharing a condition
    version: 1
    when:
      - field: hypoxia
        is: high
    then:
      finding: hypoxic_tme
    evidence: review-stated
    citations: ["[2]"]
    explanation: A generated rule that only exists to share one condition with many others.
""" for n in range(MAX_SHARED))
    (rules / "many.yaml").write_text("rules:" + many)
    with pytest.raises(RulesError) as error:
        load_rules(rules)
    (problem,) = error.value.problems  # the 201st rule with `hypoxia is high`, in file order
    assert problem.message.endswith(f"more than {MAX_SHARED} rules share this condition; the engine fails at 256 "
                                    "(error 108)")


def test_every_operator_applies_to_some_field_kind_and_reads_in_words(book):
    from icitrace.rulebase.operators import OPERATORS

    kinds = {"number", "level", "bool", "list"}
    assert all(op.kinds and set(op.kinds) <= kinds for op in OPERATORS.values())
    used = {c.op for r in book.rules for c in r.when if c.op}
    assert used <= set(OPERATORS)


def test_the_differential_check_reports_a_rule_whose_reading_drifts_from_the_engine(book, monkeypatch):
    """If an operator's Python reading disagreed with what it compiles to, lint would say which rules."""
    from collections import OrderedDict

    from icitrace.reasoning import verdicts
    from icitrace.rulebase import operators
    from icitrace.verify import check

    assert check(book, 300).disagreements == []
    monkeypatch.setattr(operators.Is, "prepare", lambda self, cond, cutoffs: lambda value: False)
    monkeypatch.setattr(verdicts, "_readings", OrderedDict())  # the reading is prepared again, drifted
    drifted = check(book, 300)
    assert {"hypoxia-high", "acidity-acidic", "tim3-elevated"} <= {d.rule for d in drifted.disagreements}
    assert all(d.engine_only > 0 and d.reading_only == 0 for d in drifted.disagreements if d.rule == "hypoxia-high")


COUNTED_MECHANISM = """rules:
  - id: hypoxia-from-many-mechanisms
    title: Several mechanisms read as a hypoxic microenvironment
    version: 1
    when:
      - count: {kind: mechanism, at_least: 2}
    then:
      finding: hypoxic_tme
    evidence: inferred-link
    citations: ["[2]"]
    explanation: A rule made only to conclude a mechanism from a count of mechanisms, which includes itself.
"""


def test_a_finding_concluded_from_a_count_of_its_own_kind_is_a_cycle_refused_at_its_line(tmp_path):
    """`count:` joins every finding of its kind: concluding a mechanism from a count of mechanisms makes the
    finding depend on itself. The loader must see the same dependencies the three-valued reading follows
    (else lint says ok and every `suggest` dies in the reading)."""
    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    (rules / "counted.yaml").write_text(COUNTED_MECHANISM)
    with pytest.raises(RulesError) as error:
        load_rules(rules)
    assert [(Path(p.file).name, p.line) for p in error.value.problems if "cycle" in p.message] == [("counted.yaml", 2)]
    message = next(p.message for p in error.value.problems if "cycle" in p.message)
    assert "hypoxia-from-many-mechanisms" in message and "count of mechanism findings" in message, message


def test_rules_lint_refuses_a_count_cycle_with_exit_2(tmp_path):
    from conftest import invoke

    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    (rules / "counted.yaml").write_text(COUNTED_MECHANISM)
    done = invoke("rules", "lint", "--rules", str(rules), "--profiles", "0")
    assert done.returncode == 2, done.stdout.decode() + done.stderr.decode()
    assert "counted.yaml:2:" in done.stderr.decode() and "cycle" in done.stderr.decode()
