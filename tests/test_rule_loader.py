"""The rule loader: the shipped rules load clean; each broken directory stops with file:line."""

import shutil
from pathlib import Path

import pytest
import yaml

from icitrace.evaluate import shipped_dir
from icitrace.rule_loader import RulesError, load_rules

FAULTS = yaml.safe_load((Path(__file__).parent / "rule_faults.yaml").read_text())

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


def test_every_catalogue_id_is_concluded_by_some_rule(book):
    concluded = {r.then.id for r in book.rules}
    assert set(book.catalog.findings) | set(book.catalog.strategies) <= concluded


def test_every_strategy_rule_names_its_findings(book):
    for rule in book.rules:
        if rule.then.strategy:
            assert any(c.finding or c.count for c in rule.when), rule.id


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
    target = rules / case["file"]
    text = target.read_text()
    for find, replace in case["edits"]:
        assert find in text, f"fixture out of date: {find!r} not in {case['file']}"
        text = text.replace(find, replace, 1)
    target.write_text(text)
    anchor = case.get("at", case["edits"][0][1])
    line = text[: text.index(anchor)].count("\n") + 1 + anchor.startswith("\n")
    with pytest.raises(RulesError) as error:
        load_rules(rules)
    problems = [(Path(p.file).name, p.line, p.message) for p in error.value.problems]
    assert any(f == case["file"] and ln == line and case["message"] in m for f, ln, m in problems), problems


def test_missing_catalogue_is_reported(tmp_path):
    with pytest.raises(RulesError, match="catalog.yaml: missing: every rule directory needs it"):
        load_rules(tmp_path)
