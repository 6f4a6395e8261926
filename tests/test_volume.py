"""Volume: 20,000 profiles through one engine in one process, memory flat, no extra threads.
Run with the soak tests (`python -m pytest -m soak -n 0 -s`, as .ci/run does).

Resource checks, not timings: RSS is read from /proc, so this test runs on Linux only.
"""

import sys
import threading

import pytest

from icitrace.compiler import compile_rules
from icitrace.engine import engine_for
from icitrace.facts import profile_fact
from icitrace.profile import Profile
from icitrace.synth import synth_profiles

from conftest import rss_mb

pytestmark = [pytest.mark.soak, pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/statm")]


def test_twenty_thousand_profiles_keep_memory_flat_and_start_no_threads(book, capsys):
    engine = engine_for(compile_rules(book))
    facts = [profile_fact(Profile.model_validate(d, strict=True)) for d in synth_profiles(20_000, seed=11)]
    threads = threading.active_count()
    firings = 0
    for i, fact in enumerate(facts, start=1):
        firings += len(engine.run(fact))
        if i == 1_000:
            after_1k = rss_mb()
    after_20k = rss_mb()
    with capsys.disabled():
        print(f"\n[volume] 20,000 profiles, {firings} firings: RSS {after_1k:.1f} MB after 1k, "
              f"{after_20k:.1f} MB after 20k")
    assert threading.active_count() == threads
    assert after_20k - after_1k < 5, (after_1k, after_20k)
