"""The output file of a batch run: refused before it is touched when it cannot be right, locked for the
run's life, and described by a run record so that ``--resume`` continues only the run it belongs to.

A refused run never changes the output: every check here runs before the file is truncated.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import IO, Any

from icitrace import __version__
from icitrace.batch.inputs import STDIN
from icitrace.batch.provenance import is_provenance
from icitrace.errors import InputProblem

RUN_RECORD_SUFFIX = ".icitrace-run.json"


class OutputRefused(InputProblem):
    """``--out`` cannot be used for this run; nothing was written to it."""


def run_record_path(out: Path) -> Path:
    return out.with_name(out.name + RUN_RECORD_SUFFIX)


def open_output(out: Path, inputs: list[str]) -> IO[bytes]:
    """``out`` opened for appending and locked, not yet truncated; refused (OutputRefused) when it is
    one of the inputs, would be read as one, cannot be opened, or another run holds it. Only a regular
    file is locked: runs may share /dev/null."""
    _not_an_input(out, inputs)
    try:
        # held for the whole run; unbuffered: each chunk is one write already, and a write that fails (a
        # full disk) must not leave bytes in a buffer for close() to fail on again
        handle = open(out, "ab", buffering=0)  # noqa: SIM115
    except OSError as error:
        raise OutputRefused(f"--out {out}: cannot be written ({error.strerror or error})") from None
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        return handle  # a device or a pipe (/dev/null, /dev/stdout): nothing to interleave or resume
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise OutputRefused(f"--out {out}: another icitrace run is writing it; wait for it, or write elsewhere") from None
    return handle


def _not_an_input(out: Path, inputs: list[str]) -> None:
    for source in inputs:
        if source != STDIN and _same_or_inside(out, Path(source)):
            raise OutputRefused(f"--out {out} is the input {source}, or would be read as part of it: it would "
                                "be emptied or read back before the run is done")


def _same_or_inside(out: Path, source: Path) -> bool:
    """Whether writing ``out`` would change what ``source`` reads (through links too)."""
    try:
        target, path = out.resolve(), source.resolve()
        if path == target or (target.exists() and os.path.samefile(path, target)):
            return True
        return path.is_dir() and target.parent == path and target.suffix.lower() == ".json"
    except OSError:  # an --out that cannot even be looked at: opening it will say why
        return False


#: how an output is laid out; 2: a provenance line opens it (an output of layout 1 cannot be resumed)
LAYOUT = 2


def describe_run(inputs: list[str], settings: Any, digest: str) -> dict[str, Any]:
    """What a run is: its inputs (by path, size and modification time), format and rules."""
    return {
        "icitrace": __version__,
        "layout": LAYOUT,
        "format": settings.fmt,
        "full": settings.full,
        "rules": digest,
        "map": _identity(settings.column_map.source) if settings.column_map else None,
        "cutoffs_by": settings.group_cutoffs.as_data() if settings.group_cutoffs else None,
        "inputs": [_identity(source) for source in inputs],
    }


def _identity(source: str) -> dict[str, Any]:
    if source == STDIN:
        return {"path": STDIN}
    path = Path(source).resolve()
    if path.is_dir():
        entries = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in path.iterdir() if p.is_file())
        return {"path": str(path), "folder": hashlib.sha256(repr(entries).encode()).hexdigest()[:16]}
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "modified": stat.st_mtime_ns}


def write_run_record(out: Path, run: dict[str, Any]) -> None:
    run_record_path(out).write_text(json.dumps(run, indent=2) + "\n")


def resume_problems(out: Path, run: dict[str, Any]) -> list[str]:
    """What differs between this run and the one that wrote ``out`` (empty: it may resume)."""
    record = run_record_path(out)
    if not out.exists() or not out.stat().st_size:
        return []  # nothing written yet: resuming is starting
    try:
        before = json.loads(record.read_text())
    except (OSError, ValueError):
        return [f"there is no record of the run that wrote it ({record.name}); start again without --resume"]
    problems = []
    if before.get("layout") != run["layout"]:
        return ["it was written by an icitrace whose outputs have no provenance line; start again without --resume"]
    if before.get("format") != run["format"]:
        problems.append(f"it was written as {before.get('format')}, this run writes {run['format']}")
    if before.get("full") != run["full"]:
        problems.append("--full was " + ("on" if before.get("full") else "off") + " when it was written")
    if before.get("rules") != run["rules"]:
        problems.append(f"the rules or --threshold differ (digest {before.get('rules')} then, {run['rules']} now)")
    if before.get("map") != run["map"]:
        problems.append("the --map differs, or its file changed, since the run began")
    if before.get("cutoffs_by") != run["cutoffs_by"]:
        problems.append("the --cutoffs-by column or table differs since the run began")
    if [i.get("path") for i in before.get("inputs", [])] != [i["path"] for i in run["inputs"]]:
        problems.append("the inputs are not the same paths")
    else:
        for then, now in zip(before["inputs"], run["inputs"]):
            if then != now:
                problems.append(f"the input {now['path']} changed since the run began")
    return problems


def summarise_written(out: Path, fmt: str, summary: Any, finding_ids: Any = (), strategy_ids: Any = ()) -> None:
    """Feed the records an earlier run wrote into ``summary``, so that a resumed run's summary covers the
    whole cohort."""
    from icitrace.batch.run import Outcome

    header: list[str] | None = None if fmt in ("csv", "wide") else []
    with out.open("rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                break
            line = raw.decode("utf-8", "replace")
            if is_provenance(line):
                continue
            if header is None:  # a table's first line after its provenance names the columns
                header = next(csv.reader([line.rstrip("\n")]), [])
                continue
            summary.add(_outcome(line, fmt, Outcome, header, list(finding_ids), list(strategy_ids)))


def _outcome(line: str, fmt: str, Outcome: Any, header: list[str], finding_ids: list[str],  # noqa: N803
             strategy_ids: list[str]) -> Any:
    if fmt in ("csv", "wide"):  # read by column name: a map's kept columns come between
        named = dict(zip(header, next(csv.reader([line.rstrip("\n")]))))
        split = lambda text: [x for x in text.split(";") if x]  # noqa: E731
        if named.get("error") or named.get("ok") == "false":
            return Outcome("", False, keep=named)
        if fmt == "wide":
            return Outcome("", True, [f for f in finding_ids if named.get(f) == "1"],
                           [s for s in strategy_ids if named.get(s) == "1"], split(named.get("unknown", "")), named)
        return Outcome("", True, split(named["findings"]), split(named["strategies"]), split(named["unknown"]),
                       named)
    record = json.loads(line)
    keep = record.get("keep")
    if not record.get("ok"):
        return Outcome("", False, keep=keep)
    if "result" in record:  # --full
        result = record["result"]
        return Outcome("", True, list(dict.fromkeys(f["id"] for f in result["findings"])),
                       [s["id"] for s in result["strategies"]], result["profile"]["unknown"], keep)
    return Outcome("", True, list(record["findings"]), list(record["strategies"]), record["unknown"], keep)
