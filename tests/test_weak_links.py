"""Issue 22, the weak links: each rule the second domain reading found weak, held to the review's text
and to the outside sources that were checked."""

from __future__ import annotations

import json

import pytest
from conftest import invoke

from icitrace.pipeline import evaluate


def findings(result) -> set[str]:
    return {f.id for f in result.findings}


def strategies(result) -> set[str]:
    return {s.id for s in result.strategies}


def route(result, strategy: str, rule: str):
    return next(r for s in result.strategies if s.id == strategy for r in s.routes if r.rule == rule)


# --- [4]: raised checkpoint ligands belong to a suppressive profile, with its cytokines ------------------

def test_high_pdl1_alone_is_not_read_as_the_reviews_suppressive_profile(book):
    hot = json.loads(invoke("suggest", "profiles/hot-unsuppressed.json", "--format", "json").stdout)
    assert "elevated_checkpoint_ligands" not in {f["id"] for f in hot["findings"]}
    assert "elevated_checkpoint_ligands" not in findings(evaluate({"pd_l1_tps": 70, "il10": "normal",
                                                                    "tgf_beta": "normal"}, book))
    # with a cytokine partner it is the review's profile of raised ligands and cytokines
    both = evaluate({"pd_l1_tps": 70, "il10": "elevated"}, book)
    (ligands,) = [f for f in both.findings if f.id == "elevated_checkpoint_ligands"]
    assert [b.field for b in ligands.because] == ["finding", "pd_l1_tps"]
    # unknown cytokines leave it open, not ruled in
    assert "pd-l1-high-as-checkpoint-ligand" in {n.rule for n in evaluate({"pd_l1_tps": 70}, book).not_evaluated}


def test_a_histology_study_is_not_cited_for_trial_responses(book):
    caveat = book.catalog.findings["elevated_checkpoint_ligands"].caveat
    assert "taube_2012" in caveat.cites and "borghaei_2015" in caveat.cites
    text = caveat.text
    # the response claim names the trials it comes from; the histology study is named for what it showed
    assert "CheckMate 057" in text and "Taube" in text
    assert text.index("Taube") < text.index("CheckMate 057")
    rule = book.by_id["pd-l1-high-as-checkpoint-ligand"]
    assert "taube_2012" not in rule.citations


# --- [8]: a CPS under one trial's line is not low PD-L1 ----------------------------------------------------

def test_a_cps_under_the_keynote355_line_is_its_own_finding_never_low_pdl1(book):
    cps = evaluate({"pd_l1_cps": 5}, book)
    assert findings(cps) == {"cps_below_keynote355"}
    entry = book.catalog.findings["cps_below_keynote355"]
    assert entry.kind == "biomarker signal" and "low" not in entry.label.lower()
    assert "biomarker_guided_personalization" in strategies(cps)  # still a biomarker the review names
    # TPS negative stays low PD-L1, and each finding says which line it is
    both = evaluate({"pd_l1_tps": 0, "pd_l1_cps": 5}, book)
    assert findings(both) == {"low_pdl1_expression", "cps_below_keynote355"}
    assert [f.rule for f in both.findings if f.id == "low_pdl1_expression"] == ["pd-l1-tps-negative"]
    # where a CPS of 5 is positive (head and neck, gastric), the text never calls it low
    text = " ".join(invoke("suggest", "-", stdin=b'{"pd_l1_cps": 5, "tumor_type": "head and neck"}').stdout.decode().split())
    assert "low_pdl1_expression" not in text and "PD-L1 below" not in text
    assert "CheckMate 649" in text and "KEYNOTE-048" in text


# --- [2], [6]: partners that act on what the tumour shows need it shown ---------------------------------------

GUARDED = ("antigen-loss-to-chemotherapy", "antigen-loss-to-targeted-therapy", "low-tmb-to-vaccine", "desert-to-vaccine")


def test_lost_tumour_antigens_stop_the_routes_that_need_antigens_the_tumour_shows(book):
    lost = evaluate({"tumor_antigens": "lost", "mhc_class_i": "intact", "tmb": 3, "t_cell_infiltration": "desert"},
                    book)
    fired = {t.rule for t in lost.trace}
    assert "tumor-antigens-down" in fired and not fired & set(GUARDED)
    assert "desert-to-chemotherapy" in fired  # the route for activation, not presentation, stands
    kept = evaluate({"tumor_antigens": "reduced", "mhc_class_i": "intact", "tmb": 3, "t_cell_infiltration": "desert"},
                    book)
    assert set(GUARDED) <= {t.rule for t in kept.trace}
    for rid in GUARDED:
        rule = book.by_id[rid]
        assert any(c.field == "tumor_antigens" and c.arg == ["intact", "reduced"] for c in rule.when), rid
        assert "antigen" in rule.explanation and "lost" in rule.explanation
