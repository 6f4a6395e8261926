"""Where a batch run writes, checked whole before a byte of it changes.

Every run goes through ``prepare_output``, whatever it writes to:

- ``--out FILE``: a regular file (or ``/dev/null``); FIFOs and other devices are refused (a FIFO would
  block in ``open()``). It is opened without truncation and locked for the run's life; its run record
  (``FILE.icitrace-run.json``, the *sidecar*) is written to a temporary file and renamed into place
  *before* the output is emptied, so a sidecar that cannot be written (a name too long, a folder in the
  way, a full disk, ``ulimit -f``) refuses the run with the earlier output whole.
- standard output: when it is a regular file (``> results.jsonl``) it is locked like ``--out``, so two
  runs never interleave in one file.

No file the run writes (the output, its sidecar, a regular-file stdout) may be one it reads: an input
file (through a link too), a file inside an input folder, standard input, the map, the cut-off table,
the rules. Files are compared by device and inode, not by name.

``--resume`` continues only the run that wrote the output: its sidecar names the inputs, map and
cut-off table by a digest of their bytes, every line already written must be a whole record of the
expected format, and standard input (which has no name to compare) must give the same bytes: the
sidecar keeps, for the last chunk written, the digest of standard input's bytes through each record,
and the records a resume skips must reproduce it.
"""

from __future__ import annotations

import csv
import errno
import fcntl
import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from icitrace import __version__
from icitrace.batch import tables
from icitrace.batch.provenance import PREAMBLE, is_provenance
from icitrace.errors import (
    OutputRefused,  # noqa: F401 - defined with the family
)
from icitrace.files import STDIN
from icitrace.text import printable

RUN_RECORD_SUFFIX = ".icitrace-run.json"
#: how an output is laid out; 2: a provenance line opens it (an output of layout 1 cannot be resumed)
LAYOUT = 2
#: how the sidecar describes a run; 2: inputs by the digest of their bytes
RECORD_VERSION = 2


def run_record_path(out: Path) -> Path:
    return out.with_name(out.name + RUN_RECORD_SUFFIX)


# --- what the run reads -----------------------------------------------------------------------------

@dataclass
class Reads:
    """Every file and folder a run reads, by identity: an output must be none of them."""

    files: dict[tuple[int, int], str] = field(default_factory=dict)
    folders: dict[Path, str] = field(default_factory=dict)
    stdin: tuple[int, int] | None = None

    @classmethod
    def of(cls, inputs: Iterable[str], files: Iterable[str | Path | None] = (),
           folders: Iterable[str | Path | None] = ()) -> Reads:
        reads = cls()
        for source in inputs:
            if source == STDIN:
                reads.stdin = _fd_identity(0)
                continue
            path = Path(source)
            if path.is_dir():
                reads._folder(path, source)
            else:
                reads._file(path, source)
        for extra in files:
            if extra is not None:
                reads._file(Path(extra), str(extra))
        for folder in folders:
            if folder is not None:
                reads._folder(Path(folder), str(folder))
        return reads

    def _file(self, path: Path, label: str) -> None:
        try:
            st = path.stat()
        except OSError:
            return  # a missing input is refused by its own reader
        self.files[(st.st_dev, st.st_ino)] = label

    def _folder(self, path: Path, label: str) -> None:
        try:
            self.folders[path.resolve()] = label
            for entry in path.iterdir():
                self._file(entry, f"{label} ({entry.name})")
        except OSError:
            return

    def clash(self, path: Path) -> str:
        """Why writing ``path`` would change what the run reads ("" when it would not)."""
        try:
            st = path.stat()
        except OSError:
            st = None
        if st is not None:
            key = (st.st_dev, st.st_ino)
            if key in self.files:
                return f"is the input {printable(self.files[key])}"
            if key == self.stdin:
                return "is standard input"
        try:
            parent = path.resolve().parent
        except OSError:
            return ""
        for folder, label in self.folders.items():
            if parent == folder or folder in parent.parents:
                return f"is inside the input folder {printable(label)}, whose files the run reads"
        return ""


def _fd_identity(fd: int) -> tuple[int, int] | None:
    """The (device, inode) of an open descriptor when it is a regular file; a pipe or terminal has none
    that a path could share."""
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


# --- opening ------------------------------------------------------------------------------------------

@dataclass
class Output:
    """An output checked and locked, not yet changed: ``commit`` empties it (or, resuming, cuts a torn
    last line) once its sidecar is in place."""

    stream: IO[bytes]
    path: Path | None  # None: standard output
    regular: bool  # a regular file: locked, resumable, has a sidecar
    owned: bool = True  # close it when done (not stdout)

    def close(self) -> None:
        if self.owned:
            self.stream.close()


def prepare_output(out: Path | None, reads: Reads, option: str = "--out") -> Output:
    """The run's output (named by ``option`` in messages), checked against everything it reads and
    locked; refused (OutputRefused) before anything changes when it cannot be right."""
    if out is None:
        return _stdout(reads)
    _stdout_not_read(reads, getattr(sys.stdout, "buffer", None))  # a summary may still go there
    name = f"{option} {printable(str(out))}"
    for path, what in ((out, ""), (run_record_path(out), f" (its run record {printable(run_record_path(out).name)})")):
        why = reads.clash(path)
        if why:
            raise OutputRefused(f"{name}{what} {why}: it would be emptied or read back before the run is done; "
                                "write the output elsewhere")
    try:
        found = out.stat()
    except OSError:
        found = None  # missing (it is created), or a name that cannot be: open() says why
    if found is not None and not stat.S_ISREG(found.st_mode) and not _is_devnull(out):
        kind = "a folder" if stat.S_ISDIR(found.st_mode) else "a FIFO, device or socket"
        leave = " Leave --out out to write to standard output" if option == "--out" else ""
        raise OutputRefused(f"{name}: is {kind}; {option} writes a regular file (or /dev/null).{leave}")
    try:
        # O_NONBLOCK: a FIFO that appeared since the check must not block here; no O_TRUNC: a refused run
        # leaves the file as it was
        fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    except OSError as error:
        raise OutputRefused(f"{name}: cannot be written ({_why(error)})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        if not _is_devnull_fd(fd):
            os.close(fd)
            raise OutputRefused(f"{name}: not a regular file; {option} writes a regular file (or /dev/null)")
        return Output(os.fdopen(fd, "ab", buffering=0), out, regular=False)
    os.set_blocking(fd, True)
    # unbuffered: each chunk is one write already, and a write that fails (a full disk) must not leave
    # bytes in a buffer for close() to fail on again
    stream = os.fdopen(fd, "ab", buffering=0)
    _lock(stream, f"{name}: another icitrace run is writing it; wait for it, or write elsewhere")
    return Output(stream, out, regular=True)


def _stdout(reads: Reads) -> Output:
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        raise OutputRefused("standard output is closed; give --out FILE")
    identity = _stdout_not_read(reads, stream)
    if identity is not None:
        _lock(stream, "standard output: another icitrace run is writing it; wait for it, or write elsewhere")
    return Output(stream, None, regular=identity is not None, owned=False)


def _stdout_not_read(reads: Reads, stream: Any) -> tuple[int, int] | None:
    """Standard output's identity when it is a regular file, refused when the run reads that file."""
    identity = _fd_identity(stream.fileno()) if stream is not None and _has_fd(stream) else None
    if identity is not None and (identity in reads.files or identity == reads.stdin):
        what = "standard input" if identity == reads.stdin else f"the input {printable(reads.files[identity])}"
        raise OutputRefused(f"standard output is {what}: it would be read back or emptied; write elsewhere")
    return identity


def _has_fd(stream: Any) -> bool:
    try:
        stream.fileno()
    except (OSError, ValueError, AttributeError):  # a test runner's in-memory stream
        return False
    return True


def _lock(stream: IO[bytes], refusal: str) -> None:
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise OutputRefused(refusal) from None
        # a file system without locks (some network mounts): the run goes on unlocked


def _is_devnull(path: Path) -> bool:
    try:
        return os.path.samefile(path, os.devnull)
    except OSError:
        return False


def _is_devnull_fd(fd: int) -> bool:
    try:
        null = os.stat(os.devnull)
    except OSError:
        return False
    st = os.fstat(fd)
    return stat.S_ISCHR(st.st_mode) and st.st_rdev == null.st_rdev


def _why(error: OSError) -> str:
    return "the name is too long" if error.errno == errno.ENAMETOOLONG else (error.strerror or str(error))


# --- the run record (sidecar) -------------------------------------------------------------------------

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
                            f"({_why(error)})") from None
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
                            f"written ({_why(error)})") from None


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


# --- reading back what an earlier run wrote --------------------------------------------------------------

@dataclass
class Written:
    """The whole records an earlier run left in an output, and where its torn last line begins."""

    records: int
    keep_bytes: int  # the output is cut here before the run goes on (a torn last line goes)
    size: int


#: no line icitrace writes is longer (a --full record of a profile at the size limit is about 3 MB)
MAX_OUTPUT_LINE = 64 << 20


def written_records(out: Path, fmt: str, header: list[str] | None) -> Written:
    """Count, and check, every line an earlier run wrote: its provenance line, a table's header (it must
    be this run's), and whole records of the format. A damaged line (two writers, an edit, another
    program's output) refuses the resume: records after it could not be trusted."""
    lines = position = 0
    with out.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(0)
        while raw := handle.readline(MAX_OUTPUT_LINE):
            if not raw.endswith(b"\n"):
                if len(raw) < MAX_OUTPUT_LINE and handle.tell() == size:
                    break  # the last line, torn by the stop: cut off, its record is evaluated again
                problem = "is not a whole line"
            else:
                problem = _line_problem(raw, lines + 1, fmt, header)
            if problem:
                raise OutputRefused(f"--resume {printable(str(out))}: line {lines + 1} {problem}; the output holds "
                                    "lines no icitrace run wrote (two writers, or an edit). Start again without "
                                    "--resume")
            position += len(raw)
            lines += 1
    if lines < PREAMBLE[fmt]:  # not even its provenance line (and header) whole: the file starts again
        return Written(0, 0, size)
    return Written(lines - PREAMBLE[fmt], position, size)


def _line_problem(raw: bytes, number: int, fmt: str, header: list[str] | None) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    if number == 1:
        return "" if is_provenance(text) else "is not the provenance line an output opens with"
    if fmt in ("csv", "wide"):
        if number == 2:
            found = _cells(raw)
            return "" if found == header else "is not this run's table header"
        found = _cells(raw)
        return "" if found is not None and len(found) == len(header or ()) else "is not a whole row of the table"
    try:
        record = json.loads(text)
    except ValueError:
        return "is not a JSON record"
    return "" if isinstance(record, dict) and "record" in record and "ok" in record else "is not a batch record"


def _cells(raw: bytes) -> list[str] | None:
    try:
        return tables.cells(raw)
    except ValueError:
        return None


def summarise_written(out: Path, fmt: str, summary: Any, finding_ids: Any = (), strategy_ids: Any = (),
                      upto: int | None = None) -> None:
    """Feed the records an earlier run wrote (checked by ``written_records``) into ``summary``, so that a
    resumed run's summary covers the whole cohort."""
    from icitrace.batch.run import Outcome

    header: list[str] | None = None if fmt in ("csv", "wide") else []
    left = os.path.getsize(out) if upto is None else upto
    with out.open("rb") as handle:
        while left > 0 and (raw := handle.readline(min(left, MAX_OUTPUT_LINE))).endswith(b"\n"):
            left -= len(raw)
            line = raw.decode("utf-8")
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
