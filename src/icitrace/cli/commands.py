"""The ``icitrace`` command. Results go to stdout, messages to stderr; exit 0 ok, 2 bad input or rules.

Heavy modules (the engine, pydantic models) are imported inside the commands that need them, so
``icitrace --help`` stays quick.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import NoReturn, Optional

import typer

EXIT_BAD_INPUT = 2
EXIT_ENGINE = 1

def _examples(*commands: str) -> str:
    """An epilog of example commands, kept verbatim by click (\\b stops it rewrapping the block)."""
    return "\b\nExamples:\n" + "\n".join(f"  {c}" for c in commands)


# Plain help (rich_markup_mode=None): typer's rich help pulls in markdown-it and friends, which
# tripled the time of `icitrace --help` (measured 318 ms against 115 ms for `import typer`).
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Trace a hypothetical tumour profile to the ICI-resistance mechanisms and candidate strategies "
    "of one review. ILLUSTRATIVE ONLY - not for clinical use.",
    epilog=_examples("icitrace suggest profiles/hot-unsuppressed.json"),
)
rules_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Inspect the rule base.",
                        epilog=_examples("icitrace rules show hypoxia-high"))
app.add_typer(rules_app, name="rules")


class Format(str, Enum):
    text = "text"
    json = "json"


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    dot = "dot"


RULES_OPTION = typer.Option(None, "--rules", metavar="DIR", help="Rule directory (default: the shipped rules).")
SET_OPTION = typer.Option(None, "--set", metavar="FIELD=VALUE",
                          help="Change a profile field for this run (repeatable); VALUE may be unknown.")
TEXT_OR_JSON = typer.Option(Format.text, "--format", "-f", help="text or json.")
THRESHOLD_OPTION = typer.Option(None, "--threshold", metavar="NAME=VALUE",
                                help="Move a named cut-off for this run (repeatable), e.g. tmb_high=12.")


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    typer.echo(f"icitrace: {message}", err=True)
    raise typer.Exit(code)


def _load_rules(directory: Optional[Path], thresholds: Optional[list[str]] = None):  # noqa: ANN202
    from icitrace.pipeline import rulebook
    from icitrace.rulebase.loading import RulesError, with_overrides

    try:
        book = rulebook(str(directory) if directory else None)
    except RulesError as error:
        _fail("the rules cannot be used:\n" + "\n".join(f"  {p}" for p in error.problems))
    values = {}
    for text in thresholds or []:
        name, sep, value = text.partition("=")
        try:
            values[name.strip()] = float(value)
        except ValueError:
            _fail(f"--threshold {text!r}: expected NAME=NUMBER, e.g. tmb_high=12")
        if not sep:
            _fail(f"--threshold {text!r}: expected NAME=NUMBER, e.g. tmb_high=12")
    try:
        return with_overrides(book, values)
    except ValueError as error:
        _fail(f"--threshold: {error}")


def _edits(sets: Optional[list[str]]) -> list:
    from icitrace.profile.editing import EditError, parse_assignment

    try:
        return [parse_assignment(text) for text in sets or []]
    except EditError as error:
        _fail(f"--set: {error}")


def _check_ids(book, ids: list[str]) -> None:  # noqa: ANN001
    import difflib

    known = [*book.catalog.findings, *book.catalog.strategies]
    for target in ids:
        if target not in known:
            near = difflib.get_close_matches(target, known, n=3)
            _fail(f"no finding or strategy {target!r}" + (f"; did you mean: {', '.join(near)}?" if near else "")
                  + f". Ids: {', '.join(known)}")


def _evaluate_all(sources: list[str], book, edits: list, why_not: Optional[list[str]]):  # noqa: ANN001, ANN202
    """Evaluate each source; a bad one is reported on stderr and the rest go on."""
    from icitrace.engine.durable import EngineError
    from icitrace.pipeline import evaluate
    from icitrace.profile.editing import apply_changes
    from icitrace.profile.reading import ProfileError, read_profile

    results, failed = [], 0
    for source in sources:
        try:
            profile, changes = apply_changes(read_profile(source), edits)
            results.append(evaluate(profile, book, changes=changes, why_not=why_not))
        except ProfileError as error:
            typer.echo(f"icitrace: {error}", err=True)
            failed = EXIT_BAD_INPUT
        except ValueError as error:  # pydantic's ValidationError after an edit
            typer.echo(f"icitrace: {source}: after --set: {_first_error(error)}", err=True)
            failed = EXIT_BAD_INPUT
        except EngineError as error:
            typer.echo(f"icitrace: {source}: {error}", err=True)
            failed = failed or EXIT_ENGINE
    return results, failed


def _first_error(error: Exception) -> str:
    from pydantic import ValidationError

    from icitrace.profile.reading import say_error

    return say_error(error.errors()[0]) if isinstance(error, ValidationError) else str(error)


def _emit(results: list, format: ReportFormat, as_list: bool, brief: bool = False) -> None:  # noqa: ANN001
    if format is ReportFormat.json:
        from icitrace.render.json import render_json

        sys.stdout.write(render_json(results, as_list=as_list))
    elif format is ReportFormat.markdown:
        from icitrace.render.markdown import render_markdown

        sys.stdout.write(render_markdown(results, brief=brief))
    elif format is ReportFormat.dot:
        from icitrace.render.dot import render_dot

        sys.stdout.write(render_dot(results))
    else:
        from icitrace.render.text import render_text

        sys.stdout.write(render_text(results, color=_color(), width=_width(), brief=brief))


def _color() -> bool:
    return _is_terminal() and "NO_COLOR" not in os.environ


def _width() -> int:
    return min(os.get_terminal_size().columns, 120) if _is_terminal() else 100


def _is_terminal() -> bool:
    return sys.stdout.isatty()


@app.command(epilog=_examples(
    "icitrace suggest profiles/cold-desert.json",
    "icitrace suggest profiles/*.json --format json > results.json",
    "icitrace suggest profiles/sparse-unknowns.json --set hypoxia=high --why-not hypoxia_targeting",
    "icitrace suggest profiles/cold-desert.json --format markdown > report.md",
    "icitrace suggest profiles/mhc-loss.json --brief",
    "cat my.json | icitrace suggest -",
))
def suggest(
    profiles: list[str] = typer.Argument(..., metavar="PROFILE...", help="Profile JSON files; - reads stdin."),
    format: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f",
                                        help="text (a rationale to read), json, markdown (a report with a "
                                             "Mermaid chart) or dot (Graphviz)."),
    why_not: Optional[list[str]] = typer.Option(None, "--why-not", metavar="ID",
                                                help="Explain why a finding or strategy is, or is not, reached "
                                                     "(repeatable)."),
    brief: bool = typer.Option(False, "--brief", help="Text and markdown: leave out the summaries and rule "
                                                      "explanations (maturity, chain, caveats and references "
                                                      "stay)."),
    sets: Optional[list[str]] = SET_OPTION,
    thresholds: Optional[list[str]] = THRESHOLD_OPTION,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Derive resistance mechanisms and the review's candidate strategies, with the reasons."""
    book = _load_rules(rules, thresholds)
    _check_ids(book, why_not or [])
    edits = _edits(sets)
    results, failed = _evaluate_all(profiles, book, edits, why_not or None)
    if results:
        _emit(results, format, as_list=len(profiles) > 1, brief=brief)
    if failed:
        typer.echo(f"icitrace: {len(profiles) - len(results)} of {len(profiles)} profiles failed", err=True)
        raise typer.Exit(failed)


@app.command(epilog=_examples(
    "icitrace explain profiles/cold-desert.json hypoxia_targeting",
    "icitrace explain profiles/mhc-loss.json adoptive_cell_transfer --format json",
))
def explain(
    profile: str = typer.Argument(..., metavar="PROFILE", help="A profile JSON file; - reads stdin."),
    target: str = typer.Argument(..., metavar="FINDING_OR_STRATEGY_ID"),
    format: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f", help="text, json or markdown."),
    sets: Optional[list[str]] = SET_OPTION,
    thresholds: Optional[list[str]] = THRESHOLD_OPTION,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Why a finding or strategy is reached (the chain), or why not (every route and where it stops).

    The same answer as `suggest --why-not ID`.
    """
    book = _load_rules(rules, thresholds)
    _check_ids(book, [target])
    results, failed = _evaluate_all([profile], book, _edits(sets), [target])
    if failed:
        raise typer.Exit(failed)
    if format is ReportFormat.text:
        from icitrace.render.text import render_explanation_text

        sys.stdout.write(render_explanation_text(results[0], color=_color(), width=_width()))
    else:
        _emit(results, format, as_list=False)


@app.command(epilog=_examples(
    "icitrace diff profiles/cold-desert.json profiles/hot-unsuppressed.json",
    "icitrace diff profiles/sparse-unknowns.json --set tmb=12 --set hypoxia=high",
))
def diff(
    profile_a: str = typer.Argument(..., metavar="A"),
    profile_b: Optional[str] = typer.Argument(None, metavar="[B]", help="Second profile; without it, B is A with --set."),
    format: Format = TEXT_OR_JSON,
    sets: Optional[list[str]] = SET_OPTION,
    thresholds: Optional[list[str]] = THRESHOLD_OPTION,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Findings and strategies gained and lost between two profiles, and the rule behind each change."""
    from icitrace.compare import diff as compare

    book = _load_rules(rules, thresholds)
    edits = _edits(sets)
    if profile_b is None and not edits:
        _fail("diff needs a second profile B, or --set FIELD=VALUE to change A")
    first, failed_a = _evaluate_all([profile_a], book, [], None)
    second, failed_b = _evaluate_all([profile_b or profile_a], book, edits, None)
    if failed_a or failed_b:
        raise typer.Exit(failed_a or failed_b)
    _emit_model(compare(book, first[0], second[0]), format)


@app.command(epilog=_examples(
    "icitrace sweep profiles/cold-desert.json --field tmb --from 0 --to 30 --step 0.5",
    "icitrace sweep profiles/sparse-unknowns.json --field hypoxia",
))
def sweep(
    profile: str = typer.Argument(..., metavar="PROFILE"),
    field: str = typer.Option(..., "--field", help="The field to vary."),
    start: Optional[float] = typer.Option(None, "--from", help="First value (numeric fields)."),
    stop: Optional[float] = typer.Option(None, "--to", help="Last value (numeric fields)."),
    step: Optional[float] = typer.Option(None, "--step", help="Step (numeric fields)."),
    format: Format = TEXT_OR_JSON,
    sets: Optional[list[str]] = SET_OPTION,
    thresholds: Optional[list[str]] = THRESHOLD_OPTION,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Vary one field across a range (or all its levels) and show where each conclusion appears or goes."""
    from pydantic import ValidationError

    from icitrace.compare import sweep as run_sweep
    from icitrace.compare import sweep_values
    from icitrace.pipeline import evaluate
    from icitrace.profile.editing import EditError, apply_changes, check_field
    from icitrace.profile.reading import ProfileError, read_profile

    book = _load_rules(rules, thresholds)
    try:
        check_field(field)
        values = sweep_values(field, start, stop, step)
        base = _edited(read_profile(profile), _edits(sets))
    except (EditError, ProfileError) as error:
        _fail(str(error))
    except ValidationError as error:
        _fail(f"{profile}: {_first_error(error)}")
    except ValueError as error:
        _fail(f"--field {field}: {error}")
    from icitrace.profile.model import implied_bounds

    others = {k: v for k, v in base.known().items() if k != field}
    bound = implied_bounds(field, others)[2]
    results, impossible = [], []
    for value in values:  # a value the rest of the profile rules out (CPS below TPS) is skipped, and said so
        try:
            results.append((value, evaluate(apply_changes(base, [(field, value)])[0], book)))
        except ValidationError as error:
            impossible.append((value, bound or _first_error(error)))
    _emit_model(run_sweep(field, results, impossible, base.id or profile), format)


def _emit_model(model, format: Format) -> None:  # noqa: ANN001
    """A diff or a sweep: its JSON is the model itself; its text comes from render_compare."""
    from icitrace.render.compare import render_text_of

    sys.stdout.write(model.model_dump_json(indent=2) + "\n" if format is Format.json else render_text_of(model))


class BatchFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


@app.command(epilog=_examples(
    "icitrace synth --n 100000 --seed 1 > cohort.jsonl",
    "icitrace batch cohort.jsonl --out results.jsonl --summary",
    "icitrace batch profiles/ --format csv > results.csv",
    "icitrace batch cohort.jsonl --out results.jsonl --resume",
))
def batch(
    inputs: list[str] = typer.Argument(..., metavar="INPUT...",
                                       help="A folder of profile .json files, a .jsonl file (one profile per line), "
                                            "a .csv file (columns are profile fields, lists ;-separated), or - for "
                                            "JSON Lines on stdin."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output file (default: stdout)."),
    format: BatchFormat = typer.Option(BatchFormat.jsonl, "--format", "-f", help="jsonl or csv."),
    workers: int = typer.Option(0, "--workers", "-w", help="Worker processes (default: the number of cores)."),
    full: bool = typer.Option(False, "--full", help="Write the whole JSON contract per record (jsonl only)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run: keep the records already in "
                                                         "--out, evaluate the rest."),
    summary: bool = typer.Option(False, "--summary", help="Print a cohort summary when done."),
    summary_format: Format = typer.Option(Format.text, "--summary-format", help="text or json."),
    dask: Optional[str] = typer.Option(None, "--dask", metavar="ADDRESS",
                                       help="Run on a Dask cluster (e.g. tcp://127.0.0.1:8786); needs icitrace[dask]."),
    thresholds: Optional[list[str]] = THRESHOLD_OPTION,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Evaluate many profiles: one output line per input record, in input order, streamed.

    A record that cannot be evaluated gets an error line naming it (file and line); records in always
    equal records out. Exit 1 if any record failed, 130 when interrupted (--resume continues).
    """
    from icitrace.batch import run as runner
    from icitrace.batch.inputs import InputError, check, estimate_total, records
    from icitrace.batch.pool import WorkerDied
    from icitrace.batch.summary import Summary

    book = _load_rules(rules, thresholds)
    try:
        check(inputs)  # before --out is opened: a refused input must not empty an earlier results file
    except InputError as error:
        _fail(str(error))
    if full and format is BatchFormat.csv:
        _fail("--full writes JSON; use it with --format jsonl")
    if resume and out is None:
        _fail("--resume needs --out FILE (the file an earlier run was writing)")
    settings = runner.Settings(str(rules) if rules else None,
                               tuple((o.cutoff, o.after) for o in book.overrides), format.value, full, summary)
    skip = runner.completed_records(out, format.value) if resume and out else 0
    started = bool(resume and out and out.exists() and out.stat().st_size)  # a CSV header is already there
    workers = workers if workers > 0 else (os.cpu_count() or 1)
    cohort = Summary() if summary else None
    target = open(out, "ab" if resume else "wb") if out else sys.stdout.buffer
    progress = _progress() if sys.stderr.isatty() else None
    try:
        with progress or _nothing():
            total = estimate_total(inputs) if progress else None
            task = progress.add_task("records", total=total, completed=skip) if progress else None
            advance = (lambda n: progress.advance(task, n)) if progress else None
            written, failed = runner.run(records(inputs), target, settings, workers, cohort, advance, skip,
                                         write_header=not started, dask=dask)
    except InputError as error:
        _fail(str(error))
    except (WorkerDied, runner.OutputError) as error:
        _fail(f"{error}; the output holds every record before it whole"
              + ("; run again with --resume to continue" if out else ""), EXIT_ENGINE)
    except runner.DaskUnavailable as error:
        _fail(f"--dask {dask}: {error}")
    except BrokenPipeError:
        raise  # stdout's reader went away (`| head`): click ends quietly with exit 1
    except OSError as error:  # an input that became unreadable during the run
        _fail(f"cannot read the input ({error.strerror or error})")
    except runner.Stopped as stop:
        typer.echo(f"icitrace: stopped after {skip + stop.args[0]:,} records; the output holds each of them whole"
                   + ("; run again with --resume to continue" if out else ""), err=True)
        raise typer.Exit(130)
    finally:
        if out:
            target.close()
    if resume:
        typer.echo(f"icitrace: resumed after {skip:,} records already written", err=True)
    if cohort is not None:
        text = (json.dumps(cohort.as_data(), indent=2) + "\n") if summary_format is Format.json else cohort.as_text()
        (sys.stdout.write if out else sys.stderr.write)(text)
    if failed:
        typer.echo(f"icitrace: {failed:,} of {written:,} records could not be evaluated (see their error lines)",
                   err=True)
        raise typer.Exit(1)


@app.command(epilog=_examples("icitrace synth --n 1000 --seed 7 > cohort.jsonl"))
def synth(
    n: int = typer.Option(..., "--n", min=0, help="How many profiles."),
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


class _nothing:
    def __enter__(self):  # noqa: ANN204
        return None

    def __exit__(self, *exc):  # noqa: ANN002, ANN204
        return False


def _edited(profile, edits: list):  # noqa: ANN001, ANN202
    from icitrace.profile.editing import apply_changes

    return apply_changes(profile, edits)[0]


@app.command(epilog=_examples("icitrace validate profiles/*.json"))
def validate(
    profiles: list[str] = typer.Argument(..., metavar="PROFILE...", help="Profile JSON files; - reads stdin."),
) -> None:
    """Check profiles against the format without evaluating them."""
    from icitrace.profile.reading import ProfileError, read_profile

    bad = 0
    for source in profiles:
        try:
            profile = read_profile(source)
        except ProfileError as error:
            typer.echo(f"icitrace: {error}", err=True)
            bad += 1
            continue
        typer.echo(f"{source}: ok ({len(profile.known())} known, {len(profile.unknown())} unknown)", err=True)
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command(epilog=_examples("icitrace schema > profile.schema.json"))
def schema() -> None:
    """Print the JSON Schema of the profile format."""
    from icitrace.profile.model import Profile

    sys.stdout.write(json.dumps(Profile.model_json_schema(by_alias=True), indent=2) + "\n")


@rules_app.command("list", epilog=_examples("icitrace rules list --format json"))
def rules_list(
    rules: Optional[Path] = RULES_OPTION,
    format: Format = TEXT_OR_JSON,
) -> None:
    """List every rule: id, what it concludes, its evidence kind and what it reads."""
    from icitrace.rulebase.docs import rule_rows

    book = _load_rules(rules)
    rows = rule_rows(book)
    if format is Format.json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    width = max(len(r["id"]) for r in rows)
    for row in rows:
        reads = ", ".join(row["reads"])
        sys.stdout.write(f"{row['id'].ljust(width)}  {row['concludes']:<45}  {row['evidence']:<15}  {reads}\n")


@rules_app.command("show", epilog=_examples("icitrace rules show tmb-below-high"))
def rules_show(
    rule_id: str = typer.Argument(..., metavar="RULE_ID"),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Explain one rule: conditions, cut-offs with sources, citations and explanation."""
    import difflib

    from icitrace.rulebase.docs import rule_doc

    book = _load_rules(rules)
    if rule_id not in book.by_id:
        close = difflib.get_close_matches(rule_id, list(book.by_id), n=3)
        _fail(f"no rule `{rule_id}`" + (f"; did you mean: {', '.join(close)}?" if close else "")
              + " (icitrace rules list shows them all)")
    sys.stdout.write(rule_doc(book, book.by_id[rule_id]))


@rules_app.command("lint", epilog=_examples("icitrace rules lint --rules my-rules/"))
def rules_lint(
    rules: Optional[Path] = RULES_OPTION,
    profiles: int = typer.Option(2000, "--profiles", min=0, help="Generated profiles for the differential check "
                                                                 "(0 skips it)."),
) -> None:
    """Check a rule directory and report every problem as file:line (exit 2 if any).

    Checks YAML syntax, keys, ids, cut-offs, duplicates, citations and explanations, strategy rules
    that name no finding, conditions that can never hold, shapes the engine cannot run, unreachable
    findings and strategies, cycles, and text that copies the review or reads as advice. Then runs
    generated profiles through the engine and through the three-valued reading of the same rules and
    reports every rule on which they disagree. `suggest` refuses rules that fail the first checks.
    """
    from icitrace.verify import check

    book = _load_rules(rules)
    sys.stdout.write(f"{book.directory}: ok ({len(book.rules)} rules, {len(book.catalog.findings)} findings, "
                     f"{len(book.catalog.strategies)} strategies, {len(book.cutoffs)} cut-offs)\n")
    if not profiles:
        return
    result = check(book, profiles)
    if not result.disagreements and not result.engine_errors:
        sys.stdout.write(f"differential check: {result.profiles:,} generated profiles, the engine and the "
                         "three-valued reading agree on every rule\n")
        return
    for d in result.disagreements:
        typer.echo(f"icitrace: rule `{d.rule}`: the engine fired it where the reading says it does not hold on "
                   f"{d.engine_only:,} profiles, and the reverse on {d.reading_only:,}; e.g. {json.dumps(d.example)}",
                   err=True)
    if result.engine_errors:
        typer.echo(f"icitrace: the engine refused {result.engine_errors:,} generated profiles; first: "
                   f"{result.first_error}", err=True)
    _fail(f"differential check: the engine and the reading disagree on {len(result.disagreements)} rule(s) "
          f"over {result.profiles:,} generated profiles")


@rules_app.command("coverage", epilog=_examples("icitrace rules coverage tests/features"))
def rules_coverage(
    features: Path = typer.Argument(Path("tests/features"), metavar="[FEATURES_DIR]",
                                    help="Folder of .feature files (default: tests/features)."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Run the scenarios and count, per rule, the scenarios where it fires and where it does not.

    Fails (exit 1) when a scenario fails or a rule lacks either kind of scenario.
    """
    from icitrace.bdd.coverage import measure, report

    book = _load_rules(rules)
    if not features.is_dir():
        _fail(f"{features}: not a folder of .feature files")
    coverage = measure(features, book, rules)
    sys.stdout.write(report(coverage, book))
    if coverage.pytest_exit == 5 or not coverage.scenarios:
        _fail(f"{features}: no scenario evaluated a profile", 1)
    if coverage.pytest_exit:
        _fail("some scenarios failed (pytest's report is above, on stderr)", 1)
    if coverage.gaps(book):
        _fail("rules without a scenario where they fire and one where they do not: "
              + ", ".join(coverage.gaps(book)), 1)


def main() -> None:
    app()
