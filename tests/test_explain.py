"""Why and why not, next measurements, borderline values: read from the same rule model the engine
runs, and consistent with what the engine concluded."""

import pytest
from conftest import PROFILES

from icitrace.engine.compile import compile_rules
from icitrace.engine.durable import engine_for
from icitrace.pipeline import evaluate, fact_of
from icitrace.profile.model import Profile
from icitrace.profile.reading import read_profile
from icitrace.profile.synth import synth_profiles
from icitrace.reasoning.explain import explain_many
from icitrace.reasoning.verdicts import assess


def all_ids(book):
    return [*book.catalog.findings, *book.catalog.strategies]


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_explain_agrees_with_suggest_for_every_shipped_profile_and_catalogue_id(book, path):
    profile = read_profile(str(path))
    result = evaluate(profile, book, why_not=all_ids(book))
    reached = {f.id for f in result.findings} | {s.id for s in result.strategies}
    fired = {t.rule for t in result.trace}
    for e in result.why_not:
        assert (e.holds is True) == (e.id in reached), e.id
        for route in e.routes:
            assert (route.status == "fired") == (route.rule in fired), (e.id, route.rule)
        if e.holds:
            assert e.routes and all(r.status == "fired" for r in e.routes)
        else:  # every rule that could have produced it is shown, each with where it stopped
            assert [r.rule for r in e.routes] == [r.id for r in book.rules if r.then.id == e.id]
            for route in e.routes:
                if route.status == "failed":
                    assert route.checks[-1].status == "fails"
                    assert all(c.status != "fails" for c in route.checks[:-1])
                else:
                    assert route.missing and all(c.status == "unknown" for c in route.checks)


def test_the_explainer_says_fired_exactly_where_durable_rules_fired(book):
    """800 generated profiles: every rule's status in the explanations against the engine's firings."""
    engine = engine_for(compile_rules(book))
    ids = all_ids(book)
    for data in synth_profiles(800, seed=21):
        profile = Profile.model_validate(data, strict=True)
        fired = {f.rule for f in engine.run(fact_of(profile, book))}
        explanations = explain_many(book, profile, assess(book, profile), ids)
        said = {r.rule for e in explanations for r in e.routes if r.status == "fired"}
        assert said == fired, data


def test_why_not_names_the_first_failing_condition_with_the_value(book):
    e = evaluate({"tmb": 18.5}, book, why_not=["low_immunogenicity"]).why_not[0]
    assert e.holds is False
    assert e.routes[0].checks[-1].condition == "needs tmb < tmb_high 10 mut/Mb; tmb is 18.5"


def test_why_not_for_an_undecided_strategy_names_the_missing_fields(book):
    e = evaluate({"tmb": 4}, book, why_not=["hypoxia_targeting"]).why_not[0]
    assert e.holds is None
    assert e.routes[0].missing == ["hypoxia"]
    assert e.routes[0].checks[0].finding.routes[0].checks[0].condition == "needs hypoxia is high; hypoxia is unknown"


def test_next_measurements_rank_fields_and_name_only_routes(book):
    result = evaluate({"tmb": 4}, book)
    by_field = {m.field: m for m in result.next_measurements}
    hypoxia = by_field["hypoxia"]
    assert hypoxia.sentence == ("hypoxia is unknown: 4 undecided rules read it, 2 of which it alone would settle; "
                                "every open route to hypoxia_targeting waits on it")
    assert hypoxia.only_route_to == ["hypoxia_targeting"]
    assert set(hypoxia.decides) == {"hypoxia-high", "hypoxia-to-hypoxia-targeting"}
    # tim3 is not the only route to the anti-LAG-3 combination
    assert by_field["tim3"].only_route_to == ["anti_tim3_combination"]
    counts = [len(m.rules) for m in result.next_measurements]
    assert counts == sorted(counts, reverse=True)
    assert {f for m in result.next_measurements for f in m.rules} == {n.rule for n in result.not_evaluated}


@pytest.mark.parametrize("tmb, flagged", [(7.9, False), (8, True), (9.9, True), (12, True), (12.1, False)])
def test_values_within_the_margin_of_a_cutoff_are_borderline(book, tmb, flagged):
    result = evaluate({"tmb": tmb}, book)
    assert bool(result.borderline) == flagged
    finding = result.findings[0]
    assert finding.borderline == flagged
    if flagged:
        assert result.borderline[0].rules == {"tmb-below-high": tmb < 10, "tmb-high": tmb >= 10}


def test_threshold_override_moves_the_cutoff_and_is_echoed(book):
    from icitrace.rulebase.book import with_overrides

    moved = with_overrides(book, {"tmb_high": 12})
    result = evaluate({"tmb": 11}, moved)
    assert [f.id for f in result.findings] == ["low_immunogenicity"]
    assert result.findings[0].because[0].condition == "tmb 11 < tmb_high 12 mut/Mb"
    assert [o.model_dump() for o in result.overrides] == [
        {"cutoff": "tmb_high", "before": 10.0, "after": 12.0, "unit": "mut/Mb"}]
    assert result.rules_digest != book.digest
    assert [f.id for f in evaluate({"tmb": 11}, book).findings] == ["high_tmb"]
