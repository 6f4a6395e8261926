"""The edge harness (issue 20): every class of hostile edge, tried on every path.

Each command (and each function of the Python API) meets a full stdout, closed standard streams, and, in
every place it takes a file, a FIFO, /dev/zero, a folder, a missing path, a name too long and a name
full of control characters; and every file a batch run reads is offered as its output. Whatever
happens, three things must hold:

- nothing outside icitrace's error family escapes: no traceback, and for the API only ``IcitraceError``;
- the exit code is one the README lists (0, 1, 2; 130 is for a stopped batch run);
- no input, and no earlier output, changes.

Where a mistake would block or never end (a FIFO, /dev/zero, a closed stream) the real command runs in
a subprocess under a timeout; the rest run in this process.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import PROFILES, icitrace_command, invoke


EXIT_CODES = {0, 1, 2}
ESC = "\x1b]0;PWN\x07\x1b[31mred\nfake: ok"
PROFILE = str(PROFILES[0])


# --- the world each case runs in ----------------------------------------------------------------------

@pytest.fixture
def world(tmp_path):
    """Inputs of every kind, an earlier output, and the odd files each case puts in a file's place."""
    (tmp_path / "in").mkdir()
    files = {
        "profile": tmp_path / "in" / "p.json",
        "cohort": tmp_path / "in" / "c.jsonl",
        "table": tmp_path / "in" / "t.csv",
        "map": tmp_path / "in" / "m.yaml",
        "cutoffs": tmp_path / "in" / "cut.csv",
        "earlier": tmp_path / "earlier.jsonl",
    }
    files["profile"].write_text('{"tmb": 12, "tumor_type": "Melanoma", "hypoxia": "high"}')
    files["cohort"].write_text('{"tmb": 4}\n{"tmb": 20, "tumor_type": "Melanoma"}\n')
    files["table"].write_text("id,type,tmb,os,dead,resp\na,Melanoma,4,12,1,CR\nb,Lung,30,5,0,PD\n")
    files["map"].write_text("id: id\nkeep: [type]\nfields:\n  tmb: tmb\n")
    files["omap"] = tmp_path / "in" / "om.yaml"  # the same map, with the outcomes `icitrace outcomes` reads
    files["omap"].write_text(files["map"].read_text() + "outcomes:\n  response: {column: resp, positive: [CR]}\n"
                             "  survival: {time: os, event: dead, event_value: 1}\n")
    files["cutoffs"].write_text("group,cutoff,value\nMelanoma,tmb_high,20\n")
    files["earlier"].write_text("an earlier run's records\n")
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    odd = {
        "fifo": fifo,
        "/dev/zero": Path("/dev/zero"),
        "folder": tmp_path / "in",
        "missing": tmp_path / "missing.json",
        "name too long": tmp_path / ("n" * 300 + ".json"),
        "hostile name": tmp_path / f"{ESC}.json",
    }
    return tmp_path, files, odd


def snapshot(root: Path) -> dict[str, str]:
    """Every regular file under ``root`` by its bytes' digest (FIFOs and devices left alone)."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


def real(args: list[str], timeout: int = 60, **streams) -> subprocess.CompletedProcess:
    return subprocess.run(icitrace_command() + args, timeout=timeout, **{"stdout": subprocess.PIPE,
                          "stderr": subprocess.PIPE, "stdin": subprocess.DEVNULL, **streams})


def holds(done: subprocess.CompletedProcess, refused: bool = False) -> str:
    """The harness's three promises on one finished command; returns its stderr."""
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert done.returncode in EXIT_CODES, (done.returncode, err)
    assert "\x1b" not in err and "\x07" not in err, err  # outside text is shown, never obeyed
    if refused:
        assert done.returncode != 0 and err.startswith("icitrace: "), err
    return err


# --- every command, against its standard streams ---------------------------------------------------------

#: one representative call per command; "{profile}" etc. are files of the world
COMMANDS = {
    "suggest": ["suggest", "{profile}"],
    "suggest json": ["suggest", "{profile}", "--format", "json"],
    "suggest markdown": ["suggest", "{profile}", "--format", "markdown"],
    "suggest dot": ["suggest", "{profile}", "--format", "dot"],
    "suggest --map --row": ["suggest", "{table}", "--map", "{map}", "--row", "a"],
    "explain": ["explain", "{profile}", "high_tmb"],
    "diff": ["diff", "{profile}", "--set", "tmb=3"],
    "sweep": ["sweep", "{profile}", "--field", "tmb", "--from", "0", "--to", "30", "--step", "1"],
    "validate": ["validate", "{profile}"],
    "schema": ["schema"],
    "synth": ["synth", "--n", "50"],
    "batch": ["batch", "{cohort}"],
    "batch csv": ["batch", "{table}", "--map", "{map}", "--format", "wide"],
    "batch --summary --out": ["batch", "{table}", "--map", "{map}", "--summary", "--by", "type",
                              "--cutoffs-by", "type", "{cutoffs}", "--out", "{earlier}"],
    "scenario": ["scenario", "{profile}"],
    "outcomes": ["outcomes", "{table}", "--map", "{omap}"],
    "outcomes json": ["outcomes", "{table}", "--map", "{omap}", "--format", "json", "--by", "type"],
    "rules list": ["rules", "list"],
    "rules show": ["rules", "show", "tmb-high"],
    "bdd steps": ["bdd", "steps"],
    "help": ["--help"],
    "version": ["--version"],
    "command help": ["batch", "--help"],
}
#: commands whose stdout stays empty (their messages go to stderr), so a full or closed stdout is no error
QUIET = {"validate"}


def _args(command: str, files: dict[str, Path]) -> list[str]:
    return [a.format(**{k: str(v) for k, v in files.items()}) for a in COMMANDS[command]]


@pytest.mark.cli
@pytest.mark.parametrize("stream", ["stdout is /dev/full", "stdout closed", "stdin closed", "stderr closed"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_meets_full_and_closed_streams_with_a_message(world, command, stream):
    root, files, _ = world
    before = snapshot(root)
    args = _args(command, files)
    if command == "batch --summary --out":
        files["earlier"].unlink()  # this command's own output: written, not an earlier output to keep
        before = snapshot(root)
    closing = {"stdout closed": 1, "stdin closed": 0, "stderr closed": 2}.get(stream)
    extra: dict = {"preexec_fn": (lambda: os.close(closing))} if closing is not None else {}
    if stream == "stdout is /dev/full":
        with open("/dev/full", "wb") as full:
            done = real(args, stdout=full, **extra)
    else:
        done = real(args, **extra)
    err = holds(done)
    writes_stdout = command not in QUIET
    if stream in ("stdout is /dev/full", "stdout closed") and writes_stdout:
        assert done.returncode == 1 and ("No space left on device" in err or "standard output is closed" in err), err
    elif stream == "stderr closed":
        assert done.stderr == b""
    else:
        assert done.returncode == 0, err
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k in before} == before  # inputs kept (an output may appear)


# --- every place a file goes, against odd files -------------------------------------------------------------

#: (command, the argument replaced by the odd file); the other arguments are the world's good files
PLACES = {
    "suggest PROFILE": (["suggest", "{x}"], 2),
    "explain PROFILE": (["explain", "{x}", "high_tmb"], 2),
    "diff B": (["diff", "{profile}", "{x}"], 2),
    "sweep PROFILE": (["sweep", "{x}", "--field", "tmb", "--from", "0", "--to", "3", "--step", "1"], 2),
    "validate PROFILE": (["validate", "{x}"], 2),
    "scenario PROFILE": (["scenario", "{x}"], 2),
    "batch INPUT": (["batch", "{x}", "--out", "{earlier}"], 2),
    "batch --map": (["batch", "{table}", "--map", "{x}", "--out", "{earlier}"], 2),
    "batch --cutoffs-by": (["batch", "{table}", "--map", "{map}", "--cutoffs-by", "type", "{x}", "--out",
                            "{earlier}"], 2),
    "batch --out": (["batch", "{cohort}", "--out", "{x}"], 2),
    "suggest --map": (["suggest", "{table}", "--map", "{x}", "--row", "a"], 2),
    "suggest TABLE --map": (["suggest", "{x}", "--map", "{map}", "--row", "a"], 2),
    "suggest --rules": (["suggest", "{profile}", "--rules", "{x}"], 2),
    "batch --rules": (["batch", "{cohort}", "--rules", "{x}", "--out", "{earlier}"], 2),
    "rules lint --rules": (["rules", "lint", "--rules", "{x}"], 2),
    "outcomes TABLE": (["outcomes", "{x}", "--map", "{omap}", "--out", "{earlier}"], 2),
    "outcomes --map": (["outcomes", "{table}", "--map", "{x}", "--out", "{earlier}"], 2),
    "outcomes --cutoffs-by": (["outcomes", "{table}", "--map", "{omap}", "--cutoffs-by", "type", "{x}", "--out",
                               "{earlier}"], 2),
    "outcomes --rules": (["outcomes", "{table}", "--map", "{omap}", "--rules", "{x}", "--out", "{earlier}"], 2),
    "outcomes --out": (["outcomes", "{table}", "--map", "{omap}", "--out", "{x}"], 2),
    "outcomes --report": (["outcomes", "{table}", "--map", "{omap}", "--report", "{x}", "--out", "{earlier}"], 2),
}
#: a folder is a valid input to these places
FOLDER_OK = {"batch INPUT", "suggest --rules", "batch --rules", "rules lint --rules", "outcomes --rules"}


@pytest.mark.cli
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "folder", "missing", "name too long", "hostile name"])
@pytest.mark.parametrize("place", list(PLACES))
def test_every_file_place_refuses_odd_files_clearly_and_keeps_everything(world, place, kind):
    root, files, odd = world
    if kind == "folder" and place in FOLDER_OK:
        pytest.skip("a folder is what this place takes")
    if place in ("batch --out", "outcomes --out", "outcomes --report") and kind in ("missing", "hostile name"):
        pytest.skip("a new file is what --out takes")
    template, code = PLACES[place]
    target = odd[kind]
    if kind == "hostile name":  # a real file whose name is hostile: refused for what it holds, named escaped
        target.write_text("not json {")
    args = [a.format(x=str(target), **{k: str(v) for k, v in files.items()}) for a in template]
    before = snapshot(root)
    # a FIFO or /dev/zero read by mistake blocks or never ends: those run for real, under a timeout
    done = real(args, timeout=60) if kind in ("fifo", "/dev/zero") else invoke(*args)
    err = holds(done, refused=True)
    if place == "batch INPUT" and kind == "hostile name":  # a bad record: an error line in place, exit 1
        assert done.returncode == 1 and "1 of 1 records could not be evaluated" in err, err
        return
    assert done.returncode == code, err
    assert snapshot(root) == before
    if kind == "hostile name":
        assert "\\x1b]0;PWN" in err and not any(line.startswith("fake") for line in err.splitlines()), err


# --- every file a batch run reads, offered as its output ------------------------------------------------------

@pytest.mark.cli
@pytest.mark.parametrize("which", ["cohort", "table", "map", "cutoffs", "folder entry", "stdin", "link to input"])
def test_every_file_a_run_reads_is_refused_as_its_output(world, which):
    root, files, _ = world
    args = ["batch", str(files["table"]), "--map", str(files["map"]), "--cutoffs-by", "type", str(files["cutoffs"])]
    if which == "cohort":
        args = ["batch", str(files["cohort"])]
        out = files["cohort"]
    elif which == "folder entry":
        args, out = ["batch", str(root / "in")], files["profile"]
    elif which == "stdin":
        args, out = ["batch", "-"], files["cohort"]
    elif which == "link to input":
        out = _link(root / "link.jsonl", files["table"])
    else:
        out = files[which]
    before = snapshot(root)
    if which == "stdin":
        with files["cohort"].open("rb") as stdin:
            done = real([*args, "--out", str(out)], stdin=stdin)
    else:
        done = invoke(*args, "--out", str(out))
    err = holds(done, refused=True)
    assert done.returncode == 2 and ("is the input" in err or "is standard input" in err
                                     or "inside the input folder" in err), err
    assert snapshot(root) == before


@pytest.mark.cli
@pytest.mark.parametrize("option", ["--out", "--report"])
@pytest.mark.parametrize("which", ["table", "omap", "cutoffs", "link to input"])
def test_every_file_an_outcomes_run_reads_is_refused_as_its_outputs(world, option, which):
    root, files, _ = world
    pytest.importorskip("lifelines")
    out = _link(root / "link.csv", files["table"]) if which == "link to input" else files[which]
    before = snapshot(root)
    done = invoke("outcomes", str(files["table"]), "--map", str(files["omap"]), "--cutoffs-by", "type",
                  str(files["cutoffs"]), option, str(out))
    err = holds(done, refused=True)
    assert done.returncode == 2 and f"{option} " in err and "is the input" in err, err
    assert snapshot(root) == before


def _link(link: Path, target: Path) -> Path:
    link.symlink_to(target)
    return link


# --- the Python API: only the error family, whatever it is handed ----------------------------------------------

def _within(seconds: float, call):  # noqa: ANN001, ANN202
    """The outcome of ``call`` (its value or its exception), or a failure if it blocks."""
    outcome: list = []

    def target() -> None:
        try:
            outcome.append(("value", call()))
        except BaseException as error:  # noqa: BLE001 - the harness looks at whatever escaped
            outcome.append(("error", error))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"blocked for {seconds} s"
    return outcome[0]


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "folder", "missing", "name too long", "hostile name"])
@pytest.mark.parametrize("function", ["evaluate_frame map", "evaluate_frame rules", "evaluate rules",
                                      "run_batch inputs", "run_batch out", "run_batch map", "run_batch cutoffs_by",
                                      "run_batch rules", "outcomes_frame table",
                                      "outcomes_frame map"])
def test_every_api_function_meets_odd_files_with_an_icitrace_error(world, function, kind):
    import icitrace
    from icitrace.pipeline import rulebook

    pd = pytest.importorskip("pandas")
    root, files, odd = world
    target = odd[kind]
    if function == "run_batch inputs" and kind in ("folder", "hostile name"):
        pytest.skip("a folder is what inputs takes; a bad file in it is an error line in place, as for the command")
    if function == "run_batch out" and kind in ("missing", "hostile name"):
        pytest.skip("a new file is what out takes")
    if kind == "hostile name":
        target.write_text("not: [yaml")
    if kind == "folder" and "rules" in function:
        target = root  # a folder, but not a rule folder
    rulebook.cache_clear()
    frame = pd.DataFrame({"id": ["a"], "type": ["Melanoma"], "tmb": [4.0]})
    table = dict(map=files["map"], cutoffs_by=("type", files["cutoffs"]), workers=1)
    out = root / "out.jsonl"
    call = {
        "evaluate_frame map": lambda: icitrace.evaluate_frame(frame, map=target),
        "evaluate_frame rules": lambda: icitrace.evaluate_frame(frame, map=files["map"], rules=target),
        "evaluate rules": lambda: icitrace.evaluate({"tmb": 4}, book=rulebook(str(target))),
        "run_batch inputs": lambda: icitrace.run_batch(target, out, workers=1),
        "run_batch out": lambda: icitrace.run_batch(files["table"], target, **table),
        "run_batch map": lambda: icitrace.run_batch(files["table"], out, **{**table, "map": target}),
        "run_batch cutoffs_by": lambda: icitrace.run_batch(files["table"], out,
                                                           **{**table, "cutoffs_by": ("type", target)}),
        "run_batch rules": lambda: icitrace.run_batch(files["table"], out, **table, rules=target),
        "outcomes_frame table": lambda: icitrace.outcomes_frame(target, map=files["omap"]),
        "outcomes_frame map": lambda: icitrace.outcomes_frame(files["table"], map=target),
    }[function]
    before = snapshot(root)
    kind_of, value = _within(30, call)
    assert kind_of == "error" and isinstance(value, icitrace.IcitraceError), repr(value)
    assert "\x1b" not in str(value)
    assert snapshot(root) == before


@pytest.mark.parametrize("item", [None, "x", [1], {1, 2}, {"tmb": 10**5000}, {"tmb": float("nan")},
                                  {"hypoxia": ESC}, {ESC: 1}, {"id": "\ud800"}, b"{}", 3.5])
def test_the_api_answers_any_item_with_an_icitrace_error_in_place(item):
    import icitrace

    results = list(icitrace.evaluate_many([item, {"tmb": 12}]))
    assert isinstance(results[0], icitrace.IcitraceError) and results[1].findings[0].id == "high_tmb"
    with pytest.raises(icitrace.IcitraceError):
        icitrace.evaluate(item)
