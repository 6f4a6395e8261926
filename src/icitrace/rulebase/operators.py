"""The field operators of the rule language, one definition each (as ruff keeps one registry of rules).

An operator says, in one place: which field kinds and values it takes, how it compiles to a durable-rules
test on the profile fact, how a known value is tested in the three-valued reading, the range of values it
allows (for the lint's "can never be true"), and how it reads in words. The compiler, the reasoning, the
loader, the lint and every rendering ask the registry; adding an operator is one class here.

Conditions on findings (`finding: ID`, `count: {kind, at_least}`) are joins between facts, not tests of
a field: what they mean lives with every condition's meaning, in ``rulebase.conditions``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from icitrace.errors import did_you_mean
from icitrace.profile.intervals import Interval
from icitrace.profile.model import Band, Narrowed, field_levels, interval_of, normal_item, show_value
from icitrace.rulebase.model import MAX_TERMS, Condition, Cutoff, Rule

#: A value no profile field takes: "describe without a value".
NO_VALUE: Any = object()


class FieldOperator:
    key: str = ""
    #: the field kinds (``profile.field_kind``) it applies to
    kinds: tuple[str, ...] = ()

    def check(self, cond: Condition, cutoffs: Mapping[str, Cutoff]) -> str | None:
        """What is wrong with the operator's value for this field, in words (None: nothing)."""
        return None

    def compile(self, cond: Condition, cutoffs: Mapping[str, Cutoff], fact_key: Any) -> dict:
        """The durable-rules test inside the profile pattern. ``fact_key``: where a list test's answer or a
        list's length is; for a number, the keys of a band's (at least, below) bounds, or None in the
        ruleset for profiles without bands (``engine.compile``)."""
        raise NotImplementedError

    def prepare(self, cond: Condition, cutoffs: Mapping[str, Cutoff]) -> Callable[[Any], bool | None]:
        """Whether a known value satisfies the condition (the engine's semantics, in Python), as a function
        of the value alone: what can be worked out before any profile is, is (the three-valued reading
        prepares a rule book once). The one definition of the operator's meaning on a value."""
        raise NotImplementedError

    def holds(self, cond: Condition, value: Any, cutoffs: Mapping[str, Cutoff]) -> bool | None:
        """Whether a known value satisfies the condition (``prepare``, asked once)."""
        return self.prepare(cond, cutoffs)(value)

    def words(self, cond: Condition, cutoffs: Mapping[str, Cutoff], value: Any = NO_VALUE) -> str:
        raise NotImplementedError

    def interval(self, cond: Condition, cutoffs: Mapping[str, Cutoff]) -> Interval | None:
        """For numbers: the values the condition allows; None for other kinds."""
        return None

    def words_allowed(self, cond: Condition) -> set | None:
        """For levels and booleans: the values the condition allows; None for other kinds."""
        return None

    def cutoff(self, cond: Condition) -> str | None:
        """The named cut-off the condition reads, if any."""
        return None


class Is(FieldOperator):
    key, kinds = "is", ("level", "bool")

    def check(self, cond, cutoffs):  # noqa: ANN001, ANN201
        levels = field_levels(cond.field)
        if not levels:  # a boolean field
            return None if isinstance(cond.arg, bool) else f"`{cond.field}` is true or false, not `{cond.arg}`"
        if cond.arg not in levels:
            return f"`{cond.arg}` is not a level of `{cond.field}` (one of: {', '.join(levels)})"
        return None

    def compile(self, cond, cutoffs, fact_key):  # noqa: ANN001, ANN201
        return {cond.field: cond.arg}

    def prepare(self, cond, cutoffs):  # noqa: ANN001, ANN201
        wanted, kind = cond.arg, type(cond.arg)
        return lambda value: value == wanted and type(value) is kind  # true is not 1

    def words(self, cond, cutoffs, value=NO_VALUE):  # noqa: ANN001, ANN201
        return f"{cond.field} is {show_value(cond.arg)}"

    def words_allowed(self, cond):  # noqa: ANN001, ANN201
        return {cond.arg}


class In(FieldOperator):
    key, kinds = "in", ("level",)

    def check(self, cond, cutoffs):  # noqa: ANN001, ANN201
        if not isinstance(cond.arg, list) or not cond.arg or not all(isinstance(w, str) for w in cond.arg):
            return f"`in` takes a list of level words of `{cond.field}`"
        wrong = [w for w in cond.arg if w not in field_levels(cond.field)]
        if wrong:
            return f"`{wrong[0]}` is not a level of `{cond.field}` (one of: {', '.join(field_levels(cond.field))})"
        return None

    def compile(self, cond, cutoffs, fact_key):  # noqa: ANN001, ANN201
        # Exclusive alternatives on one field: at most one branch is ever true, so $or fires once.
        tests = [{cond.field: word} for word in cond.arg]
        return tests[0] if len(tests) == 1 else {"$or": tests}

    def prepare(self, cond, cutoffs):  # noqa: ANN001, ANN201
        words = frozenset(cond.arg)  # level words: strings, as the loader checked
        return lambda value: value in words

    def words(self, cond, cutoffs, value=NO_VALUE):  # noqa: ANN001, ANN201
        either = " or ".join(cond.arg)
        return f"{cond.field} is {either}" if value is NO_VALUE else f"{cond.field} is {value} ({either})"

    def words_allowed(self, cond):  # noqa: ANN001, ANN201
        return set(cond.arg)


class _Threshold(FieldOperator):
    """A comparison with a named cut-off: numbers never appear in a rule, only cut-off names."""

    kinds = ("number",)
    sign = ""

    def check(self, cond, cutoffs):  # noqa: ANN001, ANN201
        if not isinstance(cond.arg, str):
            return f"`{self.key}` takes the name of a cut-off from cutoffs.yaml, not {cond.arg!r}"
        cutoff = cutoffs.get(cond.arg)
        if cutoff is None:
            return f"unknown cut-off `{cond.arg}`{did_you_mean(cond.arg, cutoffs)}"
        if cutoff.field != cond.field:
            return f"cut-off `{cond.arg}` is for `{cutoff.field}`, not `{cond.field}`"
        return None

    def cutoff(self, cond):  # noqa: ANN001, ANN201
        return cond.arg

    def words(self, cond, cutoffs, value=NO_VALUE):  # noqa: ANN001, ANN201
        if isinstance(value, (Band, Narrowed)):
            return f"{cond.field} {value.show()} (a band, wholly {self.sign} {cutoffs[cond.arg].show()})"
        subject = cond.field if value is NO_VALUE else f"{cond.field} {show_value(value)}"
        return f"{subject} {self.sign} {cutoffs[cond.arg].show()}"

    def prepare(self, cond, cutoffs):  # noqa: ANN001, ANN201
        """True or False when the whole value (a number, or every number of a band) is on one side of the
        cut-off; None when a band straddles it."""
        allowed = self.interval(cond, cutoffs)
        return lambda value: interval_of(value).decide(allowed)


class Below(_Threshold):
    key, sign = "below", "<"

    def compile(self, cond, cutoffs, fact_key):  # noqa: ANN001, ANN201
        # The number below the line, or a band whose every value is: its open top at or below the line,
        # or its closed top (a TPS band narrowed by a known CPS: TPS <= CPS) under it. ``fact_key`` is the
        # keys of a band's bounds; the fact holds the number, or a band with one kind of top
        # (``engine.facts.band_keys``), never two of them, so the $or fires once.
        line = cutoffs[cond.arg].value
        if fact_key is None:  # the ruleset for profiles without bands: the number alone
            return {"$lt": {cond.field: line}}
        return {"$or": [{"$lt": {cond.field: line}}, {"$lte": {fact_key[1]: line}}, {"$lt": {fact_key[2]: line}}]}

    def interval(self, cond, cutoffs):  # noqa: ANN001, ANN201
        return Interval(high=cutoffs[cond.arg].value, high_open=True)


class AtLeast(_Threshold):
    key, sign = "at_least", ">="

    def compile(self, cond, cutoffs, fact_key):  # noqa: ANN001, ANN201
        line = cutoffs[cond.arg].value
        if fact_key is None:
            return {"$gte": {cond.field: line}}
        return {"$or": [{"$gte": {cond.field: line}}, {"$gte": {fact_key[0]: line}}]}

    def interval(self, cond, cutoffs):  # noqa: ANN001, ANN201
        return Interval(low=cutoffs[cond.arg].value)


class NotEmpty(FieldOperator):
    key, kinds = "not_empty", ("list",)

    def check(self, cond, cutoffs):  # noqa: ANN001, ANN201
        return None if cond.arg is True else "`not_empty` takes `true`"

    def compile(self, cond, cutoffs, fact_key):  # noqa: ANN001, ANN201
        return {"$gt": {fact_key: 0}}  # the list's length, carried by the fact

    def prepare(self, cond, cutoffs):  # noqa: ANN001, ANN201
        return lambda value: len(value) > 0

    def words(self, cond, cutoffs, value=NO_VALUE):  # noqa: ANN001, ANN201
        if value is NO_VALUE:
            return f"{cond.field} lists at least one"
        return f"{cond.field} {show_value(value)}: at least one listed"


class IncludesAny(FieldOperator):
    """A list names one of the items, compared as words (``profile.normal_item``). The items are not
    exclusive, and an ``$or`` over them would fire once per item found: the fact carries one 0/1 key
    per such test instead (``engine.facts``)."""

    key, kinds = "includes_any", ("list",)

    def check(self, cond, cutoffs):  # noqa: ANN001, ANN201
        items = cond.arg
        if not isinstance(items, list) or not items or not all(isinstance(t, str) for t in items):
            return "`includes_any` takes a list of items (strings)"
        if len(items) > MAX_TERMS:
            return f"`includes_any` lists more than {MAX_TERMS} items"
        words = [normal_item(t) for t in items]
        if "" in words:
            return f"`includes_any` lists an item with no letters or digits: {items[words.index('')]!r}"
        twice = next((t for t, n in zip(items, words) if words.count(n) > 1), None)
        if twice is not None:
            return f"`includes_any` lists {twice!r} twice (items are compared as words)"
        return None

    def items(self, cond: Condition) -> frozenset[str]:
        return frozenset(normal_item(t) for t in cond.arg)

    def compile(self, cond, cutoffs, fact_key):  # noqa: ANN001, ANN201
        return {fact_key: 1}

    def prepare(self, cond, cutoffs):  # noqa: ANN001, ANN201
        wanted = self.items(cond)
        return lambda value: names_any(value, wanted)

    def words(self, cond, cutoffs, value=NO_VALUE):  # noqa: ANN001, ANN201
        need = f"{cond.field} names one of: {', '.join(cond.arg)}"
        return need if value is NO_VALUE else f"{cond.field} {show_value(value)}: {need}"


def names_any(values: list[str], wanted: frozenset[str]) -> bool:
    """Whether a list names one of the ``wanted`` items (normalised): the one item test, of the reading
    and of the 0/1 key the engine's fact carries for it (``engine.facts.ListTest``)."""
    return any(normal_item(v) in wanted for v in values)


OPERATORS: dict[str, FieldOperator] = {op.key: op for op in (Is(), In(), Below(), AtLeast(), NotEmpty(), IncludesAny())}


def operator(cond: Condition) -> FieldOperator:
    return OPERATORS[cond.op]


def cutoffs_read(rule: Rule) -> list[str]:
    """The named cut-offs a rule's conditions read, in order, without repeats."""
    named = (OPERATORS[c.op].cutoff(c) for c in rule.when if c.op in OPERATORS)
    return list(dict.fromkeys(n for n in named if n is not None))
