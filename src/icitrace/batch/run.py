"""`icitrace.run_batch(...)`: a whole batch run from Python, with the guarantees of `icitrace batch`.

The command only parses its options, calls ``run_batch`` and prints what it returns, so the two cannot
drift apart: the same checks, in the same order, refuse a run before its output is touched; the output
is guarded (never a file the run reads) and locked; its run record is written beside it, so an
interrupted run resumes (``resume=True``) to the bytes an uninterrupted one writes; the provenance line
opens it. Every refusal and failure is an ``IcitraceError`` (``errors.py``), whose message names the
option as the command spells it (``--out``, ``--map``).

The flow below it, each step a module of its own: ``inputs`` (records read lazily) → ``records`` (one
record to its line) → ``formats`` (each format's writer and reader) → ``workers`` (chunks to processes:
``pool``, ``dask_cluster``) → ``writing`` (whole chunks, stops between them: ``signals``) → ``session``
(the output guarded and locked by ``output``, the run record of ``run_record``, the resume).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from icitrace.batch import output as outputs
from icitrace.batch.column_map import load_map
from icitrace.batch.formats import WITH_HEADER, check_header
from icitrace.batch.group_cutoffs import grouping_problem, load_group_cutoffs
from icitrace.batch.inputs import check, estimate_total, group_values
from icitrace.batch.records import Settings
from icitrace.batch.session import Session
from icitrace.batch.summary import Summary
from icitrace.batch.workers import worker_count
from icitrace.errors import DaskUnavailable, InputProblem, Stopped, UnmatchedGroups, from_os_error
from icitrace.files import STDIN
from icitrace.text import normal_key

FORMATS = ("jsonl", *WITH_HEADER, "parquet")  # parquet: the wide table, written whole at the end


@dataclass(frozen=True)
class BatchReport:
    """How a batch run ended: every record of the input has its line in the output."""

    out: Path | None  # None: standard output
    written: int  # records this run wrote
    failed: int  # of those, the error lines (a record that could not be evaluated)
    resumed_after: int  # records an earlier run had written (``resume=True``), kept as they were
    #: the cohort summary's JSON form (``summary=True``), over every record of the output
    summary: dict[str, Any] | None
    notes: tuple[str, ...]  # what was passed over: a folder's files that are not profiles
    _summary: Summary | None = field(default=None, repr=False, compare=False)

    @property
    def records(self) -> int:
        """The records the output holds."""
        return self.resumed_after + self.written

    def summary_text(self) -> str:
        """The cohort summary as the command prints it (empty without ``summary=True``)."""
        return self._summary.as_text() if self._summary is not None else ""


def run_batch(inputs: str | os.PathLike | Iterable[str | os.PathLike], out: str | os.PathLike | None = None, *,
              format: str = "jsonl", full: bool = False, resume: bool = False, workers: int = 0,  # noqa: A002
              summary: bool = False, by: str | None = None, map: str | os.PathLike | None = None,  # noqa: A002
              cutoffs_by: tuple[str, str | os.PathLike] | None = None, allow_unmatched_groups: bool = False,
              thresholds: Mapping[str, float] | Iterable[str] = (), rules: str | os.PathLike | None = None,
              dask: str | None = None, on_progress: Callable[[int, int | None], None] | None = None,
              on_note: Callable[[str], None] | None = None) -> BatchReport:
    """Evaluate many profiles into ``out``, one line per input record, in input order, as `icitrace batch`
    does (its options by the same names: ``map`` is ``--map``, ``cutoffs_by=(COLUMN, FILE)`` is
    ``--cutoffs-by``). ``inputs``: a folder of .json files, a .jsonl file, a table, or "-" for JSON Lines
    on standard input; ``out=None`` writes to standard output. ``thresholds``: {cut-off: value}, or
    "NAME=VALUE" texts. ``on_progress(done, total)`` hears the records done (those resumed included)
    once the output is open and after each chunk; ``total`` is an estimate, None for standard input.
    ``on_note`` hears each folder entry passed over (also in ``BatchReport.notes``).

    Raises an ``InputProblem`` (exit 2 in the command) before the output changes when the run cannot be
    right, ``RulesProblem`` for rules that cannot be used, ``EngineProblem`` or ``OutputProblem`` when a
    worker, the cluster or the output fails mid-run, and ``Stopped`` on Ctrl-C or SIGTERM; after any of
    the last three the output holds every record before it whole, and ``resume=True`` continues it."""
    try:
        return _run_batch(inputs, out, format, full, resume, workers, summary, by, map, cutoffs_by,
                          allow_unmatched_groups, thresholds, rules, dask, on_progress, on_note)
    except BrokenPipeError:
        raise  # standard output's reader went away (`| head`): as print() would, not a problem of the run
    except OSError as error:  # a path given that cannot be used (a name too long): named, in the family
        raise from_os_error(error) from None


def _run_batch(inputs: Any, out: Any, format: str, full: bool, resume: bool, workers: int,  # noqa: A002
               summary: bool, by: str | None, map: Any, cutoffs_by: Any, allow_unmatched_groups: bool,  # noqa: A002
               thresholds: Any, rules: Any, dask: str | None, on_progress: Any, on_note: Any) -> BatchReport:
    from icitrace.pipeline import rulebook
    from icitrace.rulebase.book import parse_thresholds, with_overrides

    sources = [str(inputs)] if isinstance(inputs, (str, os.PathLike)) else [str(source) for source in inputs]
    if format not in FORMATS:
        raise InputProblem(f"--format {format!r}: expected one of {', '.join(FORMATS)}")
    if isinstance(thresholds, Mapping):
        thresholds = [f"{name}={value}" for name, value in thresholds.items()]
    out = Path(out) if out is not None else None
    map_path = Path(map) if map is not None else None
    table = (cutoffs_by[0], Path(cutoffs_by[1])) if cutoffs_by is not None else None

    # Everything that can refuse the run is checked before the output is opened or changed.
    book = with_overrides(rulebook(str(rules) if rules else None), parse_thresholds(list(thresholds)))
    mapping = load_map(map_path) if map_path is not None else None
    check(sources, mapping)
    groups = group_cutoffs(table, mapping, book) if table else None
    by = _kept(by, mapping)
    if by is not None and not (summary and mapping is not None and by in mapping.keep):
        raise InputProblem(f"--by {by}: a column the map keeps, with --summary (kept: "
                           f"{', '.join(mapping.keep) if mapping else 'none, without --map'})")
    if full and format != "jsonl":
        raise InputProblem("--full writes JSON; use it with --format jsonl")
    if resume and out is None:
        raise InputProblem("--resume needs --out FILE (the file an earlier run was writing)")
    parquet = format == "parquet"
    if parquet:
        _check_parquet(out, resume)
    if dask:
        from icitrace.batch.dask_cluster import check_dask

        try:
            check_dask(dask)
        except DaskUnavailable as error:
            raise DaskUnavailable(f"--dask {dask}: {error}") from None
    counts = group_counts(sources, mapping, groups, allow_unmatched_groups) if groups else None
    settings = Settings(str(rules) if rules else None, tuple((o.cutoff, o.after) for o in book.overrides),
                        "wide" if parquet else format, full, summary, len(book.catalog.findings) + len(book.catalog.strategies), mapping, groups,
                        counts)
    check_header(settings, book)
    total = estimate_total(sources)
    processes = worker_count(workers, total, os.cpu_count() or 1)
    cohort = Summary({f for rule in book.rules for f in rule.fields()}, by,
                     mapping.not_measured if mapping else ()) if summary else None
    reads = outputs.Reads.of(sources, files=[map_path, table[1] if table else None], folders=[book.directory])
    notes: list[str] = []

    def note(text: str) -> None:
        notes.append(text)
        if on_note is not None:
            on_note(text)

    session = Session(sources, out, settings, book, reads, resume=resume, skipped=note, parquet=parquet)
    try:
        session.open(cohort)  # the last refusals; until it returns, not a byte of the output has changed
        skip = session.skip
        progress = None
        if on_progress is not None:
            on_progress(skip, total)
            done = [skip]

            def progress(records: int) -> None:
                done[0] += records
                on_progress(done[0], total)
        try:
            written, failed = session.run(processes, cohort, progress, dask)
        except Stopped as stop:
            raise Stopped(skip + stop.written) from None
        except BrokenPipeError:
            raise
        except OSError as error:  # an input that became unreadable during the run
            raise InputProblem(f"cannot read the input ({error.strerror or error})") from None
    finally:
        session.close()
    return BatchReport(out, written, failed, skip, cohort.as_data() if cohort is not None else None, tuple(notes),
                       cohort)


def group_cutoffs(option: tuple[str, Path], mapping: Any, book: Any) -> Any:
    """The --cutoffs-by table, checked against the rules; its column must be one every record carries."""
    column, path = option
    column = _kept(column, mapping)
    why = grouping_problem(column, mapping, "--map")
    if why:
        raise InputProblem(f"--cutoffs-by {column}: {why}")
    return load_group_cutoffs(column, path, dict(book.cutoffs))


def group_counts(inputs: list[str], mapping: Any, groups: Any, allow: bool) -> dict[str, int] | None:
    """The records of each --cutoffs-by group value, read before the run: a table group that no record
    has is refused (it is a typo more often than a group the cohort lacks), naming the nearest values the
    records hold, unless --allow-unmatched-groups says it is meant."""
    if STDIN in inputs:
        if not allow:
            raise InputProblem("--cutoffs-by with - (stdin): the records' groups cannot be read before the run to "
                               "check them against the table; give the input as a file, or pass "
                               "--allow-unmatched-groups")
        return None
    seen = group_values(inputs, mapping, groups.column)
    problem = groups.unmatched_problem(seen, "pass --allow-unmatched-groups")
    if problem and not allow:
        raise UnmatchedGroups(*problem)
    return dict(seen)


def _check_parquet(out: Path | None, resume: bool) -> None:
    """Parquet is binary and written whole at the end: to a file only, never resumed, and only where
    pyarrow is installed."""
    from icitrace.batch.parquet import available

    if resume:
        raise InputProblem("--resume cannot continue --format parquet: Parquet is written whole at the end of a run, "
                           "so a stopped run leaves no partial table to continue; for a long run write --format wide "
                           "(which resumes), then read it with pandas and write Parquet")
    if out is None:
        try:
            regular = stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
        except (OSError, ValueError, AttributeError):  # no file behind stdout (a test runner's, a closed one)
            regular = False
        if not regular:
            raise InputProblem("--format parquet writes binary: give --out FILE, or redirect standard output to a file")
    problem = available()
    if problem:
        raise InputProblem(problem)


def _kept(column: str | None, mapping: Any) -> str | None:
    """A column named by an option as the map keeps it: names compare as keys (normal_key)."""
    if column is None or mapping is None:
        return column
    return next((kept for kept in mapping.keep if normal_key(kept) == normal_key(column)), column)
