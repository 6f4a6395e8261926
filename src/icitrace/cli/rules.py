"""Commands about the rule base: rules list, show, lint and coverage."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Optional

import typer

from icitrace.cli.app import (
    PIPED_WIDTH,
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


@command(rules_app, "list", epilog=examples("icitrace rules list", "icitrace rules list --format json"))
def rules_list(
    rules: Optional[Path] = RULES_OPTION,
    format: Format = TEXT_OR_JSON,
) -> None:
    """List every rule: id, what it concludes, its evidence kind and what it reads."""
    from icitrace.rulebase.docs import rule_rows

    book = load_rules(rules)
    rows = rule_rows(book)
    if format is Format.json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    width = max(len(r["id"]) for r in rows)
    for row in rows:
        line = f"{row['id'].ljust(width)}  {row['concludes']} ({row['evidence']}); reads {', '.join(row['reads'])}"
        sys.stdout.write(textwrap.fill(line, PIPED_WIDTH, subsequent_indent=" " * (width + 2)) + "\n")


@command(rules_app, "show", epilog=examples("icitrace rules show tmb-below-high"))
def rules_show(
    rule_id: str = RULE_ID_ARGUMENT,
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Explain one rule: conditions, cut-offs with sources, citations and explanation."""
    from icitrace.rulebase.docs import rule_doc

    book = load_rules(rules)
    if rule_id not in book.by_id:
        fail(f"no rule `{rule_id}`{did_you_mean(rule_id, book.by_id, 3)}; icitrace rules list shows them all")
    sys.stdout.write(rule_doc(book, book.by_id[rule_id]))


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
    from icitrace.verify import check

    book = load_rules(rules)
    sys.stdout.write(f"{book.directory}: ok ({len(book.rules)} rules, {len(book.catalog.findings)} findings, "
                     f"{len(book.catalog.strategies)} strategies, {len(book.cutoffs)} cut-offs)\n")
    for note in book.notes:  # worth a look, not a refusal (two lines on one field that declare no order)
        say(f"note: {note}")
    if not profiles:
        return
    result = check(book, profiles)
    if not result.disagreements and not result.engine_errors:
        sys.stdout.write(f"differential check: {result.profiles:,} generated profiles, the engine and the "
                         "three-valued reading agree on every rule\n")
        return
    for d in result.disagreements:
        say(f"rule `{d.rule}`: the engine fired it where the reading says it does not hold on "
            f"{d.engine_only:,} profiles, and the reverse on {d.reading_only:,}; e.g. {json.dumps(d.example)}")
    if result.engine_errors:
        say(f"the engine refused {result.engine_errors:,} generated profiles; first: {result.first_error}")
    fail(f"differential check: the engine and the reading disagree on {len(result.disagreements)} rule(s) "
         f"over {result.profiles:,} generated profiles")


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
    from icitrace.bdd.coverage import measure, report

    book = load_rules(rules)
    if not features.is_dir():
        fail(f"{features}: not a folder of .feature files")
    coverage = measure(features, book, rules)
    sys.stdout.write(report(coverage, book))
    if coverage.pytest_exit == 5 or not coverage.scenarios:
        fail(f"{features}: no scenario evaluated a profile", EXIT_FAILED)
    if coverage.pytest_exit:
        fail("some scenarios failed (pytest's report is above, on stderr)", EXIT_FAILED)
    if coverage.gaps(book):
        fail("rules without a scenario where they fire and one where they are decided not to fire: "
             + ", ".join(coverage.gaps(book)), EXIT_FAILED)
