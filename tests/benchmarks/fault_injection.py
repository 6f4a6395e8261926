"""Fault injection against the real `icitrace batch`: random kills, poisoned records at random positions
(the first included), concurrent runs on one output. Measures and prints; asserts nothing.

    python tests/benchmarks/fault_injection.py --kills 20 --poison 10 --concurrent 5

Each figure is what happened: a kill-and-resume is "identical" when the resumed output is byte for byte
the uninterrupted run's; a poisoned run is "exact" when records in = records out and the error lines
stand exactly where the poison was; a concurrent run is "refused" when the second run exits 2 without
writing, and the first run's output is still exact.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ICITRACE = [str(Path(sys.executable).with_name("icitrace"))]
POISONS = {
    "lone surrogate": b'{"oncogenic_alterations": ["\\ud800"]}',
    "not JSON": b"{not json",
    "CPS below TPS": b'{"pd_l1_tps": 60, "pd_l1_cps": 5}',
    "over 1,000,000 bytes": b'{"description": "' + b"x" * 1_000_001 + b'"}',
    "number of 5,001 digits": b'{"tmb": ' + b"9" * 5001 + b"}",
    "nested 980 deep": b'{"description": ' + b"[" * 980 + b"]" * 980 + b"}",
}


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:  # noqa: ANN003
    return subprocess.run(ICITRACE + list(args), capture_output=True, timeout=600, **kwargs)


def kills(folder: Path, cohort: Path, whole: Path, rounds: int, rng: random.Random) -> dict:
    outcome = {"identical": 0, "different": 0, "signals": {}}
    for index in range(rounds):
        how = rng.choice([signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
        workers = rng.choice(["1", "2"])
        out = folder / f"kill{index}.jsonl"
        process = subprocess.Popen(ICITRACE + ["batch", str(cohort), "--out", str(out), "--workers", workers],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, 3.0))
        process.send_signal(how)
        process.communicate(timeout=120)
        resumed = run("batch", str(cohort), "--out", str(out), "--resume", "--workers", workers)
        same = resumed.returncode == 0 and out.read_bytes() == whole.read_bytes()
        outcome["identical" if same else "different"] += 1
        name = signal.Signals(how).name
        outcome["signals"][name] = outcome["signals"].get(name, 0) + 1
    return outcome


def poison(folder: Path, cohort: Path, rounds: int, rng: random.Random) -> dict:
    clean = cohort.read_bytes().splitlines()
    outcome = {"exact": 0, "wrong": 0, "poisoned records": 0}
    for index in range(rounds):
        lines = list(clean)
        positions = sorted({0, *rng.sample(range(1, len(lines)), 5)} if index == 0 else
                           rng.sample(range(len(lines)), 6))
        for position in positions:
            lines[position] = rng.choice(list(POISONS.values()))
        source = folder / f"poison{index}.jsonl"
        source.write_bytes(b"\n".join(lines) + b"\n")
        done = run("batch", str(source), "--workers", rng.choice(["1", "2"]))
        records = [json.loads(line) for line in done.stdout.splitlines()]
        failed = [i for i, r in enumerate(records) if not r["ok"]]
        exact = (len(records) == len(lines) and failed == positions and done.returncode == 1
                 and b"Traceback" not in done.stderr)
        outcome["exact" if exact else "wrong"] += 1
        outcome["poisoned records"] += len(positions)
    return outcome


def concurrent(folder: Path, cohort: Path, whole: Path, rounds: int) -> dict:
    outcome = {"refused and first exact": 0, "other": 0}
    for index in range(rounds):
        out = folder / f"two{index}.jsonl"
        first = subprocess.Popen(ICITRACE + ["batch", str(cohort), "--out", str(out), "--workers", "1"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not out.exists() or not out.stat().st_size:
            time.sleep(0.01)
        second = run("batch", str(cohort), "--out", str(out), *(["--resume"] if index % 2 else []))
        first.communicate(timeout=300)
        good = second.returncode == 2 and first.returncode == 0 and out.read_bytes() == whole.read_bytes()
        outcome["refused and first exact" if good else "other"] += 1
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=6000, help="synthetic records in the cohort")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--poison", type=int, default=10)
    parser.add_argument("--concurrent", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cohort, whole = folder / "cohort.jsonl", folder / "whole.jsonl"
        cohort.write_bytes(run("synth", "--n", str(args.records), "--seed", str(args.seed)).stdout)
        run("batch", str(cohort), "--out", str(whole), "--workers", "1")
        print(f"cohort: {args.records:,} synthetic records; icitrace {' '.join(ICITRACE)}")
        print("random kills, then --resume:", json.dumps(kills(folder, cohort, whole, args.kills, rng)))
        print("poisoned records at random positions (the first included in round 1):",
              json.dumps(poison(folder, cohort, args.poison, rng)))
        print("a second run on the same --out while the first writes:",
              json.dumps(concurrent(folder, cohort, whole, args.concurrent)))


if __name__ == "__main__":
    main()
