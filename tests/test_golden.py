"""Golden files: the whole output a user sees, kept in tests/golden/ and reviewed in diffs. A change to the
rules, the wording or a renderer shows here line by line.

- `suggest`: every shipped profile in every format (top level, `<profile>.<txt|json|md|dot>`);
- `explain`, `diff` and `sweep`: a few cases each, text and JSON (`explain/`, `diff/`, `sweep/`);
- the JSON contract's schema (`result.schema.json`) and the profile format's (`profile.schema.json`).

The stamp of what made an output (icitrace's version, the rules' version and the rules' digest) is replaced
by placeholders before the comparison (``redact``), so that editing a rule rewrites only the goldens whose
text it changes. The redaction is a check too: an output that should carry the stamp must carry it exactly
once, naming the running icitrace and the loaded rules, or the test fails.

After a deliberate change: ICITRACE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py, then read
`git diff tests/golden` before committing it. A golden file no case writes any more fails the suite.
"""

import json
import os
import re
from pathlib import Path

import pytest
from conftest import PROFILES, invoke

from icitrace import __version__
from icitrace.pipeline import rulebook

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ICITRACE_UPDATE_GOLDEN") == "1"
EXT = {"text": "txt", "json": "json", "markdown": "md", "dot": "dot"}
PLACEHOLDER = {"version": "<icitrace-version>", "rules": "<rules-version>", "digest": "<rules-digest>"}

# The stamp as each format writes it: the header line of text and Markdown, three keys in JSON.
STAMP_FORMS = [
    re.compile(r"^icitrace (?P<version>\S*) \| rules (?P<rules>\S*) \((?P<digest>[^)]*)\)$", re.M),
    re.compile(r"^\*icitrace (?P<version>\S*), rules (?P<rules>\S*) \((?P<digest>[^)]*)\)\*$", re.M),
    re.compile(r'"icitrace_version": "(?P<version>[^"]*)",\s*"rules_version": "(?P<rules>[^"]*)",'
               r'\s*"rules_digest": "(?P<digest>[^"]*)"'),
]


def redact(text: str, stamps: int) -> str:
    """The output with its stamp replaced by placeholders, once the stamp is known to be there `stamps`
    times and to name this icitrace, the loaded rules' version and their digest (with a tag after "-"
    where `--threshold` moved a cut-off)."""
    book = rulebook()
    expected = {"version": re.escape(__version__), "rules": re.escape(book.version),
                "digest": re.escape(book.rules_digest) + r"(-[0-9a-f]{6})?"}
    found = [m for form in STAMP_FORMS for m in form.finditer(text)]
    assert len(found) == stamps, f"expected {stamps} stamp(s) of version and rules digest, found {len(found)}"
    for match in sorted(found, key=lambda m: m.start(), reverse=True):
        for part in ("digest", "rules", "version"):  # right to left, so the earlier spans still hold
            value = match.group(part)
            assert re.fullmatch(expected[part], value), f"the stamp's {part} is {value!r}, not {expected[part]!r}"
            text = text[:match.start(part)] + PLACEHOLDER[part] + text[match.end(part):]
    assert book.rules_digest not in text, "the rules digest appears outside the stamp"
    return text


def _cases():
    """(golden file, command line, stamps the output carries)."""
    for profile in PROFILES:
        for fmt, ext in EXT.items():
            yield f"{profile.stem}.{ext}", ["suggest", str(profile), "--format", fmt], 0 if fmt == "dot" else 1
    explain = [  # reached through a finding; undecided on an unknown; ruled out by a known value;
        ("mhc-loss", "adoptive_cell_transfer"),  # a count of findings; a cut-off moved for the run
        ("cold-desert", "hypoxia_targeting"),
        ("hot-unsuppressed", "immune_desert"),
        ("many-mechanisms", "multi_pathway_combination"),
        ("hot-unsuppressed", "high_tmb", "--threshold", "tmb_high=20"),
    ]
    for profile, target, *more in explain:
        name = f"explain/{profile}.{target}" + ("".join(f".{m.replace('=', '-')}" for m in more[1::2]))
        for fmt in ("text", "json"):
            yield f"{name}.{EXT[fmt]}", ["explain", f"profiles/{profile}.json", target, *more, "-f", fmt], 1
    diff = [  # two profiles; one profile against itself with fields changed; with a cut-off moved as well
        ("cold-desert.hot-unsuppressed", ["profiles/cold-desert.json", "profiles/hot-unsuppressed.json"]),
        ("sparse-unknowns.tmb-12.hypoxia-high",
         ["profiles/sparse-unknowns.json", "--set", "tmb=12", "--set", "hypoxia=high"]),
        ("tgf-beta-primary-resistance.tgf_beta-unknown.tmb_high-5",
         ["profiles/tgf-beta-primary-resistance.json", "--set", "tgf_beta=unknown", "--threshold", "tmb_high=5"]),
    ]
    for name, args in diff:
        for fmt in ("text", "json"):
            yield f"diff/{name}.{EXT[fmt]}", ["diff", *args, "-f", fmt], 1
    sweep = [  # a number over a range; a level field over its levels and unknown
        ("cold-desert.tmb", ["profiles/cold-desert.json", "--field", "tmb", "--from", "0", "--to", "30",
                             "--step", "0.5"]),
        ("hot-unsuppressed.pd_l1_tps", ["profiles/hot-unsuppressed.json", "--field", "pd_l1_tps", "--from", "0",
                                        "--to", "100", "--step", "5"]),
        ("sparse-unknowns.hypoxia", ["profiles/sparse-unknowns.json", "--field", "hypoxia"]),
    ]
    for name, args in sweep:
        for fmt in ("text", "json"):
            yield f"sweep/{name}.{EXT[fmt]}", ["sweep", *args, "-f", fmt], 1
    yield "profile.schema.json", ["schema"], 0


CASES = list(_cases())


def matches_golden(name: str, text: str) -> None:
    """`text` is the golden file `name`'s content, or (with ICITRACE_UPDATE_GOLDEN=1) becomes it."""
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
        pytest.skip("golden file written")
    assert golden.exists(), f"no golden file {name}: run with ICITRACE_UPDATE_GOLDEN=1 and review it"
    assert text == golden.read_text(), (
        f"{name} differs; if the change is meant, update with ICITRACE_UPDATE_GOLDEN=1 and review the diff")


@pytest.mark.parametrize("name, args, stamps", CASES, ids=[case[0] for case in CASES])
def test_output_matches_its_golden_file(name, args, stamps):
    done = invoke(*args)
    assert done.returncode == 0, done.stderr.decode()
    matches_golden(name, redact(done.stdout.decode(), stamps))


def test_the_json_contract_schema_matches_its_golden_file():
    """The JSON contract's schema, one name per model (two models once shared the name `Route` and
    leaked into the schema as `icitrace__reasoning__explain__Route`): a change to the contract shows here."""
    from icitrace.result.model import Result

    schema = Result.model_json_schema()
    assert not [name for name in schema.get("$defs", {}) if "__" in name], "two models share a name"
    matches_golden("result.schema.json", json.dumps(schema, indent=2, sort_keys=True) + "\n")


def test_every_golden_file_belongs_to_a_case():
    """A golden file no test writes any more would sit unread: it fails here until it is removed."""
    written = {name for name, _, _ in CASES} | {"result.schema.json"}
    kept = {str(path.relative_to(GOLDEN)) for path in GOLDEN.rglob("*") if path.is_file()}
    assert kept - written == set(), "golden files no case writes"


@pytest.mark.parametrize("damage, problem", [
    (lambda text: re.sub(r"^icitrace \S+", "icitrace 9.9.9", text, count=1, flags=re.M), "version"),
    (lambda text: re.sub(r"\(([0-9a-f]{12})\)", r"(\g<1>0)", text, count=1), "digest"),
    (lambda text: re.sub(r"rules (\S+) \(", "rules  (", text, count=1), "stamp"),
    (lambda text: re.sub(r"^icitrace .*\n", "", text, count=1, flags=re.M), "stamp"),
])
def test_the_redaction_fails_on_a_missing_or_wrong_stamp(damage, problem):
    text = invoke("suggest", "profiles/cold-desert.json").stdout.decode()
    assert "<rules-digest>" in redact(text, 1)
    with pytest.raises(AssertionError, match=problem):
        redact(damage(text), 1)


def test_the_redaction_finds_the_stamp_in_json_and_markdown():
    for fmt in ("json", "markdown"):
        text = invoke("suggest", "profiles/cold-desert.json", "-f", fmt).stdout.decode()
        out = redact(text, 1)
        assert all(placeholder in out for placeholder in PLACEHOLDER.values())
        with pytest.raises(AssertionError, match="stamp"):
            redact(text.replace("rules_version", "rules_revision").replace(", rules ", ", ruleset "), 1)
