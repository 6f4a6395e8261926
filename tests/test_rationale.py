"""What the rationale teaches: every conclusion carries its reasons, maturity, chain strength,
borderline dependence and caveats, in every format, with the references resolved; and the knowledge
fixes (CPS/TPS, margins, desert vs excluded, ICI history) hold through the real command."""

import json
import re
import shutil
import subprocess

import pytest
from conftest import PROFILES, invoke, records_of, run_cli

from icitrace.pipeline import evaluate
from icitrace.profile.synth import synth_profiles
from icitrace.rulebase.model import EVIDENCE_ORDER


def words(text: str) -> str:
    """Text with its wrapping undone: line breaks and indents become single spaces."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def shipped():
    """Every shipped profile in JSON, text and markdown, from one run of the real command each."""
    out = {}
    for fmt in ("json", "text", "markdown"):
        done = invoke("suggest", *map(str, PROFILES), "--format", fmt)
        assert done.returncode == 0, done.stderr.decode()
        out[fmt] = done.stdout.decode()
    out["json"] = json.loads(out["json"])
    out["text"] = out["text"].split("ILLUSTRATIVE ONLY - not for clinical use.")[1:]
    done = invoke("suggest", *map(str, PROFILES), "--brief")
    out["brief"] = done.stdout.decode().split("ILLUSTRATIVE ONLY - not for clinical use.")[1:]
    out["markdown"] = out["markdown"].split("\n---\n")
    return out


# --- the reasons travel with every conclusion, in every format --------------------------------------

def test_json_carries_explanation_summary_maturity_chain_and_borderline(shipped, book):
    for result in shipped["json"]:
        for f in result["findings"]:
            rule = book.by_id[f["rule"]]
            assert f["explanation"] == words(rule.explanation) and f["title"] == book.title(rule)
            assert f["summary"] == words(book.catalog.findings[f["id"]].summary)
            assert all(c["text"] and c["citations"] for c in f["caveats"])
        for s in result["strategies"]:
            entry = book.catalog.strategies[s["id"]]
            assert s["summary"] == words(entry.summary)
            assert s["maturity"] == {"stage": entry.maturity.stage, "label": book.catalog.maturity_stages[entry.maturity.stage],
                                     "text": words(entry.maturity.text), "citation": entry.maturity.cite}
            assert s["not_in_review"] == (words(entry.not_in_review) if entry.not_in_review else None)
            for route in s["routes"]:
                assert route["explanation"] == words(book.by_id[route["rule"]].explanation)
                assert route["chain_evidence"] in EVIDENCE_ORDER
                # a chain is never firmer than its own last link
                assert EVIDENCE_ORDER.index(route["chain_evidence"]) >= EVIDENCE_ORDER.index(route["evidence"])
                assert set(route["rests_on_borderline"]) <= {b["field"] for b in result["borderline"]}
        cited = {c for item in [*result["findings"], *result["strategies"]] for c in item["citations"]}
        cited |= {c for f in result["findings"] for cav in f["caveats"] for c in cav["citations"]}
        cited |= {s["maturity"]["citation"] for s in result["strategies"]}
        cited |= {c for s in result["strategies"] if s["outside_review"] for c in s["outside_review"]["citations"]}
        assert set(result["references"]) == cited | {"review"}


@pytest.mark.parametrize("index", range(len(PROFILES)), ids=[p.stem for p in PROFILES])
def test_text_and_markdown_carry_every_reason_and_end_with_references(shipped, index):
    result = shipped["json"][index]
    text, markdown = words(shipped["text"][index]), words(shipped["markdown"][index])
    standing = {s["id"] for s in result["summary"]["standing"]}  # their routes in full: --full
    brief = words(shipped["brief"][index])
    for s in result["strategies"]:
        assert f"[{s['maturity']['label']}]" in brief
    for report in (text, markdown):
        for f in result["findings"]:
            assert f["summary"] in report and f["explanation"] in report and f["title"] in report
            for caveat in f["caveats"]:
                assert caveat["text"] in report
        for s in result["strategies"]:
            # the stage's label is said by the maturity's own words (the label alone: --brief)
            assert s["summary"] in report and s["maturity"]["text"] in report
            if s["not_in_review"]:
                assert s["not_in_review"] in report
            if s["outside_review"]:
                assert s["outside_review"]["text"] in report
            for route in s["routes"]:
                assert s["id"] in standing or route["explanation"] in report
            assert all(f"chain: {r['chain_evidence']}" in text for r in s["routes"])
    # the References block closes the text: the review's title, each [n] used with its section, then each
    # outside source by the short cite the text uses (in full with --full: tests/test_reading.py)
    tail = text[text.rindex("References"):]
    assert tail.startswith(f'References ([n]: the review\'s own reference numbers) The review: '
                           f'"{result["references"]["review"]}"')
    for key, value in result["references"].items():
        if re.fullmatch(r"\[\d+\]|conclusion", key):
            assert f"{key} {value.split(': ', 1)[1]}" in tail
        elif key != "review":
            assert key in tail
    assert "Outside the review" in tail or all(k == "review" or k.startswith("[") or k == "conclusion"
                                               for k in result["references"])
    assert "## References" in markdown


def test_brief_drops_the_prose_but_keeps_the_summary_maturity_chain_and_references():
    full = words(invoke("suggest", "profiles/cold-desert.json").stdout.decode())
    brief = words(invoke("suggest", "profiles/cold-desert.json", "--brief").stdout.decode())
    assert "why: " in full and "why: " not in brief and "caveat:" in full and "caveat:" not in brief
    for kept in ("Summary", "[as the review puts it: being explored]", "chain: inferred-link", "References",
                 "because tmb 1.2 < tmb_high 10 mut/Mb"):
        assert kept in brief
    assert len(brief) < len(full) * 0.5


@pytest.mark.cli
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed (.ci/run installs it)")
def test_dot_tooltips_carry_summaries_and_explanations_into_svg(book):
    dot = invoke("suggest", "profiles/cold-desert.json", "--format", "dot").stdout.decode()
    svg = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60).stdout
    titles = " ".join(re.findall(r'xlink:title="([^"]*)"', svg)).replace("&#39;", "'")
    assert words(book.catalog.findings["low_immunogenicity"].summary) in titles
    assert "a vaccine cannot add antigens to a tumour" in titles


# --- how firm the chain is ----------------------------------------------------------------------------

def route(result, strategy, rule):
    return next(r for s in result.strategies if s.id == strategy for r in s.routes if r.rule == rule)


def test_chain_evidence_is_the_weakest_link_from_value_to_strategy(book):
    # review-stated all the way: hypoxia -> hypoxic_tme -> hypoxia-targeting agents
    assert route(evaluate({"hypoxia": "high"}, book), "hypoxia_targeting", "hypoxia-to-hypoxia-targeting").chain_evidence == "review-stated"
    # a review-stated hop on a finding that rests on an outside cut-off is only as firm as the cut-off
    low = evaluate({"tmb": 4}, book)
    assert route(low, "biomarker_guided_personalization", "low-tmb-to-biomarker-guided").evidence == "review-stated"
    assert route(low, "biomarker_guided_personalization", "low-tmb-to-biomarker-guided").chain_evidence == "external-cutoff"
    # an inferred finding makes the whole chain inferred
    desert = evaluate({"t_cell_infiltration": "desert", "mhc_class_i": "intact", "tumor_antigens": "intact"}, book)
    assert route(desert, "cancer_vaccine_combination", "desert-to-vaccine").chain_evidence == "inferred-link"
    # a finding is as firm as its firmest derivation: TIM-3 (review-stated) carries VISTA's inferred one
    both = evaluate({"tim3": "elevated", "vista": "elevated"}, book)
    assert route(both, "multi_pathway_combination", "alt-checkpoints-to-multi-pathway").chain_evidence == "review-stated"
    vista = evaluate({"vista": "elevated"}, book)
    assert route(vista, "multi_pathway_combination", "alt-checkpoints-to-multi-pathway").chain_evidence == "inferred-link"


@pytest.mark.parametrize("values, routes, strategy", [
    ({"tmb": 9}, {"low-tmb-to-biomarker-guided": ["tmb"]}, ["tmb"]),
    ({"tmb": 5}, {"low-tmb-to-biomarker-guided": []}, []),
    # a CPS under 10 is its own finding (rules 2026.12.2): its route stands clear of the TPS margin
    ({"pd_l1_tps": 0.8, "pd_l1_cps": 5}, {"low-pdl1-to-biomarker-guided": ["pd_l1_tps"],
                                          "cps-below-line-to-biomarker-guided": []}, []),
    ({"pd_l1_tps": 0.8, "pd_l1_cps": 9}, {"low-pdl1-to-biomarker-guided": ["pd_l1_tps"],
                                          "cps-below-line-to-biomarker-guided": ["pd_l1_cps"]},
     ["pd_l1_tps", "pd_l1_cps"]),  # every route is borderline
    ({"pd_l1_tps": 0, "pd_l1_cps": 9}, {"low-pdl1-to-biomarker-guided": [],  # TPS 0 is a clear negative
                                        "cps-below-line-to-biomarker-guided": ["pd_l1_cps"]}, []),
])
def test_a_strategy_rests_on_a_borderline_value_only_when_every_route_does(book, values, routes, strategy):
    result = evaluate(values, book)
    (s,) = [s for s in result.strategies if s.id == "biomarker_guided_personalization"]
    assert {r.rule: r.rests_on_borderline for r in s.routes} == routes
    near = {b.field: b.strategies for b in result.summary.borderline}
    assert [f for f, ids in near.items() if s.id in ids] == strategy


def test_chain_strength_agrees_with_an_independent_reading_over_generated_profiles(book):
    """Over 500 generated profiles: recompute each route's weakest link and borderline fields from the
    findings of the result alone, and compare."""
    rank = EVIDENCE_ORDER.index
    for data in synth_profiles(500, seed=11):
        result = evaluate(data, book)
        derivations = {}
        for f in result.findings:
            strength = max(rank(f.evidence), rank("external-cutoff") if book.cutoffs_of(book.by_id[f.rule]) else 0)
            fields = [b.field for b in result.borderline if b.rules.get(f.rule)]
            derivations.setdefault(f.id, []).append((strength, fields))
        # a finding: its firmest derivation; borderline only when every derivation is
        finding = {fid: (min(d[0] for d in ds), [x for d in ds for x in d[1]] if all(d[1] for d in ds) else [])
                   for fid, ds in derivations.items()}
        for s in result.strategies:
            for r in s.routes:
                rule = book.by_id[r.rule]
                expected, fields = rank(r.evidence), []
                for cond in rule.when:
                    if cond.finding:
                        strength, near = finding[cond.finding]
                    elif cond.count:  # any k of the findings of that kind will do
                        of_kind = [finding[f] for f in finding if book.finding_kind(f) == cond.count.kind]
                        strength = sorted(x[0] for x in of_kind)[cond.count.at_least - 1]
                        clear = sum(not x[1] for x in of_kind)
                        near = [] if clear >= cond.count.at_least else [f for x in of_kind for f in x[1]]
                    else:
                        continue
                    expected = max(expected, strength)
                    fields += near
                assert r.chain_evidence == EVIDENCE_ORDER[expected], (data, s.id, r.rule)
                assert set(r.rests_on_borderline) == set(fields), (data, s.id, r.rule)


def test_a_count_route_is_as_firm_as_its_kth_firmest_finding(book, tmp_path):
    """With a rule base where a mechanism rests on an outside cut-off, a count that enough other
    mechanisms fill does not rest on it (any k will do), and one that needs it does."""
    import shutil

    from icitrace.pipeline import shipped_dir
    from icitrace.rulebase.loading import load_rules

    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    catalog = rules / "catalog.yaml"
    text = catalog.read_text()
    start = text.index("  elevated_checkpoint_ligands:")
    catalog.write_text(text[:start] + text[start:].replace("kind: biomarker signal", "kind: mechanism", 1))
    moved = load_rules(rules)
    # the ligand reading needs a raised cytokine beside it (rules 2026.12.2), itself a firm mechanism
    plenty = evaluate({"pd_l1_tps": 52, "pd_l1_cps": 60, "hypoxia": "high", "il10": "elevated"}, moved)
    several = route(plenty, "multi_pathway_combination", "several-mechanisms-to-multi-pathway")
    assert several.chain_evidence == "inferred-link" and several.rests_on_borderline == []
    needed = evaluate({"pd_l1_tps": 52, "pd_l1_cps": 60, "il10": "elevated"}, moved)
    several = route(needed, "multi_pathway_combination", "several-mechanisms-to-multi-pathway")
    assert several.chain_evidence == "external-cutoff" and several.rests_on_borderline == ["pd_l1_tps"]


# --- knowledge fixes, through the real command ---------------------------------------------------------

@pytest.mark.cli
def test_cps_below_tps_is_refused_everywhere_with_one_message(tmp_path):
    bad = tmp_path / "impossible.json"
    bad.write_text('{"pd_l1_tps": 60, "pd_l1_cps": 5}')
    out = tmp_path / "out.jsonl"
    out.write_text("kept\n")
    for args in (["suggest", str(bad)], ["validate", str(bad)], ["suggest", "profiles/hot-unsuppressed.json",
                                                                  "--set", "pd_l1_cps=50"]):
        done = (run_cli if args[0] == "suggest" and "--set" not in args else invoke)(*args)
        err = done.stderr.decode()
        assert done.returncode == 2 and done.stdout == b"", args
        assert '"pd_l1_cps" and "pd_l1_tps"' in err and "cannot come from one sample and assay" in err, err
        assert "Traceback" not in err and err.count("\n") <= 2, err
    batch = invoke("batch", str(bad), "--workers", "1")
    record = json.loads(records_of(batch.stdout))
    assert batch.returncode == 1 and not record["ok"] and "cannot come from one sample" in record["error"]


def test_synth_never_generates_cps_below_tps():
    pairs = [(p["pd_l1_tps"], p["pd_l1_cps"]) for p in synth_profiles(8_000, seed=4)
             if "pd_l1_tps" in p and "pd_l1_cps" in p]
    assert len(pairs) > 2_000 and all(cps >= tps for tps, cps in pairs)


def test_margins_are_per_side_and_in_proportion_to_the_line():
    def borderline(**values):
        done = invoke("suggest", "-", "--format", "json", stdin=json.dumps(values).encode())
        return {(b["field"], b["side"], b["margin"]) for b in json.loads(done.stdout)["borderline"]}

    assert borderline(pd_l1_tps=0) == set()  # a clear negative, not "near 1%"
    assert borderline(pd_l1_tps=0.6) == {("pd_l1_tps", "below", 0.5)}
    assert borderline(pd_l1_tps=1.8) == {("pd_l1_tps", "at or above", 1.0)}
    assert borderline(pd_l1_tps=2.5) == set()
    assert borderline(pd_l1_tps=46, tmb=11.5) == {("pd_l1_tps", "below", 5.0), ("tmb", "at or above", 2.0)}
    text = words(invoke("suggest", "-", stdin=b'{"pd_l1_tps": 0.6}').stdout.decode())
    assert "pd_l1_tps 0.6 is 0.4 under pd_l1_negative 1 % (borderline within 0.5 below the line)" in text
    assert "why this margin: Near 1% a handful of stained cells decides" in text


def test_a_rule_directory_with_one_margin_for_both_sides_still_loads(tmp_path):
    from icitrace.pipeline import shipped_dir

    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    path = rules / "cutoffs.yaml"
    text = path.read_text()
    start = text.index("    margin:\n      below: 2\n      above: 2\n")
    end = text.index("    cite: \"FDA", start)
    path.write_text(text[:start] + "    margin: 3\n" + text[end:])
    done = invoke("suggest", "-", "--rules", str(rules), "--format", "json", stdin=b'{"tmb": 12.5}')
    assert done.returncode == 0, done.stderr.decode()
    assert [(b["side"], b["margin"], b["margin_reason"]) for b in json.loads(done.stdout)["borderline"]] == [
        ("at or above", 3.0, "")]


def test_desert_and_excluded_are_different_findings_with_different_strategies():
    def reached(phenotype):
        profile = {"t_cell_infiltration": phenotype, "mhc_class_i": "intact", "tumor_antigens": "intact"}
        data = json.loads(invoke("suggest", "-", "--format", "json", stdin=json.dumps(profile).encode()).stdout)
        return {f["id"] for f in data["findings"]}, {s["id"] for s in data["strategies"]}

    desert_findings, desert_strategies = reached("desert")
    excluded_findings, excluded_strategies = reached("excluded")
    assert desert_findings == {"immune_desert"} and excluded_findings == {"t_cell_exclusion"}
    assert {"tlr_agonist_adjuvant", "sting_agonist_adjuvant", "cancer_vaccine_combination"} <= desert_strategies
    assert not {"tlr_agonist_adjuvant", "sting_agonist_adjuvant", "cancer_vaccine_combination"} & excluded_strategies
    assert reached("inflamed") == (set(), set())


@pytest.mark.parametrize("history, says", [
    ("primary_resistance", "Consistent with the history"),
    ("acquired_resistance", "At odds with the history"),
    ("naive", "the review's reading, not something observed"),
    (None, None),
])
def test_the_ici_history_annotates_findings_tied_to_primary_or_adaptive_resistance(history, says):
    profile = {"il10": "elevated", "lag3": "elevated"} | ({"ici_history": history} if history else {})
    data = json.loads(invoke("suggest", "-", "--format", "json", stdin=json.dumps(profile).encode()).stdout)
    sitc = "SITC Immunotherapy Resistance Taskforce 2020"

    def history_notes(finding_id):
        finding = next(f for f in data["findings"] if f["id"] == finding_id)
        return [c for c in finding["caveats"] if sitc in c["citations"]]

    cytokines, checkpoints = history_notes("immunosuppressive_cytokines"), history_notes("alternative_checkpoint_upregulation")
    if says is None:
        assert cytokines == [] and checkpoints == [] and sitc not in data["references"]
    else:
        assert len(cytokines) == 1 and says in cytokines[0]["text"]
        assert cytokines[0]["citations"] == ["[4]", sitc] and checkpoints[0]["citations"] == ["[3]", sitc]
        assert sitc in data["references"]
    if history == "primary_resistance":  # adaptive is a mechanism, not a timing: no contradiction
        assert "Not a contradiction" in checkpoints[0]["text"]


def test_explain_says_derived_for_a_finding():
    text = invoke("explain", "profiles/cold-desert.json", "cancer_vaccine_combination").stdout.decode()
    assert "+ finding immune_desert derived" in text and "inferred" not in text
    hot = invoke("explain", "profiles/hot-unsuppressed.json", "cancer_vaccine_combination").stdout.decode()
    assert "x needs finding immune_desert; not derived" in hot and "inferred" not in hot
    holds = invoke("explain", "profiles/cold-desert.json", "immune_desert").stdout.decode()
    assert "immune_desert is derived by t-cells-desert." in holds


def test_the_schema_gives_the_sitc_definitions():
    from icitrace.profile.model import Profile

    text = Profile.model_json_schema()["properties"]["ici_history"]["description"]
    for part in ("at least 6 weeks", "under 6 months", "SITC: secondary", "at least 6 months", "not the review's"):
        assert part in text


NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def test_shipped_descriptions_count_what_the_output_shows(shipped):
    """A description that names a number of mechanisms must match the mechanisms derived."""
    checked = 0
    for result in shipped["json"]:
        mechanisms = {f["id"] for f in result["findings"] if f["kind"] == "mechanism"}
        for word in re.findall(r"\b(\w+) (?:\w+ )?(?:resistance )?mechanisms\b", result["profile"]["description"].lower()):
            if word in NUMBERS:
                assert NUMBERS[word] == len(mechanisms), (result["profile"]["id"], word, sorted(mechanisms))
                checked += 1
    assert checked >= 2


# --- what the adversarial review found ------------------------------------------------------------------

def test_an_unknown_field_that_the_known_ones_rule_out_is_decided_not_undecided(book):
    result = evaluate({"pd_l1_tps": 60}, book, why_not=["cps_below_keynote355"])
    assert "pd-l1-cps-low" not in {n.rule for n in result.not_evaluated}  # CPS is at least 60 here
    assert "pd_l1_cps" not in {m.field for m in result.deciding_unknowns}
    (why,) = result.why_not
    assert why.holds is False
    assert why.routes[0].checks[-1].condition == ("needs pd_l1_cps < cps_keynote355 10 CPS; pd_l1_cps is unknown, "
                                                  "but pd_l1_cps is never below pd_l1_tps 60")
    # the other way round: a known CPS caps TPS
    capped = evaluate({"pd_l1_cps": 5}, book)
    assert "pd-l1-tps-high" not in {n.rule for n in capped.not_evaluated}
    assert "pd-l1-tps-negative" in {n.rule for n in capped.not_evaluated}  # TPS 0-5 could still be under 1


def test_text_that_is_not_unicode_is_refused_in_every_path(tmp_path):
    bad = tmp_path / "surrogate.json"
    bad.write_text('{"oncogenic_alterations": ["\\ud800"]}')
    for command in (["suggest", str(bad)], ["validate", str(bad)]):
        done = invoke(*command)
        err = done.stderr.decode()
        assert done.returncode == 2 and 'field "oncogenic_alterations": holds a lone UTF-16 surrogate' in err, err
        assert "Traceback" not in err
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text('{"description": "\\udfff"}\n{"tmb": 3}\n')
    done = invoke("batch", str(cohort), "--workers", "1")
    lines = [json.loads(line) for line in records_of(done.stdout).splitlines()]
    assert done.returncode == 1 and [r["ok"] for r in lines] == [False, True]
    assert "lone UTF-16 surrogate" in lines[0]["error"]


def test_a_sweep_steps_over_values_the_rest_of_the_profile_rules_out():
    done = invoke("sweep", "profiles/cold-desert.json", "--field", "pd_l1_tps", "--from", "0", "--to", "10",
                   "--step", "1", "--format", "json")
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(done.stdout)
    assert data["values"] == [0.0, 1.0, 2.0]  # cold-desert's CPS is 2
    assert data["impossible"] == [{"at": [3.0, 10.0], "reason": "pd_l1_tps is never above pd_l1_cps 2"}]
    text = invoke("sweep", "profiles/cold-desert.json", "--field", "pd_l1_tps", "--from", "0", "--to", "10",
                   "--step", "1").stdout.decode()
    assert "pd_l1_tps 3 .. 10: pd_l1_tps is never above pd_l1_cps 2" in text


def test_a_moved_cutoff_carries_its_margin_in_proportion_and_says_so(book):
    from icitrace.rulebase.book import with_overrides

    moved = with_overrides(book, {"tmb_high": 50})
    (near,) = evaluate({"tmb": 42}, moved).borderline
    assert (near.side, near.margin) == ("below", 10.0)
    assert near.margin_reason.startswith("Set for the line at 10 mut/Mb and scaled with it to 50 for this run.")
    assert evaluate({"tmb": 39}, moved).borderline == []


def test_rule_directories_over_the_engines_fact_width_are_refused(tmp_path):
    """Each distinct includes_any test adds a key to the profile fact (253 at most): lint caps them."""
    import shutil

    from icitrace.pipeline import shipped_dir
    from icitrace.rulebase.book import RulesError
    from icitrace.rulebase.loading import load_rules
    from icitrace.rulebase.model import MAX_LIST_TESTS

    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    many = "".join(f'''
  - id: listed-{n}
    title: A generated rule for item {n}
    version: 1
    when:
      - field: oncogenic_alterations
        includes_any: [item {n}]
    then:
      finding: oncogenic_pathway_evasion
    evidence: inferred-link
    citations: ["[5]"]
    explanation: A generated rule that only exists to count the distinct list tests of a rule base.
''' for n in range(MAX_LIST_TESTS + 1))
    (rules / "many.yaml").write_text("rules:" + many)
    with pytest.raises(RulesError) as error:
        load_rules(rules)
    assert [p.message for p in error.value.problems] == [
        f"rule `listed-{MAX_LIST_TESTS - 1}`: more than {MAX_LIST_TESTS} distinct `includes_any` tests: each adds "
        "a key to the profile fact, which holds at most 253"]
