"""Load on `icitrace serve`: 50 simulated clients at once on loopback, against `icitrace.evaluate` in process.

    python tests/benchmarks/load.py [--clients 50] [--requests 2000] [--seconds 60]

Starts the real server (`icitrace serve`) on a free loopback port, then 50 threads, each with its own
keep-alive connection, POST a shipped profile to /api/evaluate until the requests or the seconds run out
(both bounded: the run always stops by itself). Prints requests/s and the latency percentiles, and the
same for calling `icitrace.evaluate` in this process, one call after another. It measures and prints;
it asserts nothing. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _started(port: int) -> subprocess.Popen:
    icitrace = str(Path(sys.executable).with_name("icitrace"))
    process = subprocess.Popen([icitrace, "serve", "--port", str(port)], stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/schema", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("icitrace serve did not answer within 30 s")


def _client(port: int, body: bytes, budget: list[int], stop_at: float, times: list[float], errors: list[int],
            lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < stop_at:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        start = time.perf_counter()
        try:
            connection.request("POST", "/api/evaluate", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.perf_counter() - start
        with lock:
            (times.append(elapsed) if ok else errors.append(1))
    connection.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="requests in all, across the clients")
    parser.add_argument("--seconds", type=float, default=60, help="the run stops after this, whatever is left")
    parser.add_argument("--profile", default=str(ROOT / "profiles" / "cold-desert.json"))
    args = parser.parse_args()

    path = Path(args.profile)
    body = json.dumps({"id": path.stem, **json.loads(path.read_text())}).encode()
    port = _free_port()
    server = _started(port)
    try:
        times: list[float] = []
        errors: list[int] = []
        lock, budget = threading.Lock(), [args.requests]
        stop_at = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=_client, args=(port, body, budget, stop_at, times, errors, lock))
                   for _ in range(args.clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=10)

    import icitrace
    from icitrace.profile.reading import validate

    profile = validate(json.loads(body), "profile", default_id="profile")
    icitrace.evaluate(profile)  # warm: the rule base and engine are built once per process, as in the server
    local: list[float] = []
    for _ in range(min(len(times), 500) or 100):
        begin = time.perf_counter()
        icitrace.evaluate(profile)
        local.append(time.perf_counter() - begin)

    ms = lambda seconds: f"{1000 * seconds:.1f} ms"  # noqa: E731
    print(f"icitrace serve, {args.clients} clients on loopback, POST /api/evaluate ({path.name}), 2 cores")
    print(f"  {len(times):,} answered, {len(errors):,} failed, in {wall:.1f} s: {len(times) / wall:,.0f} requests/s")
    print(f"  latency median {ms(statistics.median(times))}, p95 {ms(_percentile(times, 0.95))}, "
          f"max {ms(max(times))}")
    print(f"icitrace.evaluate in process, one call after another: {len(local):,} calls, "
          f"{len(local) / sum(local):,.0f} calls/s")
    print(f"  latency median {ms(statistics.median(local))}, p95 {ms(_percentile(local, 0.95))}")


if __name__ == "__main__":
    main()
