"""The shipped step library as a user meets it: exact sentences, clear failures, a fresh folder."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_bdd.steps import step_function_context_registry

from icitrace.bdd.steps import SENTENCES

ROOT = Path(__file__).resolve().parent.parent
STEPS = [c for c in step_function_context_registry.values() if c.step_func.__module__ == "icitrace.bdd.steps"]
TEST_MODULE = "from pytest_bdd import scenarios\nscenarios('features')\n"


@pytest.mark.parametrize("sentence", SENTENCES)
def test_each_documented_sentence_matches_exactly_one_step(sentence):
    keyword, text = sentence.split(" ", 1)
    matching = [c for c in STEPS if c.type == keyword.lower() and c.parser.is_matching(text)]
    assert len(matching) == 1, [c.parser.name for c in matching]


def test_the_readme_documents_every_sentence():
    readme = (ROOT / "README.md").read_text()
    for sentence in SENTENCES:
        shape = sentence.split('"')[0]
        assert shape in readme, sentence


def run_feature(pytester, feature: str):
    pytester.makepyfile(test_user_scenarios=TEST_MODULE)
    (pytester.path / "features").mkdir()
    (pytester.path / "features" / "case.feature").write_text(feature)
    return pytester.runpytest("-p", "no:cacheprovider")


def test_a_sentence_with_a_typo_fails_with_the_nearest_sentences(pytester):
    result = run_feature(pytester, """Feature: f
  Scenario: typo
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
    Then the findng "hypoxic_tme" is inferred
""")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['*no icitrace step matches "Then the findng "hypoxic_tme" is inferred"*',
                                 "*Nearest shipped sentences:*", '*Then the finding "hypoxic_tme" is inferred*'])


def test_a_scenario_without_then_fails_instead_of_passing(pytester):
    result = run_feature(pytester, """Feature: f
  Scenario: nothing checked
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
""")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['*scenario "nothing checked"*has no Then step*'])


def test_a_misspelled_scenario_keyword_does_not_pass_silently(pytester):
    # "Scenaro:" turns the whole block into a description: the feature has no scenario left to run.
    result = run_feature(pytester, """Feature: f
  Scenaro: misspelled
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
    Then the finding "hypoxic_tme" is inferred
""")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*NoScenariosFound*"])


def test_duplicate_scenario_names_fail_instead_of_hiding_one(pytester):
    scenario = """  Scenario: same name
    Given the profile field "hypoxia" is "{level}"
    When the profile is evaluated
    Then the finding "hypoxic_tme" is {neg}inferred
"""
    result = run_feature(pytester, "Feature: f\n" + scenario.format(level="high", neg="")
                         + scenario.format(level="low", neg="not "))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['*scenario names must be unique*"same name" at lines 2 and 6*'])


@pytest.mark.parametrize(
    "step, message",
    [
        ('Given the profile field "hypoxya" is "high"',
         "*unknown profile field 'hypoxya'. Did you mean 'hypoxia'? Valid: tmb, pd_l1_tps*"),
        ('Given the profile field "hypoxia" is "severe"', "*unknown level of \"hypoxia\" 'severe'*Valid: low, moderate, high*"),
        ('Then the finding "hypoxic" is inferred', "*unknown finding 'hypoxic'. Did you mean 'hypoxic_tme'*"),
        ('Then the strategy "tim3" is suggested', "*unknown strategy 'tim3'*Valid: ici_plus_chemotherapy*"),
        ('Then the rule "hypoxia-hi" fires', "*unknown rule 'hypoxia-hi'. Did you mean 'hypoxia-high'*"),
        ('Then the finding "hypoxic_tme" is inferred by rule "acidity-acidic"',
         "*rule 'acidity-acidic' concludes 'acidic_tme', never finding 'hypoxic_tme'*"),
        ('Then the finding "acidic_tme" is inferred', "*expected finding 'acidic_tme' inferred, but it was not*"),
        ('Then the strategy "hypoxia_targeting" is not suggested',
         "*expected strategy 'hypoxia_targeting' not suggested, but it was (it was suggested by: hypoxia-to-hypoxia-targeting)*"),
    ],
)
def test_wrong_names_and_false_claims_fail_with_a_clear_message(pytester, step, message):
    given = step if step.startswith("Given") else 'Given the profile field "hypoxia" is "high"'
    then = step if step.startswith("Then") else 'Then no finding is inferred'
    result = run_feature(pytester, f"""Feature: f
  Scenario: s
    {given}
    When the profile is evaluated
    {then}
""")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([message])


def test_then_before_when_says_what_is_missing(pytester):
    result = run_feature(pytester, """Feature: f
  Scenario: s
    Given the profile field "hypoxia" is "high"
    Then the finding "hypoxic_tme" is inferred
""")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['*no result yet: add "When the profile is evaluated"*'])


@pytest.mark.cli
def test_a_scenario_tagged_cli_runs_the_real_command(pytester):
    result = run_feature(pytester, """Feature: f
  @cli
  Scenario: through the command
    Given the profile "mhc-loss"
    When the profile is evaluated
    Then the strategy "adoptive_cell_transfer" is suggested by rule "mhc-loss-to-adoptive-cell-transfer"
""")
    result.assert_outcomes(passed=1)


@pytest.mark.cli
def test_a_new_user_folder_runs_with_only_features_and_one_line(tmp_path):
    """The README's recipe, for real: a fresh folder outside the project, plain `python -m pytest`."""
    folder = tmp_path / "my-scenarios"
    shutil.copytree(ROOT / "tests" / "example_project", folder)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=folder,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
