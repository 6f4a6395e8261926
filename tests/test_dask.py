"""`icitrace batch --dask`: a real Dask scheduler and two single-threaded worker processes on loopback
give the same records, byte for byte, as the local run."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import icitrace_command, invoke, records_of, run_cli

distributed = pytest.importorskip("distributed")

BIN = Path(sys.executable).parent


@pytest.fixture
def cluster(request):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], **quiet)
    workers = subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "2",
                                "--host", "127.0.0.1", "--no-dashboard"], **quiet)
    try:
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        request.node.processes = {"scheduler": scheduler, "workers": workers}
        yield address
    finally:
        for process in (workers, scheduler):
            process.terminate()
            process.wait(timeout=30)


@pytest.mark.cli
def test_dask_gives_the_same_records_as_the_local_run(cluster, tmp_path):
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_bytes(invoke("synth", "--n", "1200", "--seed", "8").stdout + b'{"tmb": "bad"}\n')
    local = invoke("batch", str(cohort), "--workers", "1")
    remote = run_cli("batch", str(cohort), "--dask", cluster)
    assert remote.returncode == local.returncode == 1  # the bad last record, reported in place
    assert remote.stdout == local.stdout
    assert records_of(remote.stdout).count("\n") == 1201  # after the provenance line


@pytest.mark.cli
def test_an_unreachable_cluster_is_a_clear_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run_cli("batch", "profiles", "--dask", f"tcp://127.0.0.1:{port}")
    assert done.returncode == 2 and b"--dask tcp://127.0.0.1:" in done.stderr and b"Traceback" not in done.stderr


@pytest.mark.cli
def test_a_malformed_or_unreachable_address_is_refused_before_the_output_is_touched(tmp_path):
    out = tmp_path / "earlier.jsonl"
    out.write_text("an earlier run's records\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for address, message in (("tcp://127.0.0.1:notaport", "expected a scheduler address"),
                             ("http://127.0.0.1:8786", "expected a scheduler address"), ("::::", "expected"),
                             (f"tcp://127.0.0.1:{port}", "cannot reach the Dask scheduler")):
        done = run_cli("batch", "profiles", "--dask", address, "--out", str(out))
        assert done.returncode == 2 and message in done.stderr.decode(), address
        assert b"Traceback" not in done.stderr and out.read_text() == "an earlier run's records\n"


@pytest.mark.cli
def test_f14_a_live_port_that_is_not_a_scheduler_or_a_torn_address_is_refused_in_seconds(tmp_path):
    """A web server where the scheduler should be (its dashboard's 8787, say) accepts the connection and
    never speaks Dask: the run must be refused before the output is touched, not hang."""
    out = tmp_path / "earlier.jsonl"
    out.write_text("an earlier run's records\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    web = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            with socket.socket() as knock:
                if knock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        started = time.monotonic()
        done = run_cli("batch", "profiles", "--dask", f"tcp://127.0.0.1:{port}", "--out", str(out))
        took = time.monotonic() - started
    finally:
        web.terminate()
        web.wait(timeout=30)
    assert done.returncode == 2 and "not a Dask scheduler" in done.stderr.decode() and took < 60
    torn = run_cli("batch", "profiles", "--dask", "tcp://[::1", "--out", str(out))
    assert torn.returncode == 2 and "expected a scheduler address" in torn.stderr.decode()
    for refused in (done, torn):
        assert b"Traceback" not in refused.stderr
    assert out.read_text() == "an earlier run's records\n"


@pytest.mark.skipif(os.environ.get("ICITRACE_STRESS") != "1", reason="kills a cluster mid-run (ICITRACE_STRESS=1)")
@pytest.mark.cli
@pytest.mark.parametrize("what", ["scheduler", "workers"])
def test_a_cluster_lost_mid_run_ends_the_run_with_a_message(cluster, tmp_path, request, what):
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_bytes(invoke("synth", "--n", "3000", "--seed", "8").stdout * 4)
    out = tmp_path / "out.jsonl"
    run = subprocess.Popen(icitrace_command() + ["batch", str(cohort), "--dask", cluster, "--out", str(out)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env={**os.environ, "ICITRACE_DASK_NO_WORKERS_S": "5"})
    while not out.exists() or out.stat().st_size < 10_000:
        time.sleep(0.05)
    victim = request.node.processes[what]
    victim.send_signal(signal.SIGKILL)
    _, err = run.communicate(timeout=120)  # a hang fails here
    assert run.returncode == 1 and b"Traceback" not in err, err
    assert (b"went away" if what == "scheduler" else b"no worker") in err
    assert b"the output holds every record before it whole" in err and out.read_bytes().endswith(b"\n")
