"""Checked rules -> durable-rules ruleset definitions (the JSON form its C engine takes).

Each rule becomes one engine rule whose action name is the rule id. Profile-field conditions of a
rule share one pattern ``p`` on the profile fact; each finding condition is its own pattern ``f<i>``;
a count condition ``at least k findings of kind K`` joins the patterns ``k1..kk`` on the finding
facts numbered 1..k of that kind. An ``includes_any`` condition tests one key of the profile fact that
holds 1 when the list names one of the items (see ``facts.profile_fact``): the items are not exclusive,
and an ``$or`` over them would fire once per item found. Every pattern is asymmetric (distinct ids or numbers), so a join
fires once, never once per ordering (GUIDE §2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from icitrace.engine.facts import FINDING, PROFILE, ListTest, count_key
from icitrace.profile.model import normal_item
from icitrace.rulebase.loading import RuleBook
from icitrace.rulebase.model import Condition, Rule


@dataclass(frozen=True)
class CompiledRuleset:
    name: str
    definition: dict[str, dict]
    #: finding id -> kind, for the findings some rule consumes (only those become facts)
    asserted: dict[str, str]
    #: rule id -> the finding it derives as a fact, for rules whose finding is consumed
    derives: dict[str, str]
    #: the `includes_any` tests, each with the profile-fact key that carries its answer
    list_tests: tuple[ListTest, ...] = ()

    def as_json(self) -> str:
        return json.dumps(self.definition, sort_keys=False, ensure_ascii=False)


def compile_rules(book: RuleBook) -> CompiledRuleset:
    consumed_ids = {c.finding for r in book.rules for c in r.when if c.finding}
    consumed_kinds = {c.count.kind for r in book.rules for c in r.when if c.count}
    asserted = {
        fid: entry.kind
        for fid, entry in book.catalog.findings.items()
        if fid in consumed_ids or entry.kind in consumed_kinds
    }
    list_tests: dict[tuple[str, frozenset[str]], ListTest] = {}
    for rule in book.rules:
        for cond in rule.when:
            if cond.includes_any is not None:
                items = frozenset(normal_item(t) for t in cond.includes_any)
                key = (cond.field, items)
                list_tests.setdefault(key, ListTest(f"{cond.field}__any{len(list_tests)}", cond.field, items))
    definition = {rule.id: _rule(rule, book, list_tests) for rule in book.rules}
    derives = {r.id: r.then.finding for r in book.rules if r.then.finding in asserted}
    return CompiledRuleset(f"icitrace-{book.digest}", definition, asserted, derives, tuple(list_tests.values()))


def _rule(rule: Rule, book: RuleBook, list_tests: dict) -> dict:
    patterns: list[dict] = []
    field_tests = [_field_test(c, book, list_tests) for c in rule.when if c.field is not None]
    if field_tests:
        patterns.append({"p": {"$and": [{"t": PROFILE}, *field_tests]}})
    for i, cond in enumerate(rule.when):
        if cond.finding is not None:
            patterns.append({f"f{i}": {"$and": [{"t": FINDING}, {"id": cond.finding}]}})
        elif cond.count is not None:
            for n in range(1, cond.count.at_least + 1):
                patterns.append({f"k{n}": {"$and": [{"t": FINDING}, {"kind": cond.count.kind}, {"n": n}]}})
    return {"all": patterns, "run": rule.id}


def _field_test(cond: Condition, book: RuleBook, list_tests: dict) -> dict:
    name = cond.field
    op = cond.op
    if op == "is":
        return {name: cond.is_}
    if op == "in":
        # Exclusive alternatives on one field: at most one branch is ever true, so $or fires once.
        tests = [{name: word} for word in cond.in_]
        return tests[0] if len(tests) == 1 else {"$or": tests}
    if op == "not_empty":
        return {"$gt": {count_key(name): 0}}
    if op == "includes_any":
        return {list_tests[(name, frozenset(normal_item(t) for t in cond.includes_any))].key: 1}
    value = book.cutoffs[cond.cutoff].value
    return {"$lt" if op == "below" else "$gte": {name: value}}
