"""Cohorts through the command (the real one in a subprocess for workers, signals and kills): every input
kind, records in = records out, in order, errors in place, workers identical to one worker, kill-safe
output and --resume, summary, synth."""

import json
import os
import signal
import subprocess
import time
import warnings
from pathlib import Path

import pytest
from conftest import (
    PROFILES,
    ROOT,
    but_deciding,
    icitrace_command,
    invoke,
    records_of,
    run_cli,
)


#: records in the synthetic cohort most tests share
COHORT = 800
#: The loops that once caught hangs (stops at random moments of start-up) run a few rounds by default
#: and in full with ICITRACE_STRESS=1, which .ci/run sets for a second run of this file.
STRESS = os.environ.get("ICITRACE_STRESS") == "1"


def rounds(quick, full):  # noqa: ANN001, ANN201
    return full if STRESS else quick


def batch_here(*args: str, stdin: bytes | None = None):
    """`icitrace batch` in this process with one worker (no pool to fork): for what does not need a
    process of its own; the tests of workers, signals and kills start the real command."""
    return invoke("batch", *args, "--workers", "1", stdin=stdin)


def lines(data: bytes) -> list[str]:
    """The record lines of an output (and a table's header), after its provenance line."""
    return records_of(data).splitlines()


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    path = tmp_path_factory.mktemp("cohort") / "cohort.jsonl"
    done = invoke("synth", "--n", str(COHORT), "--seed", "4")
    path.write_bytes(done.stdout)
    return path


@pytest.mark.cli
def test_synth_is_reproducible_and_leaves_every_field_sometimes_unknown(cohort):
    again = run_cli("synth", "--n", str(COHORT), "--seed", "4").stdout  # another process: another hash seed
    assert again == cohort.read_bytes()
    assert invoke("synth", "--n", str(COHORT), "--seed", "5").stdout != again
    records = [json.loads(line) for line in again.decode().splitlines()]  # profiles, not a batch output
    from icitrace.profile.model import reasoned_fields

    for name in reasoned_fields():
        assert 0 < sum(name in r for r in records) < len(records), name


@pytest.mark.cli
def test_jsonl_in_order_records_in_equal_records_out(cohort, tmp_path):
    out = tmp_path / "out.jsonl"
    done = run_cli("batch", str(cohort), "--out", str(out), "--workers", "1")
    assert done.returncode == 0 and done.stderr == b""  # no progress bar when stderr is not a terminal
    records = [json.loads(line) for line in lines(out.read_bytes())]
    assert len(records) == COHORT
    assert [r["record"] for r in records] == [f"{cohort}:{i}" for i in range(1, COHORT + 1)]
    assert all(r["ok"] for r in records)


@pytest.mark.cli
def test_two_workers_write_the_same_bytes_as_one(cohort, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    batch_here(str(cohort), "--out", str(one))
    run_cli("batch", str(cohort), "--out", str(two), "--workers", "2")
    assert one.read_bytes() == two.read_bytes()


def test_batch_agrees_with_suggest_on_each_shipped_profile():
    done = invoke("batch", "profiles", "--workers", "2")  # one chunk: one worker, none forked
    records = [json.loads(line) for line in lines(done.stdout)]
    full = json.loads(invoke("suggest", *map(str, PROFILES), "--format", "json").stdout)
    assert [r["id"] for r in records] == [f["profile"]["id"] for f in full]
    for record, result in zip(records, full):
        assert list(record["findings"]) == list(dict.fromkeys(f["id"] for f in result["findings"]))
        assert record["strategies"] == {s["id"]: s["rules"] for s in result["strategies"]}
        assert record["unknown"] == result["profile"]["unknown"]


def test_bad_records_become_error_lines_in_place_and_exit_1(tmp_path):
    source = tmp_path / "mixed.jsonl"
    source.write_text('{"tmb": 3}\n{"tmb": "x"}\n\nnot json\n{"name": "Jane"}\n{"hypoxia": "high"}\n')
    done = invoke("batch", str(source), "--workers", "2")  # one chunk: one worker, none forked
    assert done.returncode == 1
    records = [json.loads(line) for line in lines(done.stdout)]
    assert [r["record"] for r in records] == [f"{source}:{n}" for n in (1, 2, 4, 5, 6)]  # blank line 3 is no record
    assert [r["ok"] for r in records] == [True, False, False, False, True]
    assert {r["disclaimer"] for r in records} == {"ILLUSTRATIVE ONLY - not for clinical use"}  # error lines too
    assert records[1]["error"].startswith(f'{source}:2: field "tmb": expected a JSON number')
    assert "line 1, column 1: invalid JSON" in records[2]["error"]
    assert "hypothetical profiles only" in records[3]["error"]
    assert b"3 of 5 records could not be evaluated" in done.stderr


def test_csv_in_and_csv_out(tmp_path):
    source = tmp_path / "class.csv"
    source.write_text("id,tmb,hypoxia,oncogenic_alterations,epigenetic_silencing\n"
                      "a,3.5,high,WNT/beta-catenin activation;PTEN loss,true\n"
                      "b,,low,,\n"
                      "c,lots,high,,\n")
    done = batch_here(str(source), "--format", "csv")
    assert done.returncode == 1
    rows = lines(done.stdout)
    assert rows[0] == "record,ok,id,findings,strategies,unknown,error,disclaimer"
    assert all(row.endswith(",ILLUSTRATIVE ONLY - not for clinical use") for row in rows[1:])
    first = rows[1].split(",")
    assert first[:3] == [f"{source}:2", "true", "a"]
    assert set(first[3].split(";")) == {"oncogenic_pathway_evasion", "epigenetic_immune_silencing",
                                        "low_immunogenicity", "hypoxic_tme"}
    assert rows[2].split(",")[:4] == [f"{source}:3", "true", "b", ""]
    assert rows[3].startswith(f"{source}:4,false,,,,,") and 'takes a number written as in JSON, such as 9.9' in rows[3]


def test_bytes_that_are_not_utf8_fail_their_own_csv_row_only(tmp_path):
    source = tmp_path / "latin1.csv"
    source.write_bytes(b"id,tmb,hypoxia\na,3,high\nb,\xb5,low\nc,12,\n")
    done = batch_here(str(source), "--format", "csv")
    rows = lines(done.stdout)
    assert done.returncode == 1 and len(rows) == 4
    assert [row.split(",")[1] for row in rows[1:]] == ["true", "false", "true"]
    assert rows[2].endswith(f"{source}:3: the tmb cell is not UTF-8 text,ILLUSTRATIVE ONLY - not for clinical use")
    source.write_bytes(b"id,tmb\xb5\na,3\n")
    refused = batch_here(str(source))
    assert refused.returncode == 2 and refused.stderr == f"icitrace: {source}:1: the header is not UTF-8 text\n".encode()


def test_every_record_gets_one_line_of_utf8_whatever_its_text(tmp_path):
    source = tmp_path / "odd.jsonl"
    source.write_text('{"id": "a\\ud800"}\n{"id": "two\\nlines", "tmb": 12}\n{"tmb": 3}\n')
    for fmt in ("jsonl", "csv"):
        out = tmp_path / f"out.{fmt}"
        done = batch_here(str(source), "--format", fmt, "--out", str(out))
        assert done.returncode == 1 and b"Traceback" not in done.stderr
        rows = lines(out.read_bytes())[1 if fmt == "csv" else 0:]
        assert len(rows) == 3 and [f"{source}:{n}" in row for n, row in enumerate(rows, 1)] == [True] * 3
    assert rows[1].startswith(f"{source}:2,true,two\\nlines,high_tmb")  # one physical line per record
    assert "\\ud800" in rows[0]


def test_a_line_longer_than_any_profile_is_an_error_in_place_and_never_held_whole(tmp_path):
    source = tmp_path / "huge.jsonl"
    source.write_text('{"tmb": 12}\n' + json.dumps({"id": "x" * 3_000_000}) + '\n{"tmb": 1}\n')
    done = batch_here(str(source))
    records = [json.loads(line) for line in lines(done.stdout)]
    assert done.returncode == 1 and [r["ok"] for r in records] == [True, False, True]
    assert records[1]["error"] == f"{source}:2: is longer than 1,000,000 bytes; a profile is a small JSON object"


def test_a_csv_cell_may_be_as_long_as_a_profile(tmp_path):
    source = tmp_path / "long.csv"
    source.write_text("id,description,tmb\n" + "a,short,3\n" + f"b,{'x' * 200_000},12\n" + "c,,\n")
    done = batch_here(str(source), "--format", "csv")
    rows = lines(done.stdout)
    assert done.returncode == 0 and [row.split(",")[:3] for row in rows[1:]] == [
        [f"{source}:2", "true", "a"], [f"{source}:3", "true", "b"], [f"{source}:4", "true", "c"]]
    source.write_text("id,description\n" + "a,short\n" + f"b,{'x' * 1_100_000}\n" + "c,\n")
    done = batch_here(str(source), "--format", "csv")
    rows = lines(done.stdout)
    # a line longer than any profile is an error in its place, and the rows after it are read as usual
    assert done.returncode == 1 and len(rows) == 4 and rows[1].startswith(f"{source}:2,true,a,")
    assert rows[2].startswith(f"{source}:3,false,") and "is longer than 1,000,000 bytes" in rows[2]
    assert rows[3].startswith(f"{source}:4,true,c,")


def test_resuming_a_csv_run_stopped_before_its_first_record_writes_one_header(tmp_path):
    source = tmp_path / "c.jsonl"
    source.write_text('{"tmb": 12}\n{"tmb": 1}\n')
    whole, part = tmp_path / "whole.csv", tmp_path / "part.csv"
    invoke("batch", str(source), "--format", "csv", "--out", str(whole))
    for kept in (2, 1):  # provenance and header alone, as an early stop leaves them; then provenance alone
        part.write_text("".join(whole.read_text().splitlines(keepends=True)[:kept]))
        (tmp_path / "part.csv.icitrace-run.json").write_bytes((tmp_path / "whole.csv.icitrace-run.json").read_bytes())
        done = invoke("batch", str(source), "--format", "csv", "--out", str(part), "--resume")
        assert done.returncode == 0 and part.read_bytes() == whole.read_bytes()


@pytest.mark.cli
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_an_output_that_cannot_be_written_is_an_error_not_bad_input():
    """A full disk is an error of the run (exit 1); a device named as --out is refused before anything (exit 2)."""
    with open("/dev/full", "wb") as full:
        done = subprocess.run([*icitrace_command(), "batch", "profiles"], stdout=full, stderr=subprocess.PIPE,
                              timeout=120, cwd=ROOT)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert done.stderr.startswith(b"icitrace: cannot write the output (No space left on device)")
    refused = invoke("batch", "profiles", "--out", "/dev/full")
    assert refused.returncode == 2 and b"is a FIFO, device or socket; --out writes a regular file" in refused.stderr


@pytest.mark.parametrize("problem, message", [
    ("bad.csv", "bad.csv:1: unknown column(s) patient_name"),
    ("missing.jsonl", "missing.jsonl: no such file or folder"),
    ("notes.md", "notes.md: expected a folder of .json files, a .jsonl file, or a table (.csv, or .tsv/.txt "
                 "tab-separated)"),
    ("notes.txt", "notes.txt:1: unknown column(s) tmb 12"),  # a .txt is a tab-separated table
])
def test_an_unreadable_input_is_refused_before_anything_is_written(tmp_path, problem, message):
    (tmp_path / "bad.csv").write_text("id,patient_name\nx,Jane\n")
    (tmp_path / "notes.txt").write_text("tmb 12\n")
    (tmp_path / "notes.md").write_text("tmb 12\n")
    good = tmp_path / "good.jsonl"
    good.write_text('{"tmb": 12}\n' * 600)  # more than one chunk: workers would be busy by the time it is read
    earlier = tmp_path / "results.jsonl"
    earlier.write_text("an earlier run's results\n")
    for args in ([str(tmp_path / problem)], [str(good), str(tmp_path / problem), "--workers", "2"]):
        done = batch_here(*args, "--out", str(earlier))
        assert done.returncode == 2 and message.encode() in done.stderr and b"Traceback" not in done.stderr
        assert earlier.read_text() == "an earlier run's results\n"


def test_stop_signals_wait_for_a_whole_chunk_and_kill_any_other_process():
    """In the parent, SIGTERM stops the run, but never in the middle of writing a chunk. A process
    forked with the handler in place (before it sets its own) must die as by default: raising there
    once let a starting worker swallow the pool's SIGTERM, and the pool waited on it for ever."""
    from icitrace.batch.signals import StopSignals

    with StopSignals() as stops:
        with warnings.catch_warnings():  # 3.12+ warns on fork in a threaded process; this child only sleeps
            warnings.simplefilter("ignore", DeprecationWarning)
            child = os.fork()
        if child == 0:  # the "worker": catches anything the handler might raise
            try:
                time.sleep(30)
            except BaseException:
                os._exit(3)
            os._exit(0)
        time.sleep(0.2)
        os.kill(child, signal.SIGTERM)
        _, status = os.waitpid(child, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
        finished = False
        with pytest.raises(KeyboardInterrupt):
            with stops.held():
                stops(signal.SIGTERM, None)  # during a write: held back
                finished = True
        assert finished
        with pytest.raises(KeyboardInterrupt):
            with stops.held():
                stops(signal.SIGTERM, None)
                stops(signal.SIGINT, None)  # a second one stops at once
                finished = False
        assert finished
        with pytest.raises(KeyboardInterrupt):  # between writes: at once
            stops(signal.SIGTERM, None)


def test_stdin_and_a_folder(tmp_path):
    done = batch_here("-", stdin=b'{"tmb": 12}\n{"tmb": 1}\n')
    assert [json.loads(x)["record"] for x in lines(done.stdout)] == ["<stdin>:1", "<stdin>:2"]
    folder = batch_here("profiles")
    assert [json.loads(x)["record"] for x in lines(folder.stdout)] == [f"profiles/{p.name}" for p in PROFILES]


def test_full_records_carry_the_json_contract(tmp_path):
    done = batch_here(str(PROFILES[0]), "--full")
    record = json.loads(records_of(done.stdout))
    assert record["ok"] and record["result"]["disclaimer"].startswith("ILLUSTRATIVE ONLY")
    assert record["result"]["profile"]["id"] == PROFILES[0].stem


def test_summary_as_text_and_data(cohort, tmp_path):
    done = batch_here(str(cohort), "--out", str(tmp_path / "o.jsonl"), "--summary", "--summary-format", "json")
    data = json.loads(done.stdout)
    assert data["records"] == data["evaluated"] == COHORT and data["failed"] == 0
    records = [json.loads(x) for x in lines((tmp_path / "o.jsonl").read_bytes())]
    assert data["findings"]["hypoxic_tme"] == sum("hypoxic_tme" in r["findings"] for r in records)
    assert data["unknown_fields"]["tmb"] == sum("tmb" in r["unknown"] for r in records)
    top = data["findings_together"][0]
    assert top["records"] == sum(set(top["findings"]) <= set(r["findings"]) for r in records)
    text = batch_here("profiles", "--summary")
    assert b"Cohort: 11 records, 11 evaluated, 0 failed" in text.stderr


@pytest.fixture(scope="module")
def big(cohort, tmp_path_factory):
    """Twice the cohort, and its output from one uninterrupted run."""
    folder = tmp_path_factory.mktemp("big")
    source, whole = folder / "big.jsonl", folder / "whole.jsonl"
    source.write_bytes(cohort.read_bytes() * 2)
    run_cli("batch", str(source), "--out", str(whole), "--workers", "2")  # real: workers are forked
    return source, whole


def _start_until_midway(big, out):
    """A two-worker run of ``big`` into ``out``, returned once some 20 kB of it are written."""
    process = subprocess.Popen(icitrace_command() + ["batch", str(big), "--out", str(out), "--workers", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while (not out.exists() or out.stat().st_size < 20_000) and time.time() < deadline:
        time.sleep(0.01)
    return process


@pytest.mark.cli
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_run_resumes_without_duplicating_or_skipping(big, tmp_path, how):
    big, whole = big
    out = tmp_path / "part.jsonl"
    process = _start_until_midway(big, out)
    process.send_signal(how)
    _, err = process.communicate(timeout=60)
    if how != signal.SIGKILL:
        assert process.returncode == 130 and b"run again with --resume to continue" in err
    written = out.read_bytes()
    assert 0 < written.count(b"\n") < 2 * COHORT, "the run was not interrupted midway"
    done = run_cli("batch", str(big), "--out", str(out), "--workers", "2", "--resume")  # real: workers forked
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == whole.read_bytes()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


@pytest.mark.cli
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers through /proc (Linux)")
def test_a_worker_that_dies_ends_the_run_clearly_and_resume_completes_it(big, tmp_path):
    big, whole = big
    out = tmp_path / "part.jsonl"
    process = _start_until_midway(big, out)
    workers = _children(process.pid)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)  # as the out-of-memory killer or a crash in the C engine would
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert err.startswith(b"icitrace: a worker process ended unexpectedly (exit code -9)") and b"Traceback" not in err
    assert b"run again with --resume to continue" in err
    written = out.read_bytes()
    assert written.endswith(b"\n") and 0 < written.count(b"\n") < 2 * COHORT
    assert whole.read_bytes().startswith(written)
    done = run_cli("batch", str(big), "--out", str(out), "--workers", "2", "--resume")  # real: workers forked
    assert done.returncode == 0 and out.read_bytes() == whole.read_bytes()


@pytest.mark.cli
def test_a_stop_at_any_moment_of_start_up_ends_the_run(big, tmp_path):
    """SIGTERM while the workers are being started or are busy: the run always ends, with whole lines.
    (multiprocessing.Pool.terminate() hung under load in 1 of 84 such stops.)"""
    big, whole = big
    for step in rounds((0, 4), range(12)):
        out = tmp_path / f"part{step}.jsonl"
        process = subprocess.Popen(icitrace_command() + ["batch", str(big), "--out", str(out), "--workers", "2"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.1 * step)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)  # a hang fails here
        assert process.returncode in (130, -signal.SIGTERM, 0), err  # -15: stopped before Python set a handler
        written = out.read_bytes() if out.exists() else b""
        assert whole.read_bytes().startswith(written) and written.endswith(b"\n") or written == b""


@pytest.mark.cli
def test_a_reader_that_stops_early_ends_the_run_quietly(big):
    """`icitrace batch big.jsonl | head`: no error message, no traceback, no worker left behind."""
    big, _ = big
    process = subprocess.Popen(icitrace_command() + ["batch", str(big), "--workers", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.read(100)
    workers = _children(process.pid)
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=60) == 1 and err == b""
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


def _started(args: list[str], **popen) -> subprocess.Popen:
    """A batch run in its own session, returned as soon as its first worker exists."""
    process = subprocess.Popen(icitrace_command() + args, start_new_session=True, stderr=subprocess.PIPE, **popen)
    deadline = time.time() + 30
    while not _children(process.pid) and time.time() < deadline:
        time.sleep(0.0005)
    return process


def _session_left(sid: int) -> list[int]:
    """Live (not zombie) processes still in a session."""
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            left.append(int(stat.parent.name))
    return left


@pytest.mark.cli
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers through /proc (Linux)")
def test_ctrl_c_as_the_workers_start_stops_the_run_cleanly(big, tmp_path):
    """A terminal's Ctrl-C reaches the whole process group, workers included, even while they start."""
    big, _ = big
    for step in rounds((0, 3), range(8)):
        process = _started(["batch", str(big), "--out", str(tmp_path / "o.jsonl"), "--workers", "2"],
                           stdout=subprocess.DEVNULL)
        time.sleep(step * 0.0005)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 130, err
        assert b"Traceback" not in err and b"Exception ignored" not in err and b"worker" not in err
        time.sleep(0.2)
        assert _session_left(process.pid) == []


@pytest.mark.cli
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers through /proc (Linux)")
def test_a_parent_killed_as_the_workers_start_leaves_no_worker(big, tmp_path):
    big, _ = big
    for delay in rounds((0, 0.005), (0, 0.001, 0.005, 0.02)):
        process = _started(["batch", str(big), "--out", str(tmp_path / "o.jsonl"), "--workers", "2"],
                           stdout=subprocess.DEVNULL)
        time.sleep(delay)
        process.kill()
        process.communicate(timeout=60)
        deadline = time.time() + 10
        while _session_left(process.pid) and time.time() < deadline:
            time.sleep(0.05)
        assert _session_left(process.pid) == [], f"workers left after a kill {delay} s in"


@pytest.mark.cli
def test_a_stop_while_a_slow_reader_holds_the_pipe_leaves_whole_lines(big):
    big, _ = big
    process = _started(["batch", str(big), "--workers", "2"], stdout=subprocess.PIPE)
    first = process.stdout.read(1000)
    process.send_signal(signal.SIGTERM)  # the parent is blocked writing a chunk into the full pipe
    rest = process.stdout.read()
    err = process.stderr.read()
    assert process.wait(timeout=60) == 130
    output = first + rest
    records = lines(output)
    assert output.endswith(b"\n") and all(json.loads(line) for line in records)
    assert f"stopped after {len(records):,} records".encode() in err


def test_resume_needs_an_output_file():
    done = batch_here("profiles", "--resume")
    assert done.returncode == 2 and b"--resume needs --out FILE" in done.stderr


def test_library_api_matches_the_command():
    import icitrace

    results = list(icitrace.evaluate_many([json.loads(p.read_text()) for p in PROFILES[:3]]))
    from_cli = json.loads(invoke("suggest", *map(str, PROFILES[:3]), "--format", "json").stdout)
    assert [r.to_json_data()["findings"] for r in results] == [r["findings"] for r in from_cli]


def _double(x):
    return 2 * x


def test_stopping_the_pool_never_waits_forever_on_a_lock_a_stop_left_held():
    """A Ctrl-C that lands as the main thread takes the pool's lock can leave it held; stopping must
    still end (the collector, blocked on that lock, is a daemon left behind)."""
    import threading
    import warnings

    from icitrace.batch.pool import _Pool

    pool = _Pool()
    with warnings.catch_warnings():  # fork in a process that has threads (pytest's): the workers are plain
        warnings.simplefilter("ignore", DeprecationWarning)
        pool.start(_double, 2, lambda: None, ())
    for number in range(4):
        pool.submit(number, number)
    assert pool.receive(0) == 0
    pool.arrived.acquire()  # as the interrupted `with self.arrived:` would leave it
    closing = threading.Thread(target=pool.close, kwargs={"kill": True}, daemon=True)
    closing.start()
    closing.join(30)
    assert not closing.is_alive(), "stopping the pool waited on the held lock"
    assert all(not p.is_alive() for p in pool.processes)


def _wide(text: str) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(records_of(text))))


def test_wide_has_a_column_per_finding_and_strategy_agreeing_with_suggest(book):
    done = invoke("batch", "profiles", "--format", "wide")
    assert done.returncode == 0
    header = lines(done.stdout)[0].split(",")
    conclusions = [*book.catalog.findings, *book.catalog.strategies]
    assert header == ["record", "id", *conclusions, "unknown", "error", "disclaimer"]
    rows = _wide(done.stdout.decode())
    assert [r["record"] for r in rows] == [f"profiles/{p.name}" for p in PROFILES]
    for row, path in zip(rows, PROFILES):
        result = json.loads(invoke("suggest", str(path), "--format", "json").stdout)
        reached = {f["id"] for f in result["findings"]} | {s["id"] for s in result["strategies"]}
        waiting = {n["concludes"] for n in result["not_evaluated"]}
        expected = {c: "1" if c in reached else "" if c in waiting else "0" for c in conclusions}
        assert {c: row[c] for c in conclusions} == expected, path.name
        assert row["unknown"].split(";") == (result["profile"]["unknown"] or [""])
        assert row["error"] == "" and "not for clinical use" in row["disclaimer"]


def test_wide_error_rows_leave_every_conclusion_empty_and_full_is_refused(tmp_path):
    source = tmp_path / "two.jsonl"
    source.write_text('{"tmb": 4}\nnot json\n')
    done = invoke("batch", str(source), "--format", "wide")
    rows = _wide(done.stdout.decode())
    assert done.returncode == 1 and len(rows) == 2
    assert rows[0]["low_immunogenicity"] == "1" and rows[0]["high_tmb"] == "0" and rows[0]["hypoxic_tme"] == ""
    bad = rows[1]
    assert bad["error"].startswith(f"{source}:2: ") and bad["id"] == ""
    assert all(bad[c] == "" for c in list(bad)[2:-3])
    refused = invoke("batch", str(source), "--format", "wide", "--full")
    assert refused.returncode == 2 and "--full writes JSON" in refused.stderr.decode()


def test_a_wide_run_cut_short_resumes_to_the_same_bytes_and_summary(cohort, tmp_path):
    whole, out = tmp_path / "whole.csv", tmp_path / "out.csv"
    full = invoke("batch", str(cohort), "--format", "wide", "--out", str(whole), "--workers", "1",
                  "--summary", "--summary-format", "json")
    assert full.returncode in (0, 1)
    invoke("batch", str(cohort), "--format", "wide", "--out", str(out), "--workers", "1")  # in-process: no fork
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:40]) + lines[40][:25])  # as a run killed mid-line leaves it
    done = invoke("batch", str(cohort), "--format", "wide", "--out", str(out), "--resume", "--workers", "1",
                  "--summary", "--summary-format", "json")
    assert done.returncode == full.returncode and out.read_bytes() == whole.read_bytes()
    resumed, whole_run = json.loads(done.stdout), json.loads(full.stdout)
    assert but_deciding(resumed) == but_deciding(whole_run)
    assert whole_run["deciding_unknowns"]["over_records"] == whole_run["evaluated"]
    assert 0 < resumed["deciding_unknowns"]["over_records"] < whole_run["evaluated"]  # only this run's records
