"""Memory of a `--cutoffs-by` run against the number of distinct cut-off sets in it. Prints what it measured.

    python tests/benchmarks/group_cutoffs.py [--groups 100 1000 3000] [--records-per-group 2] [--workers 1]

For each size, a table gives every group its own TMB line (and every other group its own PD-L1 line too,
so that no two groups share a cut-off set), a cohort holds ``--records-per-group`` records per group
(half of them with a band, so that the ruleset that reads bands is built as well), and the real command
runs it: ``icitrace batch COHORT --cutoffs-by tumor_type TABLE``. The peak resident memory of the
command and its workers (``RUSAGE_CHILDREN``, read in a fresh wrapper per size) is shown, with the
growth per 1,000 groups over the smallest size. The engine keeps at most ``LIVE_ENGINES`` C rulesets
alive, so the growth should be near zero; before that bound each set cost about 1.2 MB per ruleset.

Run it against another checkout (``PYTHONPATH=/other/src``) to compare.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
print(done.returncode, peak, done.stderr.decode()[-300:].replace("\\n", " "))
"""


def inputs(folder: Path, groups: int, per_group: int) -> tuple[Path, Path]:
    table, cohort = folder / f"lines-{groups}.csv", folder / f"cohort-{groups}.jsonl"
    rows = ["group,cutoff,value"]
    for g in range(groups):
        rows.append(f"type-{g},tmb_high,{1 + g / 100:g}")
        if g % 2:
            rows.append(f"type-{g},pd_l1_high,{20 + (g % 500) / 10:g}")
    table.write_text("\n".join(rows) + "\n")
    with cohort.open("w") as out:
        for r in range(per_group):
            for g in range(groups):
                record = {"tumor_type": f"type-{g}", "tmb": 8 + g % 7, "hypoxia": "high", "pd_l1_tps": 30}
                if (g + r) % 2:
                    record["pd_l1_cps"] = {"at_least": 40}
                out.write(json.dumps(record) + "\n")
    return table, cohort


def measure(groups: int, per_group: int, workers: int, folder: Path) -> tuple[float, float]:
    table, cohort = inputs(folder, groups, per_group)
    command = [str(Path(sys.executable).parent / "icitrace"), "batch", str(cohort), "--cutoffs-by", "tumor_type",
               str(table), "--workers", str(workers), "--out", str(folder / f"out-{groups}.jsonl")]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    code, peak, said = done.stdout.split(" ", 2)
    if code != "0":
        sys.exit(f"icitrace batch failed with {groups} groups (exit {code}): {said}")
    return float(peak), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument("--records-per-group", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    sizes = sorted(args.groups)
    with tempfile.TemporaryDirectory() as tmp:
        results = [(n, *measure(n, args.records_per_group, args.workers, Path(tmp))) for n in sizes]
    smallest, base, _ = results[0]
    print(f"{'groups':>7} {'records':>8} {'peak RSS MB':>12} {'MB per 1,000 groups':>20} {'seconds':>8}")
    for n, peak, seconds in results:
        per_1000 = "" if n == smallest else f"{(peak - base) / (n - smallest) * 1000:.1f}"
        print(f"{n:>7,} {n * args.records_per_group:>8,} {peak:>12.1f} {per_1000:>20} {seconds:>8.1f}")


if __name__ == "__main__":
    main()
