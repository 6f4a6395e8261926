"""The batch at cohort scale: N synthetic records (default 1,000,000), killed with SIGKILL partway,
resumed, then checked: records in = records out, each record once and in order, and the resident
memory of the batch processes sampled throughout. Prints what it measured.

    python tests/benchmarks/batch_million.py [--n 1000000] [--kill-after 120]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def tree_rss_mb(pid: int) -> tuple[float, float]:
    """(parent RSS, largest child RSS) in MB, from /proc."""
    def rss(p: int) -> float:
        try:
            with open(f"/proc/{p}/statm") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except OSError:
            return 0.0
    children = []
    try:
        children = [int(c) for c in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except OSError:
        pass
    return rss(pid), max((rss(c) for c in children), default=0.0)


def run(args: list[str], samples: list) -> subprocess.Popen:
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def sample() -> None:
        while process.poll() is None:
            samples.append((time.time(), *tree_rss_mb(process.pid)))
            time.sleep(1)
    threading.Thread(target=sample, daemon=True).start()
    return process


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--kill-after", type=float, default=120)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="icitrace-million-"))
    cohort, out = folder / "cohort.jsonl", folder / "out.jsonl"
    with cohort.open("wb") as handle:
        subprocess.run([str(BIN / "icitrace"), "synth", "--n", str(args.n), "--seed", "2026"], stdout=handle, check=True)
    print(f"{args.n:,} records, {cohort.stat().st_size / 2**20:.0f} MB of JSON Lines in {folder}")
    command = [str(BIN / "icitrace"), "batch", str(cohort), "--out", str(out), "--workers", str(args.workers)]

    samples: list = []
    start = time.time()
    first = run(command, samples)
    time.sleep(args.kill_after)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = out.read_bytes().count(b"\n")
    print(f"killed (SIGKILL) after {time.time() - start:.0f} s with {killed_at:,} complete lines written")

    resumed = time.time()
    second = run(command + ["--resume"], samples)
    _, err = second.communicate()
    took = time.time() - resumed
    print(f"resumed: exit {second.returncode}, {took:.0f} s, {err.decode().strip()}")

    count, previous, duplicates = 0, 0, 0
    with out.open() as handle:
        for line in handle:
            count += 1
            number = int(json.loads(line)["record"].rsplit(":", 1)[1])
            duplicates += number != previous + 1
            previous = number
    rate = (args.n - killed_at) / took
    parents = [s[1] for s in samples]
    children = [s[2] for s in samples if s[2]]
    print(f"records in {args.n:,}, records out {count:,}, out of sequence {duplicates}")
    print(f"throughput after resume: {rate:,.0f} records/s with {args.workers} workers")
    print(f"RSS of the batch process: first sample {parents[0]:.1f} MB, max {max(parents):.1f} MB; "
          f"largest worker: max {max(children, default=0):.1f} MB over {len(samples)} samples")


if __name__ == "__main__":
    main()
