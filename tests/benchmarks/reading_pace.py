"""The three-valued reading at the engine's pace: batch's formats against its plain JSON Lines, and
`suggest` against a minimal typer app (no asserts: numbers, not verdicts).

    python tests/benchmarks/reading_pace.py [--n 20000] [--rounds 3] [--profile FORMAT]

One worker, in-process, CPU time per record (``time.process_time``), the formats interleaved round by
round (the median is shown) so that the ratios hold on a shared machine whose speed drifts:

- ``jsonl``: the compact record (engine only);
- ``wide``: a column per finding and strategy, whose 0 / empty cells need the three-valued reading;
- ``full``: the whole JSON contract per record (reading, explanation of the chain, references);

and ``suggest`` on one profile against the minimal typer app of ``bench.py`` (wall time, medians of
interleaved starts). Targets (issue 23, item 9): wide >= 0.7x the jsonl rate, full >= 0.3x, suggest <=
1.2x the minimal app. ``--profile wide`` prints cProfile's top entries for one format instead.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import command_ms, minimal_app  # noqa: E402

from icitrace.batch.records import Settings  # noqa: E402
from icitrace.batch.writing import write_records  # noqa: E402
from icitrace.batch.inputs import Record  # noqa: E402
from icitrace.pipeline import rulebook  # noqa: E402
from icitrace.profile.synth import synth_profiles  # noqa: E402


def settings(fmt: str, book) -> Settings:  # noqa: ANN001
    width = len(book.catalog.findings) + len(book.catalog.strategies)
    return {"jsonl": Settings(), "wide": Settings(fmt="wide", wide_width=width),
            "full": Settings(full=True)}[fmt]


class Counting(io.RawIOBase):
    """An output that keeps only the count of bytes written."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # noqa: ANN001
        self.size += len(data)
        return len(data)


def one(records: list[Record], chosen: Settings) -> tuple[float, int]:
    """CPU microseconds per record, and the bytes written."""
    out = Counting()
    start = time.process_time()
    write_records(iter(records), out, chosen, 1, None)
    return (time.process_time() - start) / len(records) * 1e6, out.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=("jsonl", "wide", "full"), help="cProfile one format instead")
    args = parser.parse_args()
    book = rulebook()
    records = [Record(f"bench:{i}", f"bench-{i}", "json", json.dumps(d).encode())
               for i, d in enumerate(synth_profiles(args.n, seed=1), 1)]
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        one(records, settings(args.profile, book))
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
        return
    times: dict[str, list[float]] = {f: [] for f in ("jsonl", "wide", "full")}
    size = 0
    for _ in range(args.rounds):
        for fmt in times:
            took, written = one(records, settings(fmt, book))
            times[fmt].append(took)
            size = written if fmt == "full" else size
    us = {f: statistics.median(v) for f, v in times.items()}
    with tempfile.TemporaryDirectory() as tmp:
        profile = str(ROOT / "profiles" / "cold-desert.json")
        # this checkout's icitrace (the `icitrace` script may be another's), started as the script starts it
        icitrace = [sys.executable, "-c", "import sys; from icitrace.cli import main; sys.exit(main())"]
        os.environ["PYTHONPATH"] = str(ROOT / "src")
        ms = command_ms({"suggest": [*icitrace, "suggest", profile],
                         "minimal": [sys.executable, str(minimal_app(Path(tmp))), "suggest", profile]},
                        2 * args.rounds + 1)
    print(f"{args.n:,} synthetic records, {len(book.rules)} rules, one worker, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores; medians of {args.rounds} interleaved rounds")
    print(f"batch jsonl           {us['jsonl']:7.0f} us CPU/record")
    print(f"batch --format wide   {us['wide']:7.0f} us CPU/record   {us['jsonl'] / us['wide']:.2f}x the jsonl rate "
          "(target >= 0.7)")
    print(f"batch --full          {us['full']:7.0f} us CPU/record   {us['jsonl'] / us['full']:.2f}x the jsonl rate "
          f"(target >= 0.3), {size / args.n / 1024:.1f} KB a record")
    print(f"suggest, one profile  {ms['suggest']:7.0f} ms wall        {ms['suggest'] / ms['minimal']:.2f}x the minimal "
          f"typer app ({ms['minimal']:.0f} ms; target <= 1.2)")


if __name__ == "__main__":
    main()
