"""Measure icitrace against its floors and print a table (no asserts: numbers, not verdicts).

    python tests/benchmarks/bench.py [--n 20000] [--suite]

Everything runs in one invocation so the ratios hold on a noisy machine:
- engine floor: the same compiled ruleset in a bare durable-rules Host, the same profile facts
  asserted, actions that only record the firing and derive the finding facts that chaining needs;
- icitrace batch, one worker: JSON Lines in, parse, validate, engine, trace, JSON Lines out;
- pure-Python floor: the three-valued reading of the same rules (what the explainer uses), no engine;
- scaling: the batch with 2 workers against 1;
- memory: RSS of a one-worker batch after 1,000 and after 100,000 records;
- start-up: `icitrace suggest` on one profile and `icitrace --help` against bare imports.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from durable import engine as durable  # noqa: E402

from icitrace.batch import run as batch  # noqa: E402
from icitrace.batch.inputs import Record  # noqa: E402
from icitrace.engine.compile import compile_rules  # noqa: E402
from icitrace.pipeline import (
    fact_of,  # noqa: E402
    rulebook,  # noqa: E402
)
from icitrace.profile.model import Profile  # noqa: E402
from icitrace.profile.synth import synth_profiles  # noqa: E402
from icitrace.reasoning.verdicts import assess  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def engine_floor(book, facts: list[dict]) -> float:
    compiled = compile_rules(book)
    fired: list = []
    state = {"derived": set(), "n": {}}

    class Bare(durable.Host):
        def _run(self):  # no timer threads, as in icitrace
            return None

        def get_action(self, name):
            target = compiled.derives.get(name)

            def act(c):
                fired.append(name)
                if target and target not in state["derived"]:
                    state["derived"].add(target)
                    kind = compiled.asserted[target]
                    state["n"][kind] = state["n"].get(kind, 0) + 1
                    try:
                        c.assert_fact({"t": "finding", "id": target, "kind": kind, "n": state["n"][kind]})
                    except durable.MessageNotHandledException:
                        pass
            return act

    host = Bare()
    host.register_rulesets({"floor": copy.deepcopy(compiled.definition)})
    start = time.perf_counter()
    for fact in facts:
        state["derived"], state["n"] = set(), {}
        try:
            host.assert_fact("floor", fact)
        except durable.MessageNotHandledException:
            pass
        leftover = host.get_facts("floor", None)
        if leftover:  # retract_facts([]) segfaults in the C engine (measured)
            host.retract_facts("floor", leftover)
    return len(facts) / (time.perf_counter() - start)


def batch_rate(records: list[Record], workers: int) -> float:
    out = io.BytesIO()
    start = time.perf_counter()
    batch.run(iter(records), out, batch.Settings(), workers, None)
    return len(records) / (time.perf_counter() - start)


def python_floor(book, profiles: list[Profile]) -> float:
    start = time.perf_counter()
    for profile in profiles:
        assess(book, profile)
    return len(profiles) / (time.perf_counter() - start)


def memory(n: int) -> tuple[float, float]:
    marks = {}
    done = [0]

    def progress(count: int) -> None:
        done[0] += count
        if done[0] >= 1_000 and "1k" not in marks:
            marks["1k"] = rss_mb()

    def stream():
        for i, data in enumerate(synth_profiles(n, seed=99), start=1):
            yield Record(f"mem:{i}", f"mem-{i}", "json", json.dumps(data).encode())

    batch.run(stream(), open(os.devnull, "wb"), batch.Settings(), 1, None, progress)
    return marks["1k"], rss_mb()


def command_time(args: list[str], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="profiles for the throughput rows")
    parser.add_argument("--memory-n", type=int, default=100_000, help="records for the memory row")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median is shown")
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    args = parser.parse_args()

    book = rulebook()
    data = list(synth_profiles(args.n, seed=1))
    profiles = [Profile.model_validate(d, strict=True) for d in data]
    facts = [fact_of(p, book) for p in profiles]
    records = [Record(f"bench:{i}", f"bench-{i}", "json", json.dumps(d).encode()) for i, d in enumerate(data, 1)]

    # Three interleaved rounds, median of each: the machine's noise (+/-15% seen here) hits all alike.
    rounds = [(engine_floor(book, facts), batch_rate(records, 1), batch_rate(records, 2), python_floor(book, profiles))
              for _ in range(args.rounds)]
    floor, one, two, pure = (statistics.median(r[i] for r in rounds) for i in range(4))
    rss_1k, rss_end = memory(args.memory_n)

    python = sys.executable
    icitrace = str(Path(python).with_name("icitrace"))
    profile = str(ROOT / "profiles" / "cold-desert.json")
    t_suggest = command_time([icitrace, "suggest", profile])
    t_imports = command_time([python, "-c", "import pydantic, typer, durable.engine"])
    t_help = command_time([icitrace, "--help"])
    t_typer = command_time([python, "-c", "import typer"])

    rows = [
        ("engine floor (bare durable-rules Host)", f"{floor:,.0f} profiles/s", ""),
        ("icitrace batch, 1 worker (parse, validate, trace, JSON out)", f"{one:,.0f} records/s",
         f"{one / floor:.2f}x floor (target >= 0.8)"),
        ("pure-Python reading of the same rules", f"{pure:,.0f} profiles/s", f"{pure / floor:.1f}x engine floor"),
        ("icitrace batch, 2 workers", f"{two:,.0f} records/s", f"{two / one:.2f}x one worker (target >= 1.8)"),
        ("RSS, one-worker batch", f"{rss_1k:.1f} MB after 1k, {rss_end:.1f} MB after {args.memory_n // 1000}k",
         f"{rss_end - rss_1k:+.1f} MB (target within 5)"),
        ("`icitrace suggest` one profile", f"{t_suggest * 1000:.0f} ms",
         f"{t_suggest / t_imports:.2f}x `import pydantic, typer, durable.engine` ({t_imports * 1000:.0f} ms; target <= 1.25)"),
        ("`icitrace --help`", f"{t_help * 1000:.0f} ms",
         f"{t_help / t_typer:.2f}x `import typer` ({t_typer * 1000:.0f} ms; target <= 1.1)"),
    ]
    if args.suite:
        start = time.perf_counter()
        subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True)
        rows.append(("whole test suite (2 workers)", f"{time.perf_counter() - start:.1f} s", ""))
    width = max(len(r[0]) for r in rows)
    print(f"{args.n:,} synthetic profiles, {len(book.rules)} rules, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores; throughput rows are medians of {args.rounds} interleaved rounds")
    for name, value, ratio in rows:
        print(f"{name.ljust(width)}  {value:<32}  {ratio}")


if __name__ == "__main__":
    main()
