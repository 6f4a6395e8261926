"""End to end: the real `icitrace` command in a subprocess, on real files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROFILES, ROOT, invoke, run_cli


CONTRACT = {
    "disclaimer": str, "profile": dict, "rules_version": str, "findings": list, "strategies": list,
    "not_evaluated": list, "trace": list,
}
FINDING_KEYS = {"id", "label", "kind", "rule", "evidence", "citations", "because"}
STRATEGY_KEYS = {"id", "label", "rules", "from_findings", "evidence", "citations"}


@pytest.fixture(scope="module")
def all_json():
    """One run over every shipped profile, JSON out."""
    done = run_cli("suggest", *map(str, PROFILES), "--format", "json")
    assert done.returncode == 0, done.stderr.decode()
    return done


@pytest.fixture(scope="module")
def all_text():
    done = run_cli("suggest", *map(str, PROFILES))
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


@pytest.mark.cli
def test_json_contract_holds_for_every_shipped_profile(all_json):
    results = json.loads(all_json.stdout)
    assert [r["profile"]["id"] for r in results] == [p.stem for p in PROFILES]
    for result in results:
        for key, kind in CONTRACT.items():
            assert isinstance(result[key], kind), key
        assert "not for clinical use" in result["disclaimer"]
        for finding in result["findings"]:
            assert FINDING_KEYS <= set(finding)
            assert finding["kind"] in ("mechanism", "biomarker signal")
            assert all({"field", "value", "condition"} == set(b) for b in finding["because"])
        for strategy in result["strategies"]:
            assert STRATEGY_KEYS <= set(strategy) and strategy["from_findings"] and strategy["rules"]
        for entry in result["not_evaluated"]:
            assert set(entry) >= {"rule", "missing"} and entry["missing"]
        fired = [t["rule"] for t in result["trace"]]
        assert [t["step"] for t in result["trace"]] == list(range(1, len(fired) + 1))
        assert len(fired) == len(set(fired))
        assert {f["rule"] for f in result["findings"]} | {r for s in result["strategies"] for r in s["rules"]} == set(fired)


@pytest.mark.cli
def test_every_catalogue_entry_is_reached_by_a_shipped_profile(all_json, book):
    results = json.loads(all_json.stdout)
    reached = {f["id"] for r in results for f in r["findings"]} | {s["id"] for r in results for s in r["strategies"]}
    assert set(book.catalog.findings) | set(book.catalog.strategies) <= reached


@pytest.mark.cli
@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
def test_text_rationale_for_each_shipped_profile(all_text, profile):
    blocks = all_text.split("ILLUSTRATIVE ONLY - not for clinical use.")
    block = next(b for b in blocks[1:] if f"Profile {profile.stem}\n" in b)
    assert "\nSummary\n" in block and "Findings (" in block and "Candidate strategies named in the review" in block
    assert "Not evaluated" in block and "Trace (" not in block  # the trace is for --trace (JSON keeps it)


@pytest.mark.cli
def test_text_starts_with_the_disclaimer_and_has_no_colour_when_piped(all_text):
    assert all_text.startswith("ILLUSTRATIVE ONLY - not for clinical use.")
    assert "\x1b[" not in all_text
    assert not any(line != line.rstrip() for line in all_text.splitlines())


@pytest.mark.cli
@pytest.mark.parametrize("columns, expected_width", [(60, 60), (0, 100)])  # 0: a terminal with no size
def test_on_a_terminal_text_is_coloured_and_fits_the_terminal(columns, expected_width):
    import fcntl
    import os
    import pty
    import re
    import struct
    import subprocess
    import termios

    from conftest import icitrace_command

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    process = subprocess.Popen(icitrace_command() + ["suggest", str(PROFILES[0])], stdout=follower,
                               stderr=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other side closed: Linux says EIO
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    shown = b"".join(chunks).decode()
    assert "\x1b[1;33mILLUSTRATIVE ONLY" in shown
    lines = re.sub(r"\x1b\[[0-9;]*m", "", shown).replace("\r\n", "\n").splitlines()
    assert expected_width - 10 < max(len(line) for line in lines) <= expected_width


@pytest.mark.cli
def test_output_is_byte_identical_across_runs_and_hash_seeds(all_json):
    again = run_cli("suggest", *map(str, PROFILES), "--format", "json", env={"PYTHONHASHSEED": "12345"})
    assert again.stdout == all_json.stdout  # every format: test_safety


def test_one_profile_gives_an_object_and_stdin_works():
    body = Path(PROFILES[0]).read_bytes()
    done = invoke("suggest", "-", "--format", "json", stdin=body)
    assert done.returncode == 0
    result = json.loads(done.stdout)
    assert isinstance(result, dict) and result["profile"]["id"] == "stdin"


def test_nothing_inferred_is_still_success():
    done = invoke("suggest", "-", stdin=b'{"hypoxia": "low"}')
    assert done.returncode == 0
    assert "Findings (0): none derived" in done.stdout.decode()


@pytest.mark.parametrize(
    "content, expected",
    [
        (b'{\n  "tmb": 4\n  "hypoxia": "high"\n}', "line 3, column 3"),
        (b"", "is empty"),
        (b'{"tmb": "12"}', 'field "tmb": expected a JSON number'),
        (b'{"name": "Jane Doe", "tmb": 3}', "hypothetical profiles only"),
        (b'{"hypoxia": "HIGH"}', "lower case"),
        (b'{"tmb": NaN}', "NaN"),
    ],
)
def test_bad_profile_exits_2_with_one_clear_message(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    done = invoke("suggest", str(path), "--format", "json")
    err = done.stderr.decode()
    assert done.returncode == 2
    assert done.stdout == b""
    assert str(path) in err and expected in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path):
    done = invoke("suggest", str(tmp_path / "nope.json"))
    assert done.returncode == 2 and b"no such file" in done.stderr and b"Traceback" not in done.stderr


def test_one_bad_profile_does_not_stop_the_others(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"tmb": -1}')
    done = invoke("suggest", str(PROFILES[0]), str(bad), str(PROFILES[1]), "--format", "json")
    assert done.returncode == 2
    results = json.loads(done.stdout)
    assert [r["profile"]["id"] for r in results] == [PROFILES[0].stem, PROFILES[1].stem]
    assert b"1 of 3 profiles failed" in done.stderr


@pytest.mark.cli
def test_validate_reports_each_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"hypoxia": "severe"}')
    done = run_cli("validate", str(PROFILES[0]), str(bad))
    assert done.returncode == 2
    assert f"{PROFILES[0]}: ok".encode() in done.stderr and b'field "hypoxia"' in done.stderr
    assert invoke("validate", *map(str, PROFILES)).returncode == 0


def test_broken_rules_stop_the_run_with_file_and_line(tmp_path):
    import shutil

    from icitrace.pipeline import shipped_dir

    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    path = rules / "microenvironment.yaml"
    path.write_text(path.read_text().replace("      finding: hypoxic_tme", "      finding: hypoxia_tme"))
    done = invoke("suggest", str(PROFILES[0]), "--rules", str(rules))
    assert done.returncode == 2 and done.stdout == b""
    assert f"{path}:10: rule `hypoxia-high`: unknown finding `hypoxia_tme`".encode() in done.stderr


def test_rules_list_and_show(book):
    listing = invoke("rules", "list").stdout.decode().splitlines()
    assert [line.split()[0] for line in listing if not line.startswith(" ")] == [r.id for r in book.rules]
    assert max(len(line) for line in listing) <= 100
    shown = invoke("rules", "show", "tmb-below-high").stdout.decode()
    assert "tmb < tmb_high 10 mut/Mb" in shown and "KEYNOTE-158" in shown and "caveat:" in shown
    assert "Explanation:" in shown and "[8]" in shown
    unknown = invoke("rules", "show", "tmb-below-hihg")
    assert unknown.returncode == 2 and b"(did you mean `tmb-below-high`" in unknown.stderr


def test_schema_describes_the_format_and_accepts_every_shipped_profile():
    schema = json.loads(invoke("schema").stdout)
    assert "not for clinical use" in schema["description"]
    for path in PROFILES:  # every key a shipped profile uses is a property of the schema
        assert set(json.loads(path.read_text())) <= set(schema["properties"]), path.name


@pytest.mark.parametrize("command", [["--help"], ["suggest", "--help"], ["validate", "--help"], ["schema", "--help"],
                                     ["rules", "--help"], ["rules", "list", "--help"], ["rules", "show", "--help"]])
def test_every_command_has_help_with_an_example(command):
    done = invoke(*command)
    assert done.returncode == 0 and b"Example" in done.stdout


def _coverage_table(stdout: bytes) -> dict[str, tuple[int, int, int]]:
    """rule -> (fires, decided not, undecided) from the report's first table."""
    table = stdout.decode().split("\n\n", 1)[0].splitlines()[1:]
    return {line.split()[0]: tuple(int(n) for n in line.split()[1:4]) for line in table}


@pytest.mark.cli
def test_rules_coverage_passes_on_the_project_scenarios(book):
    done = run_cli("rules", "coverage", "tests/features")
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert done.stdout.decode().splitlines()[-1].endswith("every rule both fires and is decided not to fire.")
    counts = _coverage_table(done.stdout)
    assert set(counts) == {r.id for r in book.rules}
    assert all(fired and decided_not for fired, decided_not, _ in counts.values())
    # rules/X.yaml has its scenarios in tests/features/X.feature: each file's own feature covers it whole
    by_file = done.stdout.decode().split("\n\n", 1)[1].splitlines()[1:-1]
    assert len(by_file) == len({r.where.split(":")[0] for r in book.rules})
    for line in by_file:
        name, rules, covered, own = line.split()[:4]
        assert rules == covered == own, line
        assert (ROOT / "tests" / "features" / name.replace(".yaml", ".feature")).is_file()


@pytest.mark.cli
def test_rules_coverage_counts_an_undecided_rule_as_untested_not_as_a_negative(tmp_path):
    features = tmp_path / "features"
    features.mkdir()
    (features / "one.feature").write_text("""Feature: one
  Scenario: hypoxia only
    Given the profile field "hypoxia" is "high"
    When the profile is evaluated
    Then the rule "hypoxia-high" fires
    And the rule "tmb-high" is undecided

  Scenario: low hypoxia
    Given the profile field "hypoxia" is "low"
    When the profile is evaluated
    Then the rule "hypoxia-high" is decided not to fire
""")
    done = run_cli("rules", "coverage", str(features))
    assert done.returncode == 1
    counts = _coverage_table(done.stdout)
    assert counts["hypoxia-high"] == (1, 1, 0)
    # tmb is unknown in both: tmb-high was never tested either way, so it is a gap, not a negative
    assert counts["tmb-high"] == (0, 0, 2)
    lines = done.stdout.decode().splitlines()
    assert not next(line for line in lines if line.startswith("hypoxia-high ")).endswith("<- needs a scenario")
    assert next(line for line in lines if line.startswith("tmb-high ")).endswith("<- needs a scenario")
    assert any(line.startswith("microenvironment.yaml") and line.endswith("<- gaps") for line in lines)
    err = done.stderr.decode()
    assert "rules without a scenario where they fire and one where they are decided not to fire: " in err
    assert "hypoxia-high" not in err.split("decided not to fire: ", 1)[1]


def test_rules_lint_passes_on_the_shipped_rules_and_reports_a_broken_directory(tmp_path, book):
    import shutil

    from icitrace.pipeline import shipped_dir

    ok = invoke("rules", "lint", "--profiles", "200")
    assert ok.returncode == 0 and f"ok ({len(book.rules)} rules".encode() in ok.stdout
    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    path = rules / "microenvironment.yaml"
    path.write_text(path.read_text().replace("        is: high", "        is: severe").replace("  - id: acidity-acidic", "  - id: hypoxia-high"))
    done = invoke("rules", "lint", "--rules", str(rules))
    assert done.returncode == 2 and done.stdout == b""
    err = done.stderr.decode()
    assert f"{path}:8: rule `hypoxia-high`: `severe` is not a level of `hypoxia`" in err
    assert f"{path}:18: rule `hypoxia-high`: duplicate rule id" in err



def test_rules_lint_names_each_rule_the_reading_and_the_engine_disagree_on_then_fails(monkeypatch, book):
    """The differential check's report (render.rules): the directory's line on stdout, then on stderr a
    line per drifting rule and the failure last."""
    from collections import OrderedDict

    from icitrace.reasoning import verdicts
    from icitrace.rulebase import operators

    monkeypatch.setattr(operators.Is, "prepare", lambda self, cond, cutoffs: lambda value: False)
    monkeypatch.setattr(verdicts, "_readings", OrderedDict())  # the reading is prepared again, drifted
    done = invoke("rules", "lint", "--profiles", "300")
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 2 and done.stdout.decode() == (
        f"{book.directory}: ok ({len(book.rules)} rules, {len(book.catalog.findings)} findings, "
        f"{len(book.catalog.strategies)} strategies, {len(book.cutoffs)} cut-offs)\n")
    assert any(line.startswith("icitrace: rule `hypoxia-high`: the engine fired it where the reading says it does "
                               "not hold on ") for line in lines), lines
    drifting = sum(line.startswith("icitrace: rule `") for line in lines)
    assert lines[-1] == (f"icitrace: differential check: the engine and the reading disagree on {drifting} rule(s) "
                         "over 300 generated profiles")

COMMANDS = [[], ["suggest"], ["explain"], ["diff"], ["sweep"], ["batch"], ["synth"], ["validate"], ["schema"],
            ["scenario"], ["rules"], ["rules", "list"], ["rules", "show"], ["rules", "lint"], ["rules", "coverage"],
            ["bdd"], ["bdd", "steps"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) or "icitrace" for c in COMMANDS])
def test_help_has_an_example_describes_every_argument_and_shows_no_internals(command):
    short, long = invoke(*command, "-h"), invoke(*command, "--help")
    assert short.returncode == long.returncode == 0 and short.stdout == long.stdout
    text = long.stdout.decode()
    assert "Examples:\n    icitrace " in text and text.startswith("Usage: icitrace")
    assert "<list[" not in text and "{" not in text.split("\n", 1)[0]
    arguments = text.split("Arguments:\n", 1)[1].split("\n\n", 1)[0] if "Arguments:" in text else ""
    for line in arguments.splitlines():
        if not line.startswith("    "):  # an argument's first line carries its description
            assert len(line.split()) > 1, line
    assert max(len(line) for line in text.splitlines()) <= 100


# each command with help, no arguments, a bad option and too many arguments (bare coverage and lint run
# their whole check, which other tests do)
NARROWED = [(c, rest) for c in COMMANDS if c for rest in (["--help"], [], ["--no-such-option"], ["a", "b", "c", "d"])
            if rest or c[-1] not in ("coverage", "lint")]


@pytest.mark.parametrize("command, rest", NARROWED, ids=[" ".join(c + r) for c, r in NARROWED])
def test_the_app_narrowed_to_one_command_answers_as_the_whole_app(command, rest):
    """`main()` builds only the command asked for (start-up time): what it says must not change."""
    from typer.testing import CliRunner

    from icitrace.cli import app, app_for

    narrow = app_for(command + rest)
    assert narrow is not app and len(narrow.registered_commands) + len(narrow.registered_groups) == 1
    answers = [CliRunner().invoke(a, command + rest, prog_name="icitrace", input=b"") for a in (app, narrow)]
    assert [(a.exit_code, a.stdout_bytes, a.stderr_bytes) for a in answers[:1]] == \
        [(b.exit_code, b.stdout_bytes, b.stderr_bytes) for b in answers[1:]]


@pytest.mark.cli
def test_version():
    from icitrace import __version__

    assert invoke("--version").stdout.decode() == f"icitrace {__version__}\n"
    assert run_cli("-V").stdout.decode() == f"icitrace {__version__}\n"
    module = subprocess.run([sys.executable, "-m", "icitrace", "--version"], capture_output=True, timeout=120)
    assert module.stdout.decode() == f"icitrace {__version__}\n"  # python -m icitrace, where no script is on PATH


@pytest.mark.cli
@pytest.mark.parametrize("words, expected", [
    ("icitrace explain profiles/cold-desert.json hyp", {"hypoxic_tme", "hypoxia_targeting"}),
    ("icitrace suggest x --set hyp", {"hypoxia="}),
    ("icitrace suggest x --threshold tmb", {"tmb_high="}),
    ("icitrace rules show tmb-", {"tmb-below-high", "tmb-high"}),
    ("icitrace ru", {"rules"}),
])
def test_shell_completion_offers_commands_fields_cutoffs_and_ids(words, expected):
    done = run_cli(env={"_ICITRACE_COMPLETE": "complete_bash", "COMP_WORDS": words,
                        "COMP_CWORD": str(len(words.split()) - 1)})
    assert set(done.stdout.decode().split()) == expected


def test_help_lists_the_commands_in_the_order_people_use_them():
    text = invoke("--help").stdout.decode()
    listed = [line.split()[0] for line in text.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()]
    assert listed == ["suggest", "explain", "diff", "sweep", "batch", "synth", "outcomes", "validate", "schema", "scenario",
                      "serve", "rules", "bdd"]
