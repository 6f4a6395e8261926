"""Ctrl-C and SIGTERM during a batch run: the run stops between two chunk writes, so the output holds
whole lines only and ``--resume`` can continue it."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class StopSignals:
    """Ctrl-C and SIGTERM stop the run in the parent, between two chunk writes: a signal that comes
    while a chunk is being written (to a slow pipe, say) waits until the chunk is whole; a second one
    stops at once. In any other process (a child forked by a library) the signal does what it would
    by default. A run started outside the main thread (a library caller's thread) leaves the signals to
    that program: Python lets only the main thread set a handler."""

    def __init__(self) -> None:
        self.parent = os.getpid()
        self.writing = self.pending = False
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.previous[signum] = signal.signal(signum, self)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def __call__(self, signum: int, frame: Any) -> None:
        if os.getpid() != self.parent:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if self.writing and not self.pending:
            self.pending = True
            return
        raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        """A chunk is written whole; a stop that came during it (or was deferred) stops after it."""
        with self.deferred():
            yield
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """A stop that comes now waits until the next chunk is written (a second one stops at once)."""
        self.writing = True
        try:
            yield
        finally:
            self.writing = False
