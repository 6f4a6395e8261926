"""The one way icitrace opens a file that a person named: profiles, tables, maps, cut-off tables, rule
files. Regular files only (or standard input where a command documents ``-``), and never more read than
the caller's limit.

Why one place: a FIFO blocks in ``open()`` until a writer comes, ``/dev/zero`` never ends, and a path
checked with ``is_file()`` can be swapped before it is opened. Here the file is opened without blocking,
checked on the open descriptor (``fstat``), and read up to a bound, so every option that names a file
refuses the same things with the same words.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from typing import BinaryIO

from icitrace.errors import (
    UnreadableInput,  # noqa: F401 - defined with the family
)
from icitrace.text import printable

STDIN = "-"


def open_input(path: str | os.PathLike, what: str = "", expected: str = "a file") -> BinaryIO:
    """``path`` opened for reading in binary, once it is known to be a regular file. ``what`` names
    the option in messages (``--map``), ``expected`` what it takes ("a profile JSON file"); the path
    itself is always named, escaped for a terminal."""
    name = _name(path, what)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise UnreadableInput(name, _why(error)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise UnreadableInput(name, f"is a directory; expected {expected}")
        if not stat.S_ISREG(mode):
            raise UnreadableInput(name, f"is not a regular file (a FIFO, a device or a socket could block or "
                                        f"never end); expected {expected}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_input(path: str | os.PathLike, limit: int, what: str = "", kind: str = "file") -> bytes:
    """All of a regular file's bytes, refused when longer than ``limit`` (read no further than that)."""
    with open_input(path, what) as handle:
        try:
            raw = handle.read(limit + 1)
        except OSError as error:
            raise UnreadableInput(_name(path, what), _why(error)) from None
    if len(raw) > limit:
        raise UnreadableInput(_name(path, what), f"is larger than {limit:,} bytes; a {kind} is short")
    return raw


def stdin_bytes() -> BinaryIO:
    """Standard input as a binary stream; refused when it is closed (``<&-``)."""
    stream = sys.stdin
    if stream is None or getattr(stream, "buffer", None) is None:
        raise UnreadableInput("", "standard input is closed; give a file, or pipe the data in")
    return stream.buffer


def _name(path: str | os.PathLike, what: str) -> str:
    text = printable(os.fsdecode(path))
    return f"{what} {text}" if what else text


def _why(error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return "no such file or folder"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read (permission denied)"
    if error.errno == errno.ELOOP:
        return "is a link that loops; expected a file"
    if error.errno == errno.ENAMETOOLONG:
        return "cannot be read (the name is too long)"
    return f"cannot be read ({error.strerror or error})"
