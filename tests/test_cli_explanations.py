"""The explanation features from the real command: explain, --why-not, --set, --threshold, diff,
sweep, Markdown and DOT (rendered by the real Graphviz), and wording that never prescribes."""

import json
import os
import re
import shutil
import subprocess

import pytest
from conftest import PROFILES, invoke, run_cli

from icitrace.rulebase.wording import prescriptive


def catalogue_ids(book):
    return [*book.catalog.findings, *book.catalog.strategies]


@pytest.fixture(scope="module")
def outputs(book):
    """Every shipped profile, every format, with every catalogue id explained."""
    why = [arg for cid in catalogue_ids(book) for arg in ("--why-not", cid)]
    out = {}
    for fmt in ("text", "json", "markdown", "dot"):
        done = invoke("suggest", *map(str, PROFILES), "--format", fmt, *why)
        assert done.returncode == 0, done.stderr.decode()
        out[fmt] = done.stdout.decode()
    return out


@pytest.fixture(scope="module")
def other_outputs(book):
    """What the other commands print: batch records (compact, full, CSV) and summaries, explain, diff,
    sweep, the rule documentation and every --help."""
    out = {}
    for name, args in {
        "batch jsonl": ["batch", "profiles/", "--summary"],
        "batch full": ["batch", "profiles/", "--full", "--summary", "--summary-format", "json"],
        "batch csv": ["batch", "profiles/", "--format", "csv"],
        "explain": ["explain", "profiles/mhc-loss.json", "ici_plus_chemotherapy"],
        "diff": ["diff", "profiles/cold-desert.json", "profiles/hot-unsuppressed.json"],
        "sweep": ["sweep", "profiles/cold-desert.json", "--field", "tmb", "--from", "0", "--to", "20", "--step", "1"],
        "rules list": ["rules", "list"],
        **{f"rules show {r.id}": ["rules", "show", r.id] for r in book.rules},
    }.items():
        done = invoke(*args, "--workers", "1") if args[0] == "batch" else invoke(*args)
        assert done.returncode == 0, (name, done.stderr.decode())
        out[name] = done.stdout.decode() + done.stderr.decode()
    for command in ([], ["suggest"], ["explain"], ["diff"], ["sweep"], ["batch"], ["synth"], ["validate"],
                    ["schema"], ["rules"], ["rules", "list"], ["rules", "show"], ["rules", "lint"],
                    ["rules", "coverage"]):
        out[f"help {' '.join(command)}"] = invoke(*command, "--help").stdout.decode()
    return out


def test_no_output_in_any_format_prescribes(outputs):
    for fmt, text in outputs.items():
        hits = prescriptive(text)
        assert not hits, (fmt, hits[:5])


def test_no_output_of_any_other_command_prescribes(other_outputs):
    hits = {name: prescriptive(text) for name, text in other_outputs.items() if prescriptive(text)}
    assert not hits


def test_the_prescription_scanner_catches_prescriptive_phrasing():
    for sentence in ("You should start treatment now", "We recommend TGF-beta inhibition",
                     "Administer a TLR agonist", "the patient should receive chemotherapy",
                     "MHC loss points to adoptive cell transfer", "low TMB leads to a vaccine",
                     "agents against them are the matching candidate", "this applies where TIM-3 is raised",
                     "consider a STING agonist", "TGF-beta inhibition is indicated", "it is the treatment of choice",
                     "it should be considered", "indicated for PD-L1-high tumours", "prescribe an inhibitor"):
        assert prescriptive(sentence), sentence
    for sentence in ("The review lists vaccines among partners being explored.",
                     "MHC class I down: adoptive cell transfer as a candidate", "scores vary considerably",
                     "as indicated by the caveat", "the line considered here", "drugs prescribed elsewhere"):
        assert not prescriptive(sentence), sentence


def test_every_format_carries_the_disclaimer(outputs):
    for fmt, text in outputs.items():
        assert text.count("not for clinical use") >= len(PROFILES), fmt


@pytest.mark.cli
def test_explain_and_why_not_give_the_same_answer(book):
    profile = str(PROFILES[0])
    for target in ("hypoxia_targeting", "high_tmb", "anti_tim3_combination"):
        command = run_cli if target == "high_tmb" else invoke  # one through the real command
        explained = json.loads(command("explain", profile, target, "--format", "json").stdout)
        suggested = json.loads(invoke("suggest", profile, "--why-not", target, "--format", "json").stdout)
        assert explained["why_not"] == suggested["why_not"]
        text_explain = invoke("explain", profile, target).stdout.decode()
        text_suggest = invoke("suggest", profile, "--why-not", target).stdout.decode()
        block = text_explain.split("\n\nWhy", 1)[1]
        assert block in text_suggest


def test_json_has_the_new_pieces_and_omits_why_not_unless_asked():
    plain = json.loads(invoke("suggest", str(PROFILES[0]), "--format", "json").stdout)
    assert {"borderline", "next_measurements", "overrides", "changed_fields", "references"} <= set(plain)
    assert "why_not" not in plain


def test_set_and_threshold_are_echoed_in_every_format():
    args = ["suggest", "profiles/sparse-unknowns.json", "--set", "hypoxia=high", "--set", "tmb=unknown",
            "--threshold", "pd_l1_high=40"]
    data = json.loads(invoke(*args, "--format", "json").stdout)
    assert data["changed_fields"] == [{"field": "hypoxia", "before": None, "after": "high"},
                                      {"field": "tmb", "before": 8.4, "after": None}]
    assert data["overrides"] == [{"cutoff": "pd_l1_high", "before": 50.0, "after": 40.0, "unit": "%"}]
    assert "hypoxic_tme" in [f["id"] for f in data["findings"]]
    text = invoke(*args).stdout.decode()
    assert "changed for this run: hypoxia unknown -> high" in text
    assert "cut-off changed for this run: pd_l1_high 50 -> 40 %" in text
    markdown = invoke(*args, "--format", "markdown").stdout.decode()
    assert "**Changed for this run:** `hypoxia` unknown -> high" in markdown
    assert "**Cut-off changed for this run:** `pd_l1_high` 50 -> 40 %" in markdown


@pytest.mark.parametrize("args, message", [
    (["--set", "hypoxya=high"], "unknown profile field `hypoxya` (did you mean `hypoxia`?)"),
    (["--set", "hypoxia=severe"], "`severe` is not a level of `hypoxia`"),
    (["--set", "tmb=-3"], 'after --set: field "tmb": expected a JSON number from 0 to 10000'),
    (["--set", "tmb"], "expected FIELD=VALUE"),
    (["--threshold", "tmb_hi=12"], "no cut-off named 'tmb_hi' (did you mean `tmb_high`?)"),
    (["--threshold", "tmb_high=abc"], "expected NAME=NUMBER"),
    (["--why-not", "hypoxia"], "no finding or strategy `hypoxia` (did you mean `hypoxic_tme`"),
])
def test_bad_options_exit_2_with_a_clear_message(args, message):
    done = invoke("suggest", "profiles/sparse-unknowns.json", *args)
    assert done.returncode == 2 and done.stdout == b""
    assert message in done.stderr.decode() and "Traceback" not in done.stderr.decode()


@pytest.mark.cli
def test_diff_names_gains_losses_and_the_deciding_rules():
    done = invoke("diff", "profiles/sparse-unknowns.json", "--set", "tmb=12", "--format", "json")
    data = json.loads(done.stdout)
    assert data["changed_fields"] == [{"field": "tmb", "before": 8.4, "after": 12.0}]
    assert {(g["id"], tuple(g["rules"])) for g in data["gained"]} == {("high_tmb", ("tmb-high",))}
    lost = {item["id"]: item for item in data["lost"]}
    assert lost["low_immunogenicity"]["now"] == ["tmb-below-high does not fire: needs tmb < tmb_high 10 mut/Mb; tmb is 12"]
    assert set(lost) == {"low_immunogenicity"}  # the vaccine waits on MHC class I, unknown here
    two = run_cli("diff", "profiles/cold-desert.json", "profiles/hot-unsuppressed.json").stdout.decode()
    assert "finding high_tmb (by tmb-high)" in two and "finding immune_desert (was by t-cells-desert)" in two
    alone = invoke("diff", "profiles/cold-desert.json")
    assert alone.returncode == 2 and b"needs a second profile B, or --set" in alone.stderr
    bad = invoke("diff", "profiles/missing.json", "profiles/cold-desert.json")
    assert bad.returncode == 2 and b"profiles/missing.json: no such file" in bad.stderr and bad.stdout == b""


@pytest.mark.cli
def test_sweep_finds_where_conclusions_change():
    data = json.loads(run_cli("sweep", "profiles/cold-desert.json", "--field", "tmb", "--from", "0", "--to", "30",
                              "--step", "0.5", "--format", "json").stdout)
    assert len(data["values"]) == 61
    assert data["present"]["finding low_immunogenicity"] == [[0.0, 9.5]]
    assert data["present"]["finding high_tmb"] == [[10.0, 30.0]]
    assert [t["at"] for t in data["transitions"]] == [10.0]
    levels = json.loads(invoke("sweep", "profiles/sparse-unknowns.json", "--field", "hypoxia", "--format", "json").stdout)
    assert levels["values"] == ["low", "moderate", "high", None]
    assert levels["present"]["strategy hypoxia_targeting"] == [["high", "high"]]
    bad = invoke("sweep", "profiles/cold-desert.json", "--field", "tmb")
    assert bad.returncode == 2 and b"needs --from, --to and a positive --step" in bad.stderr


def test_markdown_report_is_self_contained(outputs):
    report = outputs["markdown"].split("\n---\n")[0]
    for heading in ("# icitrace report:", "## Profile", "## Chain", "```mermaid", "flowchart LR", "## Findings",
                    "## Candidate strategies named in the review", "## Not evaluated", "## Summary", "## References"):
        assert heading in report, heading
    assert "| field | value |" in report and "-->|" in report


# .ci/run installs Graphviz; in CI a missing `dot` is a failure, not a skip.
@pytest.mark.cli
@pytest.mark.skipif(shutil.which("dot") is None and not os.environ.get("CI"), reason="Graphviz not installed")
def test_dot_renders_with_graphviz(outputs, tmp_path):
    graphs = [g for g in outputs["dot"].split("digraph ")[1:]]
    assert len(graphs) == len(PROFILES)
    for index, graph in enumerate(graphs):
        source = tmp_path / f"{index}.dot"
        source.write_text("digraph " + graph)
        done = subprocess.run(["dot", "-Tsvg", str(source)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "<svg" in done.stdout and "<title>" in done.stdout
        for node in re.findall(r"^  ([fs]_\w+) \[", graph, flags=re.MULTILINE):
            assert f"<title>{node}</title>" in done.stdout


def test_sweep_reports_values_ruled_out_in_runs_of_consecutive_values_with_their_own_reason(tmp_path):
    path = tmp_path / "tps50.json"
    path.write_text('{"pd_l1_tps": 50}')
    done = invoke("sweep", str(path), "--field", "pd_l1_cps", "--from", "0", "--to", "120", "--step", "10",
                  "--format", "json")
    data = json.loads(done.stdout)
    assert data["values"] == [50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
    assert [run["at"] for run in data["impossible"]] == [[0.0, 40.0], [110.0, 110.0], [120.0, 120.0]]
    assert data["impossible"][0]["reason"] == "pd_l1_cps is never below pd_l1_tps 50"
    assert "expected a JSON number from 0 to 100" in data["impossible"][1]["reason"]  # its own range, not TPS
    refused = invoke("sweep", str(path), "--field", "id")
    assert refused.returncode == 2 and "id is echoed text, not a field the rules read" in refused.stderr.decode()
