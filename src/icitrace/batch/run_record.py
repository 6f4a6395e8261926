"""The run record (``OUT.icitrace-run.json``, the *sidecar*): what a run is, kept beside its output so
that ``--resume`` continues only the run that wrote it.

It names the inputs, map and cut-off table by a digest of their bytes, the format and the rules, and
(for standard input, which has no name to compare) the digest of standard input's bytes through each
record of the last chunk written: the records a resume skips must reproduce it. It is replaced whole,
a temporary file renamed over it, so a kill while it is written leaves the previous one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from icitrace import __version__
from icitrace.batch.output import run_record_path, why_unwritable
from icitrace.errors import OutputRefused
from icitrace.files import STDIN
from icitrace.text import printable

#: how an output is laid out; 2: a provenance line opens it (an output of layout 1 cannot be resumed)
LAYOUT = 2
#: how the sidecar describes a run; 2: inputs by the digest of their bytes
RECORD_VERSION = 2


def describe_run(inputs: list[str], settings: Any, digest: str) -> dict[str, Any]:
    """What a run is: its inputs, map and cut-off table (by the digest of their bytes), format and rules."""
    return {
        "icitrace": __version__,
        "layout": LAYOUT,
        "record": RECORD_VERSION,
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
    path = Path(source)
    if path.is_dir():  # the entries a folder run reads, by name and bytes
        digest = hashlib.sha256()
        for entry in sorted(path.iterdir()):
            if entry.suffix.lower() == ".json" and entry.is_file():
                digest.update(entry.name.encode("utf-8", "surrogateescape") + b"\0" + _file_digest(entry).encode())
        return {"path": str(path.resolve()), "folder": digest.hexdigest()[:32]}
    return {"path": str(path.resolve()), "sha256": _file_digest(path)}


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""  # unreadable: its own reader says why
    return digest.hexdigest()[:32]


def write_run_record(out: Path, run: dict[str, Any]) -> None:
    """The sidecar, replaced whole (a temporary file renamed over it): a kill while it is written leaves
    the previous one."""
    target = run_record_path(out)
    try:
        fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=".icitrace-run-", suffix=".tmp")
    except OSError as error:
        raise OutputRefused(f"--out {printable(str(out))}: its run record cannot be written beside it "
                            f"({why_unwritable(error)})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write((json.dumps(run, indent=1) + "\n").encode())
        os.replace(temporary, target)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise OutputRefused(f"--out {printable(str(out))}: its run record {printable(target.name)} cannot be "
                            f"written ({why_unwritable(error)})") from None


def read_run_record(out: Path) -> dict[str, Any] | None:
    try:
        with run_record_path(out).open("rb") as handle:
            data = json.loads(handle.read(64 << 20))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def resume_problems(out: Path, run: dict[str, Any]) -> list[str]:
    """What differs between this run and the one that wrote ``out`` (empty: it may resume)."""
    if not out.stat().st_size:
        return []  # nothing written yet: resuming is starting
    before = read_run_record(out)
    if before is None:
        return [f"there is no readable record of the run that wrote it ({printable(run_record_path(out).name)}); "
                "start again without --resume"]
    if before.get("layout") != run["layout"]:
        return ["it was written by an icitrace whose outputs have no provenance line; start again without --resume"]
    if before.get("record") != run["record"]:
        return ["it was written by an icitrace that identified inputs by name, not by their bytes; start again "
                "without --resume"]
    problems = []
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
                problems.append(f"the input {printable(now['path'])} changed since the run began")
    return problems
