"""The compiler: rules become durable-rules definitions whose joins cannot fire twice."""

from icitrace.engine.compile import compile_rules


def test_every_rule_becomes_one_engine_rule_named_after_it(book):
    compiled = compile_rules(book)
    assert list(compiled.definition) == [r.id for r in book.rules]
    assert all(rule["run"] == rid for rid, rule in compiled.definition.items())


def test_field_conditions_share_one_profile_pattern(book):
    rule = compile_rules(book).definition["tmb-below-high"]
    assert rule["all"] == [{"p": {"$and": [{"t": "profile"}, {"$lt": {"tmb": 10.0}}]}}]
    # for profiles holding a band: the number, or a band whose open top is at or below the line, or whose
    # closed top (a band narrowed by an ordered field: TPS <= CPS) is under it
    banded = compile_rules(book, bands=True)
    assert banded.definition["tmb-below-high"]["all"] == [{"p": {"$and": [
        {"t": "profile"}, {"$or": [{"$lt": {"tmb": 10.0}}, {"$lte": {"tmb__hi": 10.0}}, {"$lt": {"tmb__max": 10.0}}]}]}}]
    assert banded.name == compile_rules(book).name + "-bands"


def test_level_lists_compile_to_exclusive_alternatives(book):
    rule = compile_rules(book).definition["mhc-class-i-down"]
    assert rule["all"][0]["p"]["$and"][1] == {"$or": [{"mhc_class_i": "reduced"}, {"mhc_class_i": "lost"}]}


def test_includes_any_compiles_to_one_key_of_the_profile_fact(book):
    compiled = compile_rules(book)
    rule = compiled.definition["oncogenic-alterations-found"]
    (test,) = compiled.list_tests
    assert rule["all"][0]["p"]["$and"][1] == {test.key: 1}
    assert test.field == "oncogenic_alterations" and "pten loss" in test.items


def test_strategy_rules_join_findings_and_profile(book):
    rule = compile_rules(book).definition["tregs-to-treg-depletion"]
    names = [next(iter(p)) for p in rule["all"]]
    assert names == ["p", "f0"]
    assert rule["all"][1]["f0"] == {"$and": [{"t": "finding"}, {"id": "suppressive_immune_cells"}]}


def test_count_joins_are_asymmetric(book):
    rule = compile_rules(book).definition["many-mechanisms-to-single-cell-profiling"]
    numbers = [p[f"k{n}"]["$and"][2] for n, p in enumerate(rule["all"], start=1)]
    assert numbers == [{"n": 1}, {"n": 2}, {"n": 3}]


def test_only_consumed_findings_become_facts(book):
    compiled = compile_rules(book)
    # every mechanism is counted by a join; biomarker signals only where a strategy rule reads them
    assert {f for f, kind in compiled.asserted.items() if kind == "mechanism"} == {
        f for f, e in book.catalog.findings.items() if e.kind == "mechanism"}
    assert compiled.derives["tmb-below-high"] == "low_immunogenicity"

