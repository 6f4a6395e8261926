"""Commands about the rule base: rules list, show, lint and coverage."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from icitrace.cli.app import (
    RULE_ID_ARGUMENT,
    RULES_OPTION,
    TEXT_OR_JSON,
    Format,
    command,
    examples,
    fail,
    load_rules,
    rules_app,
    say,
)
from icitrace.errors import EXIT_FAILED, did_you_mean

if TYPE_CHECKING:  # the renderers are imported by the commands that use them (start-up time)
    from icitrace.render.rules import Report


@command(rules_app, "list", epilog=examples("icitrace rules list", "icitrace rules list --format json"))
def rules_list(
    rules: Optional[Path] = RULES_OPTION,
    format: Format = TEXT_OR_JSON,
) -> None:
    """List every rule: id, what it concludes, its evidence kind and what it reads."""
    from icitrace.render.json import data_json
    from icitrace.render.rules import render_rule_list
    from icitrace.rulebase.docs import rule_rows

    rows = rule_rows(load_rules(rules))
    sys.stdout.write(data_json(rows) if format is Format.json else render_rule_list(rows))


@command(rules_app, "show", epilog=examples("icitrace rules show tmb-below-high"))
def rules_show(
    rule_id: str = RULE_ID_ARGUMENT,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Explain one rule: conditions, cut-offs with sources, citations and explanation."""
    from icitrace.render.rules import render_rule

    book = load_rules(rules)
    if rule_id not in book.by_id:
        fail(f"no rule `{rule_id}`{did_you_mean(rule_id, book.by_id, 3)}; icitrace rules list shows them all")
    sys.stdout.write(render_rule(book, book.by_id[rule_id]))


@command(rules_app, "lint", epilog=examples("icitrace rules lint", "icitrace rules lint --rules my-rules/"))
def rules_lint(
    rules: Optional[Path] = RULES_OPTION,
    profiles: int = typer.Option(2000, "--profiles", min=0, metavar="N",
                                 help="Generated profiles for the differential check (0 skips it)."),
) -> None:
    """Check a rule directory and report every problem as file:line (exit 2 if any).

    Checks YAML syntax, keys, ids, cut-offs, duplicates, citations and explanations, strategy rules
    that name no finding, conditions that can never hold, shapes the engine cannot run, unreachable
    findings and strategies, cycles, and text that copies the review or reads as advice. Then runs
    generated profiles through the engine and through the three-valued reading of the same rules and
    reports every rule on which they disagree. `suggest` refuses rules that fail the first checks.
    """
    from icitrace.render.rules import render_differential, render_lint_loaded
    from icitrace.verify import check

    book = load_rules(rules)
    _write(render_lint_loaded(book))
    if profiles:
        _write(render_differential(check(book, profiles)))


def _write(report: Report) -> None:
    """A report as the commands write one: its text on stdout, its messages on stderr, then its failure."""
    sys.stdout.write(report.out)
    for message in report.messages:
        say(message)
    if report.failure:
        fail(report.failure)


@command(rules_app, "coverage", epilog=examples("icitrace rules coverage tests/features"))
def rules_coverage(
    features: Path = typer.Argument(Path("tests/features"), metavar="FEATURES_DIR", show_default=False,
                                    help="Folder of .feature files (default: tests/features)."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Run the scenarios and count, per rule and per rule file, the scenarios where it fires, where it is
    decided not to fire (its conditions false) and where it stays undecided (a field it reads unknown).

    Fails (exit 1) when a scenario fails or a rule lacks a scenario where it fires or one where it is
    decided not to fire: an undecided scenario tests neither.
    """
    from icitrace.bdd.coverage import measure
    from icitrace.render.rules import render_coverage

    book = load_rules(rules)
    if not features.is_dir():
        fail(f"{features}: not a folder of .feature files")
    coverage = measure(features, book, rules)
    sys.stdout.write(render_coverage(coverage, book))
    if coverage.pytest_exit == 5 or not coverage.scenarios:
        fail(f"{features}: no scenario evaluated a profile", EXIT_FAILED)
    if coverage.pytest_exit:
        fail("some scenarios failed (pytest's report is above, on stderr)", EXIT_FAILED)
    if coverage.gaps(book):
        fail("rules without a scenario where they fire and one where they are decided not to fire: "
             + ", ".join(coverage.gaps(book)), EXIT_FAILED)
