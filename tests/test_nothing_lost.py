"""Nothing lost, ever: each class of failure an adversarial run found, through the command (the real one
in a subprocess where only a process shows it: signals, locks, FIFOs, workers, memory; the rest in this
process) or the API, so that "records in = records out", "a refused input never touches --out" and "no traceback"
hold on every path."""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest
from conftest import (
    PROFILES,
    ROOT,
    but_deciding,
    icitrace_command,
    invoke,
    no_traceback,
    records_of,
    run_cli,
)

DISCLAIMER = "ILLUSTRATIVE ONLY - not for clinical use"


def jsonl(data: bytes) -> list[dict]:
    """The records of a batch output, after its provenance line."""
    return [json.loads(line) for line in records_of(data).splitlines()]


# 1. text the C engine cannot take ---------------------------------------------------------------------

@pytest.mark.cli
def test_a_lone_surrogate_is_a_bad_value_in_every_path_even_as_a_workers_first_record(cohort, tmp_path):
    poisoned = tmp_path / "poisoned.jsonl"
    poisoned.write_bytes(b'{"oncogenic_alterations": ["\\ud800"]}\n' + cohort.read_bytes())
    done = run_cli("batch", str(poisoned), "--workers", "2")  # real: a worker's stderr shows only there
    records = jsonl(done.stdout)
    assert done.returncode == 1 and len(records) == 601 and no_traceback(done)
    assert not records[0]["ok"] and 'field "oncogenic_alterations": holds a lone UTF-16 surrogate' in records[0]["error"]
    assert all(r["ok"] for r in records[1:])
    bad = tmp_path / "bad.json"
    bad.write_text('{"description": "\\udc80"}')
    several = invoke("suggest", str(PROFILES[0]), str(bad), str(PROFILES[1]), "--format", "json")
    assert several.returncode == 2 and [r["profile"]["id"] for r in json.loads(several.stdout)] == [
        PROFILES[0].stem, PROFILES[1].stem]  # the others are not lost
    assert 'field "description": holds a lone UTF-16 surrogate' in no_traceback(several)
    assert invoke("validate", str(bad)).returncode == 2


# 2. --out is an input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["same file", "through a link", "resume", "inside an input folder"])
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(cohort, tmp_path, how):
    before = cohort.read_bytes()
    inputs, out = [str(cohort)], cohort
    if how == "through a link":
        out = tmp_path / "link.jsonl"
        out.symlink_to(cohort)
    if how == "inside an input folder":
        folder = tmp_path / "folder"
        folder.mkdir()
        shutil.copy(PROFILES[0], folder / "a.json")
        inputs, out = [str(folder)], folder / "results.json"
    extra = ["--resume"] if how == "resume" else []
    done = invoke("batch", *inputs, "--out", str(out), *extra)
    refusal = "is inside the input folder" if how == "inside an input folder" else "is the input"
    assert done.returncode == 2 and refusal in no_traceback(done)
    assert cohort.read_bytes() == before and not (tmp_path / "folder" / "results.json").exists()


# 3. CSV that cannot be told into rows ------------------------------------------------------------------

def test_a_csv_row_with_an_open_quote_is_an_error_record_not_a_merge(tmp_path):
    source = tmp_path / "class.csv"
    source.write_text('id,tmb\na,3\nb,"5\nc,7\nd,9\n')
    done = invoke("batch", str(source))
    records = jsonl(done.stdout)
    assert [r["record"] for r in records] == [f"{source}:{n}" for n in (2, 3, 4, 5)]  # 4 rows in, 4 out
    assert [r["ok"] for r in records] == [True, False, True, True] and done.returncode == 1
    assert "is not one whole CSV row" in records[1]["error"] and no_traceback(done) is not None


# 5. --resume under changed conditions, and its summary ----------------------------------------------

def _stopped_run(source, out, *args):
    """A run of ``source`` into ``out`` stopped with SIGTERM once some records are written."""
    process = subprocess.Popen(icitrace_command() + ["batch", str(source), "--out", str(out), "--workers", "1",
                                                     *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while (not out.exists() or out.stat().st_size < 5_000) and time.time() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode == 130, "the run ended before it could be stopped"
    return out.read_bytes()


@pytest.mark.cli
@pytest.mark.parametrize("change, message", [
    (["--format", "csv"], "it was written as jsonl, this run writes csv"),
    (["--threshold", "tmb_high=12"], "the rules or --threshold differ"),
    (["--full"], "--full was off when it was written"),
    ("input", "changed since the run began"),
])
def test_a_resume_under_changed_conditions_is_refused_saying_what_differs(long_cohort, tmp_path, change, message):
    out = tmp_path / "out.jsonl"
    written = _stopped_run(long_cohort, out)
    if change == "input":
        with long_cohort.open("ab") as handle:
            handle.write(b'{"tmb": 4}\n')
        change = []
    done = invoke("batch", str(long_cohort), "--out", str(out), "--resume", *change)
    assert done.returncode == 2 and message in no_traceback(done)
    assert out.read_bytes() == written  # refused: not a byte changed


def test_a_resume_of_an_output_longer_than_its_input_is_refused(cohort, tmp_path):
    out = tmp_path / "out.jsonl"
    invoke("batch", str(cohort), "--out", str(out), "--workers", "1")
    run_record = out.with_name(out.name + ".icitrace-run.json")
    shorter = tmp_path / "short.jsonl"
    shorter.write_bytes(b"".join(cohort.read_bytes().splitlines(keepends=True)[:100]))
    cohort.write_bytes(shorter.read_bytes())  # the same path now holds 100 records: refused as changed
    data = json.loads(run_record.read_text())
    data["inputs"][0].update(sha256=hashlib.sha256(cohort.read_bytes()).hexdigest()[:32])
    run_record.write_text(json.dumps(data))  # and even when the record is made to match
    done = invoke("batch", str(cohort), "--out", str(out), "--resume")
    assert done.returncode == 2 and "the output holds 600 records but the input has only 100" in no_traceback(done)


@pytest.mark.cli
def test_a_stop_in_a_one_worker_run_waits_for_its_chunk_and_resume_completes_it(long_cohort, tmp_path):
    """In-process, the engine runs between writes: a stop there used to fail a record and carry on."""
    cohort, whole, stopped = long_cohort, tmp_path / "whole.jsonl", 0
    invoke("batch", str(cohort), "--out", str(whole), "--workers", "1")
    for size in (5_000, 60_000, 120_000):
        out = tmp_path / f"out{size}.jsonl"
        process = subprocess.Popen(icitrace_command() + ["batch", str(cohort), "--out", str(out), "--workers", "1"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while (not out.exists() or out.stat().st_size < size) and process.poll() is None:
            time.sleep(0.005)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        assert process.returncode in (0, 130) and b"Traceback" not in err and b"KeyboardInterrupt" not in err
        stopped += process.returncode == 130
        assert all(r["ok"] for r in jsonl(out.read_bytes()))
        # real: this run forks its workers (not from the threaded test process)
        assert run_cli("batch", str(cohort), "--out", str(out), "--resume").returncode == 0
        assert out.read_bytes() == whole.read_bytes()
    assert stopped, "no run was still going when it was stopped"


@pytest.mark.cli
def test_the_summary_after_a_resume_covers_the_whole_cohort(long_cohort, tmp_path):
    cohort, out, whole = long_cohort, tmp_path / "out.jsonl", tmp_path / "whole.jsonl"
    # real, both: these runs fork their workers (not from the threaded test process)
    full = json.loads(run_cli("batch", str(cohort), "--out", str(whole), "--summary", "--summary-format",
                              "json").stdout)
    _stopped_run(cohort, out)
    done = run_cli("batch", str(cohort), "--out", str(out), "--resume", "--summary", "--summary-format", "json")
    assert done.returncode == 0 and out.read_bytes() == whole.read_bytes()
    resumed = json.loads(done.stdout)
    assert but_deciding(resumed) == but_deciding(full) and full["records"] == 6000
    assert resumed["deciding_unknowns"]["over_records"] < full["deciding_unknowns"]["over_records"] == 6000


# 6. two runs, one output -----------------------------------------------------------------------------

@pytest.mark.cli
def test_a_second_run_on_the_same_output_is_refused_while_the_first_goes_on(cohort, tmp_path):
    """The first run reads stdin, so it is still writing for as long as the test holds the pipe open."""
    out, whole = tmp_path / "out.jsonl", tmp_path / "whole.jsonl"
    lines = cohort.read_bytes().splitlines(keepends=True)
    invoke("batch", str(cohort), "--out", str(whole), "--workers", "1")
    first = subprocess.Popen(icitrace_command() + ["batch", "-", "--out", str(out), "--workers", "1"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first.stdin.write(b"".join(lines[:300]))
    first.stdin.flush()
    # the provenance line and the first chunk (250 records) whole: a read while it is being written
    # could see part of it
    deadline = time.time() + 60
    while (not out.exists() or out.read_bytes().count(b"\n") < 251) and time.time() < deadline:
        time.sleep(0.01)
    written = out.read_bytes()
    assert written.count(b"\n") == 251 and written.endswith(b"\n"), "the first run wrote no whole chunk"
    for args in ([], ["--resume"]):
        second = run_cli("batch", str(cohort), "--out", str(out), *args)  # real: two processes, one lock
        assert second.returncode == 2 and "another icitrace run is writing it" in no_traceback(second)
    assert out.read_bytes() == written  # refused: not a byte written by the second run
    first.stdin.write(b"".join(lines[300:]))
    first.communicate(timeout=120)
    assert first.returncode == 0
    unnamed = lambda data: re.sub(rb'"record":"[^"]*:(\d+)"', rb'"record":"\1"', data)  # noqa: E731 - stdin vs file
    assert unnamed(out.read_bytes()) == unnamed(whole.read_bytes())


def test_runs_may_share_a_device_as_their_output(cohort):
    """Only a regular file is locked: two runs writing /dev/null at once are both fine."""
    import fcntl

    with open(os.devnull, "ab") as held:  # as another run writing /dev/null would hold it
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        done = invoke("batch", str(cohort), "--out", os.devnull, "--workers", "1")
    assert done.returncode == 0, done.stderr


# 7. memory stays bounded whatever the steps, files or lines ------------------------------------------

def _peak_mb(*args: str) -> float:
    """Peak resident memory of the real command, in MB (a measure, not a time)."""
    script = ("import resource, subprocess, sys\n"
              "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([os.sys.executable, "-c", script, *icitrace_command(), *args], capture_output=True,
                          text=True, timeout=600, cwd=ROOT)
    return int(done.stdout) / 1024


@pytest.fixture(scope="module")
def large_profile(tmp_path_factory):
    """A valid profile of nearly 1,000,000 bytes (its description)."""
    path = tmp_path_factory.mktemp("large") / "large.json"
    path.write_text(json.dumps({"tmb": 4, "description": "x" * 990_000}))
    return path


@pytest.mark.cli
def test_memory_stays_bounded_for_large_profiles_whatever_the_count(large_profile, tmp_path):
    sweep = _peak_mb("sweep", str(large_profile), "--field", "tmb", "--from", "0", "--to", "200", "--step", "1")
    many = _peak_mb("suggest", *[str(large_profile)] * 30, "--format", "json")
    lines = tmp_path / "large.jsonl"
    lines.write_text((large_profile.read_text() + "\n") * 60)
    full = _peak_mb("batch", str(lines), "--full", "--workers", "1")
    # Before: about 5 MB a step or a file, 1 GB and more here. Now a few profiles' worth, whatever the count.
    assert max(sweep, many, full) < 300, (sweep, many, full)


# 8. clear exit-2 messages where there were tracebacks ------------------------------------------------

def test_outputs_that_cannot_be_opened_are_refused_clearly(tmp_path):
    for out, why in ((tmp_path / "missing" / "o.jsonl", "cannot be written (No such file or directory)"),
                     (tmp_path, "is a folder; --out writes a regular file"),
                     (tmp_path / ("x" * 300), "cannot be written (the name is too long)")):
        done = invoke("batch", str(PROFILES[0]), "--out", str(out))
        assert done.returncode == 2 and why in no_traceback(done)


@pytest.mark.parametrize("args, message", [
    (["--to", "inf", "--step", "1"], "must be finite numbers"),
    (["--to", "5", "--step", "inf"], "must be finite numbers"),
])
def test_sweep_refuses_infinite_ranges(args, message):
    done = invoke("sweep", "profiles/cold-desert.json", "--field", "tmb", "--from", "0", *args)
    assert done.returncode == 2 and message in done.stderr.decode()


# The nesting depths sit at the edge of the real command's fresh stack (there `validate` still decodes 978
# levels and the depth check refuses them); in this process's deeper stack the decoder would give up first
# on every case, and the depth check would go untested: those run for real.
@pytest.mark.cli
@pytest.mark.parametrize("body, message, run", [
    ('{"tmb": ' + "9" * 5001 + "}", "a number of 5,001 digits is not one icitrace accepts", invoke),
    ('{"description": ' + "[" * 978 + "]" * 978 + "}", "is nested too deeply", run_cli),
    ('{"oncogenic_alterations": ' + "[" * 980 + "]" * 980 + "}", "is nested too deeply", run_cli),
], ids=["digits", "nested description", "nested list"])
def test_hostile_json_is_refused_clearly_by_validate_and_suggest(tmp_path, body, message, run):
    path = tmp_path / "hostile.json"
    path.write_text(body)
    for command in ("validate", "suggest"):
        done = run(command, str(path))
        assert done.returncode == 2 and message in no_traceback(done) and "--set" not in done.stderr.decode()


@pytest.mark.cli
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "profile.json"
    os.mkfifo(fifo)
    for command in ("validate", "suggest", "batch"):
        done = run_cli(command, str(fifo))  # a hang fails here, on the subprocess timeout
        assert done.returncode == 2 and "not a regular file" in no_traceback(done)


@pytest.mark.cli
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("entry", ["folder", "link loop", "fifo", "device"])
def test_a_rule_directory_entry_that_is_not_a_file_is_refused(tmp_path, entry):
    from icitrace.pipeline import shipped_dir

    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    odd = rules / "x.yaml"
    {"folder": odd.mkdir, "link loop": lambda: odd.symlink_to(odd), "fifo": lambda: os.mkfifo(odd),
     "device": lambda: odd.symlink_to("/dev/zero")}[entry]()
    # a FIFO or a device read by mistake would block or never end: those run for real, under a timeout
    done = (run_cli if entry in ("fifo", "device") else invoke)("rules", "lint", "--rules", str(rules))
    assert done.returncode == 2 and f"{odd}: not a regular file" in no_traceback(done)


# 9. a value shown, never obeyed --------------------------------------------------------------------

HOSTILE = {"id": "case\x1b[31m \"red\"\nline [/oops]", "description": "[/oops] ```\n<script>alert(1)</script>",
           "tumor_type": "a|b", "oncogenic_alterations": ["PTEN loss\n```\n<script>x</script>", 'say "hi"'], "tmb": 3}


@pytest.mark.cli
def test_hostile_text_is_escaped_for_every_format(tmp_path):
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(HOSTILE))
    outputs = {fmt: invoke("suggest", str(path), "--format", fmt) for fmt in ("text", "markdown", "dot")}
    for fmt, done in outputs.items():
        assert done.returncode == 0 and no_traceback(done) is not None, fmt
        assert b"\x1b" not in done.stdout, fmt  # no escape sequence reaches a terminal
        assert fmt == "text" or b"<script" not in done.stdout, fmt  # no tag reaches a page
    markdown = outputs["markdown"].stdout.decode()
    fences = [line for line in markdown.splitlines() if line.startswith("```")]
    assert fences == ["```mermaid", "```"]  # no value opens or closes a code block
    assert "[/oops]" in outputs["text"].stdout.decode()  # rich markup in a value is shown as written
    if shutil.which("dot"):
        rendered = subprocess.run(["dot", "-Tsvg"], input=outputs["dot"].stdout, capture_output=True, timeout=60)
        assert rendered.returncode == 0, rendered.stderr


# 10-12. one rule for every input path ----------------------------------------------------------------

def test_a_csv_column_named_twice_is_refused(tmp_path):
    source = tmp_path / "twice.csv"
    source.write_text("tmb,tmb\n3,12\n")
    done = invoke("batch", str(source))
    assert done.returncode == 2 and "column tmb is named twice" in no_traceback(done) and done.stdout == b""


def test_one_size_rule_for_every_input_path(tmp_path):
    profile = json.dumps({"tmb": 3, "description": "x" * 999_972})
    assert len(profile) == 1_000_001
    single = tmp_path / "single.json"
    single.write_text(profile)
    refused = invoke("suggest", str(single))
    assert refused.returncode == 2 and "is larger than 1,000,000 bytes" in refused.stderr.decode()
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(single, folder / "a.json")
    lines = tmp_path / "lines.jsonl"
    lines.write_text(profile + "\n" + '{"tmb": 4}\n')
    for source in (folder, lines):
        records = jsonl(invoke("batch", str(source), "--workers", "1").stdout)
        assert not records[0]["ok"] and "1,000,000 bytes" in records[0]["error"], source


@pytest.mark.cli
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_folder_reports_every_entry_it_skips(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(PROFILES[0], folder / "a.json")
    shutil.copy(PROFILES[1], folder / "B.JSON")
    (folder / "notes.txt").write_text("x")
    (folder / "sub.json").mkdir()
    (folder / "gone.json").symlink_to(folder / "nowhere")
    os.mkfifo(folder / "pipe.json")
    done = run_cli("batch", str(folder), "--workers", "1")  # real: a FIFO read by mistake blocks
    assert [r["record"] for r in jsonl(done.stdout)] == [str(folder / "B.JSON"), str(folder / "a.json")]
    err = no_traceback(done)
    for name, why in (("notes.txt", "not a .json file"), ("sub.json", "a folder"), ("gone.json", "a link to nothing"),
                      ("pipe.json", "not a regular file")):
        assert f"{folder / name}: skipped ({why})" in err


@pytest.mark.parametrize("value", ["1_0", "١٢", "+5", "0x10", "1e", ".5"])
def test_one_number_grammar_for_set_csv_and_json(tmp_path, value):
    done = invoke("suggest", "profiles/sparse-unknowns.json", "--set", f"tmb={value}")
    assert done.returncode == 2 and "takes a number written as in JSON" in done.stderr.decode()
    source = tmp_path / "n.csv"
    source.write_text(f"tmb\n{value}\n", encoding="utf-8")
    (record,) = jsonl(invoke("batch", str(source), "--workers", "1").stdout)
    assert not record["ok"] and "takes a number written as in JSON" in record["error"]


def test_minus_zero_is_zero():
    done = invoke("suggest", "-", "--format", "json", stdin=b'{"tmb": -0.0}')
    assert json.loads(done.stdout)["profile"]["values"]["tmb"] == 0.0
    assert "tmb -0" not in invoke("suggest", "-", stdin=b'{"tmb": -0.0}').stdout.decode()


# 13. workers -----------------------------------------------------------------------------------------

@pytest.mark.cli
def test_workers_are_capped_at_what_the_input_and_cores_can_use():
    from icitrace.batch.workers import worker_count

    cores = os.cpu_count() or 1
    assert worker_count(3000, 10, cores) == 1 and worker_count(3000, None, cores) == cores
    assert worker_count(0, 100_000, cores) == cores and worker_count(3, None, 8) == 3
    done = run_cli("batch", "profiles", "--workers", "3000")  # real: uncapped, it would fork 3000 here
    assert done.returncode == 0 and len(records_of(done.stdout).splitlines()) == len(PROFILES)


# 14. BDD in any language, and folders that loop -------------------------------------------------------

@pytest.mark.cli
def test_bdd_duplicate_names_are_caught_in_any_language_and_coverage_counts_each_scenario_once(tmp_path):
    features = tmp_path / "features"
    features.mkdir()
    scenario = ('  Scénario: Même nom\n    Soit the profile field "hypoxia" is "high"\n'
                "    Quand the profile is evaluated\n    Alors the finding \"hypoxic_tme\" is {}inferred\n\n")
    (features / "fr.feature").write_text("# language: fr\nFonctionnalité: Hypothèses\n\n"
                                         + scenario.format("not ") + scenario.format(""))
    (tmp_path / "test_fr.py").write_text('from pytest_bdd import scenarios\nscenarios("features")\n')
    done = subprocess.run([os.sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and 'the scenario name "Même nom" is used at lines 4 and 9' in done.stdout
    (features / "fr.feature").write_text("# language: fr\nFonctionnalité: Hypothèses\n\n" + scenario.format(""))
    (features / "loop").symlink_to("..")
    coverage = run_cli("rules", "coverage", str(features))  # real: coverage runs pytest in its process
    assert "1 evaluated scenarios" in coverage.stdout.decode()


# 15. the API follows the CLI's rule ----------------------------------------------------------------

def test_evaluate_many_yields_errors_in_place_and_goes_on():
    import icitrace

    results = list(icitrace.evaluate_many([{"tmb": 3}, {"tmb": "12"}, {"pd_l1_tps": 60, "pd_l1_cps": 5},
                                           {"hypoxia": "high"}]))
    assert [type(r).__name__ for r in results] == ["Result", "ProfileError", "ProfileError", "Result"]
    assert all(isinstance(r, icitrace.InputProblem) for r in results[1:3])
    assert 'field "tmb"' in str(results[1]) and "cannot come from one sample" in str(results[2])


def test_the_disclaimer_is_on_every_batch_record_including_errors(tmp_path):
    source = tmp_path / "mixed.jsonl"
    source.write_text('{"tmb": 3}\nnot json\n')
    assert {r["disclaimer"] for r in jsonl(invoke("batch", str(source), "--workers", "1").stdout)} == {DISCLAIMER}

