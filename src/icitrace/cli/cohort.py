"""Commands on many profiles: batch and synth."""

from __future__ import annotations

import json
import os
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
    load_rules,
    say,
)
from icitrace.errors import EXIT_FAILED, EXIT_STOPPED, InputProblem


class BatchFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    wide = "wide"


@command(app, epilog=examples(
    "icitrace synth --n 100000 --seed 1 > cohort.jsonl",
    "icitrace batch cohort.jsonl --out results.jsonl --summary",
    "icitrace batch profiles/ --format csv > results.csv",
    "icitrace batch cohort.csv --format wide --out wide.csv    # a column per finding and strategy",
    "icitrace batch data_clinical_sample.txt --map cohort-map.yaml --format wide --out wide.csv",
    "icitrace batch clinical.txt --map cohort-map.yaml --out results.jsonl --summary --by CANCER_TYPE",
    "icitrace batch clinical.txt --map cohort-map.yaml --cutoffs-by CANCER_TYPE tmb-lines.csv -f wide",
    "icitrace batch cohort.jsonl --cutoffs-by tumor_type tmb-lines.csv --out results.jsonl",
    "icitrace batch cohort.jsonl --out results.jsonl --resume",
))
def batch(
    inputs: list[str] = typer.Argument(..., metavar="INPUT...",
                                       help="A folder of profile .json files, a .jsonl file (one profile per line), "
                                            "a .csv file (columns are profile fields, lists ;-separated), or - for "
                                            "JSON Lines on stdin."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="FILE", help="Output file (default: stdout)."),
    format: BatchFormat = typer.Option(BatchFormat.jsonl, "--format", "-f",
                                       help="jsonl, csv, or wide: CSV with a column per finding and per strategy "
                                            "holding 1 (reached), 0 (decided not reached) or empty (undecided)."),
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
                                                   "the NA tokens (see docs/maps.md)."),
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
    from icitrace.batch import output as outputs
    from icitrace.batch import run as runner
    from icitrace.batch.inputs import check, estimate_total
    from icitrace.batch.session import Session
    from icitrace.batch.summary import Summary

    # Everything that can refuse the run is checked before --out is opened or changed.
    book = load_rules(rules, thresholds)
    mapping = None
    if column_map is not None:
        from icitrace.batch.column_map import load_map

        mapping = load_map(column_map)
    check(inputs, mapping)
    groups = _group_cutoffs(cutoffs_by, mapping, book) if cutoffs_by else None
    by = _kept(by, mapping)
    if by is not None and not (summary and mapping is not None and by in mapping.keep):
        fail(f"--by {by}: a column the map keeps, with --summary (kept: "
             f"{', '.join(mapping.keep) if mapping else 'none, without --map'})")
    if full and format is not BatchFormat.jsonl:
        fail("--full writes JSON; use it with --format jsonl")
    if resume and out is None:
        fail("--resume needs --out FILE (the file an earlier run was writing)")
    if dask:
        try:
            runner.check_dask(dask)
        except runner.DaskUnavailable as error:
            fail(f"--dask {dask}: {error}")
    counts = _group_counts(inputs, mapping, groups, allow_unmatched) if groups else None
    settings = runner.Settings(str(rules) if rules else None,
                               tuple((o.cutoff, o.after) for o in book.overrides), format.value, full, summary,
                               len(book.catalog.findings) + len(book.catalog.strategies), mapping, groups, counts)
    try:
        runner.check_header(settings, book)
    except InputProblem as error:
        fail(str(error))
    total = estimate_total(inputs)
    workers = _workers(workers, total)
    cohort = Summary({f for rule in book.rules for f in rule.fields()}, by) if summary else None
    reads = outputs.Reads.of(inputs, files=[column_map, cutoffs_by[1] if cutoffs_by else None],
                             folders=[book.directory])
    session = Session(inputs, out, settings, book, reads, resume=resume, skipped=_skipped)
    try:
        session.open(cohort)  # the last refusals; until it returns, not a byte of the output has changed
        written, failed = _run(session, workers, cohort, dask, total, out)
    finally:
        session.close()
    skip = session.skip
    if resume:
        say(f"resumed after {skip:,} records already written")
    if cohort is not None:
        text = (json.dumps(cohort.as_data(), indent=2) + "\n") if summary_format is Format.json else cohort.as_text()
        (sys.stdout.write if out else sys.stderr.write)(text)
    if failed:
        fail(f"{failed:,} of {written:,} records could not be evaluated (see their error lines)", EXIT_FAILED)


def _run(session, workers, cohort, dask, total, out):  # noqa: ANN001, ANN202
    """The run itself, its stops and failures turned into messages that say what the output holds."""
    from icitrace.batch import run as runner
    from icitrace.batch.inputs import InputError
    from icitrace.batch.pool import WorkerDied

    progress = _progress() if sys.stderr is not None and sys.stderr.isatty() else None
    resumable = "; run again with --resume to continue" if out else ""
    skip = session.skip
    try:
        with progress or nullcontext():
            task = progress.add_task("records", total=total, completed=skip) if progress else None
            advance = (lambda n: progress.advance(task, n)) if progress else None
            written, failed = session.run(workers, cohort, advance, dask)
    except InputError as error:
        fail(str(error))
    except (WorkerDied, runner.OutputError, runner.DaskLost) as error:
        fail(f"{error}; the output holds every record before it whole{resumable}", EXIT_FAILED)
    except BrokenPipeError:
        raise  # stdout's reader went away (`| head`): ends quietly (cli.app)
    except OSError as error:  # an input that became unreadable during the run
        fail(f"cannot read the input ({error.strerror or error})")
    except runner.Stopped as stop:
        fail(f"stopped after {skip + stop.args[0]:,} records; the output holds each of them whole{resumable}",
             EXIT_STOPPED)
    if progress:
        say(f"{skip + written:,} records done")
    return written, failed


def _group_cutoffs(option: tuple[str, Path], mapping: Any, book: Any) -> Any:
    """The --cutoffs-by table, checked against the rules; its column must be one every record carries."""
    from icitrace.batch.group_cutoffs import GroupCutoffsError, load_group_cutoffs

    column, path = option
    column = _kept(column, mapping)
    if mapping is not None and column not in mapping.keep:
        fail(f"--cutoffs-by {column}: with --map, a column the map keeps (kept: {', '.join(mapping.keep) or 'none'})")
    if mapping is None and column != "tumor_type":
        fail(f"--cutoffs-by {column}: without --map, records are grouped by the profile field tumor_type")
    try:
        return load_group_cutoffs(column, path, dict(book.cutoffs))
    except GroupCutoffsError as error:
        fail(str(error))


def _group_counts(inputs: list[str], mapping: Any, groups: Any, allow: bool) -> dict[str, int] | None:
    """The records of each --cutoffs-by group value, read before the run: a table group that no record
    has is refused (it is a typo more often than a group the cohort lacks), naming the nearest values the
    records hold, unless --allow-unmatched-groups says it is meant."""
    from icitrace.batch.inputs import group_values
    from icitrace.files import STDIN

    if STDIN in inputs:
        if not allow:
            fail("--cutoffs-by with - (stdin): the records' groups cannot be read before the run to check them "
                 "against the table; give the input as a file, or pass --allow-unmatched-groups")
        return None
    seen = group_values(inputs, mapping, groups.column)
    unmatched = groups.unmatched(seen)
    if unmatched and not allow:
        details = [f"{groups.source}:{u.line}: {u.group!r} matches no record"
                   + (f"; the nearest values of {groups.column}: {', '.join(repr(v) for v in u.nearest)}"
                      if u.nearest else f"; no record has a value of {groups.column}") for u in unmatched]
        fail(f"--cutoffs-by {groups.column}: {len(unmatched)} group(s) of the table match no record (values are "
             "compared without blanks around them and in one Unicode form, not ignoring case); fix the table, or "
             "pass --allow-unmatched-groups", details=details)
    return dict(seen)


def _kept(column: str | None, mapping: Any) -> str | None:
    """A column named on the command line as the map keeps it: names compare as keys (normal_key)."""
    from icitrace.text import normal_key

    if column is None or mapping is None:
        return column
    return next((kept for kept in mapping.keep if normal_key(kept) == normal_key(column)), column)


def _workers(requested: int, total: int | None) -> int:
    """As many worker processes as asked, or as there are cores, but never more than the cores, nor more
    than the input has chunks to share out (each worker is a process with its own engine)."""
    from icitrace.batch.run import CHUNK

    cores = os.cpu_count() or 1
    wanted = min(requested, cores) if requested > 0 else cores
    return max(1, min(wanted, -(-total // CHUNK))) if total is not None else wanted


def _skipped(note: str) -> None:
    say(f"{note}")


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
