"""Every kind of bad profile, through the real command: exit 2, one clear message on stderr naming the
file and the field (or line and column), no traceback, and nothing on stdout a script could mistake
for a result. Profiles are refused, never coerced: see the decisions in docs/profile.md."""

import os
import shutil
import stat
import subprocess
import tempfile

import pytest
from conftest import PROFILES, icitrace_command, invoke, run_cli


CASES = {
    "malformed JSON": (b'{\n  "tmb": 4\n  "hypoxia": "high"\n}', "line 3, column 3: invalid JSON"),
    "empty file": (b"", "is empty; expected a JSON object"),
    "only whitespace": (b"  \n\n", "is empty"),
    "binary file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file, not JSON text"),
    "not UTF-8": (b'{"description": "caf\xe9"}', "is not UTF-8 text (invalid byte at offset 20)"),
    "top-level array": (b'[{"tmb": 3}]', "expected a JSON object at the top level, got an array"),
    "top-level number": (b"42", "expected a JSON object at the top level, got a number"),
    "top-level string": (b'"tmb"', "got a string"),
    "duplicate keys": (b'{"tmb": 3, "hypoxia": "low", "tmb": 30}', 'field "tmb" appears more than once'),
    "NaN": (b'{"tmb": NaN}', "NaN is not a number icitrace accepts"),
    "Infinity": (b'{"pd_l1_tps": Infinity}', "Infinity is not a number icitrace accepts"),
    "-Infinity": (b'{"pd_l1_cps": -Infinity}', "-Infinity is not a number icitrace accepts"),
    "boolean for a number": (b'{"tmb": true}', 'field "tmb": expected a JSON number from 0 to 10000 (not a string), 0 or at least 0.0001, or a band such as {"at_least": 1, "below": 5}, got true'),
    "numeric string": (b'{"tmb": "12"}', 'field "tmb": expected a JSON number from 0 to 10000 (not a string)'),
    "number for a level": (b'{"hypoxia": 3}', 'field "hypoxia": expected one of low, moderate, high (lower case), got 3'),
    "number for a boolean": (b'{"epigenetic_silencing": 1}', 'field "epigenetic_silencing": expected true or false, got 1'),
    "string for a list": (b'{"oncogenic_alterations": "KRAS"}', 'field "oncogenic_alterations": expected a list of strings'),
    "too large": (b'{"pd_l1_tps": 100.5}', 'field "pd_l1_tps": expected a JSON number from 0 to 100'),
    "negative": (b'{"tmb": -0.5}', 'field "tmb"'),
    "below assay resolution": (b'{"tmb": 0.00001}', 'field "tmb"'),
    "level in the wrong case": (b'{"hypoxia": "High"}', 'got "High"'),
    "unknown level": (b'{"tregs": "many"}', 'field "tregs": expected one of absent, present, abundant'),
    "unknown field": (b'{"tmbb": 3}', 'unknown field "tmbb" (did you mean "tmb"?)'),
    "name": (b'{"name": "Jane Doe"}', 'field "name" is not accepted. icitrace takes hypothetical profiles only'),
    "date of birth": (b'{"dob": "1950-02-03"}', 'field "dob" is not accepted'),
    "record number": (b'{"mrn": "12345"}', 'field "mrn" is not accepted'),
    "patient id": (b'{"patient_id": "p1"}', 'field "patient_id" is not accepted'),
    "two bad fields": (b'{"tmb": "x", "hypoxia": "HIGH"}', 'field "tmb": expected a JSON number'),
    "deeply nested": (b"[" * 200_000, "is nested too deeply"),
}


def check_refused(done, path, expected):
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert done.stdout == b""
    assert "Traceback" not in err
    assert f"icitrace: {path}: " in err and expected in err, err
    assert err.count("\n") <= 2  # the message, then the count of failed profiles


@pytest.mark.parametrize("name", CASES)
def test_bad_profile_is_refused_clearly(tmp_path, name):
    content, expected = CASES[name]
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    check_refused(invoke("suggest", str(path), "--format", "json"), path, expected)


@pytest.mark.cli
@pytest.mark.parametrize("name", ["not UTF-8", "deeply nested", "unknown field"])
def test_bad_profile_is_refused_clearly_by_the_real_command(tmp_path, name):
    content, expected = CASES[name]
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    check_refused(run_cli("suggest", str(path), "--format", "json"), path, expected)


def test_a_50_mb_file_is_refused_under_the_size_limit_without_parsing(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b'{"description": "')
        handle.write(b"x" * 50_000_000)
        handle.write(b'"}')
    check_refused(invoke("suggest", str(path)), path, "is larger than 1,000,000 bytes")


def test_missing_file_and_directory(tmp_path):
    check_refused(invoke("suggest", str(tmp_path / "absent.json")), tmp_path / "absent.json", "no such file")
    check_refused(invoke("suggest", str(tmp_path)), tmp_path, "is a directory; expected a profile JSON file")


@pytest.mark.cli
def test_a_file_without_read_permission():
    folder = tempfile.mkdtemp()
    try:
        os.chmod(folder, 0o755)
        path = os.path.join(folder, "locked.json")
        with open(path, "w") as handle:
            handle.write('{"tmb": 3}')
        os.chmod(path, 0)
        command = icitrace_command() + ["suggest", path]
        if os.geteuid() == 0:  # root reads anything: run the command as nobody
            nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            probe = subprocess.run(nobody + icitrace_command() + ["--help"], capture_output=True, timeout=120) \
                if shutil.which("setpriv") else None
            if probe is None or probe.returncode != 0:
                pytest.skip("the command cannot run as an unprivileged user on this interpreter")
            command = nobody + command
        done = subprocess.run(command, capture_output=True, timeout=120)
        check_refused(done, path, "cannot be read (permission denied)")
    finally:
        os.chmod(os.path.join(folder, "locked.json"), stat.S_IRUSR | stat.S_IWUSR)
        shutil.rmtree(folder)


def test_one_bad_file_among_several_is_reported_and_the_rest_evaluated(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"hypoxia": "HIGH"}')
    done = invoke("suggest", str(PROFILES[0]), str(bad), str(PROFILES[1]))
    assert done.returncode == 2
    text = done.stdout.decode()
    assert f"Profile {PROFILES[0].stem}\n" in text and f"Profile {PROFILES[1].stem}\n" in text
    assert b"1 of 3 profiles failed" in done.stderr
