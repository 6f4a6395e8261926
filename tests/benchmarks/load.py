"""Load on `icitrace serve` on loopback: evaluations per second, and the page's latency under sweep load.

    python tests/benchmarks/load.py [--clients 50] [--requests 2000] [--seconds 60]
    python tests/benchmarks/load.py --sweeps [--clients 60] [--seconds 20] [--probes 20] [--honour-retry]

Starts the real server (`icitrace serve`) on a free loopback port. By default, 50 threads, each with its
own keep-alive connection, POST a shipped profile to /api/evaluate until the requests or the seconds run
out (both bounded: the run always stops by itself), and it prints answers/s and the latency percentiles
(a request beyond the engine's bounded queue is refused at once with 503 and counted apart), and the same
for calling `icitrace.evaluate` in this process, one call after another.

With ``--sweeps`` (issue 21), the clients POST sweeps of 500 values (``{"profile": {}, "field": "tmb",
"from": 0, "to": 499, "step": 1}``) instead, each sending the next as soon as it is answered (or, with
``--honour-retry``, waiting the ``Retry-After`` a 503 names), while `GET /` and `GET /static/app.js` are
probed on new connections: it prints the probes' latency (median, p95, max) and how the sweeps were
answered (200, or 503 beyond the engine's bounded queue). It measures and prints; it asserts nothing.
Traffic goes to 127.0.0.1 only.
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
            status = response.status
        except OSError:
            status = 0
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.perf_counter() - start
        with lock:
            (times.append(elapsed) if status == 200 else errors.append(status))
    connection.close()


SWEEP = json.dumps({"profile": {}, "field": "tmb", "from": 0, "to": 499, "step": 1}).encode()


def _sweeper(port: int, budget: list[int], stop: threading.Event, stop_at: float, honour: bool,
             statuses: dict[int, int], lock: threading.Lock) -> None:
    """One client sending sweeps on its keep-alive connection until stopped, out of budget or of time."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set() and time.perf_counter() < stop_at:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        wait = 0.0
        try:
            connection.request("POST", "/api/sweep", SWEEP, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            status = response.status
            if status == 503 and honour:
                wait = float(response.getheader("Retry-After") or 1)
        except OSError:
            status = 0
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            statuses[status] = statuses.get(status, 0) + 1
        if wait:
            stop.wait(min(wait, 5))
    connection.close()


def _probe(port: int, path: str) -> tuple[float, int]:
    """One page load as a browser starts it: a new connection, a GET, the whole answer read."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    return time.perf_counter() - start, status


def sweeps(args: argparse.Namespace) -> None:
    """The page's latency while ``args.clients`` clients send sweeps."""
    port = _free_port()
    server = _started(port)
    paths = ("/", "/static/app.js")
    idle = {path: [_probe(port, path)[0] for _ in range(5)] for path in paths}
    probes: dict[str, list[tuple[float, int]]] = {path: [] for path in paths}
    statuses: dict[int, int] = {}
    lock, budget, stop = threading.Lock(), [args.requests], threading.Event()
    try:
        stop_at = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=_sweeper, args=(port, budget, stop, stop_at, args.honour_retry, statuses,
                                                           lock), daemon=True) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)  # every client has sent its first sweep
        for _ in range(args.probes):
            if time.perf_counter() >= stop_at:
                break
            for path in paths:
                probes[path].append(_probe(port, path))
            time.sleep(0.1)
        stop.set()
        for thread in threads:
            thread.join(35)
    finally:
        server.terminate()
        server.wait(timeout=30)

    ms = lambda seconds: f"{1000 * seconds:.0f} ms"  # noqa: E731
    print(f"icitrace serve, {args.clients} clients sending sweeps of 500 values on loopback"
          f"{' (honouring Retry-After)' if args.honour_retry else ' (each sent as soon as the last is answered)'}")
    answered = ", ".join(f"{n:,} x {status or 'failed'}" for status, n in sorted(statuses.items()))
    print(f"  sweeps answered: {answered}")
    for path in paths:
        times = [t for t, status in probes[path] if status == 200]
        failed = sum(status != 200 for _, status in probes[path])
        if not times:
            print(f"  GET {path}: no probe answered ({failed} failed)")
            continue
        print(f"  GET {path}: {len(times)} probes under load, median {ms(statistics.median(times))}, "
              f"p95 {ms(_percentile(times, 0.95))}, max {ms(max(times))}"
              f"{f', {failed} failed' if failed else ''} (idle: median {ms(statistics.median(idle[path]))})")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, help="default: 50 (60 with --sweeps)")
    parser.add_argument("--requests", type=int, help="requests in all, across the clients (default: 2,000; "
                                                     "100,000 with --sweeps)")
    parser.add_argument("--seconds", type=float, help="the run stops after this, whatever is left (default: 60; "
                                                      "20 with --sweeps)")
    parser.add_argument("--profile", default=str(ROOT / "profiles" / "cold-desert.json"))
    parser.add_argument("--sweeps", action="store_true", help="the page's latency under sweep load (issue 21)")
    parser.add_argument("--probes", type=int, default=20, help="with --sweeps: probes of each page path")
    parser.add_argument("--honour-retry", action="store_true", help="with --sweeps: wait Retry-After after a 503")
    args = parser.parse_args()
    args.clients = args.clients or (60 if args.sweeps else 50)
    args.requests = args.requests or (100_000 if args.sweeps else 2000)
    args.seconds = args.seconds or (20 if args.sweeps else 60)
    if args.sweeps:
        sweeps(args)
        return

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
    busy = errors.count(503)  # beyond the engine's bounded queue: refused at once, to be sent again later
    print(f"  {len(times):,} answered, {busy:,} refused as busy (503), {len(errors) - busy:,} failed, in {wall:.1f} s: "
          f"{len(times) / wall:,.0f} answers/s")
    print(f"  latency median {ms(statistics.median(times))}, p95 {ms(_percentile(times, 0.95))}, "
          f"max {ms(max(times))}")
    print(f"icitrace.evaluate in process, one call after another: {len(local):,} calls, "
          f"{len(local) / sum(local):,.0f} calls/s")
    print(f"  latency median {ms(statistics.median(local))}, p95 {ms(_percentile(local, 0.95))}")


if __name__ == "__main__":
    main()
