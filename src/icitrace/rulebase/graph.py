"""The rule book's one dependency graph: which rules conclude each finding, and which findings each rule
reads (a ``finding:`` condition, or for a ``count:`` every finding of the counted kind, any of which may
fill it: ``conditions.ConditionKind.reads``).

The loader refuses its cycles, the three-valued reading follows its order, and the lint walks it forward
to find what no profile can reach: one graph, so a rule base the loader accepts is one every reader of
the graph can follow.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from icitrace.rulebase.conditions import meaning
from icitrace.rulebase.model import Catalog, Rule


@dataclass(frozen=True)
class Cycle:
    """Findings that depend on themselves: ``path`` from the first back to it, closed by ``rule``."""

    rule: Rule
    path: tuple[str, ...]
    #: how the rule reads the last finding of the path: "" by `finding:`, or the counted kind
    counted: str


class RuleGraph:
    def __init__(self, rules: tuple[Rule, ...] | list[Rule], catalog: Catalog):
        self.rules, self.catalog = tuple(rules), catalog
        #: finding id -> the rules that conclude it, in rule order
        self.producers: dict[str, list[Rule]] = {f: [] for f in catalog.findings}
        for rule in self.rules:
            if rule.then.finding:
                self.producers.setdefault(rule.then.finding, []).append(rule)
        #: rule id -> the findings it reads, in order, without repeats
        self.reads: dict[str, list[str]] = {
            r.id: list(dict.fromkeys(f for c in r.when for f in meaning(c).reads(c, catalog))) for r in self.rules}

    def depends_on(self, rule: Rule) -> list[Rule]:
        """The rules whose conclusions this rule reads."""
        return [r for f in self.reads[rule.id] for r in self.producers.get(f, ())]

    def cycles(self) -> Iterator[Cycle]:
        """Each cycle between findings, reported once, at the rule that closes it (depth first, by name)."""
        needs: dict[str, dict[str, Rule]] = {}  # finding -> finding it reads -> the first rule that reads it
        for rule in self.rules:
            if rule.then.finding:
                edges = needs.setdefault(rule.then.finding, {})
                for read in self.reads[rule.id]:
                    edges.setdefault(read, rule)
        state: dict[str, int] = {}
        found: list[Cycle] = []

        def visit(node: str, path: list[str]) -> None:
            state[node] = 1
            for nxt in sorted(needs.get(node, ())):
                if state.get(nxt) == 1:
                    rule = needs[node][nxt]
                    counted = nxt in self.catalog.findings and nxt not in (c.finding for c in rule.when)
                    found.append(Cycle(rule, (*path, node, nxt), self.catalog.findings[nxt].kind if counted else ""))
                elif nxt not in state:
                    visit(nxt, path + [node])
            state[node] = 2

        for node in sorted(needs):
            if node not in state:
                visit(node, [])
        return iter(found)

    def order(self) -> list[Rule]:
        """The rules ordered so that whatever concludes a finding comes before whatever reads it (the
        loader refuses cycles, so the order exists)."""
        order: list[Rule] = []
        placed: set[str] = set()

        def place(rule: Rule) -> None:
            if rule.id in placed:
                return
            placed.add(rule.id)
            for dep in self.depends_on(rule):
                place(dep)
            order.append(rule)

        for rule in self.rules:
            place(rule)
        return order

    def reachable(self, possible: set[str]) -> set[str]:
        """The rules some profile could fire, given the rules whose field tests some profile satisfies:
        forward from those that read no finding, each condition read two-valued on what is derived."""
        fired: set[str] = set()
        findings: set[str] = set()
        changed = True
        while changed:
            changed = False
            for rule in self.rules:
                if rule.id in fired or rule.id not in possible:
                    continue
                if all(meaning(c).given(c, findings, self.catalog) for c in rule.when):
                    fired.add(rule.id)
                    if rule.then.finding:
                        findings.add(rule.then.finding)
                    changed = True
        return fired
