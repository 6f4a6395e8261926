"""Issue 20, outputs: every file a batch run writes (the output, its sidecar, a regular-file stdout) is
checked and created or locked before a byte changes, and is never a file the run reads. Each test names
the finding of the adversarial pass it holds (F1, F2 ...); each failed on the code before the fix.

Real processes where only a process shows it (stdin and stdout as files, resource limits, signals,
FIFOs, two runs at once); the rest in this process."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import icitrace_command, invoke, no_traceback, records_of



def run(*args: str, stdin=None, stdout=subprocess.PIPE, limit_bytes: int | None = None, cwd=None):
    """The real command with stdin and stdout as given (files, to share an inode with an input)."""
    def limit() -> None:
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(icitrace_command() + list(args), stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                          timeout=120, preexec_fn=limit, cwd=cwd)


def stopped(source: Path, out: Path, *args: str, stdin: Path | None = None) -> bytes:
    """A run into ``out`` stopped by SIGTERM once some records are written; the bytes it left."""
    handle = stdin.open("rb") if stdin else subprocess.DEVNULL
    process = subprocess.Popen(icitrace_command() + ["batch", "-" if stdin else str(source), "--out", str(out),
                                                     "--workers", "1", *args],
                               stdin=handle, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while (not out.exists() or out.stat().st_size < 20_000) and time.time() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    if stdin:
        handle.close()
    assert process.returncode == 130, "the run ended before it could be stopped"
    return out.read_bytes()


# F1: the sidecar is written before the output is emptied; a failure there refuses the run -------------

@pytest.mark.cli
@pytest.mark.parametrize("obstacle", ["name too long", "sidecar is a folder", "file size limit"])
def test_f1_a_sidecar_that_cannot_be_written_refuses_the_run_and_keeps_the_earlier_output(cohort, tmp_path,
                                                                                          obstacle):
    out = tmp_path / ("r" * 245 + ".jsonl") if obstacle == "name too long" else tmp_path / "earlier.jsonl"
    earlier = invoke("batch", str(cohort), "--out", os.devnull).stdout or b""
    out.write_bytes(b'{"an": "earlier output"}\n' * 601 + earlier)
    before = out.read_bytes()
    if obstacle == "sidecar is a folder":
        (tmp_path / "earlier.jsonl.icitrace-run.json").mkdir()
    done = run("batch", str(cohort), "--out", str(out), limit_bytes=0 if obstacle == "file size limit" else None)
    assert done.returncode == 2 and "run record" in no_traceback(done)
    assert out.read_bytes() == before
    assert not list(tmp_path.glob(".icitrace-run-*")), "a temporary file was left behind"


# F2, F18: the output is never the input, however it is reached ---------------------------------------

@pytest.mark.cli
def test_f2_stdin_that_is_the_output_is_refused_and_the_input_kept(cohort):
    before = cohort.read_bytes()
    with cohort.open("rb") as stdin:
        done = run("batch", "-", "--out", str(cohort), stdin=stdin)
    assert done.returncode == 2 and "is standard input" in no_traceback(done)
    assert cohort.read_bytes() == before


@pytest.mark.cli
def test_f18_stdout_appending_to_the_stdin_it_reads_is_refused_not_read_for_ever(cohort):
    before = cohort.read_bytes()
    with cohort.open("rb") as stdin, cohort.open("ab") as stdout:
        done = run("batch", "-", "--workers", "2", stdin=stdin, stdout=stdout)
    assert done.returncode == 2 and "standard output is standard input" in no_traceback(done)
    assert cohort.read_bytes() == before


@pytest.mark.cli
def test_stdout_that_is_an_input_file_is_refused(cohort, tmp_path):
    before = cohort.read_bytes()
    with cohort.open("ab") as stdout:
        done = run("batch", str(cohort), "--summary", "--out", str(tmp_path / "o.jsonl"), stdout=stdout)
    assert done.returncode == 2 and "standard output is the input" in no_traceback(done)
    assert cohort.read_bytes() == before


@pytest.mark.parametrize("what", ["map", "cut-off table"])
def test_an_output_that_is_the_map_or_the_cutoff_table_is_refused(tmp_path, what):
    table = tmp_path / "t.csv"
    table.write_text("id,tumor,tmb\na,Melanoma,12\n")
    map_file = tmp_path / "m.yaml"
    map_file.write_text("id: id\nkeep: [tumor]\nfields:\n  tmb: tmb\n")
    cutoffs = tmp_path / "c.csv"
    cutoffs.write_text("group,cutoff,value\nMelanoma,tmb_high,20\n")
    target = map_file if what == "map" else cutoffs
    before = target.read_bytes()
    done = invoke("batch", str(table), "--map", str(map_file), "--cutoffs-by", "tumor", str(cutoffs),
                  "--out", str(target))
    assert done.returncode == 2 and "is the input" in no_traceback(done) and target.read_bytes() == before


def test_f13_an_input_named_like_the_sidecar_is_not_overwritten(cohort, tmp_path):
    profile = tmp_path / "r.jsonl.icitrace-run.json"
    profile.write_text('{"tmb": 12}')
    done = invoke("batch", str(cohort), str(profile), "--out", str(tmp_path / "r.jsonl"))
    assert done.returncode == 2 and "its run record" in no_traceback(done) and "is the input" in done.stderr.decode()
    assert profile.read_text() == '{"tmb": 12}' and not (tmp_path / "r.jsonl").exists()


def test_f13_an_output_inside_an_input_folder_is_refused_whatever_its_name(tmp_path):
    folder = tmp_path / "fold"
    folder.mkdir()
    for n in range(3):
        (folder / f"p{n}.json").write_text('{"tmb": 4}')
    done = invoke("batch", str(folder), "--out", str(folder / "res.jsonl"))
    assert done.returncode == 2 and "is inside the input folder" in no_traceback(done)
    assert sorted(p.name for p in folder.iterdir()) == ["p0.json", "p1.json", "p2.json"]


# F4: a regular-file stdout is locked like --out -------------------------------------------------------

@pytest.mark.cli
def test_f4_a_run_writing_stdout_to_a_file_and_a_run_with_that_file_as_out_never_interleave(cohort, tmp_path):
    out = tmp_path / "m.jsonl"
    lines = cohort.read_bytes().splitlines(keepends=True)
    with out.open("wb") as stdout:
        first = subprocess.Popen(icitrace_command() + ["batch", "-", "--workers", "1"], stdin=subprocess.PIPE,
                                 stdout=stdout, stderr=subprocess.PIPE)
        first.stdin.write(b"".join(lines[:300]))
        first.stdin.flush()
        deadline = time.time() + 60
        while out.read_bytes().count(b"\n") < 251 and time.time() < deadline:
            time.sleep(0.01)
        written = out.read_bytes()
        second = run("batch", str(cohort), "--out", str(out))
        with out.open("ab") as appending:
            third = run("batch", str(cohort), stdout=appending)
        first.stdin.write(b"".join(lines[300:]))
        first.communicate(timeout=120)
    assert second.returncode == 2 and "another icitrace run is writing it" in no_traceback(second)
    assert third.returncode == 2 and "another icitrace run is writing it" in no_traceback(third)
    assert first.returncode == 0 and out.read_bytes().startswith(written)
    assert len(records_of(out.read_bytes()).splitlines()) == 600  # one run's records, whole


# F26 and the resume half of F4: a damaged output is never resumed ------------------------------------

@pytest.mark.cli
@pytest.mark.parametrize("damage", ["unparseable", "a foreign record", "a merged line"])
def test_f26_a_resume_over_a_damaged_output_is_refused_naming_the_line(long_cohort, tmp_path, damage):
    out = tmp_path / "out.jsonl"
    left = stopped(long_cohort, out)
    lines = left.splitlines(keepends=True)
    bad = {"unparseable": b'{"record": "x", "ok": tr\n', "a foreign record": b'{"hello": 1}\n',
           "a merged line": lines[5][:-1] + lines[6]}[damage]
    lines[5] = bad
    out.write_bytes(b"".join(lines))
    before = out.read_bytes()
    done = invoke("batch", str(long_cohort), "--out", str(out), "--resume", "--summary")
    assert done.returncode == 2 and "line 6" in no_traceback(done) and "Start again without --resume" in done.stderr.decode()
    assert out.read_bytes() == before


# F33: the sidecar is replaced whole, never rewritten in place --------------------------------------------

@pytest.mark.cli
def test_f33_a_resume_that_fails_while_writing_the_sidecar_leaves_the_run_resumable(long_cohort, tmp_path):
    out, whole = tmp_path / "out.jsonl", tmp_path / "whole.jsonl"
    invoke("batch", str(long_cohort), "--out", str(whole), "--workers", "1")
    stopped(long_cohort, out)
    sidecar = out.with_name(out.name + ".icitrace-run.json")
    size = sidecar.stat().st_size
    # a limit that lets part of the sidecar through: the old code truncated it and wrote it in place
    failed = run("batch", str(long_cohort), "--out", str(out), "--resume", limit_bytes=size // 2)
    assert failed.returncode != 0 and no_traceback(failed) is not None
    assert sidecar.stat().st_size == size
    done = run("batch", str(long_cohort), "--out", str(out), "--resume")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == whole.read_bytes()


# F3: --resume on stdin proves it is the same stdin ---------------------------------------------------------

@pytest.mark.cli
def test_f3_a_resume_on_another_stdin_is_refused_and_the_same_stdin_resumes_exactly(long_cohort, tmp_path):
    other = tmp_path / "other.jsonl"
    other.write_bytes(invoke("synth", "--n", "6000", "--seed", "6").stdout)
    out, whole = tmp_path / "out.jsonl", tmp_path / "whole.jsonl"
    with long_cohort.open("rb") as stdin:
        assert run("batch", "-", "--out", str(whole), "--workers", "1", stdin=stdin).returncode == 0
    left = stopped(long_cohort, out, stdin=long_cohort)
    with other.open("rb") as stdin:
        refused = run("batch", "-", "--out", str(out), "--resume", stdin=stdin)
    assert refused.returncode == 2 and "standard input is not the one" in no_traceback(refused)
    assert out.read_bytes() == left
    with long_cohort.open("rb") as stdin:
        done = run("batch", "-", "--out", str(out), "--resume", stdin=stdin)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == whole.read_bytes()


@pytest.mark.cli
def test_a_stdin_resume_after_several_chunks_and_a_torn_line_is_exact(long_cohort, tmp_path):
    """The sidecar keeps the digests of the last chunk: any whole-record prefix a stop leaves resumes."""
    out, whole = tmp_path / "out.jsonl", tmp_path / "whole.jsonl"
    with long_cohort.open("rb") as stdin:
        run("batch", "-", "--out", str(whole), "--workers", "1", stdin=stdin)
    stopped(long_cohort, out, stdin=long_cohort)
    data = out.read_bytes()
    out.write_bytes(data[: data.rfind(b"\n", 0, len(data) - 1) + 40])  # one record fewer, and a torn line
    with long_cohort.open("rb") as stdin:
        done = run("batch", "-", "--out", str(out), "--resume", stdin=stdin)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == whole.read_bytes()


# F19: a FIFO as --out is refused, never waited on ----------------------------------------------------------

@pytest.mark.cli
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("resume", [[], ["--resume"]])
def test_f19_a_fifo_as_out_is_refused_at_once(cohort, tmp_path, resume):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    done = run("batch", str(cohort), "--out", str(fifo), *resume)
    assert done.returncode == 2 and "a FIFO, device or socket" in no_traceback(done)


def test_a_sidecar_is_replaced_whole_not_rewritten(cohort, tmp_path):
    out = tmp_path / "o.jsonl"
    invoke("batch", str(cohort), "--out", str(out))
    sidecar = out.with_name(out.name + ".icitrace-run.json")
    first = sidecar.stat().st_ino
    invoke("batch", str(cohort), "--out", str(out))
    assert sidecar.stat().st_ino != first and json.loads(sidecar.read_text())["inputs"][0]["sha256"]
