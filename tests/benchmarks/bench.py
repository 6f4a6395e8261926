"""Measure icitrace against its floors and print a table (no asserts: numbers, not verdicts).

    python tests/benchmarks/bench.py [--n 20000] [--rounds 5] [--memory-n 100000] [--suite]

Every row is measured in this one run, in interleaved rounds (the median is shown), so that the ratios
hold on a shared machine whose speed drifts. In-process rows are CPU time per profile
(``time.process_time``); rows with several processes are wall time, since they measure the use of both
cores.

- Host-API floor: the same compiled ruleset in a bare durable-rules ``Host``, actions that only record
  the firing and derive the finding facts that chaining needs;
- direct-driver floor: the same ruleset and facts driven through durable-rules' C extension in a bare
  loop, with rule names only, and decoding every action's message;
- three-valued reading: the pure-Python reading of the same rules (what ``explain`` uses), no engine;
- batch, one worker, in-process: JSON Lines in, parse, validate, engine, JSON Lines out;
- batch with 2 workers, against two independent one-worker processes at once, each given half the
  records (the machine's ceiling for 2 cores, start-up included on both sides);
- start-up: ``icitrace suggest`` on one profile against a minimal typer app with the same parameters
  and the same third-party imports, and ``icitrace --help`` against ``import typer``;
- the guards of an output file: ``batch --out FILE`` (its inputs' digests and run record) against
  ``--out /dev/null``, the same records on stdin (a digest after every record, the run record per chunk),
  and ``--cutoffs-by`` (the records' groups read before the run);
- memory: RSS of a one-worker batch after 1,000 and after ``--memory-n`` records.
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
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

import durable_rules_engine as rules_c  # noqa: E402
from durable import engine as durable  # noqa: E402

from icitrace.batch.inputs import Record  # noqa: E402
from icitrace.batch.records import Settings  # noqa: E402
from icitrace.batch.writing import write_records  # noqa: E402
from icitrace.engine.compile import compile_rules  # noqa: E402
from icitrace.pipeline import fact_of, rulebook  # noqa: E402
from icitrace.profile.model import Profile  # noqa: E402
from icitrace.profile.synth import synth_profiles  # noqa: E402
from icitrace.reasoning.verdicts import assess  # noqa: E402

durable._unix_now = time.time  # as the reference adapter does: no deprecation warning per action


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def cpu_us(work, count: int) -> float:  # noqa: ANN001
    """CPU microseconds per item of ``work()``."""
    start = time.process_time()
    work()
    return (time.process_time() - start) / count * 1e6


def host_floor(compiled, facts: list[dict]) -> float:  # noqa: ANN001
    state = {"derived": set(), "n": {}}

    class Bare(durable.Host):
        def _run(self):  # no timer threads, as in icitrace
            return None

        def get_action(self, name):
            target = compiled.derives.get(name)

            def act(c):
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
    host.register_rulesets({"host-floor": copy.deepcopy(compiled.definition)})

    def work() -> None:
        for fact in facts:
            state["derived"], state["n"] = set(), {}
            try:
                host.assert_fact("host-floor", fact)
            except durable.MessageNotHandledException:
                pass
            leftover = host.get_facts("host-floor", None)
            if leftover:  # retract_facts([]) segfaults in the C engine (measured)
                host.retract_facts("host-floor", leftover)

    return cpu_us(work, len(facts))


_direct = [0]


def direct_floor(compiled, facts: list[dict], decode: bool) -> float:  # noqa: ANN001
    """The C engine in a bare loop: what any driver of it must pay."""
    _direct[0] += 1
    definition = {rule_id: {"all": rule["all"]} for rule_id, rule in compiled.definition.items()}
    handle = rules_c.create_ruleset(f"direct-floor-{_direct[0]}", json.dumps(definition))
    derives, kinds, loads = compiled.derives, compiled.asserted, json.loads

    def work() -> None:
        for fact in facts:
            text = json.dumps(fact)
            code, state = rules_c.assert_fact(handle, text)
            if code:
                continue
            asserted, derived, ordinals = [text], set(), {}
            first = rules_c.start_action_for_state(handle, state)
            message = first[1] if first else None
            while message is not None:
                rule = message[2:message.index('"', 2)]
                if decode:
                    loads(message)
                target = derives.get(rule)
                if target and target not in derived:
                    derived.add(target)
                    ordinals[kinds[target]] = ordinals.get(kinds[target], 0) + 1
                    finding = json.dumps({"t": "finding", "id": target, "kind": kinds[target],
                                          "n": ordinals[kinds[target]]})
                    if rules_c.assert_fact(handle, finding)[0] == 0:
                        asserted.append(finding)
                message = rules_c.complete_and_start_action(handle, state)
            rules_c.retract_facts(handle, "[" + ",".join(asserted) + "]")

    return cpu_us(work, len(facts))


def reading(book, profiles: list[Profile]) -> float:  # noqa: ANN001
    return cpu_us(lambda: [assess(book, p) for p in profiles], len(profiles))


def batch_w1(records: list[Record]) -> float:
    return cpu_us(lambda: write_records(iter(records), io.BytesIO(), Settings(), 1, None), len(records))


def processes(commands: list[list[str]]) -> float:
    """Wall seconds for commands started together."""
    start = time.perf_counter()
    running = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for c in commands]
    for process in running:
        process.wait()
    return time.perf_counter() - start


def memory(n: int) -> tuple[float, float]:
    marks: dict[str, float] = {}
    done = [0]

    def progress(count: int) -> None:
        done[0] += count
        if done[0] >= 1_000 and "1k" not in marks:
            marks["1k"] = rss_mb()

    def stream():
        for i, data in enumerate(synth_profiles(n, seed=99), start=1):
            yield Record(f"mem:{i}", f"mem-{i}", "json", json.dumps(data).encode())

    with open(os.devnull, "wb") as sink:
        write_records(stream(), sink, Settings(), 1, None, progress)
    return marks["1k"], rss_mb()


def minimal_app(folder: Path) -> Path:
    """A typer app with `suggest`'s parameters and the third-party imports `suggest` makes (durable's C
    engine, pydantic's BaseModel, typer; not rich or YAML, which `suggest` no longer needs), doing
    nothing else. (`import pydantic` alone loads almost nothing: its names load when first used.)"""
    path = folder / "minimal.py"
    path.write_text(textwrap.dedent('''
        from enum import Enum
        from pathlib import Path
        from typing import List, Optional

        import durable_rules_engine, typer  # noqa: F401
        from pydantic import BaseModel  # noqa: F401

        app = typer.Typer(add_completion=False)

        class Format(str, Enum):
            text = "text"
            json = "json"
            markdown = "markdown"
            dot = "dot"

        @app.command()
        def suggest(profiles: List[str] = typer.Argument(...), format: Format = typer.Option(Format.text, "--format", "-f"),
                    sets: Optional[List[str]] = typer.Option(None, "--set"),
                    thresholds: Optional[List[str]] = typer.Option(None, "--threshold"),
                    rules: Optional[Path] = typer.Option(None, "--rules"),
                    why_not: Optional[List[str]] = typer.Option(None, "--why-not"),
                    brief: bool = typer.Option(False, "--brief")) -> None:
            print(profiles)

        @app.command()
        def other() -> None:
            pass

        app()
    '''))
    return path


def tables(data: list[dict], folder: Path) -> tuple[Path, Path, Path]:
    """The same profiles as icitrace's CSV, and as a researcher's table (other column names, NA for
    unknown) with the map that reads it."""
    import csv

    from icitrace.profile.model import reasoned_fields, show_value

    fields = list(reasoned_fields())
    cell = lambda value, empty: empty if value is None else ";".join(value) if isinstance(value, list) \
        else show_value(value)  # noqa: E731
    plain, mapped, column_map = folder / "plain.csv", folder / "mapped.csv", folder / "map.yaml"
    for path, names, empty in ((plain, ["id", *fields], ""), (mapped, ["Sample ID", *(f"col {f}" for f in fields)],
                                                              "NA")):
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(names)
            writer.writerows([f"r{i}", *(cell(d.get(f), empty) for f in fields)] for i, d in enumerate(data))
    column_map.write_text("id: Sample ID\nfields:\n" + "".join(f"  {f}: col {f}\n" for f in fields))
    return plain, mapped, column_map


def command_ms(commands: dict[str, list[str]], rounds: int, stdin: dict[str, Path] | None = None) -> dict[str, float]:
    """Median wall milliseconds of each command, the commands interleaved round by round (``stdin``: the
    file a command reads as its standard input)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            with open((stdin or {}).get(name, os.devnull), "rb") as given:
                start = time.perf_counter()
                subprocess.run(command, stdin=given, capture_output=True, check=True)
                times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="profiles for the throughput rows")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the median is shown")
    parser.add_argument("--memory-n", type=int, default=100_000, help="records for the memory row")
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    args = parser.parse_args()

    book = rulebook()
    compiled = compile_rules(book)
    data = list(synth_profiles(args.n, seed=1))
    profiles = [Profile.model_validate(d, strict=True) for d in data]
    facts = [fact_of(p, book) for p in profiles]
    records = [Record(f"bench:{i}", f"bench-{i}", "json", json.dumps(d).encode()) for i, d in enumerate(data, 1)]
    # the same draw with every known number a band: the ruleset that reads bands, and the band checks
    banded = [Record(f"bench:{i}", f"bench-{i}", "json", json.dumps(d).encode())
              for i, d in enumerate(synth_profiles(args.n, seed=1, p_band=1.0), 1)]

    python = sys.executable
    icitrace = str(Path(python).with_name("icitrace"))
    with tempfile.TemporaryDirectory() as tmp:
        # The same records either way: the whole cohort with 2 workers, or each half in its own process.
        cohort, first, second = (Path(tmp) / f"{name}.jsonl" for name in ("cohort", "first", "second"))
        lines = [r.payload + b"\n" for r in records]
        cohort.write_bytes(b"".join(lines))
        first.write_bytes(b"".join(lines[: len(lines) // 2]))
        second.write_bytes(b"".join(lines[len(lines) // 2:]))
        two = [icitrace, "batch", str(cohort), "--workers", "2", "--out", os.devnull]
        halves = [[icitrace, "batch", str(half), "--workers", "1", "--out", os.devnull] for half in (first, second)]

        columns: dict[str, list[float]] = {k: [] for k in ("host", "names", "decode", "reading", "w1", "bands", "w2",
                                                       "pair")}
        for _ in range(args.rounds):
            columns["host"].append(host_floor(compiled, facts))
            columns["names"].append(direct_floor(compiled, facts, decode=False))
            columns["decode"].append(direct_floor(compiled, facts, decode=True))
            columns["reading"].append(reading(book, profiles))
            columns["w1"].append(batch_w1(records))
            columns["bands"].append(batch_w1(banded))
            columns["w2"].append(args.n / processes([two]))
            columns["pair"].append(args.n / processes(halves))
        m = {k: statistics.median(v) for k, v in columns.items()}

        app = minimal_app(Path(tmp))
        profile = str(ROOT / "profiles" / "cold-desert.json")
        plain, mapped, column_map = tables(data[:5_000], Path(tmp))
        # the guards an output file costs (its inputs' digests, the run record) and a stdin's digest trail
        lines_5k = Path(tmp) / "five.jsonl"
        lines_5k.write_bytes(b"".join(lines[:5_000]))
        groups = Path(tmp) / "groups.csv"
        groups.write_text("group,cutoff,value\nMelanoma,tmb_high,20\n")
        out = str(Path(tmp) / "out.jsonl")
        five = [icitrace, "batch", str(lines_5k), "--workers", "1"]
        ms = command_ms({"suggest": [icitrace, "suggest", profile], "minimal": [python, str(app), "suggest", profile],
                         "help": [icitrace, "--help"], "typer": [python, "-c", "import typer"],
                         "plain": [icitrace, "batch", str(plain), "--workers", "1", "--out", os.devnull],
                         "mapped": [icitrace, "batch", str(mapped), "--map", str(column_map), "--workers", "1",
                                    "--out", os.devnull],
                         "devnull": [*five, "--out", os.devnull], "file": [*five, "--out", out],
                         "stdin": [icitrace, "batch", "-", "--workers", "1", "--out", out],
                         "groups": [*five, "--out", os.devnull, "--cutoffs-by", "tumor_type", str(groups),
                                    "--allow-unmatched-groups"]},
                        2 * args.rounds + 1, stdin={"stdin": lines_5k})
    rss_1k, rss_end = memory(args.memory_n)

    rows = [
        ("Host-API floor (bare durable-rules Host)", f"{m['host']:.0f} us CPU/profile", ""),
        ("direct-driver floor, rule names only", f"{m['names']:.0f} us CPU/profile",
         f"{m['host'] / m['names']:.1f}x faster than the Host"),
        ("direct-driver floor, every message decoded", f"{m['decode']:.0f} us CPU/profile", ""),
        ("three-valued reading (pure Python, no engine)", f"{m['reading']:.0f} us CPU/profile", ""),
        ("icitrace batch, 1 worker (parse, validate, engine, JSON out)", f"{m['w1']:.0f} us CPU/record",
         f"{m['decode'] / m['w1']:.2f}x the decoding floor's speed (target >= 0.8)"),
        ("the same, every known number a band", f"{m['bands']:.0f} us CPU/record",
         f"{m['bands'] / m['w1']:.2f}x the numbers' cost"),
        ("icitrace batch --workers 2 (a process)", f"{m['w2']:,.0f} records/s wall", ""),
        ("each half in its own --workers 1 process, at once", f"{m['pair']:,.0f} records/s wall",
         f"w2 is {m['w2'] / m['pair']:.2f}x of this (target >= 0.95)"),
        ("`icitrace suggest` one profile", f"{ms['suggest']:.0f} ms",
         f"{ms['suggest'] / ms['minimal']:.2f}x the minimal typer app ({ms['minimal']:.0f} ms; target <= 1.2)"),
        ("`icitrace --help`", f"{ms['help']:.0f} ms", f"{ms['help'] / ms['typer']:.2f}x `import typer` "
                                                      f"({ms['typer']:.0f} ms)"),
        ("`batch --map` on 5,000 rows of a researcher's table", f"{ms['mapped']:.0f} ms",
         f"{ms['mapped'] / ms['plain']:.2f}x icitrace's own CSV of the same rows ({ms['plain']:.0f} ms; target <= 1.1)"),
        ("`batch --out FILE` on 5,000 records (inputs' digests, run record)", f"{ms['file']:.0f} ms",
         f"{ms['file'] / ms['devnull']:.2f}x `--out /dev/null` ({ms['devnull']:.0f} ms), which has no run record"),
        ("`batch - --out FILE`, the same records on stdin", f"{ms['stdin']:.0f} ms",
         f"{ms['stdin'] / ms['file']:.2f}x the file (stdin's digest after every record, the run record per chunk)"),
        ("`batch --cutoffs-by` (the records' groups read first)", f"{ms['groups']:.0f} ms",
         f"{ms['groups'] / ms['devnull']:.2f}x without it"),
        ("RSS, one-worker batch", f"{rss_1k:.1f} MB after 1k, {rss_end:.1f} MB after {args.memory_n // 1000}k",
         f"{rss_end - rss_1k:+.1f} MB (target within 5)"),
    ]
    if args.suite:
        start = time.perf_counter()
        subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True)
        rows.append(("whole test suite (-n 2)", f"{time.perf_counter() - start:.1f} s wall", "(target < 30 s)"))
    width = max(len(r[0]) for r in rows)
    print(f"{args.n:,} synthetic profiles, {len(book.rules)} rules, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores; medians of {args.rounds} interleaved rounds")
    for name, value, ratio in rows:
        print(f"{name.ljust(width)}  {value:<34}  {ratio}")


if __name__ == "__main__":
    main()
