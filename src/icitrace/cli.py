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

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Trace a hypothetical tumour profile to the ICI-resistance mechanisms and candidate strategies "
    "of one review. ILLUSTRATIVE ONLY - not for clinical use.",
    epilog="Example: icitrace suggest profiles/hot-unsuppressed.json",
)
rules_app = typer.Typer(no_args_is_help=True, help="Inspect the rule base.",
                        epilog="Example: icitrace rules show hypoxia-high")
app.add_typer(rules_app, name="rules")


class Format(str, Enum):
    text = "text"
    json = "json"


RULES_OPTION = typer.Option(None, "--rules", metavar="DIR", help="Rule directory (default: the shipped rules).")


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    typer.echo(f"icitrace: {message}", err=True)
    raise typer.Exit(code)


def _load_rules(directory: Optional[Path]):  # noqa: ANN202
    from .evaluate import rulebook
    from .rule_loader import RulesError

    try:
        return rulebook(str(directory) if directory else None)
    except RulesError as error:
        _fail("the rules cannot be used:\n" + "\n".join(f"  {p}" for p in error.problems))


def _is_terminal() -> bool:
    return sys.stdout.isatty()


@app.command(epilog="Examples:\n\n  icitrace suggest profiles/cold-desert.json\n\n"
             "  icitrace suggest profiles/*.json --format json > results.json\n\n"
             "  cat my.json | icitrace suggest -")
def suggest(
    profiles: list[str] = typer.Argument(..., metavar="PROFILE...", help="Profile JSON files; - reads stdin."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text (a rationale to read) or json."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Infer resistance mechanisms and the review's candidate strategies, with the reasons."""
    from .engine import EngineError
    from .evaluate import evaluate
    from .profile_io import ProfileError, read_profile

    book = _load_rules(rules)
    results, failed = [], 0
    for source in profiles:
        try:
            results.append(evaluate(read_profile(source), book))
        except ProfileError as error:
            typer.echo(f"icitrace: {error}", err=True)
            failed = max(failed, EXIT_BAD_INPUT)
        except EngineError as error:
            typer.echo(f"icitrace: {source}: {error}", err=True)
            failed = failed or EXIT_ENGINE
    if results:
        if format is Format.json:
            from .render_json import render_json

            sys.stdout.write(render_json(results, as_list=len(profiles) > 1))
        else:
            from .render_text import render_text

            color = _is_terminal() and "NO_COLOR" not in os.environ
            width = min(os.get_terminal_size().columns, 120) if _is_terminal() else 100
            sys.stdout.write(render_text(results, color=color, width=width))
    if failed:
        typer.echo(f"icitrace: {len(profiles) - len(results)} of {len(profiles)} profiles failed", err=True)
        raise typer.Exit(failed)


@app.command(epilog="Example: icitrace validate profiles/*.json")
def validate(
    profiles: list[str] = typer.Argument(..., metavar="PROFILE...", help="Profile JSON files; - reads stdin."),
) -> None:
    """Check profiles against the format without evaluating them."""
    from .profile_io import ProfileError, read_profile

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


@app.command(epilog="Example: icitrace schema > profile.schema.json")
def schema() -> None:
    """Print the JSON Schema of the profile format."""
    from .profile import Profile

    sys.stdout.write(json.dumps(Profile.model_json_schema(by_alias=True), indent=2) + "\n")


@rules_app.command("list", epilog="Example: icitrace rules list --format json")
def rules_list(
    rules: Optional[Path] = RULES_OPTION,
    format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """List every rule: id, what it concludes, its evidence kind and what it reads."""
    from .rule_docs import rule_rows

    book = _load_rules(rules)
    rows = rule_rows(book)
    if format is Format.json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    width = max(len(r["id"]) for r in rows)
    for row in rows:
        reads = ", ".join(row["reads"])
        sys.stdout.write(f"{row['id'].ljust(width)}  {row['concludes']:<45}  {row['evidence']:<15}  {reads}\n")


@rules_app.command("show", epilog="Example: icitrace rules show tmb-below-high")
def rules_show(
    rule_id: str = typer.Argument(..., metavar="RULE_ID"),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Explain one rule: conditions, cut-offs with sources, citations and explanation."""
    import difflib

    from .rule_docs import rule_doc

    book = _load_rules(rules)
    if rule_id not in book.by_id:
        close = difflib.get_close_matches(rule_id, list(book.by_id), n=3)
        _fail(f"no rule `{rule_id}`" + (f"; did you mean: {', '.join(close)}?" if close else "")
              + " (icitrace rules list shows them all)")
    sys.stdout.write(rule_doc(book, book.by_id[rule_id]))


@rules_app.command("coverage", epilog="Example: icitrace rules coverage tests/features")
def rules_coverage(
    features: Path = typer.Argument(Path("tests/features"), metavar="[FEATURES_DIR]",
                                    help="Folder of .feature files (default: tests/features)."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Run the scenarios and count, per rule, the scenarios where it fires and where it does not.

    Fails (exit 1) when a scenario fails or a rule lacks either kind of scenario.
    """
    from .rule_coverage import measure, report

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
