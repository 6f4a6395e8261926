"""Installing icitrace into another project, as the README says, on Python 3.13 (issue 23): a fresh
virtual environment, the documented line, one evaluation from another folder; and a durable-rules built
without the 3.13 define, which must be refused with the line that mends it, never a process that dies.

Each case builds durable-rules from source (about 20 s), so these run only where ``.ci/run`` asks for
them (ICITRACE_INSTALL_TEST=1 and ICITRACE_PY313 naming a Python 3.13)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

PY313 = os.environ.get("ICITRACE_PY313", "")
pytestmark = [
    pytest.mark.cli,
    pytest.mark.skipif(os.environ.get("ICITRACE_INSTALL_TEST") != "1" or not PY313,
                       reason="builds durable-rules in fresh venvs on 3.13 (ICITRACE_INSTALL_TEST=1, as .ci/run does)"),
]
DEFINE = "-DPyEval_CallObject=PyObject_CallObject"
PROFILE = str(ROOT / "profiles" / "cold-desert.json")


def venv(tmp_path: Path) -> Path:
    subprocess.run([PY313, "-m", "venv", str(tmp_path / "venv")], check=True, timeout=300)
    return tmp_path / "venv" / "bin"


def pip_install(bin_dir: Path, *args: str, define: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CPPFLAGS", "PYTHONPATH")}
    if define:
        env["CPPFLAGS"] = DEFINE
    subprocess.run([str(bin_dir / "pip"), "install", "-q", "--no-cache-dir", *args], check=True, env=env,
                   timeout=900, capture_output=True)


def in_elsewhere(bin_dir: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """A command of the installed icitrace, run from a folder that is not the checkout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=tmp_path, capture_output=True, timeout=300,
                          env=env)


def test_the_documented_line_installs_icitrace_into_another_project_on_313(tmp_path):
    bin_dir = venv(tmp_path)
    pip_install(bin_dir, str(ROOT), define=True)  # README: CPPFLAGS=... pip install --no-cache-dir PATH
    done = in_elsewhere(bin_dir, tmp_path, "icitrace", "suggest", PROFILE, "--format", "json")
    assert done.returncode == 0, done.stderr
    api = in_elsewhere(bin_dir, tmp_path, "python", "-c",
                       "import icitrace; print([f.id for f in icitrace.evaluate({'tmb': 12}).findings])")
    assert api.returncode == 0 and api.stdout.decode().strip() == "['high_tmb']", api.stderr


def test_a_build_without_the_define_is_refused_with_the_line_that_mends_it(tmp_path):
    bin_dir = venv(tmp_path)
    pip_install(bin_dir, str(ROOT), define=False)
    for args in (("icitrace", "--version"), ("icitrace", "suggest", PROFILE)):
        done = in_elsewhere(bin_dir, tmp_path, *args)
        err = done.stderr.decode()
        assert done.returncode == 1 and "reinstall it with: CPPFLAGS=" in err, (args, err)
        assert "symbol lookup error" not in err and "Traceback" not in err, err
    line = err.split("reinstall it with: ", 1)[1].strip()
    assert line.startswith(f'CPPFLAGS="{DEFINE}" pip install ')
    pip_install(bin_dir, *line.split(" pip install ", 1)[1].split(), define=True)  # the line, as printed
    assert in_elsewhere(bin_dir, tmp_path, "icitrace", "suggest", PROFILE).returncode == 0
