"""The tool stays on safe ground: an engine error names its profile and spares the others, no network,
no stray files, byte-identical output whatever the hash seed."""

import json
import os
import subprocess
import sys

import pytest
from conftest import PROFILES
from typer.testing import CliRunner

from icitrace.cli import app
from icitrace.engine.durable import Engine, EngineError


def test_an_engine_error_names_the_profile_and_spares_the_others(monkeypatch):
    real_run = Engine.run

    def flaky(self, fact):
        if fact.get("hypoxia") == "high":  # hypoxic-tumour and many-mechanisms
            raise EngineError("the rule engine refused the profile: error code 202")
        return real_run(self, fact)

    monkeypatch.setattr(Engine, "run", flaky)
    result = CliRunner().invoke(app, ["suggest", *map(str, PROFILES), "--format", "json"])
    assert result.exit_code == 1
    assert "hypoxic-tumour.json: the rule engine refused the profile: error code 202" in result.stderr
    assert "many-mechanisms.json: the rule engine refused" in result.stderr
    assert f"2 of {len(PROFILES)} profiles failed" in result.stderr
    import json

    ids = [r["profile"]["id"] for r in json.loads(result.stdout)]
    assert ids == [p.stem for p in PROFILES if p.stem not in ("hypoxic-tumour", "many-mechanisms")]


@pytest.mark.cli
def test_no_network_and_no_stray_files(tmp_path):
    """Every command runs with sockets disabled, in an empty folder that stays empty (one interpreter
    with the guard installed at start-up runs them all, through the command's own runner)."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(
        "import socket\n"
        "def _refuse(*args, **kwargs):\n"
        "    raise RuntimeError('icitrace tried to open a network connection')\n"
        "socket.socket.connect = _refuse\n"
        "socket.create_connection = _refuse\n"
        "socket.getaddrinfo = _refuse\n")
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    profile = str(PROFILES[0])
    commands = [["suggest", profile], ["suggest", profile, "--format", "markdown"], ["explain", profile, "high_tmb"],
                ["diff", profile, "--set", "tmb=3"], ["sweep", profile, "--field", "hypoxia"], ["rules", "list"],
                ["rules", "lint", "--profiles", "200"], ["validate", profile], ["schema"],
                ["batch", profile, "--workers", "1"], ["synth", "--n", "3"]]
    script = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from icitrace.cli import app\n"
        "for args in json.loads(sys.argv[1]):\n"
        "    done = CliRunner().invoke(app, args)\n"
        "    if done.exit_code != 0 or done.exception:\n"
        "        sys.exit(f'{args}: {done.exit_code} {done.stderr} {done.exception!r}')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("ICITRACE_CACHE_DIR", "XDG_CACHE_HOME")}
    env |= {"PYTHONPATH": str(guard), "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", script, json.dumps(commands)], cwd=work, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert list(work.iterdir()) == []
    # The one thing kept: the checked rule base, in the user's cache folder, private to the user.
    cache = home / ".cache" / "icitrace"
    kept = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert kept[:2] == [".cache", ".cache/icitrace"] and len(kept) == 3
    assert [p.name.startswith("rules-") and p.suffix == ".pickle" for p in cache.iterdir()] == [True]
    assert cache.stat().st_mode & 0o777 == 0o700 and next(cache.iterdir()).stat().st_mode & 0o777 == 0o600


@pytest.mark.cli
def test_output_is_byte_identical_across_hash_seeds():
    """Every format, in two interpreters with different hash seeds."""
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from icitrace.cli import app\n"
        "for fmt in ('text', 'json', 'markdown', 'dot'):\n"
        "    args = ['suggest', *sys.argv[1:], '--format', fmt, '--why-not', 'hypoxia_targeting']\n"
        "    sys.stdout.write(CliRunner().invoke(app, args).stdout)\n")
    runs = [subprocess.run([sys.executable, "-c", script, *map(str, PROFILES)], capture_output=True, timeout=120,
                           env={**os.environ, "PYTHONHASHSEED": seed}) for seed in ("0", "4242")]
    assert runs[0].returncode == 0 and runs[0].stdout.count(b"not for clinical use") >= 4 * len(PROFILES)
    assert runs[0].stdout == runs[1].stdout
