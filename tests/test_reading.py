"""Issue 22, reading: the rationale leads with its answer, says each thing once, and stays whole.

Every shipped profile's text opens with a summary (findings by kind, candidates firmest chain first, what
rests on a borderline value, the deciding unknown); what recurs is given in full once; the trace is one
flag away; a strategy every measured profile draws is a standing note; nothing the text or the JSON
carried before is lost (default text, or one flag away; JSON keeps every field)."""

from __future__ import annotations

import json

import pytest
from conftest import PROFILES, invoke

from icitrace.pipeline import evaluate
from icitrace.rulebase.model import EVIDENCE_ORDER

#: default text lines per profile at rules 2026.12.1, before this issue (`icitrace suggest P | wc -l`)
LINES_BEFORE = {"cold-desert": 309, "many-mechanisms": 438}
#: the JSON fields of rules 2026.12.1: they are only ever added to
FIELDS_BEFORE = {
    'borderline', 'borderline[].cutoff', 'borderline[].field', 'borderline[].margin', 'borderline[].margin_reason',
    'borderline[].rules', 'borderline[].side', 'borderline[].threshold', 'borderline[].unit', 'borderline[].value',
    'changed_fields', 'disclaimer', 'findings', 'findings[].because', 'findings[].because[].condition',
    'findings[].because[].field', 'findings[].because[].value', 'findings[].borderline', 'findings[].caveats',
    'findings[].caveats[].citations', 'findings[].caveats[].text', 'findings[].citations', 'findings[].evidence',
    'findings[].explanation', 'findings[].id', 'findings[].kind', 'findings[].label', 'findings[].rule',
    'findings[].summary', 'findings[].title', 'icitrace_version', 'next_measurements', 'next_measurements[].decides',
    'next_measurements[].field', 'next_measurements[].only_route_to', 'next_measurements[].rules',
    'next_measurements[].sentence', 'not_evaluated', 'not_evaluated[].concludes', 'not_evaluated[].missing',
    'not_evaluated[].rule', 'overrides', 'profile', 'profile.description', 'profile.id', 'profile.tumor_type',
    'profile.unknown', 'profile.values', 'references', 'rules_digest', 'rules_version', 'strategies',
    'strategies[].because', 'strategies[].because[].condition', 'strategies[].because[].field',
    'strategies[].because[].value', 'strategies[].citations', 'strategies[].evidence', 'strategies[].from_findings',
    'strategies[].id', 'strategies[].label', 'strategies[].maturity', 'strategies[].maturity.citation',
    'strategies[].maturity.label', 'strategies[].maturity.stage', 'strategies[].maturity.text',
    'strategies[].not_in_review', 'strategies[].outside_review', 'strategies[].outside_review.citations',
    'strategies[].outside_review.text', 'strategies[].routes', 'strategies[].routes[].because',
    'strategies[].routes[].because[].condition', 'strategies[].routes[].because[].field',
    'strategies[].routes[].because[].value', 'strategies[].routes[].chain_evidence',
    'strategies[].routes[].citations', 'strategies[].routes[].evidence', 'strategies[].routes[].explanation',
    'strategies[].routes[].from_findings', 'strategies[].routes[].rests_on_borderline', 'strategies[].routes[].rule',
    'strategies[].routes[].title', 'strategies[].rules', 'strategies[].summary', 'trace', 'trace[].concludes',
    'trace[].kind', 'trace[].rule', 'trace[].step'}
#: objects whose keys are data (ids, fields, sources), not contract fields
DATA_KEYS = ("references", "profile.values", "borderline[].rules")


def words(text: str) -> str:
    return " ".join(text.split())


def fields(data, path: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(data, dict) and path not in DATA_KEYS:
        for key, value in data.items():
            inner = f"{path}.{key}" if path else key
            out |= {inner} | fields(value, inner)
    elif isinstance(data, list):
        for item in data:
            out |= fields(item, f"{path}[]")
    return out


def suggest(*args: str) -> str:
    done = invoke("suggest", *args)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


@pytest.fixture(scope="module")
def outputs():
    """Each shipped profile: its JSON, and its text by default, --brief and --full."""
    out = {}
    for path in PROFILES:
        out[path.stem] = {"json": json.loads(suggest(str(path), "--format", "json")), "text": suggest(str(path)),
                          "brief": suggest(str(path), "--brief"), "full": suggest(str(path), "--full"),
                          "markdown": suggest(str(path), "--format", "markdown")}
    return out


# --- the answer first ---------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", [p.stem for p in PROFILES])
def test_every_text_opens_with_a_short_summary_naming_the_ids_the_detail_uses(outputs, stem):
    text, result = outputs[stem]["text"], outputs[stem]["json"]
    lines = text.splitlines()
    start = lines.index("Summary")
    assert start < 25 and lines[start - 1] == "" and lines[0].startswith("ILLUSTRATIVE ONLY")
    assert any(line.startswith(f"Profile {stem}") for line in lines[:start])  # after the disclaimer and profile
    end = lines.index("", start)
    summary = lines[start + 1:end]
    assert 0 < len(summary) <= 15, summary
    block = words("\n".join(summary))
    for fid in {f["id"] for f in result["findings"]}:
        assert fid in block
    for s in result["strategies"]:
        assert s["id"] in block
    if result["deciding_unknowns"]:
        assert result["deciding_unknowns"][0]["field"] in block
    for near in result["borderline"]:
        assert near["field"] in block
    # the summary comes before any detail
    assert start < lines.index(next(line for line in lines if line.startswith("Findings")))


@pytest.mark.parametrize("stem", [p.stem for p in PROFILES])
def test_the_summary_orders_candidates_firmest_chain_first_then_catalogue_order(outputs, stem, book):
    result = outputs[stem]["json"]
    summary = result["summary"]
    catalogue = list(book.catalog.strategies)
    ranked = [s["id"] for s in summary["strategies"]]
    firmest = {s["id"]: min((r["chain_evidence"] for r in s["routes"]), key=EVIDENCE_ORDER.index)
               for s in result["strategies"]}
    assert [s["chain_evidence"] for s in summary["strategies"]] == [firmest[i] for i in ranked]
    assert ranked == sorted(ranked, key=lambda i: (EVIDENCE_ORDER.index(firmest[i]), catalogue.index(i)))
    standing = [s["id"] for s in summary["standing"]]
    assert sorted(ranked + standing) == sorted(firmest)  # every candidate once, in one of the two lists
    assert summary["mechanisms"] == list(dict.fromkeys(f["id"] for f in result["findings"] if f["kind"] == "mechanism"))
    assert summary["biomarker_signals"] == list(dict.fromkeys(f["id"] for f in result["findings"]
                                                              if f["kind"] == "biomarker signal"))
    assert summary["deciding_unknown"] == (result["deciding_unknowns"][0]["field"] if result["deciding_unknowns"]
                                           else None)
    # the detail below takes the summary's order
    text = outputs[stem]["text"]
    detail = text[text.index("\nCandidate strategies"):]
    positions = [detail.index(f"\n  {sid}  ") for sid in ranked + standing]
    assert positions == sorted(positions)


def test_a_firm_candidate_is_not_left_for_last(book):
    """The newcomer's complaint: the two firmest strategies came 7th and 8th of 8."""
    result = evaluate({"hypoxia": "high", "tregs": "abundant", "t_cell_infiltration": "desert", "tmb": 2,
                       "mhc_class_i": "intact", "tumor_antigens": "intact"}, book)
    ranked = [s.id for s in result.summary.strategies]
    assert ranked[:2] == ["treg_depletion", "hypoxia_targeting"]
    assert [s.chain_evidence for s in result.summary.strategies][:2] == ["review-stated"] * 2


def test_what_rests_on_a_borderline_value_is_named_in_the_summary(book):
    result = evaluate({"tmb": 9, "pd_l1_tps": 0}, book)
    (near,) = result.summary.borderline
    assert (near.field, near.findings) == ("tmb", ["low_immunogenicity"])
    # biomarker-guided selection has a clear route through PD-L1: it does not rest on the TMB
    assert near.strategies == [] and "cancer_vaccine_combination" not in near.strategies
    alone = evaluate({"tmb": 9, "mhc_class_i": "intact", "tumor_antigens": "intact"}, book)
    assert alone.summary.borderline[0].strategies == ["cancer_vaccine_combination", "biomarker_guided_personalization"]
    miss = evaluate({"pd_l1_tps": 47}, book)
    assert [(b.field, b.findings, b.strategies) for b in miss.summary.borderline] == [("pd_l1_tps", [], [])]
    text = words(invoke("suggest", "-", stdin=b'{"pd_l1_tps": 47}').stdout.decode())
    assert "borderline: pd_l1_tps 47 is 3 under pd_l1_high 50 %" in text and "nothing derived rests on it" in text


# --- each thing once ------------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", [p.stem for p in PROFILES])
def test_each_caveat_legend_and_source_is_given_in_full_once(outputs, stem):
    result = outputs[stem]["json"]
    for fmt in ("text", "markdown"):
        report = words(outputs[stem][fmt])
        for caveat in {c["text"] for f in result["findings"] for c in f["caveats"]}:
            assert report.count(caveat) == 1, (fmt, caveat)
        assert report.count("review-stated > inferred-link > external-cutoff") == bool(result["summary"]["strategies"])
        assert report.count("not a plan for any patient") <= 1
        references = report[report.rindex("References"):]
        for key in result["references"]:  # each source once, by the [n] or short cite the text uses
            if key != "review":
                assert references.count(f"**{key}**" if fmt == "markdown" else key) == 1, (fmt, key)
    # the references in full, one flag away; what icitrace takes from a source is said beside the
    # conclusion, so by default it is not said again there
    full = words(outputs[stem]["full"])
    references = full[full.rindex("References"):]
    for key, value in result["references"].items():
        review = key.startswith("[") or key == "conclusion"
        if key != "review":
            assert references.count(f"{key} {value.split(': ', 1)[1]}" if review else f"{key}: {value}") == 1, key
    default = words(outputs[stem]["text"])
    for note in result["reference_notes"].values():
        assert note not in default[default.rindex("References"):] and note in references


def test_a_caveat_that_recurs_in_a_profile_is_referred_to_the_second_time():
    text = words(invoke("suggest", "-", stdin=b'{"pd_l1_tps": 60, "il10": "elevated"}').stdout.decode())
    caveat = "Defined in one tumour type with one assay (22C3); its meaning elsewhere is not established."
    assert text.count(caveat) == 1
    assert "caveat: as under high_pdl1_expression above" in text


@pytest.mark.parametrize("stem", [p.stem for p in PROFILES])
def test_the_trace_is_one_flag_away_and_kept_in_json(outputs, stem):
    result = outputs[stem]["json"]
    assert [t["step"] for t in result["trace"]] == list(range(1, len(result["trace"]) + 1))
    assert "\nTrace (" not in outputs[stem]["text"] and "## Trace" not in outputs[stem]["markdown"]
    traced = suggest(f"profiles/{stem}.json", "--trace")
    for text in (traced, outputs[stem]["full"]):
        for t in result["trace"]:
            assert f"{t['step']:>2}. {t['rule']} -> {t['kind']} {t['concludes']}" in text
    md = suggest(f"profiles/{stem}.json", "--format", "markdown", "--trace")
    assert "## Trace" in md


def test_the_maturity_cite_never_runs_into_its_stage(outputs):
    text = words(outputs["many-mechanisms"]["text"])
    assert "not a therapy conclusion" not in text
    assert "maturity (the review's conclusion): The review closes" in text
    assert "maturity ([7]): The review reports" in text
    brief = words(outputs["many-mechanisms"]["brief"])
    assert "[as the review puts it: a research method, not a therapy]" in brief


# --- the standing candidate -------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", [p.stem for p in PROFILES])
def test_biomarker_guided_selection_is_a_standing_note_never_a_finding_specific_candidate(outputs, stem):
    result = outputs[stem]["json"]
    summary = result["summary"]
    assert "biomarker_guided_personalization" not in [s["id"] for s in summary["strategies"]]
    if "tmb" in result["profile"]["values"]:
        (standing,) = summary["standing"]
        assert standing["id"] == "biomarker_guided_personalization" and "any measured" in standing["note"].lower()
    text = outputs[stem]["text"]
    lines = text[:text.index("\nFindings")]
    assert "standing: biomarker_guided_personalization" in words(lines)


# --- lengths: by saying things once ------------------------------------------------------------------------

@pytest.mark.parametrize("stem", sorted(LINES_BEFORE))
def test_the_default_text_is_at_most_three_quarters_of_what_it_was(outputs, stem):
    assert len(outputs[stem]["text"].splitlines()) <= 0.75 * LINES_BEFORE[stem]


@pytest.mark.parametrize("stem", [p.stem for p in PROFILES])
def test_brief_is_at_most_half_of_the_default(outputs, stem):
    assert len(outputs[stem]["brief"].splitlines()) <= 0.5 * len(outputs[stem]["text"].splitlines())
    assert "Summary" in outputs[stem]["brief"].splitlines()[:25]


# --- nothing lost ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", [p.stem for p in PROFILES])
def test_every_reason_is_in_the_default_text_or_one_flag_away(outputs, stem):
    result = outputs[stem]["json"]
    default, full = words(outputs[stem]["text"]), words(outputs[stem]["full"])
    standing = {s["id"] for s in result["summary"]["standing"]}
    for f in result["findings"]:
        for part in (f["summary"], f["explanation"], f["title"], *(c["text"] for c in f["caveats"])):
            assert part in default and part in full
    for s in result["strategies"]:
        for part in (s["summary"], s["maturity"]["text"], s["not_in_review"],
                     s["outside_review"] and s["outside_review"]["text"]):
            assert part is None or (part in default and part in full)
        for r in s["routes"]:
            assert r["explanation"] in full and (s["id"] in standing or r["explanation"] in default)
            assert r["rule"] in default
    for m in result["deciding_unknowns"]:
        assert m["sentence"] in full and m["field"] in default
        assert all(rule in full for rule in m["rules"])
    for key, value in result["references"].items():
        review = key.startswith("[") or key == "conclusion"
        assert key in full and (key == "review" or (value.split(": ", 1)[1] if review else value) in full)
    for note in result["reference_notes"].values():
        assert note in full
    for b in result["borderline"]:
        assert b["margin_reason"] in default


def test_json_keeps_every_field_and_names_the_deciding_unknowns(outputs):
    assert FIELDS_BEFORE <= set().union(*(fields(out["json"]) for out in outputs.values()))
    for out in outputs.values():
        result = out["json"]
        assert result["next_measurements"] == result["deciding_unknowns"]  # the old key, one release
        assert {"mechanisms", "biomarker_signals", "strategies", "standing", "borderline",
                "deciding_unknown"} <= set(result["summary"])


def test_words_that_read_as_ordering_a_test_are_gone(outputs):
    for out in outputs.values():
        for fmt in ("text", "full", "markdown"):
            assert "next measurement" not in out[fmt].lower() and "measuring" not in out[fmt].lower()
