"""Shared helpers: the shipped rule base, the shipped profiles, and the real CLI in a subprocess."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from icitrace.batch.provenance import read_provenance  # noqa: F401 (the tests import it from here)
from icitrace.bdd.steps import icitrace_command
from icitrace.pipeline import rulebook, shipped_dir

pytest_plugins = ["pytester"]
# A user's scenario folder, run on its own by test_bdd_library (its module name clashes with ours).
collect_ignore = ["example_project"]

# Checked rule bases are cached per rule folder; the tests' many temporary folders stay out of the
# user's own cache (every command and subprocess of the run inherits this).
os.environ.setdefault("ICITRACE_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"icitrace-tests-{os.getuid()}"))

ROOT = Path(__file__).resolve().parent.parent
PROFILES = sorted(shipped_dir("profiles").glob("*.json"))


@pytest.fixture(scope="session")
def book():
    return rulebook()


def run_cli(*args: str, stdin: bytes | None = None, env: dict | None = None, cwd: Path = ROOT):
    """The real installed command in a subprocess: for what only a process shows (exit on a signal,
    start-up, environment, no network), and a few end-to-end runs of each command."""
    return subprocess.run(icitrace_command() + list(args), input=stdin, capture_output=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=120)


def invoke(*args: str, stdin: bytes | None = None, env: dict | None = None, cwd: Path = ROOT):
    """The same command in this process, through typer's runner (about 50x faster than a subprocess),
    answered like ``run_cli``: returncode, stdout and stderr as bytes. An exception that escapes the
    command fails the test: the command must never end in a traceback."""
    from typer.testing import CliRunner

    from icitrace.cli import app

    here = os.getcwd()
    os.chdir(cwd)
    try:
        done = CliRunner(env=env).invoke(app, list(args), input=stdin, catch_exceptions=False, prog_name="icitrace")
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(list(args), done.exit_code, done.stdout_bytes, done.stderr_bytes)


@contextlib.contextmanager
def serving():
    """The real `icitrace serve` on a free loopback port, once it answers; the port. It must stop within
    20 s of SIGTERM. Yields (port, process): its stderr can be read once it has stopped."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(icitrace_command() + ["serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/schema", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"icitrace serve ended: {process.stderr.read().decode()}")
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("icitrace serve did not answer within 30 s")
    try:
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("icitrace serve did not stop within 20 s of SIGTERM")


def no_traceback(done) -> str:
    """A finished command's stderr, once it is known to hold no traceback."""
    err = done.stderr.decode(errors="replace")
    assert "Traceback" not in err, err
    return err


@pytest.fixture
def cohort(tmp_path):
    """600 synthetic profiles as JSON Lines."""
    path = tmp_path / "cohort.jsonl"
    path.write_bytes(invoke("synth", "--n", "600", "--seed", "3").stdout)
    return path


@pytest.fixture
def long_cohort(tmp_path):
    """6,000 synthetic profiles: long enough that a run stopped after its first records is surely still going."""
    path = tmp_path / "long.jsonl"
    path.write_bytes(invoke("synth", "--n", "6000", "--seed", "3").stdout)
    return path


def records_of(data: bytes | str) -> str:
    """A batch output's text after its provenance line, which must open it: what the records are."""
    from icitrace.batch.provenance import is_provenance

    text = data.decode() if isinstance(data, bytes) else data
    first, _, rest = text.partition("\n")
    assert is_provenance(first), f"no provenance line opens the output: {first[:120]!r}"
    return rest


def but_deciding(summary: dict) -> dict:
    """A summary without its deciding unknowns, overall and per group: the one part a resumed run counts
    over the records it evaluated itself (the output it resumes does not hold it)."""
    out = {k: v for k, v in summary.items() if k != "deciding_unknowns"}
    if "by" in out:
        out["by"] = {**out["by"], "groups": {name: but_deciding(g) for name, g in out["by"]["groups"].items()}}
    return out


def rss_mb() -> float:
    """This process's resident memory, from /proc (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pytest_collection_modifyitems(config, items):  # noqa: ANN001, ANN201
    """The soak runs only where `-m` names it (`-m soak`, as .ci/run does). Leaving it out in addopts'
    `-m` was not enough: a `-m` of one's own, say `-m "not cli"`, replaces that one and started the
    100,000-profile soak, half the CPU time of the in-process run."""
    if "soak" in (config.getoption("markexpr") or ""):
        return
    soak = [item for item in items if item.get_closest_marker("soak") is not None]
    if soak:
        config.hook.pytest_deselected(items=soak)
        items[:] = [item for item in items if item.get_closest_marker("soak") is None]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    return (yield from _processes_marked(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    return (yield from _processes_marked(item))


def _processes_marked(item):  # noqa: ANN001, ANN202
    """The `cli` marker covers every test that starts a process, in its fixtures or itself, so that
    `pytest -m "not cli"` is the in-process run: a test (or its fixture) that starts one unmarked fails."""
    started: list[int] = []
    real_init = subprocess.Popen.__init__

    def counting(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        started.append(1)
        return real_init(self, *args, **kwargs)

    subprocess.Popen.__init__ = counting
    try:
        result = yield
    finally:
        subprocess.Popen.__init__ = real_init
    if os.environ.get("ICITRACE_RECORD_PROCESSES"):
        with open(os.environ["ICITRACE_RECORD_PROCESSES"], "a") as record:
            record.write(f"{item.nodeid}\t{len(started)}\n")
    elif started and item.get_closest_marker("cli") is None:
        pytest.fail("this test starts a process: mark it @pytest.mark.cli", pytrace=False)
    return result
