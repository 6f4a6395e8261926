"""Reading profile files: every problem names the file and the field, or the line and column."""

import pytest

from icitrace.profile.reading import MAX_BYTES, ProfileError, read_profile


def write(tmp_path, content, name="p.json"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


def test_id_defaults_to_the_file_stem(tmp_path):
    assert read_profile(write(tmp_path, '{"tmb": 4}', "case-7.json")).id == "case-7"
    assert read_profile(write(tmp_path, '{"id": "mine"}', "x.json")).id == "mine"


@pytest.mark.parametrize(
    "content, expected",
    [
        ('{\n  "tmb": 4\n  "hypoxia": "high"\n}', "line 3, column 3: invalid JSON (Expecting ',' delimiter)"),
        ("", "is empty"),
        ("[1, 2]", "got an array"),
        ("42", "got a number"),
        ('{"tmb": 1, "tmb": 2}', 'field "tmb" appears more than once'),
        ('{"tmb": NaN}', "NaN is not a number icitrace accepts"),
        ('{"tmb": Infinity}', "Infinity"),
        ('{"tmb": "12"}', 'field "tmb": expected a JSON number'),
        ('{"tmb": true}', 'field "tmb"'),
        ('{"pd_l1_tps": 120}', 'field "pd_l1_tps": expected a JSON number from 0 to 100'),
        ('{"hypoxia": "High"}', 'field "hypoxia": expected one of low, moderate, high (lower case), got "High"'),
        ('{"patient_name": "X"}', "hypothetical profiles only"),
        ('{"dob": "1970-01-01"}', "hypothetical profiles only"),
        ('{"tmbb": 3}', 'unknown field "tmbb" (did you mean "tmb"?)'),
        (b"\x00\x01\x02", "binary"),
        (b'{"tmb": "\xff"}', "not UTF-8"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_bad_profiles_get_a_clear_message(tmp_path, content, expected):
    path = write(tmp_path, content)
    with pytest.raises(ProfileError) as error:
        read_profile(path)
    assert str(error.value).startswith(path)
    assert expected in str(error.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ProfileError, match="no such file"):
        read_profile(str(tmp_path / "absent.json"))
    with pytest.raises(ProfileError, match="is a directory"):
        read_profile(str(tmp_path))


def test_oversized_file_is_refused_before_parsing(tmp_path):
    path = write(tmp_path, b'{"description": "' + b"x" * (MAX_BYTES + 10) + b'"}')
    with pytest.raises(ProfileError, match="larger than"):
        read_profile(path)
