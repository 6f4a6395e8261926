"""The tool stays on safe ground: an engine error names its profile and spares the others, no network,
no stray files, byte-identical output whatever the hash seed."""


import pytest
from conftest import PROFILES, run_cli
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
    """Every command runs with sockets disabled, in an empty folder that stays empty."""
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
    env = {"PYTHONPATH": str(guard), "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
    profile = str(PROFILES[0])
    for args in (["suggest", profile], ["suggest", profile, "--format", "markdown"], ["explain", profile, "high_tmb"],
                 ["diff", profile, "--set", "tmb=3"], ["sweep", profile, "--field", "hypoxia"], ["rules", "list"],
                 ["rules", "lint"], ["validate", profile], ["schema"]):
        done = run_cli(*args, env=env, cwd=work)
        assert done.returncode == 0, (args, done.stderr.decode())
    assert list(work.iterdir()) == [] and list(home.iterdir()) == []


@pytest.mark.cli
@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "dot"])
def test_output_is_byte_identical_across_hash_seeds(fmt):
    args = ["suggest", *map(str, PROFILES), "--format", fmt, "--why-not", "hypoxia_targeting"]
    first = run_cli(*args, env={"PYTHONHASHSEED": "0"})
    second = run_cli(*args, env={"PYTHONHASHSEED": "4242"})
    assert first.returncode == 0 and first.stdout == second.stdout
