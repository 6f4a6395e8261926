"""Many cut-off sets in one process (`--cutoffs-by` with thousands of groups): groups whose cut-offs come out
alike share one compiled ruleset, the live C rulesets are bounded, and an evicted one is really freed."""

import gc

from conftest import rss_mb

from icitrace.batch.group_cutoffs import GroupCutoffs
from icitrace.batch.records import Settings, book_for
from icitrace.engine import durable
from icitrace.engine.durable import LIVE_ENGINES, engine_for
from icitrace.pipeline import compiled, engine_of, evaluate, evaluate_fired, fact_of
from icitrace.profile.model import Profile
from icitrace.rulebase.book import with_overrides

PROFILE = {"tmb": 12, "hypoxia": "high", "tregs": "abundant", "tim3": "elevated", "pd_l1_tps": 30}
BANDED = {"tmb": {"at_least": 5, "below": 30}, "pd_l1_tps": 30, "pd_l1_cps": {"at_least": 10}}


def _table(rows: dict[str, dict[str, float]]) -> GroupCutoffs:
    return GroupCutoffs("tumor_type", "lines.csv", "0" * 16,
                        tuple((group, tuple(values.items())) for group, values in rows.items()))


def test_groups_with_the_same_cutoff_values_share_one_compiled_ruleset_and_engine(book):
    settings = Settings(thresholds=(("pd_l1_high", 40.0),), group_cutoffs=_table({
        "Melanoma": {"tmb_high": 20.0, "pd_l1_negative": 2.0},
        "Skin": {"pd_l1_negative": 2.0, "tmb_high": 20.0},  # the same values, in another order
        "Lung": {"tmb_high": 20.0, "pd_l1_negative": 2.0, "pd_l1_high": 40.0},  # the run's own pd_l1_high again
        "Breast": {"tmb_high": 12.0}}))
    melanoma, skin, lung, breast = (book_for(settings, g) for g in ("Melanoma", "Skin", "Lung", "Breast"))
    assert compiled(melanoma) is compiled(skin) is compiled(lung)
    assert compiled(breast) is not compiled(melanoma)
    assert engine_of(melanoma) is engine_of(skin) is engine_of(lung)
    # the same values reached by --threshold alone, or moved to where they already were
    assert compiled(with_overrides(book, {"tmb_high": 20, "pd_l1_negative": 2, "pd_l1_high": 40})) is compiled(lung)
    assert compiled(with_overrides(book, {"tmb_high": 10})) is compiled(book)


def test_live_engines_are_bounded_and_an_evicted_one_still_answers_when_used_again(book):
    profile = Profile.model_validate(PROFILE, strict=True)
    first = engine_of(with_overrides(book, {"tmb_high": 13}))
    expected = [f.rule for f in first.run(fact_of(profile, book))]
    for cut in range(1, LIVE_ENGINES + 10):
        engine_of(with_overrides(book, {"tmb_high": 14 + cut / 10}))
    assert len(durable._engines) <= LIVE_ENGINES
    assert first not in durable._engines.values()  # evicted: its C ruleset was deleted
    assert [f.rule for f in first.run(fact_of(profile, book))] == expected  # built again on use
    assert len(durable._engines) <= LIVE_ENGINES and engine_for(compiled(with_overrides(book, {"tmb_high": 13}))) is first


def test_memory_stays_flat_over_300_distinct_cutoff_sets(book):
    """Before: about 1.2 MB per distinct cut-off set that was never freed (3,000 groups: 3.9 GB, then a
    MemoryError). Each set here is evaluated with and without a band (two rulesets), through the paths a
    batch record takes."""
    plain, banded = (Profile.model_validate(d, strict=True) for d in (PROFILE, BANDED))

    def run(start: int, n: int) -> None:
        for i in range(start, start + n):
            moved = with_overrides(book, {"tmb_high": 1 + i / 100, "pd_l1_negative": 0.5 + i / 1000})
            evaluate_fired(plain, moved)
            evaluate_fired(banded, moved)
            evaluate(banded, moved)

    run(0, 2 * LIVE_ENGINES)  # the bounded caches fill up first
    gc.collect()
    before = rss_mb()
    run(1000, 300)
    gc.collect()
    grown = rss_mb() - before
    assert grown < 25, f"{grown:.1f} MB more after 300 more cut-off sets"
