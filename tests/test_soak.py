"""Soak: 100,000 generated profiles through one engine in one process, checked against the Python
reading of the rules, with memory flat and no thread started. Run on its own (it takes minutes):

    python -m pytest -m soak -n 0 -s
"""

import threading

import pytest
from conftest import rss_mb

from icitrace.engine.compile import compile_rules
from icitrace.engine.durable import engine_for
from icitrace.pipeline import fact_of
from icitrace.profile.model import Profile
from icitrace.profile.synth import synth_profiles
from icitrace.reasoning.verdicts import assess

pytestmark = pytest.mark.soak


def test_one_hundred_thousand_profiles(book, capsys):
    engine = engine_for(compile_rules(book))
    threads = threading.active_count()
    firings = 0
    for i, data in enumerate(synth_profiles(100_000, seed=5), start=1):
        profile = Profile.model_validate(data, strict=True)
        fired = [f.rule for f in engine.run(fact_of(profile, book))]
        firings += len(fired)
        holds = {rule for rule, verdict in assess(book, profile).items() if verdict.holds}
        assert set(fired) == holds and len(fired) == len(holds), data
        if i == 1_000:
            after_1k = rss_mb()
    after_100k = rss_mb()
    with capsys.disabled():
        print(f"\n[soak] 100,000 profiles, {firings:,} firings, engine and rule model agree; "
              f"RSS {after_1k:.1f} MB after 1k, {after_100k:.1f} MB after 100k")
    assert threading.active_count() == threads
    assert after_100k - after_1k < 5


def test_many_engines_in_one_process_neither_leak_threads_nor_crash(book):
    from icitrace.pipeline import evaluate
    from icitrace.rulebase.book import with_overrides

    threads = threading.active_count()
    for cut in range(1, 61):  # 60 distinct rulesets registered on the one host
        moved = with_overrides(book, {"tmb_high": float(cut)})
        result = evaluate({"tmb": 30.5}, moved)
        assert [f.id for f in result.findings] == (["high_tmb"] if cut <= 30.5 else ["low_immunogenicity"])
    assert threading.active_count() == threads
