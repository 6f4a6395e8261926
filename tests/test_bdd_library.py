"""The shipped step library as a user meets it: exact sentences, clear failures, a fresh folder."""

import fnmatch
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


def test_the_bdd_page_documents_every_sentence():
    page = (ROOT / "docs" / "bdd.md").read_text()
    for sentence in SENTENCES:
        shape = sentence.split('"')[0]
        assert shape in page, sentence


def run_feature(pytester, feature: str):
    return run_features(pytester, {"case": feature})


def run_features(pytester, features: dict[str, str]):
    pytester.makepyfile(test_user_scenarios=TEST_MODULE)
    (pytester.path / "features").mkdir()
    for name, text in features.items():
        (pytester.path / "features" / f"{name}.feature").write_text(text)
    return pytester.runpytest("-p", "no:cacheprovider")


# Each mistake below is one scenario; all run in a single pytest session (a session costs ~1 s).
MISTAKES = {
    'Given the profile field "hypoxya" is "high"':
        "*unknown profile field `hypoxya` (did you mean `hypoxia`?). Valid: tmb, pd_l1_tps*",
    'Given the profile field "hypoxia" is "severe"': "*`severe` is not a level of `hypoxia`*Valid: low, moderate, high*",
    'Given the profile field "tmb" is "high"': '*field "tmb" takes a number written as in JSON, such as 9.9, a band such as ">=1 <5", ">=5" or "<1", or unknown; got "high"*',
    'Then the finding "hypoxic" is inferred': "*unknown finding 'hypoxic' (did you mean 'hypoxic_tme'*",
    'Then the strategy "tim3" is suggested': "*unknown strategy 'tim3'*Valid: ici_plus_chemotherapy*",
    'Then the rule "hypoxia-hi" fires': "*unknown rule 'hypoxia-hi' (did you mean 'hypoxia-high'*",
    'Then the finding "hypoxic_tme" is inferred by rule "acidity-acidic"':
        "*rule 'acidity-acidic' concludes 'acidic_tme', never finding 'hypoxic_tme'*",
    'Then the finding "acidic_tme" is inferred': "*expected finding 'acidic_tme' inferred, but it was not*",
    'Then the strategy "hypoxia_targeting" is not suggested':
        "*expected strategy 'hypoxia_targeting' not suggested, but it was (it was suggested by: hypoxia-to-hypoxia-targeting)*",
    'Then the rule "hypoxia-high" does not fire': "*expected rule 'hypoxia-high' not to fire, but it fired*",
    'Then the rule "acidity-acidic" is decided not to fire':
        "*expected rule 'acidity-acidic' to be decided not to fire, but it was undecided (acidity unknown)*",
    'Then the rule "tmb-below-high" is undecided':
        "*expected rule 'tmb-below-high' to be undecided, but it was decided not to fire*",
    'Then the rule "tmb-high" is not evaluated because "tmb" is unknown':
        "*expected rule 'tmb-high' not to be evaluated for lack of 'tmb', but it was evaluated*",
    'Then no finding is inferred': "*expected no finding, got: high_tmb, hypoxic_tme*",
    'Then the finding "hypoxia_targeting" is inferred':
        "*'hypoxia_targeting' is a strategy, not a finding: write the strategy \"hypoxia_targeting\"*",
    'Then the rule "tmb-high" is ruled out by "tmbb"': "*unknown profile field or finding 'tmbb' (did you mean 'tmb'*",
    'Then the rationale mentions "tregs is present"': "*the rationale does not mention 'tregs is present'*",
}
OTHER_MISTAKES = {
    "typo": ("""Feature: typo
  Scenario: typo
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
    Then the findng "hypoxic_tme" is inferred
""", ['*no icitrace step matches "Then the findng "hypoxic_tme" is inferred"*', "*Nearest shipped sentences:*",
      '*  Then the finding "hypoxic_tme" is inferred']),
    "nothen": ("""Feature: no then
  Scenario: nothing checked
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
""", ['*scenario "nothing checked"*has no Then step*']),
    "keyword": ("""Feature: keyword
  Scenario: a Given sentence under When
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
    And the profile field "tmb" is 5
    Then no finding is inferred
""", ['*"And the profile field "tmb" is 5"*is a Given sentence, but here it counts as a When*']),
    "order": ("""Feature: order
  Scenario: then first
    Given the profile field "hypoxia" is "high"
    Then the finding "hypoxic_tme" is inferred
""", ['*no result yet: add "When the profile is evaluated"*']),
    "duplicates": ("""Feature: duplicates
  Scenario: same name
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
    Then the finding "hypoxic_tme" is inferred
  Scenario: same name
    Given the profile field "hypoxia" is "low"
    When the profile is evaluated
    Then the finding "hypoxic_tme" is not inferred
""", ['*the scenario name "same name" is used at lines 2 and 6*silently runs only the last*']),
}


def test_every_mistake_fails_with_a_clear_message(pytester):
    scenarios = []
    for n, step in enumerate(MISTAKES, start=1):
        given = step if step.startswith("Given") else 'Given the profile field "hypoxia" is "high"\n    And the profile field "tmb" is 20'
        then = step if step.startswith("Then") else "Then no finding is inferred"
        scenarios.append(f"  Scenario: mistake {n}\n    {given}\n    When the profile is evaluated\n    {then}\n")
    features = {"names": "Feature: names\n" + "\n".join(scenarios)}
    features |= {name: text for name, (text, _) in OTHER_MISTAKES.items()}
    result = run_features(pytester, features)
    # pytest-bdd makes one test of the two same-named scenarios; the guard fails it
    result.assert_outcomes(failed=len(MISTAKES) + len(OTHER_MISTAKES))
    lines = result.stdout.lines
    expected = list(MISTAKES.values()) + [p for _, patterns in OTHER_MISTAKES.values() for p in patterns]
    for pattern in expected:
        assert any(fnmatch.fnmatch(line, pattern) for line in lines), pattern


def test_a_misspelled_scenario_keyword_does_not_pass_silently(pytester):
    # "Scenaro:" turns the whole block into a description: pytest-bdd then finds no scenario and errors.
    result = run_feature(pytester, """Feature: f
  Scenaro: misspelled
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
    Then the finding "hypoxic_tme" is inferred
""")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*NoScenariosFound*"])


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


@pytest.mark.cli
def test_the_plugin_registers_nothing_when_pytest_bdd_is_missing():
    code = ("import sys; sys.modules['pytest_bdd'] = None\n"
            "import icitrace.bdd.plugin as plugin; print(plugin.pytest_plugins)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr


UNRELATED_STEPS = '''
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("features")


@given(parsers.parse("a basket with {n:d} apples"), target_fixture="basket")
def basket(n):
    return {"apples": n}


@when("one apple is eaten")
def eat(basket):
    basket["apples"] -= 1


@then(parsers.parse("the basket holds {n:d} apples"))
def holds(basket, n):
    assert basket["apples"] == n
'''

UNRELATED_FEATURE = """Feature: a basket of apples
  Scenario: eating one
    Given a basket with 3 apples
    When one apple is eaten
    Then the basket holds 2 apples

  Scenario: a wrong count
    Given a basket with 3 apples
    When one apple is eaten
    Then the basket holds 5 apples

  Scenario: a step nobody wrote
    Given a basket with 3 apples
    When the basket is dropped
    Then the basket holds 0 apples

  Scenario: nothing checked
    Given a basket with 3 apples
    When one apple is eaten

  Scenario: nothing checked
    Given a basket with 1 apples
"""


# Another project whose own steps happen to be worded like icitrace's: its definitions win, and its
# scenarios stay its own (no Then, a missing step and a repeated name behave as without icitrace).
OVERLAP_STEPS = '''
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("features")


@given(parsers.parse('the profile "{user}"'), target_fixture="account")
def account(user):
    return {"name": user}


@when("the profile is evaluated")
def evaluated(account):
    account["ok"] = True


@then("it is ok")
def ok(account):
    assert account["ok"]
'''

OVERLAP_FEATURE = """Feature: accounts
  Scenario: evaluating does not crash
    Given the profile "alice"
    When the profile is evaluated

  Scenario: twice
    Given the profile "alice"
    When the profile is evaluated
    Then it is ok

  Scenario: twice
    Given the profile "carol"
    When the profile is evaluated
    Then it is ok

  Scenario: a step nobody wrote
    Given the profile "alice"
    When the basket is dropped
    Then it is ok
"""


@pytest.mark.cli
@pytest.mark.parametrize("steps, feature, failed", [(UNRELATED_STEPS, UNRELATED_FEATURE, 2),
                                                    (OVERLAP_STEPS, OVERLAP_FEATURE, 1)],
                         ids=["own-wording", "wording-like-icitrace"])
def test_an_unrelated_pytest_bdd_project_gives_the_same_results_with_icitrace_installed(pytester, steps, feature,
                                                                                         failed):
    """The entry point loads icitrace's plugin into every pytest run: its guards (a Then step, unique
    names, the nearest sentence for a missing step) must touch only scenarios that use its steps."""
    pytester.makepyfile(test_project=steps)
    (pytester.path / "features").mkdir()
    (pytester.path / "features" / "project.feature").write_text(feature)
    runs = {name: pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA", *flags)
            for name, flags in (("with", ()), ("without", ("-p", "no:icitrace")))}
    plugins = {name: any(line.startswith("plugins:") and "icitrace" in line for line in run.outlines)
               for name, run in runs.items()}
    assert plugins == {"with": True, "without": False}, "the plugin's presence is what differs"
    outcomes = {name: run.parseoutcomes() for name, run in runs.items()}
    assert outcomes["with"] == outcomes["without"] and outcomes["with"]["failed"] == failed, outcomes
    lines = {name: sorted(line for line in run.outlines if line.startswith(("PASSED", "FAILED")))
             for name, run in runs.items()}
    assert lines["with"] == lines["without"]
    text = "\n".join(runs["with"].outlines)
    assert 'StepDefinitionNotFoundError: Step definition is not found: When "the basket is dropped"' in text
    assert "no icitrace step" not in text and "has no Then step" not in text and "is used at lines" not in text


@pytest.mark.cli
def test_the_plugin_loads_no_engine_and_no_models_in_a_session_that_may_not_use_them():
    """The pytest11 entry point is imported by every pytest session of every project with pytest-bdd:
    it must not load durable-rules' C engine, pydantic or the rules until an icitrace step runs."""
    code = ("import sys, icitrace.bdd.plugin, icitrace.bdd.steps; "
            "print(sorted(m for m in ('durable_rules_engine', 'pydantic', 'icitrace.pipeline', 'yaml') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "[]", (done.stdout, done.stderr)


def test_the_one_non_public_pytest_bdd_function_relied_on_is_there():
    """pytest-bdd is pinned below 10; this says at once if a release in that range drops the lookup the
    guards use to tell icitrace's steps from a project's own (they would fall back to the wording)."""
    import inspect

    from pytest_bdd.scenario import get_step_function

    assert list(inspect.signature(get_step_function).parameters) == ["request", "step"]
