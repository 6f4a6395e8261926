"""What a cohort looked like: how often each finding and strategy was reached, which findings came
together most, how often each field was unknown."""

from __future__ import annotations

import textwrap
from collections import Counter
from itertools import combinations
from typing import Any

from icitrace import DISCLAIMER


class Summary:
    def __init__(self) -> None:
        self.records = self.failed = 0
        self.findings: Counter[str] = Counter()
        self.strategies: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.unknown: Counter[str] = Counter()

    def add(self, outcome: Any) -> None:
        self.records += 1
        if not outcome.ok:
            self.failed += 1
            return
        self.findings.update(outcome.findings)
        self.strategies.update(outcome.strategies)
        self.pairs.update(combinations(sorted(outcome.findings), 2))
        self.unknown.update(outcome.unknown)

    def as_data(self, top_pairs: int = 10) -> dict[str, Any]:
        ranked = lambda counter: dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))  # noqa: E731
        pairs = sorted(self.pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:top_pairs]
        return {
            "disclaimer": DISCLAIMER,
            "records": self.records,
            "evaluated": self.records - self.failed,
            "failed": self.failed,
            "findings": ranked(self.findings),
            "strategies": ranked(self.strategies),
            "findings_together": [{"findings": list(pair), "records": n} for pair, n in pairs],
            "unknown_fields": ranked(self.unknown),
        }

    def as_text(self) -> str:
        data = self.as_data()
        ok = data["evaluated"] or 1
        lines = [*textwrap.wrap(DISCLAIMER, 100), f"Cohort: {data['records']:,} records, {data['evaluated']:,} evaluated, {data['failed']:,} failed", ""]
        for title, key in (("Findings", "findings"), ("Strategies named in the review", "strategies"),
                           ("Unknown fields", "unknown_fields")):
            lines.append(f"{title} (records, share of evaluated):")
            width = max((len(k) for k in data[key]), default=0)
            lines += [f"  {k.ljust(width)}  {n:>9,}  {100 * n / ok:5.1f}%" for k, n in data[key].items()]
            lines.append("")
        lines.append("Findings that occur together most:")
        lines += [f"  {' + '.join(p['findings'])}: {p['records']:,}" for p in data["findings_together"]]
        return "\n".join(lines) + "\n"
