"""Commands on one profile at a time: suggest, explain, diff, sweep."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from icitrace.cli.app import (
    ID_ARGUMENT,
    PROFILE_ARGUMENT,
    PROFILES_ARGUMENT,
    RULES_OPTION,
    SET_OPTION,
    TEXT_OR_JSON,
    THRESHOLD_OPTION,
    WHY_NOT_OPTION,
    Format,
    ReportFormat,
    app,
    color,
    command,
    edits,
    emit,
    examples,
    fail,
    load_rules,
    report_errors,
    say,
    width,
)
from icitrace.errors import IcitraceError


@command(app, epilog=examples(
    "icitrace suggest profiles/cold-desert.json",
    "icitrace suggest profiles/*.json --format json > results.json",
    "icitrace suggest profiles/sparse-unknowns.json --set hypoxia=high --why-not hypoxia_targeting",
    "icitrace suggest profiles/cold-desert.json --format markdown > report.md",
    "icitrace suggest profiles/mhc-loss.json --brief",
    "icitrace suggest profiles/mhc-loss.json --trace",
    "cat my.json | icitrace suggest -",
    "icitrace suggest data_clinical_sample.txt --map cohort-map.yaml --row S-0001",
))
def suggest(
    profiles: list[str] = PROFILES_ARGUMENT,
    format: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f",
                                        help="text (a rationale to read), json, markdown (a report with a "
                                             "Mermaid chart) or dot (Graphviz)."),
    why_not: Optional[list[str]] = WHY_NOT_OPTION,
    brief: bool = typer.Option(False, "--brief", help="Text and markdown: the summary and the chain without "
                                                      "the prose (summaries, explanations, caveats and notes "
                                                      "left out; maturity stage, chain and references stay)."),
    trace: bool = typer.Option(False, "--trace", help="Text and markdown: add the trace, every firing in the "
                                                      "engine's order (JSON always has it)."),
    full: bool = typer.Option(False, "--full", help="Text and markdown: everything, each thing still said once: "
                                                    "the trace, every deciding unknown with its rules, the "
                                                    "standing strategies' routes, each outside reference in "
                                                    "full with what icitrace takes from it."),
    sets: Optional[list[str]] = SET_OPTION,
    column_map: Optional[Path] = typer.Option(None, "--map", metavar="MAP.yaml",
                                              help="Read PROFILE as a table through a column map (as batch "
                                                   "--map does); with --row."),
    row: Optional[str] = typer.Option(None, "--row", metavar="ID",
                                      help="With --map: the row whose id column holds ID."),
    thresholds: Optional[list[str]] = THRESHOLD_OPTION,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Derive resistance mechanisms and the review's candidate strategies, with the reasons."""
    from icitrace.pipeline import evaluate_sources
    from icitrace.service import check_ids

    book = load_rules(rules, thresholds)
    check_ids(book, why_not or [])
    if column_map is not None or row is not None:
        sources = _mapped_rows(profiles, column_map, row, book, sets, why_not)
    else:
        sources = evaluate_sources(profiles, book, edits(sets), why_not or None)
    errors = emit(sources, format, as_list=len(profiles) > 1, brief=brief, trace=trace, full=full)
    if errors:
        say(f"{len(errors)} of {len(profiles)} profiles failed")
        raise typer.Exit(max(e.exit_code for e in errors))


def _mapped_rows(tables: list[str], column_map: Optional[Path], row: Optional[str], book, sets, why_not):  # noqa: ANN001, ANN202
    """`suggest --map MAP --row ID`: the row of each table whose id is ID, evaluated as a profile."""
    from icitrace.batch.column_map import load_map
    from icitrace.batch.inputs import read_row
    from icitrace.pipeline import evaluate
    from icitrace.profile.editing import apply_changes
    from icitrace.profile.reading import validate

    if column_map is None or row is None:
        fail("--map and --row go together: the map says how to read the table, --row which row")
    mapping = load_map(column_map)
    found = [read_row(table, mapping, row) for table in tables]  # every table checked before output
    for where, data in found:
        profile, changes = apply_changes(validate(data, where, default_id=row), edits(sets))
        yield evaluate(profile, book, changes=changes, why_not=why_not or None)


@command(app, epilog=examples(
    "icitrace explain profiles/cold-desert.json hypoxia_targeting",
    "icitrace explain profiles/mhc-loss.json adoptive_cell_transfer --format json",
))
def explain(
    profile: str = PROFILE_ARGUMENT,
    target: str = ID_ARGUMENT,
    format: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f",
                                        help="text or json: the explanation; markdown or dot: the whole "
                                             "result's report or chain graph, as suggest writes them."),
    sets: Optional[list[str]] = SET_OPTION,
    thresholds: Optional[list[str]] = THRESHOLD_OPTION,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Why a finding or strategy is reached (the chain), or why not (every route and where it stops).

    The same answer as `suggest --why-not ID`.
    """
    from icitrace.pipeline import evaluate_sources
    from icitrace.service import check_ids

    book = load_rules(rules, thresholds)
    check_ids(book, [target])
    (item,) = evaluate_sources([profile], book, edits(sets), [target])
    if isinstance(item, IcitraceError):
        raise typer.Exit(report_errors([item]))
    if format is ReportFormat.text:
        from icitrace.render.text import render_explanation_text

        sys.stdout.write(render_explanation_text(item, color=color(), width=width()))
    else:
        emit([item], format, as_list=False)


@command(app, epilog=examples(
    "icitrace diff profiles/cold-desert.json profiles/hot-unsuppressed.json",
    "icitrace diff profiles/sparse-unknowns.json --set tmb=12 --set hypoxia=high",
))
def diff(
    profile_a: str = typer.Argument(..., metavar="A", help="The first profile JSON file."),
    profile_b: Optional[str] = typer.Argument(None, metavar="B", help="The second; without it, B is A with --set."),
    format: Format = TEXT_OR_JSON,
    sets: Optional[list[str]] = SET_OPTION,
    thresholds: Optional[list[str]] = THRESHOLD_OPTION,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Findings and strategies gained and lost between two profiles, and the rule behind each change."""
    from icitrace.compare import diff as compare
    from icitrace.pipeline import evaluate_sources

    book = load_rules(rules, thresholds)
    changes = edits(sets)
    if profile_b is None and not changes:
        fail("diff needs a second profile B, or --set FIELD=VALUE to change A")
    first, second = *evaluate_sources([profile_a], book), *evaluate_sources([profile_b or profile_a], book, changes)
    errors = [item for item in (first, second) if isinstance(item, IcitraceError)]
    if errors:
        raise typer.Exit(report_errors(errors))
    _emit_model(compare(book, first, second), format)


def _complete_sweep_field(incomplete: str) -> list[str]:
    # imported here, not at the top: the pydantic model has no place in `--help`
    from icitrace.profile.model import reasoned_fields

    return [name for name in reasoned_fields() if name.startswith(incomplete)]


@command(app, epilog=examples(
    "icitrace sweep profiles/cold-desert.json --field tmb --from 0 --to 30 --step 0.5",
    "icitrace sweep profiles/sparse-unknowns.json --field hypoxia",
))
def sweep(
    profile: str = PROFILE_ARGUMENT,
    field: str = typer.Option(..., "--field", help="The field to vary.", autocompletion=_complete_sweep_field),
    start: Optional[float] = typer.Option(None, "--from", help="First value (numeric fields)."),
    stop: Optional[float] = typer.Option(None, "--to", help="Last value (numeric fields)."),
    step: Optional[float] = typer.Option(None, "--step", help="Step (numeric fields)."),
    format: Format = TEXT_OR_JSON,
    sets: Optional[list[str]] = SET_OPTION,
    thresholds: Optional[list[str]] = THRESHOLD_OPTION,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Vary one field across a range (or all its levels) and show where each conclusion appears or goes."""
    from icitrace.compare import sweep_profile
    from icitrace.profile.editing import EditError, apply_changes
    from icitrace.profile.reading import read_profile
    from icitrace.service import plan_sweep

    book = load_rules(rules, thresholds)
    values = plan_sweep(field, start, stop, step)
    try:
        base = apply_changes(read_profile(profile), edits(sets))[0]
    except EditError as error:
        fail(f"{profile}: {error}")
    _emit_model(sweep_profile(book, base, field, values), format)


def _emit_model(model, format: Format) -> None:  # noqa: ANN001
    """A diff or a sweep: its JSON is the model itself; its text comes from render.compare."""
    from icitrace.render.compare import render_text_of

    sys.stdout.write(model.model_dump_json(indent=2) + "\n" if format is Format.json else render_text_of(model))
