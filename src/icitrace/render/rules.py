"""The rule base as text: `rules list`, `rules show`, the lint report and the coverage table.

Each function returns what the command writes; the command only prints it (stdout for the report,
one message a line on stderr for what is said about it).
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from icitrace.columns import WIDTH, fit
from icitrace.rulebase.book import RuleBook
from icitrace.rulebase.model import Rule
from icitrace.rulebase.conditions import describe

if TYPE_CHECKING:  # the check itself is imported by `rules lint` alone
    from icitrace.verify import Check


def render_rule_list(rows: list[dict]) -> str:
    """`rules list`: a line per rule (``rulebase.docs.rule_rows``), continuations under the first column."""
    width = max(len(row["id"]) for row in rows)
    lines = [f"{row['id'].ljust(width)}  {row['concludes']} ({row['evidence']}); reads {', '.join(row['reads'])}"
             for row in rows]
    return "".join(textwrap.fill(line, WIDTH, subsequent_indent=" " * (width + 2)) + "\n" for line in lines)


def render_rule(book: RuleBook, rule: Rule) -> str:
    """`rules show`: one rule's conditions, cut-offs with their sources, citations and explanation."""
    wrap = lambda text, indent="  ": textwrap.fill(" ".join(text.split()), 96, initial_indent=indent,  # noqa: E731
                                                   subsequent_indent=indent)
    entry = book.catalog.findings.get(rule.then.id) or book.catalog.strategies[rule.then.id]
    kind = f" [{entry.kind}]" if rule.then.finding else ""
    lines = [
        f"{rule.id} (version {rule.version}): {book.title(rule)}",
        f"  defined at {rule.where}",
        "",
        f"Concludes {rule.then.kind} {rule.then.id}: {entry.label}{kind}",
        "When all of these hold:",
        *[f"  - {describe(c, book.cutoffs)}" for c in rule.when],
        f"Evidence: {rule.evidence}",
        "Citations:",
    ]
    for cite in rule.citations:
        short, text = book.reference(cite)
        note = book.reference_note(cite)
        text = f"{text} {note}" if note else text
        lines.append(wrap(text if short == cite else f"{short}, {text}"))
    for name in book.cutoffs_of(rule):
        cutoff = book.cutoffs[name]
        margin = cutoff.margin
        lines += ["", f"Cut-off {cutoff.show()} (borderline within {margin.below:g} below, {margin.above:g} at or above)",
                  wrap("source: " + cutoff.source), wrap("caveat: " + cutoff.caveat)]
        if margin.reason:
            lines.append(wrap("margin: " + margin.reason))
    lines += ["", "Explanation:", wrap(rule.explanation)]
    if rule.then.finding:
        users = [r for r in book.rules if any(c.finding == rule.then.finding for c in r.when)]
        if users:
            lines += ["", "Used by:", *[f"  {u.id} -> {u.then.kind} {u.then.id}" for u in users]]
    return fit("\n".join(lines)) + "\n"


@dataclass(frozen=True)
class Report:
    """What a command writes: ``out`` on stdout, each of ``messages`` on stderr, and ``failure``, its last
    message when it fails (``None``: it succeeds)."""

    out: str = ""
    messages: list[str] = field(default_factory=list)
    failure: str | None = None


def render_lint_loaded(book: RuleBook) -> Report:
    """`rules lint` once the rules load: what the directory holds, and each note worth a look (two lines on
    one field that declare no order, say), which refuses nothing."""
    return Report(f"{book.directory}: ok ({len(book.rules)} rules, {len(book.catalog.findings)} findings, "
                  f"{len(book.catalog.strategies)} strategies, {len(book.cutoffs)} cut-offs)\n",
                  [f"note: {note}" for note in book.notes])


def render_differential(result: Check) -> Report:
    """`rules lint`'s differential check: agreement on stdout, or each rule where the engine and the
    three-valued reading disagree, and the engine's refusals, ending in a failure."""
    if not result.disagreements and not result.engine_errors:
        return Report(f"differential check: {result.profiles:,} generated profiles, the engine and the "
                      "three-valued reading agree on every rule\n")
    messages = [f"rule `{d.rule}`: the engine fired it where the reading says it does not hold on "
                f"{d.engine_only:,} profiles, and the reverse on {d.reading_only:,}; e.g. {json.dumps(d.example)}"
                for d in result.disagreements]
    if result.engine_errors:
        messages.append(f"the engine refused {result.engine_errors:,} generated profiles; first: {result.first_error}")
    return Report("", messages, f"differential check: the engine and the reading disagree on "
                                f"{len(result.disagreements)} rule(s) over {result.profiles:,} generated profiles")


class CoverageCounts(Protocol):
    """What `rules coverage` counted (``bdd.coverage.Coverage``), as the table reads it."""

    fired: Counter
    decided_not: Counter
    undecided: Counter
    scenarios: int
    by_feature: dict[str, tuple[set[str], set[str]]]

    def gaps(self, book: RuleBook) -> list[str]: ...


def render_coverage(coverage: CoverageCounts, book: RuleBook) -> str:
    """Per rule, then per rule file: scenarios where it fires, is decided not to fire, stays undecided."""
    width = max(len(r.id) for r in book.rules)
    head = ["fires", "decided not", "undecided"]
    lines = [f"{'rule'.ljust(width)}  {'  '.join(head)}"]
    for rule in book.rules:
        mark = "" if coverage.fired[rule.id] and coverage.decided_not[rule.id] else "  <- needs a scenario"
        counts = (coverage.fired[rule.id], coverage.decided_not[rule.id], coverage.undecided[rule.id])
        lines.append(f"{rule.id.ljust(width)}  " + "  ".join(f"{n:>{len(h)}}" for n, h in zip(counts, head)) + mark)
    gaps = set(coverage.gaps(book))
    files: dict[str, list[str]] = {}
    for rule in book.rules:
        files.setdefault(Path(rule.where.rsplit(":", 1)[0]).stem, []).append(rule.id)
    # a rule file's own feature (rules/X.yaml <-> X.feature) is where its rules are meant to be tested
    lines += ["", "rule file".ljust(max(width, 9)) + "  rules  covered  by its own feature"]
    for stem, ids in files.items():
        covered = sum(rule_id not in gaps for rule_id in ids)
        fired, decided_not = coverage.by_feature.get(stem, (set(), set()))
        own = sum(rule_id in fired and rule_id in decided_not for rule_id in ids)
        lines.append(f"{(stem + '.yaml').ljust(max(width, 9))}  {len(ids):>5}  {covered:>7}  "
                     f"{own:>18}" + ("" if covered == len(ids) else "  <- gaps"))
    lines.append(f"{len(book.rules)} rules, {coverage.scenarios} evaluated scenarios: "
                 + ("every rule both fires and is decided not to fire." if not gaps
                    else f"{len(gaps)} rules lack a scenario."))
    return "\n".join(lines) + "\n"
