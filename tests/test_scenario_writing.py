"""`icitrace scenario` (a feature written from a profile) and `icitrace bdd steps` (the catalogue)."""

import json
import os
import re

import pytest
from conftest import PROFILES, ROOT, invoke, run_cli

from icitrace.bdd.sentences import CATALOGUE, SENTENCES
from icitrace.profile.synth import synth_profiles

WRITTEN = ROOT / "tests" / "features" / "profiles"
UPDATE = os.environ.get("ICITRACE_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
def test_the_committed_feature_of_each_shipped_profile_is_what_the_command_writes(profile):
    """tests/features/profiles/*.feature run with the project's scenarios; here they must also be what
    the command writes today (after a deliberate rule change: ICITRACE_UPDATE_GOLDEN=1, read the diff)."""
    done = invoke("scenario", f"profiles/{profile.name}")
    assert done.returncode == 0, done.stderr
    committed = WRITTEN / f"{profile.stem}.feature"
    if UPDATE:
        committed.write_bytes(done.stdout)
    assert committed.read_bytes() == done.stdout, f"{committed.name} is stale: ICITRACE_UPDATE_GOLDEN=1, then review"


def test_written_features_pass_as_written_for_generated_and_awkward_profiles(pytester, tmp_path):
    """Any profile the format accepts: every field known or unknown, bands, lists, pipes and backslashes."""
    profiles = list(synth_profiles(40, seed=11)) + list(synth_profiles(20, seed=13, p_band=0.6))
    profiles.append({"id": "awkward", "oncogenic_alterations": ["A|B pathway", "C\\D"], "tmb": 0.0001,
                     "description": "Scenario: not a step\nFeature: nor this", "tumor_type": "a | b"})
    profiles.append({"id": "empty"})
    features = pytester.path / "features"
    features.mkdir()
    for i, data in enumerate(profiles):
        path = tmp_path / f"p{i}.json"
        path.write_text(json.dumps({"id": f"p{i}", **data}))
        done = invoke("scenario", str(path))
        assert done.returncode == 0, done.stderr
        (features / f"p{i}.feature").write_bytes(done.stdout)
    pytester.makepyfile(test_written="from pytest_bdd import scenarios\nscenarios('features')\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=len(profiles))


@pytest.mark.cli
def test_the_real_command_writes_a_feature_naming_its_source_and_the_disclaimer():
    done = run_cli("scenario", "profiles/mhc-loss.json", "--name", "MHC loss")
    text = done.stdout.decode()
    assert done.returncode == 0 and done.stderr == b""
    assert text.startswith("# Written by `icitrace scenario` from profiles/mhc-loss.json")
    assert "not for clinical use" in text and "\nFeature: MHC loss\n" in text and "\n  Scenario: MHC loss\n" in text
    assert '    Then the finding "' in text and '    When the profile is evaluated\n' in text


def test_the_step_catalogue_lists_every_sentence_plain_and_as_json():
    data = json.loads(invoke("bdd", "steps", "--format", "json").stdout)
    assert [d["sentence"] for d in data] == [s.face for s in CATALOGUE]
    assert [e for d in data for e in d["examples"]] == list(SENTENCES)
    for entry in data:  # each pattern matches its own examples in full
        for example in entry["examples"]:
            assert re.fullmatch(entry["pattern"], example.split(" ", 1)[1]), example
        assert set(re.compile(entry["pattern"]).groupindex) == {p["name"] for p in entry["parameters"]}
    text = invoke("bdd", "steps").stdout.decode()
    assert all(s.face in text for s in CATALOGUE) and max(map(len, text.splitlines())) <= 100


def test_the_editor_step_file_holds_every_pattern_anchored_and_is_never_run():
    """Written as the Cucumber language service reads a Python regular expression: a string whose text
    is /^...$/, groups as (?<name>...); read back as a regular expression, each matches its examples."""
    import ast
    import re

    source = invoke("bdd", "steps", "--format", "python").stdout.decode()
    tree = ast.parse(source)
    decorators = [(d.func.id, d.args[0].value) for f in tree.body if isinstance(f, ast.FunctionDef)
                  for d in f.decorator_list]
    assert [k for k, _ in decorators] == [s.keyword.lower() for s in CATALOGUE]
    for (_, written), sentence in zip(decorators, CATALOGUE):
        assert written.startswith("/^") and written.endswith("$/") and "\\" not in written
        for example in sentence.examples:
            assert re.fullmatch(written[2:-2].replace("(?<", "(?P<"), example), example


@pytest.mark.parametrize("items, says", [
    (["KRAS mutation, G12C"], "has a comma, a carriage return or blanks at its ends"),
    (["PTEN\rloss"], "has a comma, a carriage return or blanks at its ends"),
    (["unknown"], "would be read back from a table as the field being unknown"),
    (['"PTEN loss', 'x"'], "would be read back from a table as without its outer quotes"),
])
def test_a_list_a_table_would_read_back_differently_is_refused(tmp_path, items, says):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"oncogenic_alterations": items}))
    done = invoke("scenario", str(path))
    assert done.returncode == 2 and done.stdout == b"" and says in done.stderr.decode()


def test_no_line_of_a_long_description_can_read_as_a_language_header(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"id": "long", "description": "x" * 84 + " language: fr and more words", "tmb": 4}))
    text = invoke("scenario", str(path), "--name", "   ").stdout.decode()
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert not any(re.match(r"#\s*language\s*:", line) for line in comments), comments
    assert "\nFeature: long\n" in text  # a blank --name is no name
