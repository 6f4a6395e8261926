"""The traced result: unknown stays unknown, strategies gather every rule that led to them."""

from icitrace.pipeline import evaluate


def not_evaluated(result):
    return {n.rule: n.missing for n in result.not_evaluated}


def test_unknown_fields_leave_their_rules_not_evaluated(book):
    result = evaluate({"tmb": 4}, book)
    missing = not_evaluated(result)
    assert missing["hypoxia-high"] == ["hypoxia"]
    # a strategy rule waits on the fields behind its finding and its own field test
    assert missing["tgf-beta-to-tgf-beta-inhibition"] == ["il10", "tgf_beta"]
    assert "tmb-below-high" not in missing and "tmb-high" not in missing


def test_a_known_value_that_fails_is_decided_not_unknown(book):
    result = evaluate({"hypoxia": "moderate"}, book)
    missing = not_evaluated(result)
    assert "hypoxia-high" not in missing
    assert "hypoxia-to-hypoxia-targeting" not in missing
    assert all(f.id != "hypoxic_tme" for f in result.findings)


def test_count_rules_are_undecided_only_while_enough_findings_could_still_appear(book):
    one_known = evaluate({"hypoxia": "high"}, book)
    assert "several-mechanisms-to-multi-pathway" in not_evaluated(one_known)
    all_normal = evaluate({
        "hypoxia": "high", "acidity": "normal", "tregs": "absent", "mdscs": "absent", "il10": "normal",
        "tgf_beta": "normal", "tim3": "normal", "lag3": "normal", "vista": "normal", "mhc_class_i": "intact",
        "tumor_antigens": "intact", "oncogenic_alterations": [], "epigenetic_silencing": False,
        "t_cell_infiltration": "inflamed", "pd_l1_tps": 10, "pd_l1_ic_sp142": "IC1",
    }, book)
    # only the TMB rules, whose field was left out, remain undecided: a TPS of 10 already rules out a
    # CPS under 10 (CPS is never below TPS)
    assert {f for fields in not_evaluated(all_normal).values() for f in fields} == {"tmb"}
    assert "several-mechanisms-to-multi-pathway" not in not_evaluated(all_normal)


def test_strategy_gathers_rules_findings_and_evidence(book):
    result = evaluate({"tim3": "elevated", "hypoxia": "high"}, book)
    multi = next(s for s in result.strategies if s.id == "multi_pathway_combination")
    assert multi.rules == ["alt-checkpoints-to-multi-pathway", "several-mechanisms-to-multi-pathway"]
    assert set(multi.from_findings) == {"alternative_checkpoint_upregulation", "hypoxic_tme"}
    assert multi.evidence == ["review-stated", "inferred-link"]


def test_trace_lists_every_firing_in_order(book):
    result = evaluate({"tregs": "abundant"}, book)
    assert [(t.step, t.rule) for t in result.trace] == [(1, "tregs-abundant"), (2, "tregs-to-treg-depletion")]


def test_outside_cutoffs_are_cited_by_their_source(book):
    result = evaluate({"tmb": 2}, book)
    low = next(f for f in result.findings if f.id == "low_immunogenicity")
    assert low.citations == ["[8]", "FDA 2020 TMB-high approval (KEYNOTE-158)", "Yarchoan et al., N Engl J Med 2017"]
    assert low.evidence == "external-cutoff"
