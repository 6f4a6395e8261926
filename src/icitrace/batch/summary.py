"""What a cohort looked like: how often each finding and strategy was reached, which findings came
together most, how often each field the rules read was unknown, and which unknowns would decide the
most; overall, and per group of a kept column (`--summary --by COLUMN`). A field the map declares
``not_measured`` is unknown in every record by design: it is left out of both and named instead.

Per group, memory and output are bounded whatever the column holds (an id column has a value per
record): the first ``TRACKED`` distinct values are summarised each, later ones together; the summary
shows the ``SHOWN`` largest groups and the rest as one ``other`` group, and says how many it holds.
Group values are compared as keys (``normal_key``: blanks around them and Unicode form set aside).
"""

from __future__ import annotations

import textwrap
from collections import Counter
from itertools import combinations
from typing import Any

from icitrace import DISCLAIMER
from icitrace.text import normal_key, printable

#: distinct --by values summarised one by one; records of later values are summarised together
TRACKED = 200
#: groups shown one by one (the largest); the rest are shown as one "other" group
SHOWN = 50


class Summary:
    def __init__(self, reads: Any = None, by: str | None = None, not_measured: tuple[str, ...] = ()) -> None:
        #: the fields some rule reads: an unknown field no rule reads changes nothing, so it is left out
        self.reads = set(reads) if reads is not None else None
        #: fields the cohort never measured (the map's not_measured): unknown in every record by design, so
        #: left out of the unknown fields and the deciding unknowns, and named instead
        self.not_measured = tuple(not_measured)
        self.by = by
        self.groups: dict[str, Summary] = {}
        self.records = self.failed = 0
        self.findings: Counter[str] = Counter()
        self.strategies: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.unknown: Counter[str] = Counter()
        #: deciding unknowns: field -> records where it alone would settle an undecided rule, and the
        #: rules so settled; over the records evaluated in this run (a resumed run's earlier records
        #: are read back from the output, which does not hold this)
        self.deciding_records: Counter[str] = Counter()
        self.deciding_rules: Counter[str] = Counter()
        self.deciding_over = 0
        #: --by values past TRACKED: their records together, and (up to TRACKED of) their names
        self.untracked: Summary | None = Summary(self.reads, None, self.not_measured) if by is not None else None
        self.untracked_values: set[str] = set()

    def merge(self, other: Summary) -> None:
        """Add another summary's counts (no groups) to this one's."""
        for name in ("records", "failed", "deciding_over"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("findings", "strategies", "pairs", "unknown", "deciding_records", "deciding_rules"):
            getattr(self, name).update(getattr(other, name))

    def add(self, outcome: Any) -> None:
        if self.by is not None:
            group = normal_key((getattr(outcome, "keep", None) or {}).get(self.by, ""))
            if group not in self.groups and len(self.groups) >= TRACKED:
                if len(self.untracked_values) < TRACKED:  # a count of names, itself bounded
                    self.untracked_values.add(group)
                self.untracked.add(outcome)  # type: ignore[union-attr]
            else:
                self.groups.setdefault(group, Summary(self.reads, None, self.not_measured)).add(outcome)
        self.records += 1
        if not outcome.ok:
            self.failed += 1
            return
        self.findings.update(outcome.findings)
        self.strategies.update(outcome.strategies)
        self.pairs.update(combinations(sorted(outcome.findings), 2))
        self.unknown.update(f for f in outcome.unknown
                            if (self.reads is None or f in self.reads) and f not in self.not_measured)
        if getattr(outcome, "deciding", None) is not None:
            self.deciding_over += 1
            deciding = {f: n for f, n in outcome.deciding.items() if f not in self.not_measured}
            self.deciding_records.update(deciding.keys())
            self.deciding_rules.update(deciding)

    def as_data(self, top_pairs: int = 10) -> dict[str, Any]:
        data = {"disclaimer": DISCLAIMER, **self._counts(top_pairs)}
        if self.not_measured:  # said only when the map declares some: other summaries keep their shape
            data["not_measured"] = list(self.not_measured)
        if self.by is not None:  # the largest groups first, then by name ("" is a row without a value)
            ranked = sorted(self.groups, key=lambda name: (-self.groups[name].records, name))
            other = Summary(self.reads, None, self.not_measured)
            for name in ranked[SHOWN:]:
                other.merge(self.groups[name])
            if self.untracked is not None:
                other.merge(self.untracked)
            data["by"] = {"column": self.by, "groups": {name: self.groups[name]._counts(top_pairs)
                                                        for name in ranked[:SHOWN]}}
            if other.records:
                values = len(ranked[SHOWN:]) + len(self.untracked_values)
                data["by"]["other"] = {"values": values, "values_at_least": len(self.untracked_values) >= TRACKED,
                                       **other._counts(top_pairs)}
        return data

    def _counts(self, top_pairs: int) -> dict[str, Any]:
        ranked = lambda counter: dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))  # noqa: E731
        pairs = sorted(self.pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:top_pairs]
        return {
            "records": self.records,
            "evaluated": self.records - self.failed,
            "failed": self.failed,
            "findings": ranked(self.findings),
            "strategies": ranked(self.strategies),
            "findings_together": [{"findings": list(pair), "records": n} for pair, n in pairs],
            "unknown_fields": ranked(self.unknown),
            "deciding_unknowns": {
                "over_records": self.deciding_over,
                "fields": [{"field": f, "records": n, "rules": self.deciding_rules[f]}
                           for f, n in sorted(self.deciding_records.items(),
                                              key=lambda kv: (-kv[1], -self.deciding_rules[kv[0]], kv[0]))],
            },
        }

    def as_text(self) -> str:
        data = self.as_data()
        lines = [*textwrap.wrap(DISCLAIMER, 100), *_section("Cohort", data)]
        by = printable(self.by or "")
        for name, group in data.get("by", {}).get("groups", {}).items():
            lines += _section(f"{by} = {printable(name)}" if name else f"{by} empty", group)
        other = data.get("by", {}).get("other")
        if other:
            many = f"{other['values']:,}{' or more' if other['values_at_least'] else ''}"
            lines += _section(f"{by}: the other {many} values, together", other)
        if self.not_measured:
            lines += textwrap.wrap("Not measured in this cohort (the map's not_measured; left out of the unknown "
                                   f"fields and the deciding unknowns): {', '.join(self.not_measured)}", 100)
        return "\n".join(lines).rstrip("\n") + "\n"


def _section(title: str, data: dict[str, Any]) -> list[str]:
    """One summary as text; a part with nothing to show is left out."""
    ok = data["evaluated"] or 1
    lines = [f"{title}: {data['records']:,} records, {data['evaluated']:,} evaluated, {data['failed']:,} failed", ""]
    for heading, key in (("Findings", "findings"), ("Strategies named in the review", "strategies"),
                         ("Unknown fields the rules read", "unknown_fields")):
        if not data[key]:
            continue
        lines.append(f"{heading} (records, share of evaluated):")
        width = max(len(k) for k in data[key])
        lines += [f"  {k.ljust(width)}  {n:>9,}  {100 * n / ok:5.1f}%" for k, n in data[key].items()]
        lines.append("")
    deciding = data["deciding_unknowns"]
    if deciding["fields"]:
        over = deciding["over_records"]
        lines += textwrap.wrap(f"Unknowns that would decide the most (over the {over:,} records evaluated in this "
                               "run: records where the field alone would settle an undecided rule, share, and the "
                               "rules so settled; a band across a cut-off counts as unknown here):", 100)
        width = max(len(d["field"]) for d in deciding["fields"])
        lines += [f"  {d['field'].ljust(width)}  {d['records']:>9,}  {100 * d['records'] / (over or 1):5.1f}%  "
                  f"{d['rules']:>9,} rules" for d in deciding["fields"]]
        lines.append("")
    if data["findings_together"]:
        lines.append("Findings that occur together most:")
        lines += [f"  {' + '.join(p['findings'])}: {p['records']:,}" for p in data["findings_together"]]
        lines.append("")
    return lines
