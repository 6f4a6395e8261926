"""The durable-rules adapter, run for real: it fires what the rule model says, and stays clean."""

import threading

import pytest

from icitrace.engine.compile import CompiledRuleset, compile_rules
from icitrace.engine.durable import Engine, EngineError, engine_for
from icitrace.pipeline import evaluate, fact_of
from icitrace.profile.model import Narrowed, Profile, narrowed
from icitrace.profile.synth import synth_profiles
from icitrace.reasoning.verdicts import assess


@pytest.fixture(scope="module")
def engine(book):
    return engine_for(compile_rules(book))


def test_engine_fires_exactly_what_the_rule_model_says_with_bands(book):
    """The same check over 1,500 profiles whose known numbers are bands half the time, on the ruleset that
    reads bands (also for the profiles that drew none): a band decides in durable-rules exactly when the
    Python reading says its whole range is on one side of the line."""
    engine, undecided_by_band, narrowed_bands = engine_for(compile_rules(book, bands=True)), 0, 0
    # F12 first: a CPS band narrowed by a known TPS (CPS >= TPS), a TPS band by a known CPS (TPS <= CPS)
    f12 = [{"pd_l1_tps": 60, "pd_l1_cps": {"at_least": 5, "below": 70}},
           {"pd_l1_tps": {"below": 60}, "pd_l1_cps": 0.5}, {"pd_l1_tps": {"below": 60}, "pd_l1_cps": 1}]
    for data in [*f12, *synth_profiles(1500, seed=11, p_band=0.5)]:
        profile = Profile.model_validate(data, strict=True)
        fired = [f.rule for f in engine.run(fact_of(profile, book))]
        verdicts = assess(book, profile)
        assert sorted(fired) == sorted(r for r, v in verdicts.items() if v.holds), data
        undecided_by_band += any(v.holds is None and set(v.missing) & set(profile.bands()) for v in verdicts.values())
        narrowed_bands += any(isinstance(narrowed(f, profile.known()), Narrowed) for f in profile.bands())
    assert undecided_by_band > 100  # the bands drawn do straddle cut-offs, so the check is not only on decided ones
    assert narrowed_bands > 100  # and the other PD-L1 field narrows many of them


def test_engine_fires_exactly_what_the_rule_model_says(book, engine):
    """Differential check over 1,500 generated profiles (the soak runs 100,000): durable-rules vs the Python reading."""
    for data in synth_profiles(1500, seed=7):
        profile = Profile.model_validate(data, strict=True)
        fired = [f.rule for f in engine.run(fact_of(profile, book))]
        holds = {rule for rule, verdict in assess(book, profile).items() if verdict.holds}
        assert len(fired) == len(set(fired)), f"a rule fired twice for {data}"
        assert set(fired) == holds, data


def test_same_profile_same_firings(book, engine):
    fact = fact_of(Profile.model_validate({"tmb": 3, "hypoxia": "high", "tregs": "present", "tim3": "elevated"}), book)
    assert engine.run(fact) == engine.run(fact)


def test_session_is_empty_after_each_profile(book, engine):
    engine.run(fact_of(Profile.model_validate({"hypoxia": "high", "tregs": "abundant", "tim3": "elevated"}), book))
    assert engine.facts() == []


def test_engine_starts_no_threads(book):
    before = threading.active_count()
    engine = engine_for(compile_rules(book))
    engine.run(fact_of(Profile.model_validate({"hypoxia": "high"}), book))
    assert threading.active_count() == before


def test_a_finding_reached_twice_feeds_its_strategies_once(book, engine):
    profile = Profile.model_validate({"tregs": "abundant", "mdscs": "abundant"})
    fired = [f.rule for f in engine.run(fact_of(profile, book))]
    assert fired.count("tregs-to-treg-depletion") == 1
    assert fired.count("mdscs-to-mdsc-targeting") == 1


def test_count_join_fires_once_however_many_mechanisms(book, engine):
    profile = Profile.model_validate({"hypoxia": "high", "acidity": "acidic", "tregs": "abundant", "tim3": "elevated",
                                      "il10": "elevated", "epigenetic_silencing": True})
    fired = [f.rule for f in engine.run(fact_of(profile, book))]
    assert fired.count("several-mechanisms-to-multi-pathway") == 1
    assert fired.count("many-mechanisms-to-single-cell-profiling") == 1


def test_an_error_inside_an_action_becomes_an_engine_error_and_the_next_profile_still_works(book):
    good = compile_rules(book)
    # A ruleset whose derived finding has no kind on record: the action raises inside the engine.
    broken = CompiledRuleset("icitrace-broken-test", good.definition, asserted={}, derives=good.derives)
    engine = Engine(broken)
    with pytest.raises(EngineError, match="a rule action failed inside the engine"):
        engine.run(fact_of(Profile.model_validate({"hypoxia": "high"}), book))
    assert engine.run(fact_of(Profile.model_validate({"acidity": "normal"}), book)) == []


def test_because_values_come_from_the_matched_facts(book):
    result = evaluate({"tmb": 9.9999, "pd_l1_tps": 0.5}, book)
    because = {b.field: b for f in result.findings for b in f.because}
    assert because["tmb"].value == 9.9999
    assert because["tmb"].condition == "tmb 9.9999 < tmb_high 10 mut/Mb"
    assert because["pd_l1_tps"].condition == "pd_l1_tps 0.5 < pd_l1_negative 1%"


@pytest.mark.parametrize("alterations, fires", [
    (["WNT/beta-catenin activation"], True),
    (["KRAS mutation", "wnt / β-catenin ACTIVATION"], True),  # case, Greek beta and spacing set aside
    (["PTEN loss", "STK11 loss"], True),  # two listed items: the rule still fires once
    (["KRAS mutation", "JAK1/2 loss"], False),  # no described immune-evasion link in the rule's list
    ([], False),
])
def test_includes_any_is_decided_in_the_engine_as_in_the_rule_model(book, engine, alterations, fires):
    profile = Profile.model_validate({"oncogenic_alterations": alterations})
    fired = [f.rule for f in engine.run(fact_of(profile, book))]
    assert fired.count("oncogenic-alterations-found") == int(fires)
    assert assess(book, profile)["oncogenic-alterations-found"].holds is fires


def test_the_direct_driver_fires_as_durable_rules_own_host_does(book):
    """The lean driver calls durable-rules' undocumented C API; its Host API is the reference. Same
    firings, same order, same matched facts (the Host's Closure stamps "sid" on facts asserted from an
    action; nothing reads it), and an empty session after every profile, on either path."""
    from durable_host import HostEngine

    compiled = compile_rules(book)
    lean, host = engine_for(compiled), HostEngine(compiled)
    without_sid = lambda matched: {p: {k: v for k, v in fact.items() if k != "sid"} for p, fact in matched.items()}  # noqa: E731
    compared = 0
    for data in synth_profiles(3000, seed=11):
        fact = fact_of(Profile.model_validate(data, strict=True), book)
        ours, reference = lean.run(fact), host.run(fact)
        assert [f.rule for f in ours] == [f.rule for f in reference], data
        assert [f.matched for f in ours] == [without_sid(f.matched) for f in reference], data
        compared += len(ours)
    assert compared > 20_000 and lean.facts() == [] and host.facts() == []


@pytest.mark.parametrize("failure", [EngineError, KeyboardInterrupt])
def test_a_failure_or_a_stop_mid_profile_leaves_an_engine_that_gives_the_same_firings(book, monkeypatch, failure):
    import durable_rules_engine

    from icitrace.engine import durable as adapter

    engine = Engine(compile_rules(book))
    fact = fact_of(Profile.model_validate({"hypoxia": "high", "tregs": "abundant", "tim3": "elevated"}), book)
    expected = engine.run(fact)
    real, calls = durable_rules_engine.complete_and_start_action, []

    def fails_on_the_third(handle, state):
        calls.append(state)
        if len(calls) == 3:
            raise durable_rules_engine.error("Could not complete and start action, error code: 999") \
                if failure is EngineError else KeyboardInterrupt
        return real(handle, state)

    monkeypatch.setattr(adapter.rules_c, "complete_and_start_action", fails_on_the_third)
    with pytest.raises(failure):
        engine.run(fact)
    monkeypatch.setattr(adapter.rules_c, "complete_and_start_action", real)
    assert engine.facts() == [] and engine.run(fact) == expected
