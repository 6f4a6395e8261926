"""`icitrace batch --dask`: a real Dask scheduler and two single-threaded worker processes on loopback
give the same records, byte for byte, as the local run."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.cli

BIN = Path(sys.executable).parent


@pytest.fixture
def cluster():
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
        yield address
    finally:
        for process in (workers, scheduler):
            process.terminate()
            process.wait(timeout=30)


def test_dask_gives_the_same_records_as_the_local_run(cluster, tmp_path):
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_bytes(run_cli("synth", "--n", "1200", "--seed", "8").stdout + b'{"tmb": "bad"}\n')
    local = run_cli("batch", str(cohort), "--workers", "1")
    remote = run_cli("batch", str(cohort), "--dask", cluster)
    assert remote.returncode == local.returncode == 1  # the bad last record, reported in place
    assert remote.stdout == local.stdout
    assert remote.stdout.count(b"\n") == 1201


def test_an_unreachable_cluster_is_a_clear_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run_cli("batch", "profiles", "--dask", f"tcp://127.0.0.1:{port}")
    assert done.returncode == 2 and b"--dask tcp://127.0.0.1:" in done.stderr and b"Traceback" not in done.stderr
