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
