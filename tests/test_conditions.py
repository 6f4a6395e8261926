"""What a condition means, in one place: the interval arithmetic, an operator's open or closed ends, the
rule book's one dependency graph, and the reading prepared once per rule book."""

import math

import pytest

from icitrace.profile.intervals import Interval
from icitrace.profile.model import Band, always_below
from icitrace.reasoning.verdicts import Reading, condition_verdict, finding_verdicts
from icitrace.rulebase.conditions import describe, meaning
from icitrace.rulebase.model import Condition, Cutoff
from icitrace.rulebase.operators import OPERATORS, _Threshold

LINE = Cutoff(name="line", field="tmb", value=10.0, unit="mut/Mb", margin=1.0, cite="test",
              source="a test's own line", caveat="only for this test")


class AtMost(_Threshold):
    """An operator with a closed top: not shipped, written here as one would be added to the registry."""

    key, sign = "at_most", "<="

    def interval(self, cond, cutoffs):  # noqa: ANN001, ANN201
        return Interval(high=cutoffs[cond.arg].value)


@pytest.mark.parametrize(("value", "expected"), [
    (10.0, True), (9.0, True), (10.5, False),
    (Band(below=10), True), (Band(at_least=10, below=20), None), (Band(at_least=11), False),
])
def test_a_closed_top_reads_as_closed(value, expected):
    """`_Threshold.holds` once unpacked the allowed interval's open top and never used it: at_most 10
    read 10 as failing."""
    cond = Condition.model_validate({"field": "tmb", "at_least": "line"}).model_copy(update={"op": "at_most"})
    assert AtMost().holds(cond, value, {"line": LINE}) is expected
    assert AtMost().prepare(cond, {"line": LINE})(value) is expected


@pytest.mark.parametrize(("first", "second", "meet_empty", "first_below"), [
    (Interval(0, 1), Interval(1, 2), False, False),             # they share 1
    (Interval(0, 1, high_open=True), Interval(1, 2), True, True),
    (Interval(0, 1), Interval(1, 2, low_open=True), True, True),
    (Interval(0, 5), Interval(2, 3), False, False),
    (Interval(high=-1), Interval(low=0), True, True),
])
def test_intervals_meet_and_order_with_open_and_closed_ends(first, second, meet_empty, first_below):
    assert first.meet(second).empty is meet_empty
    assert first.disjoint(second) is meet_empty
    assert first.below(second) is first_below


def test_an_interval_decides_only_when_it_lies_wholly_on_one_side():
    allowed = Interval(low=10)
    assert Interval(10, 20, high_open=True).decide(allowed) is True
    assert Interval(0, 10, high_open=True).decide(allowed) is False
    assert Interval(0, 10).decide(allowed) is None  # reaches 10 itself
    assert Interval().within(Interval()) and not Interval().empty and Interval(math.inf, math.inf).within(allowed)


def test_cps_below_tps_is_the_intervals_order():
    assert always_below(Band(below=5), 5.0) and not always_below(Band(below=6), 5.0)
    assert always_below(4.0, Band(at_least=5)) and not always_below(5.0, Band(at_least=5))


def test_the_graph_orders_every_rule_after_the_rules_it_reads(book):
    position = {rule.id: i for i, rule in enumerate(book.graph.order())}
    assert len(position) == len(book.rules)
    for rule in book.rules:
        assert all(position[dep.id] < position[rule.id] for dep in book.graph.depends_on(rule))
    counting = next(r for r in book.rules if any(c.count for c in r.when))
    kind = next(c.count.kind for c in counting.when if c.count)
    assert {f for f, e in book.catalog.findings.items() if e.kind == kind} <= set(book.graph.reads[counting.id])


def test_the_prepared_reading_is_the_reading_condition_by_condition(book):
    """``Reading`` prepares each condition once per rule book; asked one condition at a time (as the
    explanation asks), every rule's conditions give the same verdicts."""
    profile_known = [{}, {"tmb": 12.0, "pd_l1_tps": 0.5, "hypoxia": "high"},
                     {"pd_l1_tps": 20.0, "pd_l1_cps": Band(at_least=5, below=70), "oncogenic_alterations": ["PTEN loss"]}]
    prepared = Reading(book)
    for known in profile_known:
        verdicts = prepared.assess(known)
        findings = finding_verdicts(book, verdicts)
        for rule in book.rules:
            each = [condition_verdict(c, known, findings, book) for c in rule.when]
            expected = (False if any(v.holds is False for v in each) else True if all(v.holds for v in each)
                        else None)
            assert verdicts[rule.id].holds is expected, (rule.id, known)


def test_every_condition_of_the_shipped_rules_reads_in_words(book):
    for rule in book.rules:
        for cond in rule.when:
            assert describe(cond, book.cutoffs) == meaning(cond).describe(cond, book.cutoffs)
            assert cond.kind != "field" or cond.op in OPERATORS
