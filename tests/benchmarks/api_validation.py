"""What `icitrace.evaluate` pays to validate every profile it is given (a dict or a `Profile` instance).

    python tests/benchmarks/api_validation.py [--calls 2000]

For each shipped profile: CPU time per call of the check alone (`pipeline.checked`), of `evaluate` on an
already-built `Profile`, and of the engine path without the check (`pipeline.evaluate_validated`). It
measures and prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from icitrace import pipeline
from icitrace.profile.reading import validate

ROOT = Path(__file__).resolve().parents[2]


def per_call(function, calls: int) -> float:
    """CPU microseconds per call, the best of three rounds."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for _ in range(calls):
            function()
        best = min(best, time.process_time() - start)
    return best / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    calls = parser.parse_args().calls
    book = pipeline.rulebook()
    print(f"{'profile':34} {'check':>9} {'evaluate':>10} {'unchecked':>10}   (CPU us per call)")
    totals = [0.0, 0.0, 0.0]
    paths = sorted((ROOT / "profiles").glob("*.json"))
    for path in paths:
        profile = validate(json.loads(path.read_text()), path.name, path.stem)
        pipeline.evaluate(profile, book)  # warm: the engine and the compiled ruleset
        figures = (per_call(lambda p=profile: pipeline.checked(p, "profile"), calls),
                   per_call(lambda p=profile: pipeline.evaluate(p, book), calls // 10),
                   per_call(lambda p=profile: pipeline.evaluate_validated(p, book), calls // 10))
        totals = [t + f for t, f in zip(totals, figures, strict=True)]
        print(f"{path.stem:34} {figures[0]:9.1f} {figures[1]:10.1f} {figures[2]:10.1f}")
    mean = [t / len(paths) for t in totals]
    print(f"{'mean':34} {mean[0]:9.1f} {mean[1]:10.1f} {mean[2]:10.1f}   check = {mean[0] / mean[2]:.1%} of a call")


if __name__ == "__main__":
    main()
