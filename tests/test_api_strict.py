"""The Python API is as strict as the CLI: whatever a caller hands ``evaluate`` or ``evaluate_many`` (a
dict, a ``Profile`` built without validation, anything else) is checked as a profile file would be, and
a bad one is an ``InputProblem`` naming what is wrong, never a traceback and never a silent loss."""

import pytest

import icitrace
from icitrace.profile.model import Band, Profile


def _findings(result) -> list[str]:
    return [f.id for f in result.findings]


@pytest.fixture(scope="module")
def checked() -> Profile:
    return Profile.model_validate({"tmb": 4.0}, strict=True)


# F29: model_copy and model_construct skip validation; evaluate validates whatever it is given ----------

@pytest.mark.parametrize("smuggle, says", [
    (lambda p: p.model_copy(update={"hypoxia": "HIGH"}), 'field "hypoxia": expected one of low, moderate, high'),
    (lambda p: p.model_copy(update={"tmb": "5"}), 'field "tmb": expected a JSON number'),
    (lambda p: Profile.model_construct(tmb=float("nan")), 'field "tmb": expected a JSON number'),
    (lambda p: p.model_copy(update={"pd_l1_tps": 60.0, "pd_l1_cps": 5.0}), "cannot come from one sample"),
    (lambda p: p.model_copy(update={"tmb": Band.model_construct(at_least="x")}), 'field "tmb": a band is'),
    (lambda p: p.model_copy(update={"surname": "Doe"}), 'field "surname" is not accepted'),
    (lambda p: p.model_copy(update={"oncogenic_alterations": {"PTEN loss"}}), 'field "oncogenic_alterations": '
                                                                              "expected a list of strings"),
], ids=["level", "number-as-text", "nan", "cps-below-tps", "band", "extra-field", "set"])
def test_a_profile_built_without_validation_is_validated_by_evaluate(checked, smuggle, says):
    with pytest.raises(icitrace.InputProblem) as refused:
        icitrace.evaluate(smuggle(checked))
    assert str(refused.value).startswith("profile: ") and says in str(refused.value)


def test_a_profile_changed_after_validation_is_validated_again(checked):
    changed = checked.model_copy()
    changed.hypoxia = "HIGH"  # assignment is not validated either
    with pytest.raises(icitrace.InputProblem, match='field "hypoxia"'):
        icitrace.evaluate(changed)


def test_a_valid_profile_instance_gives_what_its_dict_gives(checked):
    built = checked.model_copy(update={"hypoxia": "high", "pd_l1_tps": Band(below=1.0)})
    as_dict = {"tmb": 4.0, "hypoxia": "high", "pd_l1_tps": {"below": 1}}
    assert _findings(icitrace.evaluate(built)) == _findings(icitrace.evaluate(as_dict))
    assert "hypoxic_tme" in _findings(icitrace.evaluate(built))


# F24: evaluate_many yields an error in place for any item, naming its position ---------------------

class Odd:
    pass


@pytest.mark.parametrize("item, says", [
    (None, "expected a profile (a dict or icitrace.Profile), got None"),
    ("tmb=4", "expected a profile (a dict or icitrace.Profile), got a str"),
    ([("tmb", 4)], "expected a profile (a dict or icitrace.Profile), got a list"),
    ({1, 2}, "expected a profile (a dict or icitrace.Profile), got a set"),
    (Odd(), "expected a profile (a dict or icitrace.Profile), got an Odd"),
    ({"tmb": 10**5000}, 'field "tmb": expected a JSON number'),
    ({"tmb": {1, 2}}, 'field "tmb": expected a JSON number'),
    ({"id": {"a"}}, 'field "id": expected text'),
    ({"oncogenic_alterations": [object()]}, 'field "oncogenic_alterations": expected a list of strings'),
    ({"tmb": {"at_least": {1}}}, 'field "tmb": expected a JSON number'),
    ({1: 2}, 'field "1"'),
    ({"tmb": float("inf")}, 'field "tmb": expected a JSON number'),
], ids=["none", "str", "list", "set", "object", "huge-int", "set-value", "set-id", "object-item", "nested-set",
        "int-key", "inf"])
def test_evaluate_many_yields_an_error_in_place_for_any_item_and_goes_on(item, says):
    results = list(icitrace.evaluate_many([{"tmb": 3}, item, {"hypoxia": "high"}]))
    assert [type(r).__name__ for r in results] == ["Result", "ProfileError", "Result"]
    assert isinstance(results[1], icitrace.InputProblem)
    assert str(results[1]).startswith("item 1: ") and says in str(results[1])
    assert len(str(results[1])) < 1_000  # a huge value is never echoed whole
    assert _findings(results[2]) == ["hypoxic_tme"]


def test_a_cycle_or_deep_nesting_is_refused_not_recursed_into():
    cycle: list = []
    cycle.append(cycle)
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    for value in (cycle, deep):
        (refused,) = icitrace.evaluate_many([{"oncogenic_alterations": value}])
        assert isinstance(refused, icitrace.InputProblem) and "nested too deeply" in str(refused)


@pytest.mark.parametrize("item", [{"tmb": 10**5000}, None, {"tmb": {1}}, "x"])
def test_evaluate_refuses_what_evaluate_many_refuses_as_an_input_problem(item):
    with pytest.raises(icitrace.InputProblem, match="^profile: "):
        icitrace.evaluate(item)


def test_a_mapping_other_than_a_dict_is_read_as_one():
    from types import MappingProxyType

    assert _findings(icitrace.evaluate(MappingProxyType({"hypoxia": "high"}))) == ["hypoxic_tme"]


def test_positions_count_from_zero_as_python_does():
    results = list(icitrace.evaluate_many(iter([None, {"tmb": 3}, "x", 4])))
    assert [str(r).split(":")[0] for r in results if isinstance(r, icitrace.IcitraceError)] == [
        "item 0", "item 2", "item 3"]
    assert len(results) == 4
