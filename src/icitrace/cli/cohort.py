"""Commands on many profiles: batch and synth."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from icitrace.cli.app import (
    RULES_OPTION,
    THRESHOLD_OPTION,
    Format,
    app,
    command,
    examples,
    fail,
    say,
)
from icitrace.errors import EXIT_FAILED, EXIT_STOPPED


class BatchFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    wide = "wide"
    parquet = "parquet"


@command(app, epilog=examples(
    "icitrace synth --n 100000 --seed 1 > cohort.jsonl",
    "icitrace batch cohort.jsonl --out results.jsonl --summary",
    "icitrace batch profiles/ --format csv > results.csv",
    "icitrace batch cohort.csv --format wide --out wide.csv    # a column per finding and strategy",
    "icitrace batch cohort.tsv --map cohort-map.yaml --format parquet --out wide.parquet",
    "icitrace batch data_clinical_sample.txt --map cohort-map.yaml --format wide --out wide.csv",
    "icitrace batch clinical.txt --map cohort-map.yaml --out results.jsonl --summary --by CANCER_TYPE",
    "icitrace batch clinical.txt --map cohort-map.yaml --cutoffs-by CANCER_TYPE tmb-lines.csv -f wide",
    "icitrace batch cohort.jsonl --cutoffs-by tumor_type tmb-lines.csv --out results.jsonl",
    "icitrace batch cohort.jsonl --out results.jsonl --resume",
))
def batch(
    inputs: list[str] = typer.Argument(..., metavar="INPUT...",
                                       help="A folder of profile .json files, a .jsonl file (one profile per line), "
                                            "a .csv file or a tab-separated .tsv or .txt (columns are profile "
                                            "fields, lists ;-separated; other columns through --map), or - for "
                                            "JSON Lines on stdin."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="FILE", help="Output file (default: stdout)."),
    format: BatchFormat = typer.Option(BatchFormat.jsonl, "--format", "-f",
                                       help="jsonl, csv, or wide: CSV with a column per finding and per strategy "
                                            "holding 1 (reached), 0 (decided not reached) or empty (undecided); "
                                            "parquet: the wide table as Parquet (needs icitrace[parquet]; to --out "
                                            "or a stdout redirected to a file; no --resume)."),
    workers: int = typer.Option(0, "--workers", "-w", metavar="N", show_default=False,
                                help="Worker processes (default and at most: the number of cores; fewer when the "
                                     "input is short)."),
    full: bool = typer.Option(False, "--full", help="Write the whole JSON contract per record (jsonl only)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run: keep the records already in "
                                                         "--out, evaluate the rest."),
    summary: bool = typer.Option(False, "--summary", help="Print a cohort summary when done."),
    summary_format: Format = typer.Option(Format.text, "--summary-format", help="text or json."),
    by: Optional[str] = typer.Option(None, "--by", metavar="COLUMN",
                                     help="With --summary and --map: the summary per value of this kept column too."),
    dask: Optional[str] = typer.Option(None, "--dask", metavar="ADDRESS",
                                       help="Run on a Dask cluster (e.g. tcp://127.0.0.1:8786); needs icitrace[dask]."),
    column_map: Optional[Path] = typer.Option(None, "--map", metavar="MAP.yaml",
                                              help="Read tables (.csv, .tsv, .txt) through a column map: which "
                                                   "column is each profile field, the id, the columns to keep, "
                                                   "the NA tokens, constants, fields not measured (see "
                                                   "docs/maps.md; icitrace schema --map)."),
    cutoffs_by: Optional[tuple[str, Path]] = typer.Option(
        None, "--cutoffs-by", metavar="COLUMN FILE",
        help="Cut-offs per group: FILE is a CSV of group,cutoff,value; a record's group is its value of COLUMN "
             "(a kept column of the map, or tumor_type). Each record states the cut-offs it was judged by."),
    allow_unmatched: bool = typer.Option(
        False, "--allow-unmatched-groups",
        help="With --cutoffs-by: run even when a group of the table matches no record (or the input is stdin, "
             "whose groups cannot be read first); the provenance line counts the records of each group."),
    thresholds: Optional[list[str]] = THRESHOLD_OPTION,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Evaluate many profiles: one output line per input record, in input order, streamed.

    A record that cannot be evaluated gets an error line naming it (file and line); records in always
    equal records out. Exit 1 if any record failed, 130 when interrupted (--resume continues).
    """
    from icitrace.batch.run import run_batch
    from icitrace.errors import DaskLost, OutputError, RulesError, Stopped, UnmatchedGroups, WorkerDied

    progress = _progress() if sys.stderr is not None and sys.stderr.isatty() else None
    resumable = "; run again with --resume to continue" if out else ""
    holds = "the output holds every record before it whole"
    if format is BatchFormat.parquet:  # written whole at the end: nothing of it yet
        holds, resumable = "the output is empty (Parquet is written whole at the end of a run)", "; run again"
    try:
        with progress or nullcontext():
            report = run_batch(inputs, out, format=format.value, full=full, resume=resume, workers=workers,
                               summary=summary, by=by, map=column_map, cutoffs_by=cutoffs_by,
                               allow_unmatched_groups=allow_unmatched, thresholds=thresholds or [], rules=rules,
                               dask=dask, on_progress=_advance(progress) if progress else None, on_note=say)
    except RulesError as error:
        fail("the rules cannot be used:", details=[str(p) for p in error.problems])
    except UnmatchedGroups as error:
        fail(error.message, details=error.details)
    except (WorkerDied, OutputError, DaskLost) as error:  # mid-run: a worker, the cluster or the output failed
        fail(f"{error}; {holds}{resumable}", EXIT_FAILED)
    except Stopped as stop:
        said = str(stop) if format is not BatchFormat.parquet else f"stopped after {stop.written:,} records; {holds}"
        fail(f"{said}{resumable}", EXIT_STOPPED)
    if progress:
        say(f"{report.records:,} records done")
    if resume:
        say(f"resumed after {report.resumed_after:,} records already written")
    if summary:
        text = (json.dumps(report.summary, indent=2) + "\n") if summary_format is Format.json else report.summary_text()
        (sys.stdout.write if out else sys.stderr.write)(text)
    if report.failed:
        fail(f"{report.failed:,} of {report.written:,} records could not be evaluated (see their error lines)",
             EXIT_FAILED)


def _advance(progress: Any) -> Any:
    """``run_batch``'s progress as a bar: its first call (the records already written) starts the task."""
    task = None

    def advance(done: int, total: int | None) -> None:
        nonlocal task
        if task is None:
            task = progress.add_task("records", total=total, completed=done)
        else:
            progress.update(task, completed=done)

    return advance


@command(app, epilog=examples("icitrace synth --n 1000 --seed 7 > cohort.jsonl"))
def synth(
    n: int = typer.Option(..., "--n", "-n", min=0, metavar="N", help="How many profiles."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same profiles."),
    p_unknown: float = typer.Option(0.3, "--p-unknown", min=0.0, max=1.0, help="Chance that each field is unknown."),
) -> None:
    """Write reproducible synthetic hypothetical profiles as JSON Lines (for teaching and benchmarks)."""
    from icitrace.profile.synth import synth_profiles

    write = sys.stdout.write
    for profile in synth_profiles(n, seed, p_unknown):
        write(json.dumps(profile, separators=(",", ":")) + "\n")


def _progress():  # noqa: ANN202
    """Records done, rate and time left, on stderr (only when stderr is a terminal)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task):  # noqa: ANN001, ANN202
            return Text(f"{task.speed:,.0f} records/s" if task.speed else "")

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=True)
