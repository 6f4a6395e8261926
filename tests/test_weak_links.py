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


# --- [5], [6]: a targeted partner named, not promised -----------------------------------------------------------

def test_the_targeted_route_says_no_drug_restores_what_these_alterations_remove(book):
    rule = book.by_id["oncogenic-to-targeted-therapy"]
    text = rule.explanation
    assert "tumour suppressors" in text and "PTEN" in text and "STK11" in text and "WNT" in text
    assert "capivasertib" in text  # an AKT inhibitor is approved where PTEN is altered, not with an ICI
    assert {"fda_capivasertib_2023", "pellegars_2024"} <= set(rule.citations)
    assert "a drug aimed at the altered pathway joins" not in text


# --- [9]: "may enhance", and VISTA's route stays an inference ----------------------------------------------------

@pytest.mark.parametrize("rid", ["tim3-to-anti-tim3", "lag3-to-anti-lag3", "vista-to-anti-vista"])
def test_the_new_checkpoint_routes_keep_the_reviews_may(book, rid):
    text = book.by_id[rid].explanation
    assert "may enhance" in text and "separate sentence" in text


def test_the_vista_route_shows_as_inferred_even_when_lag3_raised_the_shared_finding(book):
    both = evaluate({"lag3": "elevated", "vista": "elevated"}, book)
    vista = route(both, "anti_vista_combination", "vista-to-anti-vista")
    assert vista.evidence == "inferred-link" and vista.chain_evidence == "inferred-link"
    assert route(both, "anti_lag3_combination", "lag3-to-anti-lag3").chain_evidence == "review-stated"


def test_the_multi_pathway_count_states_no_engine_detail(book):
    assert "derived" not in book.by_id["several-mechanisms-to-multi-pathway"].explanation


# --- where the field has moved: outside notes, each with its verified source ---------------------------------------

@pytest.mark.parametrize("strategy, cite, says", [
    ("tlr_agonist_adjuvant", "ILLUMINATE-301, Diab et al., J Clin Oncol 2025", "tilsotolimod"),
    ("tgf_beta_inhibition", "Cho et al., J Thorac Oncol 2023", "bintrafusp alfa"),
    ("oncolytic_virus_combination", "FDA approval of T-VEC, 2015", "on its own"),
    ("adoptive_cell_transfer", "FDA approval of afami-cel, 2024", "HLA"),
])
def test_outside_notes_where_the_field_has_moved(book, strategy, cite, says):
    note = book.catalog.strategies[strategy].outside_review
    assert says in note.text and cite in [book.cite(c) for c in note.cites]


# --- glosses said precisely ------------------------------------------------------------------------------------------

def test_glosses_say_what_their_sources_showed(book):
    b2m = book.sources["sade_feldman_2017"].note
    assert "three times" in b2m and "both copies" in b2m and "only in non-responders" in b2m
    caveat = book.catalog.findings["alternative_checkpoint_upregulation"].caveat
    assert {"anderson_2016", "lines_2014", "koyama_2016"} <= set(caveat.cites)
    assert "myeloid" in caveat.text and "Lines" in caveat.text
    presentation = book.catalog.findings["antigen_presentation_loss"].caveat.text
    assert "often" in presentation and "likelier" not in presentation


# --- coverage the review has: [10] a desert to cell therapy, [2] the epigenetic cause of lost presentation -----------

def test_a_desert_with_antigens_reaches_adoptive_cell_transfer_as_an_inference(book):
    desert = evaluate({"t_cell_infiltration": "desert", "tumor_antigens": "reduced"}, book)
    act = route(desert, "adoptive_cell_transfer", "desert-to-adoptive-cell-transfer")
    assert act.evidence == "inferred-link" and act.from_findings == ["immune_desert"]
    gone = evaluate({"t_cell_infiltration": "desert", "tumor_antigens": "lost"}, book)
    assert "adoptive_cell_transfer" not in strategies(gone)


def test_epigenetic_silencing_beside_lowered_mhc_reads_as_the_reviews_epigenetic_cause(book):
    both = evaluate({"epigenetic_silencing": True, "mhc_class_i": "reduced"}, book)
    r = route(both, "ici_plus_targeted_therapy", "epigenetic-cause-of-presentation-loss")
    assert r.evidence == "inferred-link"
    assert set(r.from_findings) == {"antigen_presentation_loss", "epigenetic_immune_silencing"}
    assert "topper_2020" in book.by_id[r.rule].citations
    lost = evaluate({"epigenetic_silencing": True, "mhc_class_i": "lost"}, book)
    assert "epigenetic-cause-of-presentation-loss" not in {t.rule for t in lost.trace}
