"""Golden files: the whole output of every shipped profile in every format, kept in tests/golden/ and
reviewed in diffs. A change to the rules, the wording or a renderer shows here line by line.

After a deliberate change: ICITRACE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py, then read
`git diff tests/golden` before committing it.
"""

import os
from pathlib import Path

import pytest
from conftest import PROFILES, invoke

GOLDEN = Path(__file__).parent / "golden"
FORMATS = {"text": "txt", "json": "json", "markdown": "md", "dot": "dot"}
UPDATE = os.environ.get("ICITRACE_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
def test_output_matches_its_golden_file(profile, fmt):
    done = invoke("suggest", str(profile), "--format", fmt)
    assert done.returncode == 0, done.stderr.decode()
    golden = GOLDEN / f"{profile.stem}.{FORMATS[fmt]}"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(done.stdout)
        pytest.skip("golden file written")
    assert golden.exists(), f"no golden file {golden.name}: run with ICITRACE_UPDATE_GOLDEN=1 and review it"
    assert done.stdout.decode() == golden.read_text(), (
        f"{golden.name} differs; if the change is meant, update with ICITRACE_UPDATE_GOLDEN=1 and review the diff")


def test_the_json_contract_schema_matches_its_golden_file():
    """The JSON contract's schema, one name per model (two models once shared the name `Route` and
    leaked into the schema as `icitrace__reasoning__explain__Route`): a change to the contract shows here."""
    import json

    from icitrace.result.model import Result

    schema = Result.model_json_schema()
    assert not [name for name in schema.get("$defs", {}) if "__" in name], "two models share a name"
    text = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    golden = GOLDEN / "result.schema.json"
    if UPDATE:
        golden.write_text(text)
        pytest.skip("golden file written")
    assert golden.exists(), "no golden schema: run with ICITRACE_UPDATE_GOLDEN=1 and review it"
    assert text == golden.read_text(), "the JSON contract's schema changed: update with ICITRACE_UPDATE_GOLDEN=1 and review"
