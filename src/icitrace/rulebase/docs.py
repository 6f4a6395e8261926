"""The rules as data, one row each (`rules list` and the page's catalogue; their text is ``render.rules``)."""

from __future__ import annotations

from icitrace.rulebase.book import RuleBook


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
