"""What every surface asks before the work (``icitrace.service``): the CLI, the classroom page and the BDD
steps load the rules, check ids and plan a sweep through one function each, so that they refuse the same
request with the same words."""

import json
import shutil

import pytest
from conftest import ROOT, invoke

from icitrace.bdd.steps import RULES_ENV
from icitrace.errors import InputProblem, RulesError
from icitrace.pipeline import shipped_dir
from icitrace.rulebase.loading import load_rules as read_rules
from icitrace.service import RULES_UNUSABLE, check_ids, load_rules, plan_sweep, rules_refusal

PROFILE = ROOT / "profiles" / "cold-desert.json"


@pytest.fixture
def broken_rules(tmp_path):
    """The shipped rules with two faults, so that the refusal lists two problems."""
    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    path = rules / "microenvironment.yaml"
    path.write_text(path.read_text().replace("      finding: hypoxic_tme", "      finding: hypoxic_tmee", 1))
    path = rules / "biomarkers.yaml"
    path.write_text(path.read_text().replace("        below: tmb_high", "        below: tmb_hi", 1))
    return rules


@pytest.fixture(scope="module")
def page():
    """The classroom page's API in process, as test_web_api.py asks it (needs the web extra)."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from icitrace.web.app import create_app

    return TestClient(create_app(), base_url="http://127.0.0.1:8000", headers={"Content-Type": "application/json"})


def _problems(rules) -> list[str]:
    with pytest.raises(RulesError) as error:
        read_rules(rules)
    return [str(p) for p in error.value.problems]


def _cli_words(done) -> str:
    """What the CLI said on stderr, without its name and the last line break."""
    return done.stderr.decode().removeprefix("icitrace: ").removesuffix("\n")


def test_the_refusal_of_a_rule_directory_is_its_problems_under_one_heading(broken_rules):
    problems = _problems(broken_rules)
    assert len(problems) == 2
    with pytest.raises(RulesError) as error:
        load_rules(broken_rules)
    assert rules_refusal(error.value) == [RULES_UNUSABLE, *problems] and RULES_UNUSABLE == "the rules cannot be used:"


@pytest.mark.parametrize("command", [["suggest", str(PROFILE)], ["rules", "lint"], ["serve"]])
def test_every_command_refuses_a_rule_directory_with_the_same_lines(broken_rules, command):
    if command == ["serve"]:
        pytest.importorskip("uvicorn")
        pytest.importorskip("fastapi")
    done = invoke(*command, "--rules", str(broken_rules))
    expected = "".join(f"icitrace: {RULES_UNUSABLE}\n" if i == 0 else f"  {line}\n"
                       for i, line in enumerate([RULES_UNUSABLE, *_problems(broken_rules)]))
    assert (done.returncode, done.stdout, done.stderr.decode()) == (2, b"", expected)


def test_a_scenario_over_a_rule_directory_that_cannot_be_used_fails_with_the_cli_s_words(
        broken_rules, pytester, monkeypatch):
    monkeypatch.setenv(RULES_ENV, str(broken_rules))
    pytester.makepyfile(test_user_scenarios="from pytest_bdd import scenarios\nscenarios('features')\n")
    (pytester.path / "features").mkdir()
    (pytester.path / "features" / "case.feature").write_text("""Feature: broken rules
  Scenario: any
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
    Then the finding "hypoxic_tme" is inferred
""")
    done = pytester.runpytest("-p", "no:cacheprovider")
    done.assert_outcomes(failed=1)
    done.stdout.fnmatch_lines([f"*{RULES_UNUSABLE}", *(f"  {problem}" for problem in _problems(broken_rules))])
    assert "Traceback" not in done.stdout.str()


def test_ids_are_checked_once_for_every_surface(book):
    check_ids(book, ["hypoxic_tme", "hypoxia_targeting"])
    with pytest.raises(InputProblem, match=r"^no finding or strategy `hypoxia` \(did you mean `hypoxic_tme`"):
        check_ids(book, ["hypoxic_tme", "hypoxia"])
    suggest = invoke("suggest", str(PROFILE), "--why-not", "hypoxia")
    explain = invoke("explain", str(PROFILE), "hypoxia")
    assert suggest.returncode == explain.returncode == 2 and _cli_words(suggest) == _cli_words(explain)
    with pytest.raises(InputProblem) as error:
        check_ids(book, ["hypoxia"])
    assert _cli_words(explain) == str(error.value)


def test_the_page_refuses_an_unknown_why_not_id_in_the_cli_s_words(page):
    answer = page.post("/api/evaluate", params={"why_not": ["hypoxic_tme", "hypoxia"]}, content=PROFILE.read_bytes())
    assert answer.status_code == 404
    assert answer.json()["error"] == _cli_words(invoke("suggest", str(PROFILE), "--why-not", "hypoxia"))


def test_a_sweep_takes_exact_steps_every_level_or_both_truth_values():
    assert plan_sweep("tmb", 0, 1, 0.1) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert plan_sweep("hypoxia") == ["low", "moderate", "high", None]
    assert plan_sweep("epigenetic_silencing") == [False, True, None]


BAD_SWEEPS = {
    "unknown field": ("tmbb", None, None, None, "unknown profile field `tmbb` (did you mean `tmb`?)"),
    "echoed text": ("id", None, None, None, "--field id: id is echoed text, not a field the rules read"),
    "list field": ("oncogenic_alterations", None, None, None, "--field oncogenic_alterations: oncogenic_alterations "
                   "is a list field and cannot be swept"),
    "no range": ("tmb", None, None, None, "--field tmb: sweeping tmb needs --from, --to and a positive --step"),
    "backwards": ("tmb", 5, 1, 1, "--field tmb: sweeping tmb needs --from, --to and a positive --step, with --from <= --to"),
    "too many steps": ("tmb", 0, 1e6, 1, "--field tmb: 1000001 steps is more than 10000; use a larger --step"),
}


@pytest.mark.parametrize("field, start, stop, step, says", BAD_SWEEPS.values(), ids=BAD_SWEEPS)
def test_the_cli_and_the_page_refuse_a_bad_sweep_with_the_same_words(page, field, start, stop, step, says):
    with pytest.raises(InputProblem) as error:
        plan_sweep(field, start, stop, step)
    assert str(error.value).startswith(says)
    options = [a for name, value in (("--from", start), ("--to", stop), ("--step", step)) if value is not None
               for a in (name, str(value))]
    done = invoke("sweep", str(PROFILE), "--field", field, *options)
    assert done.returncode == 2 and _cli_words(done) == str(error.value)
    body = {"profile": json.loads(PROFILE.read_text()), "field": field,
            **{k: v for k, v in (("from", start), ("to", stop), ("step", step)) if v is not None}}
    answer = page.post("/api/sweep", json=body)
    assert answer.status_code == 422 and answer.json() == {"error": str(error.value)}
