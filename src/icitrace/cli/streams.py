"""The standard streams as the command finds them: closed ones made safe to meet, broken ones quietened.

A command started with a standard stream closed (``icitrace suggest p.json >&-``) must say so and exit,
not fail on ``None``; and since the next file it opens would otherwise take the free descriptor (an
output file opened as descriptor 1 would receive what a library prints), the descriptor is held by
/dev/null while ``sys.stdout`` itself refuses every write with a message.
"""

from __future__ import annotations

import io
import os
import sys

from icitrace.errors import StreamClosed


class _RefusingBytes(io.RawIOBase):
    """The binary side of a closed standard output: an empty write passes (click probes with one), any
    byte is refused, and there is never anything to flush (so Python's exit cannot fail on it)."""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # noqa: ANN001
        if not len(data):
            return 0
        raise StreamClosed("standard output is closed; nothing could be written to it")


class _RefusingText(io.TextIOBase):
    """What a closed ``sys.stdout`` becomes: every write with text in it raises ``StreamClosed`` (an
    OSError, mapped to a message and exit 1), and nothing is ever held back to flush."""

    encoding, errors = "utf-8", "strict"

    def __init__(self) -> None:
        super().__init__()
        self.buffer = _RefusingBytes()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        return self.buffer.write(text.encode())


def guard() -> None:
    """Hold every closed standard descriptor with /dev/null and make a closed ``sys.stdout`` refuse
    writes with a clear message; a closed stdin stays ``None``, which ``files.stdin_bytes`` refuses
    before anything is written, and a closed stderr just stays quiet."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        try:
            os.fstat(fd)
        except OSError:
            held = os.open(os.devnull, os.O_RDWR)
            if held != fd:
                os.dup2(held, fd)
                os.close(held)
        if name == "stderr":
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the process's life
        elif name == "stdout":
            sys.stdout = _RefusingText()


def quiet_stdout() -> None:
    """After stdout failed (a full disk, a closed pipe): the rest goes to /dev/null, so that Python's
    final flush at exit cannot fail again and print a traceback of its own."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
