"""Documentation generated from the rules themselves (ruff's `rule` command in spirit)."""

from __future__ import annotations

import textwrap

from icitrace.columns import fit
from icitrace.rulebase.book import RuleBook
from icitrace.rulebase.model import Rule
from icitrace.rulebase.conditions import describe


def rule_rows(book: RuleBook) -> list[dict]:
    """One summary row per rule, in definition order."""
    return [
        {
            "id": r.id,
            "concludes": f"{r.then.kind} {r.then.id}",
            "evidence": r.evidence,
            "reads": r.fields() + [c.finding for c in r.when if c.finding]
            + [f"{c.count.at_least}+ {c.count.kind} findings" for c in r.when if c.count],
            "where": r.where,
        }
        for r in book.rules
    ]


def rule_doc(book: RuleBook, rule: Rule) -> str:
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
