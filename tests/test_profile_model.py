"""The profile model refuses anything it cannot take at face value, and never fills in a value."""

import pytest
from pydantic import ValidationError

from icitrace.profile.model import Profile, field_kind, field_levels, reasoned_fields


def test_every_field_is_optional_and_unknown_by_default():
    profile = Profile.model_validate({})
    assert profile.known() == {}
    assert profile.unknown() == list(reasoned_fields())


def test_known_and_unknown_split_the_fields():
    profile = Profile.model_validate({"tmb": 3, "hypoxia": "high", "oncogenic_alterations": []})
    assert profile.known() == {"tmb": 3.0, "hypoxia": "high", "oncogenic_alterations": []}
    assert "tmb" not in profile.unknown() and "acidity" in profile.unknown()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"tmb": "12"}, "tmb"),  # numeric strings are refused, not coerced
        ({"tmb": True}, "tmb"),  # booleans are not numbers
        ({"tmb": -0.1}, "tmb"),
        ({"tmb": 0.00001}, "tmb"),  # below assay resolution; the engine cannot take it either
        ({"pd_l1_tps": 100.5}, "pd_l1_tps"),
        ({"pd_l1_cps": -1}, "pd_l1_cps"),
        ({"hypoxia": "High"}, "hypoxia"),  # level words are lower case
        ({"hypoxia": "severe"}, "hypoxia"),
        ({"epigenetic_silencing": "yes"}, "epigenetic_silencing"),
        ({"epigenetic_silencing": 1}, "epigenetic_silencing"),
        ({"oncogenic_alterations": "KRAS"}, "oncogenic_alterations"),
        ({"name": "Jane"}, "name"),
    ],
)
def test_bad_values_are_refused_naming_the_field(data, field):
    with pytest.raises(ValidationError) as error:
        Profile.model_validate(data, strict=True)
    assert error.value.errors()[0]["loc"][0] == field


def test_schema_key_is_allowed():
    assert Profile.model_validate({"$schema": "profile.schema.json"}).known() == {}


def test_field_kinds_and_levels_come_from_the_model():
    assert field_kind("tmb") == "number"
    assert field_kind("epigenetic_silencing") == "bool"
    assert field_kind("oncogenic_alterations") == "list"
    assert field_levels("hypoxia") == ("low", "moderate", "high")
    assert field_levels("tmb") == ()


def test_json_schema_forbids_other_keys_and_documents_every_field_and_level():
    schema = Profile.model_json_schema(by_alias=True)
    assert schema["additionalProperties"] is False and "required" not in schema  # every field optional
    properties = schema["properties"]
    assert "$schema" in properties
    for name in reasoned_fields():
        text = str(properties[name])
        assert properties[name]["description"], name
        for level in field_levels(name):  # the allowed words are in the schema, not only in the code
            assert f"'{level}'" in text, (name, level)
