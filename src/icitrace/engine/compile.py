"""Checked rules -> durable-rules ruleset definitions (the JSON form its C engine takes).

Each rule becomes one engine rule whose action name is the rule id. Profile-field conditions of a
rule share one pattern ``p`` on the profile fact; each join on finding facts (``finding:`` as ``f<i>``,
``count:`` as ``k1..kk``) is its condition's business (``rulebase.conditions``), and what each field
test compiles to its operator's (``rulebase.operators``); a list test reads a key of the profile fact (``facts.profile_fact``). Every
pattern is asymmetric (distinct ids or numbers), so a join fires once, never once per ordering (docs/durable-rules.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from icitrace.engine.facts import PROFILE, ListTest, band_keys, count_key
from icitrace.profile.model import field_kind
from icitrace.rulebase.book import RuleBook
from icitrace.rulebase.conditions import meaning
from icitrace.rulebase.model import Condition, Rule
from icitrace.rulebase.operators import OPERATORS, IncludesAny


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
    #: rule id -> (True for a finding, False for a strategy; the id it concludes), read per firing
    concludes: dict[str, tuple[bool, str]] = field(default_factory=dict)


def compile_rules(book: RuleBook, bands: bool = False) -> CompiledRuleset:
    """The ruleset of a rule base. ``bands``: the variant whose cut-off tests also read a band's bounds
    (``facts.band_keys``), used only for profiles that hold a band: each such test is an ``$or``, which
    costs the C engine about a tenth more per profile (measured), a cost profiles without bands skip."""
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
            op = OPERATORS.get(cond.op or "")
            if isinstance(op, IncludesAny):
                key = (cond.field, op.items(cond))
                list_tests.setdefault(key, ListTest(f"{cond.field}__any{len(list_tests)}", cond.field, key[1]))
    definition = {rule.id: _rule(rule, book, list_tests, bands) for rule in book.rules}
    derives = {r.id: r.then.finding for r in book.rules if r.then.finding in asserted}
    concludes = {r.id: (r.then.finding is not None, r.then.id) for r in book.rules}
    # named by what it depends on (``RuleBook.ruleset_key``): one name, one definition
    return CompiledRuleset(f"icitrace-{book.ruleset_key}" + ("-bands" if bands else ""), definition, asserted,
                           derives, tuple(list_tests.values()), concludes)


def _rule(rule: Rule, book: RuleBook, list_tests: dict, bands: bool) -> dict:
    patterns: list[dict] = []
    field_tests = [_field_test(c, book, list_tests, bands) for c in rule.when if c.field is not None]
    if field_tests:
        patterns.append({"p": {"$and": [{"t": PROFILE}, *field_tests]}})
    for i, cond in enumerate(rule.when):
        patterns += meaning(cond).patterns(cond, i)  # the joins on finding facts (``rulebase.conditions``)
    return {"all": patterns, "run": rule.id}


def _field_test(cond: Condition, book: RuleBook, list_tests: dict, bands: bool) -> dict:
    op = OPERATORS[cond.op]
    fact_key: object
    if isinstance(op, IncludesAny):
        fact_key = list_tests[(cond.field, op.items(cond))].key
    elif field_kind(cond.field) == "number":
        fact_key = band_keys(cond.field) if bands else None  # where a band's bounds are
    else:
        fact_key = count_key(cond.field)  # a list's length; the other operators read the field itself
    return op.compile(cond, book.cutoffs, fact_key)
