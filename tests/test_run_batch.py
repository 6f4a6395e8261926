"""`icitrace.run_batch`: the batch command from Python, with its guarantees, tested in this process: the
same bytes as the command, a stopped run resumed to the bytes of a whole one, an output that is an
input refused with nothing changed, and only icitrace's error family raised."""

import json
import os
import re
import signal

import pytest
from conftest import invoke

import icitrace
from icitrace.errors import OutputRefused, ResumeMismatch

#: more than one chunk (250 records), so that a stop after the first leaves records to resume
COHORT = 700


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    path = tmp_path_factory.mktemp("cohort") / "cohort.jsonl"
    path.write_bytes(invoke("synth", "--n", str(COHORT), "--seed", "5").stdout)
    return path


@pytest.fixture
def table(tmp_path):
    """A clinical table read through a map, grouped for --cutoffs-by: the options that shape an output most."""
    (tmp_path / "t.csv").write_text("sample,kind,tmb,hypoxia\n" + "".join(
        f"s{i},{'Melanoma' if i % 3 else 'Lung'},{i % 40},{'high' if i % 2 else 'low'}\n" for i in range(600)))
    (tmp_path / "m.yaml").write_text("id: sample\nkeep: [kind]\nfields:\n  tmb: tmb\n  hypoxia: hypoxia\n")
    (tmp_path / "cut.csv").write_text("group,cutoff,value\nMelanoma,tmb_high,20\n")
    return tmp_path


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "wide"])
def test_the_same_bytes_and_summary_as_the_command(table, tmp_path, fmt):
    options = dict(map=table / "m.yaml", cutoffs_by=("kind", table / "cut.csv"), thresholds={"pd_l1_high": 40})
    report = icitrace.run_batch(table / "t.csv", tmp_path / f"api.{fmt}", format=fmt, workers=1, summary=True,
                                by="kind", **options)
    done = invoke("batch", str(table / "t.csv"), "--out", str(tmp_path / f"cli.{fmt}"), "--format", fmt,
                  "--workers", "1", "--map", str(table / "m.yaml"), "--cutoffs-by", "kind", str(table / "cut.csv"),
                  "--threshold", "pd_l1_high=40", "--summary", "--summary-format", "json", "--by", "kind")
    assert done.returncode == 0, done.stderr
    api, cli = (tmp_path / f"api.{fmt}"), (tmp_path / f"cli.{fmt}")
    assert api.read_bytes() == cli.read_bytes()
    sidecar = lambda out: out.with_name(out.name + ".icitrace-run.json").read_bytes()  # noqa: E731
    assert sidecar(api) == sidecar(cli)
    assert report.summary == json.loads(done.stdout)
    assert (report.written, report.failed, report.resumed_after, report.records) == (600, 0, 0, 600)
    assert "Cohort: 600 records" in report.summary_text()


def test_a_run_stopped_by_a_signal_resumes_to_the_bytes_of_a_whole_run(cohort, tmp_path):
    whole, out = tmp_path / "whole.jsonl", tmp_path / "out.jsonl"
    icitrace.run_batch(cohort, whole, workers=1)
    progress = []

    def stop_after_the_first_chunk(done: int, total: int | None) -> None:
        progress.append((done, total))
        if done:  # as Ctrl-C would: the handler stops the run after the chunk just written
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(icitrace.Stopped) as stopped:
        icitrace.run_batch(cohort, out, workers=1, on_progress=stop_after_the_first_chunk)
    assert progress == [(0, COHORT), (250, COHORT)]
    assert stopped.value.written == 250 and stopped.value.exit_code == 130
    assert isinstance(stopped.value, icitrace.IcitraceError)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the caller's handler is back
    out.write_bytes(out.read_bytes() + b'{"record":"torn')  # as a kill mid-write would leave it
    report = icitrace.run_batch(cohort, out, workers=1, resume=True)
    assert (report.resumed_after, report.written) == (250, COHORT - 250)
    assert out.read_bytes() == whole.read_bytes()


def test_a_resumed_run_s_summary_covers_the_records_it_kept(cohort, tmp_path):
    whole = icitrace.run_batch(cohort, tmp_path / "whole.csv", format="csv", workers=1, summary=True)
    out = tmp_path / "out.csv"
    icitrace.run_batch(cohort, out, format="csv", workers=1)
    kept = out.read_bytes().splitlines(keepends=True)[:300]
    out.write_bytes(b"".join(kept))
    resumed = icitrace.run_batch(cohort, out, format="csv", workers=1, summary=True, resume=True)
    assert resumed.resumed_after == 298 and out.read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert {k: v for k, v in resumed.summary.items() if k != "deciding_unknowns"} == \
        {k: v for k, v in whole.summary.items() if k != "deciding_unknowns"}


@pytest.mark.parametrize("which", ["input", "map", "cutoff table", "run record"])
def test_an_output_that_is_a_file_the_run_reads_is_refused_and_nothing_changes(table, which):
    target = {"input": table / "t.csv", "map": table / "m.yaml", "cutoff table": table / "cut.csv",
              "run record": table / "o.jsonl"}[which]
    if which == "run record":  # the output's run record would be written over the input, through a link
        (table / "o.jsonl.icitrace-run.json").symlink_to(table / "t.csv")
    before = {p.name: p.read_bytes() for p in table.iterdir()}
    with pytest.raises(OutputRefused) as refused:
        icitrace.run_batch(table / "t.csv", target, map=table / "m.yaml", cutoffs_by=("kind", table / "cut.csv"))
    assert "is the input" in str(refused.value)
    assert {p.name: p.read_bytes() for p in table.iterdir()} == before


def test_a_resume_of_another_run_s_output_is_refused_and_the_output_kept(cohort, tmp_path):
    out = tmp_path / "out.jsonl"
    icitrace.run_batch(cohort, out, workers=1)
    before = out.read_bytes()
    with pytest.raises(ResumeMismatch, match="--format|written as jsonl"):
        icitrace.run_batch(cohort, out, format="csv", resume=True)
    with pytest.raises(ResumeMismatch, match="rules or --threshold differ"):
        icitrace.run_batch(cohort, out, resume=True, thresholds=["tmb_high=15"])
    assert out.read_bytes() == before


@pytest.mark.parametrize("call, message", [
    (dict(format="xml"), "--format 'xml': expected one of jsonl, csv, wide"),
    (dict(format="csv", full=True), "--full writes JSON"),
    (dict(resume=True), "--resume needs --out FILE"),
    (dict(thresholds={"tmb_high": "high"}), "expected NAME=NUMBER"),
    (dict(thresholds={"tmb_hgh": 12}), "tmb_high"),
    (dict(by="kind", summary=True), "--by kind: a column the map keeps"),
    (dict(inputs="missing.jsonl"), "missing.jsonl: no such file or folder"),
])
def test_a_refused_run_raises_an_input_problem_naming_the_option(cohort, call, message):
    call = {"inputs": cohort, **call}
    with pytest.raises(icitrace.InputProblem, match=re.escape(message)):
        icitrace.run_batch(**call)


def test_unmatched_groups_say_each_group_with_the_nearest_values(table, tmp_path):
    (table / "cut.csv").write_text("group,cutoff,value\nMelanom,tmb_high,20\n")
    with pytest.raises(icitrace.InputProblem) as refused:
        icitrace.run_batch(table / "t.csv", tmp_path / "o.jsonl", map=table / "m.yaml",
                           cutoffs_by=("kind", table / "cut.csv"))
    assert refused.value.details == [f"{table / 'cut.csv'}:2: 'Melanom' matches no record; the nearest values of "
                                     "kind: 'Melanoma'"]
    assert not (tmp_path / "o.jsonl").exists()


def test_a_folder_s_other_files_are_noted_and_standard_output_is_the_default(tmp_path, capfdbinary):
    (tmp_path / "p.json").write_text('{"tmb": 12}')
    (tmp_path / "notes.txt").write_text("not a profile")
    heard = []
    report = icitrace.run_batch(tmp_path, on_note=heard.append, workers=1)
    assert report.out is None and report.records == 1
    assert report.notes == tuple(heard) and len(heard) == 1 and "notes.txt" in heard[0]
    written = capfdbinary.readouterr().out.decode().splitlines()
    assert len(written) == 2 and list(json.loads(written[1])["findings"]) == ["high_tmb"]


def test_a_run_in_another_thread_leaves_signals_to_the_program_and_writes_the_same_bytes(cohort, tmp_path):
    """Python lets only the main thread set a signal handler: a run in a worker thread (a web app's, a
    notebook's executor) must not fail for it, nor touch the program's handlers."""
    import threading

    icitrace.run_batch(cohort, tmp_path / "main.jsonl", workers=1)
    handler = signal.getsignal(signal.SIGTERM)
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(icitrace.run_batch(cohort, tmp_path / "thread.jsonl",
                                                                               workers=1)))
    thread.start()
    thread.join(120)
    assert outcome and outcome[0].records == COHORT
    assert (tmp_path / "thread.jsonl").read_bytes() == (tmp_path / "main.jsonl").read_bytes()
    assert signal.getsignal(signal.SIGTERM) is handler
