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

What the run record says, and how ``--resume`` uses it, is ``run_record.py``'s; the order of it all is
``session.py``'s.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from icitrace.errors import OutputRefused
from icitrace.files import STDIN
from icitrace.text import printable

RUN_RECORD_SUFFIX = ".icitrace-run.json"


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
        raise OutputRefused(f"{name}: cannot be written ({why_unwritable(error)})") from None
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


def why_unwritable(error: OSError) -> str:
    """An OS error as the reason a file cannot be written."""
    return "the name is too long" if error.errno == errno.ENAMETOOLONG else (error.strerror or str(error))
