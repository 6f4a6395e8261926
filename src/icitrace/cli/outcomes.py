"""`icitrace outcomes`: do the records a conclusion reaches respond or survive differently?

Needs the ``analysis`` extra (lifelines, scipy, matplotlib), imported only here, when the command runs:
``icitrace --help`` and every other command stay as quick, and work without it.
"""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from icitrace.cli.app import RULES_OPTION, THRESHOLD_OPTION, app, command, examples, fail, load_rules
from icitrace.errors import EXIT_FAILED

#: what the extra brings, by the module each is imported as
EXTRA = ("lifelines", "scipy", "matplotlib", "pandas")


class OutcomesFormat(str, Enum):
    csv = "csv"
    json = "json"


@command(app, epilog=examples(
    "icitrace outcomes clinical.txt --map cohort-map.yaml                     # the table, CSV, on stdout",
    "icitrace outcomes clinical.txt --map cohort-map.yaml --report outcomes.html --out outcomes.csv",
    "icitrace outcomes cohort.csv --map map.yaml --by CANCER_TYPE --format json",
    "icitrace outcomes cohort.csv --map map.yaml --cutoffs-by CANCER_TYPE tmb-lines.csv --every-rule",
))
def outcomes(
    table: str = typer.Argument(..., metavar="TABLE", help="A table (.csv, or .tsv/.txt tab-separated), read "
                                                           "through --map as `icitrace batch` reads it."),
    column_map: Path = typer.Option(..., "--map", metavar="MAP.yaml",
                                    help="The column map, with an outcomes: section naming the response and/or "
                                         "survival columns (see docs/outcomes.md)."),
    by: Optional[str] = typer.Option(None, "--by", metavar="COLUMN",
                                     help="A column the map keeps: the Cox hazard ratio is stratified by it."),
    cutoffs_by: Optional[tuple[str, Path]] = typer.Option(
        None, "--cutoffs-by", metavar="COLUMN FILE",
        help="Cut-offs per group, as for `icitrace batch` (FILE: a CSV of group,cutoff,value)."),
    allow_unmatched: bool = typer.Option(False, "--allow-unmatched-groups",
                                         help="With --cutoffs-by: run even when a group of the table matches no "
                                              "record."),
    format: OutcomesFormat = typer.Option(OutcomesFormat.csv, "--format", "-f", help="csv or json."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="FILE", help="The table's file (default: "
                                                                                   "stdout)."),
    report: Optional[Path] = typer.Option(None, "--report", metavar="FILE.html",
                                          help="Also write a self-contained HTML report: Kaplan-Meier curves, a "
                                               "forest plot, the counts."),
    every_rule: bool = typer.Option(False, "--every-rule", help="A row for every rule too, not only for each "
                                                                 "finding and strategy."),
    min_n: int = typer.Option(10, "--min-n", min=1, metavar="N",
                              help="Fewer records with the outcome known in a group (or, for survival, fewer "
                                   "events in all) is too few: no figure, no p-value, a note says why."),
    thresholds: Optional[list[str]] = THRESHOLD_OPTION,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Response and survival of the records each finding and strategy reaches, against the records it is
    decided not to reach (undecided ones left out, counted): rates with Wilson intervals, odds ratio and
    Fisher's p, Kaplan-Meier medians, log-rank p, Cox hazard ratio, Benjamini-Hochberg q-values.

    An association in one cohort: not a cause, not a result about any patient. Exit 1 when a record
    could not be evaluated (it is left out, counted; the table is written).
    """
    missing = [name for name in EXTRA if not _importable(name)]
    if missing:
        fail(f"icitrace outcomes needs the analysis extra: pip install 'icitrace[analysis]' (missing: "
             f"{', '.join(missing)})")
    from icitrace.batch import output as outputs
    from icitrace.batch.column_map import load_map
    from icitrace.batch.inputs import check, records
    from icitrace.batch.run import group_counts, group_cutoffs
    from icitrace.outcomes.analysis import analyse
    from icitrace.outcomes.cohort import check_study, read_cohort, settings_for
    from icitrace.outcomes.table import csv_text, json_text, run_provenance

    # Everything that can refuse the run is checked before an output is touched.
    book = load_rules(rules, thresholds)
    mapping = load_map(column_map)
    by = check_study(mapping, by)
    check([table], mapping)
    groups = group_cutoffs(cutoffs_by, mapping, book) if cutoffs_by else None
    counts = group_counts([table], mapping, groups, allow_unmatched) if groups else None
    reads = outputs.Reads.of([table], files=[column_map, cutoffs_by[1] if cutoffs_by else None],
                             folders=[book.directory])
    places = [(path, option) for path, option in ((out, "--out"), (report, "--report")) if path is not None]
    for path, option in places:
        why = reads.clash(path)
        if why:
            fail(f"{option} {path} {why}: write it elsewhere")
    if out is not None and report is not None and _same(out, report):
        fail(f"--out and --report name one file ({report}); give each its own")

    settings = settings_for(book, mapping, str(rules) if rules else None, groups, counts, every_rule)
    cohort = read_cohort(records([table], column_map=mapping), book, settings, by)
    rows = analyse(cohort, min_n, by)
    run = run_provenance(book, mapping, cohort, by, min_n, groups, counts)
    text = json_text(rows, run) if format is OutcomesFormat.json else csv_text(rows, run)
    page = None
    if report is not None:
        from icitrace.outcomes.report import report_html

        page = report_html(rows, cohort, run, table)
    # the outputs, each checked and locked again as it is opened, and only then emptied and written
    targets = [(outputs.prepare_output(out, reads), text)]
    if report is not None:
        targets.append((outputs.prepare_output(report, reads, "--report"), page))
    for target, content in targets:
        try:
            if target.regular and target.path is not None:
                target.stream.truncate(0)
            _write_all(target.stream, content.encode("utf-8"))
        finally:
            target.close()
    if cohort.failed:
        fail(f"{cohort.failed:,} of {cohort.records:,} records could not be evaluated and are left out of every "
             "figure", EXIT_FAILED, details=cohort.errors)


def _write_all(stream, data: bytes) -> None:  # noqa: ANN001
    view = memoryview(data)
    while view:
        view = view[stream.write(view) or 0:]
    stream.flush()


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _same(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return one.resolve() == other.resolve()


__all__ = ["outcomes"]
