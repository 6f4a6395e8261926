"""An ordered process pool for batch runs, built so that stopping it can never hang.

Item k goes to worker k mod N and its result comes back from that same worker, so results arrive in
input order without a reordering buffer. Each worker has two pipes of its own, each with one writer and
one reader, so no lock is shared between processes: stopping early is killing the workers, never waiting
on a lock that a dead or blocked process holds. (``multiprocessing.Pool.terminate()`` waits on such locks:
CPython issues #73945 and #78178. Here it hung when a worker was mid-way through writing a large result,
and when a worker was still starting; and ``Pool`` waits for ever on a worker that crashes.)
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

_END = object()  # no more items: the feeder tells every worker to finish


class WorkerDied(RuntimeError):
    """A worker ended without answering: a crash in native code, the out-of-memory killer, a kill."""


def imap_ordered(function: Callable[[Any], Any], items: Iterable[Any], workers: int,
                 initializer: Callable[..., None], initargs: tuple = (), per_worker: int = 2) -> Iterator[Any]:
    """``function(item)`` for each item, in ``workers`` processes, yielded in input order. At most
    ``per_worker * workers`` items are in flight, so memory stays bounded however many items come."""
    pool = _Pool(function, workers, initializer, initargs)
    finished = False
    try:
        pending: deque[int] = deque()  # the worker of each item in flight, in input order
        for number, item in enumerate(items):
            pending.append(pool.submit(number, item))
            if len(pending) >= per_worker * workers:
                yield pool.receive(pending.popleft())
        pool.submit_end()
        while pending:
            yield pool.receive(pending.popleft())
        finished = True
    finally:
        pool.close(kill=not finished)


class _Pool:
    def __init__(self, function: Callable[[Any], Any], workers: int, initializer: Callable[..., None],
                 initargs: tuple) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.processes: list[Any] = []
        self.tasks: list[Any] = []  # the parent's write end of each worker's task pipe
        self.results: list[Any] = []  # the parent's read end of each worker's result pipe
        for _ in range(workers):
            task_read, task_write = context.Pipe(duplex=False)
            result_read, result_write = context.Pipe(duplex=False)
            process = context.Process(target=_serve, daemon=True,
                                      args=(function, initializer, initargs, task_read, result_write))
            process.start()
            task_read.close()  # the worker's ends live in the worker only: its death is an EOF here
            result_write.close()
            self.processes.append(process)
            self.tasks.append(task_write)
            self.results.append(result_read)
        # Sending happens in a thread: a large item can fill a pipe while its worker is itself blocked
        # writing a result that the main thread has not reached yet (input order).
        self.feed: queue.SimpleQueue = queue.SimpleQueue()
        self.feeder = threading.Thread(target=self._send, name="icitrace-feeder", daemon=True)
        self.feeder.start()

    def submit(self, number: int, item: Any) -> int:
        worker = number % len(self.processes)
        self.feed.put((worker, item))
        return worker

    def submit_end(self) -> None:
        self.feed.put(_END)

    def receive(self, worker: int) -> Any:
        try:
            ok, value = self.results[worker].recv()
        except (EOFError, OSError):
            process = self.processes[worker]
            process.join(timeout=5)
            raise WorkerDied(f"a worker process ended unexpectedly (exit code {process.exitcode})") from None
        if not ok:
            raise value
        return value

    def _send(self) -> None:
        while (message := self.feed.get()) is not _END:
            worker, item = message
            try:
                self.tasks[worker].send(item)
            except OSError:  # the worker is gone; the main thread learns it from the result pipe
                return
        for task in self.tasks:
            try:
                task.send(None)
            except OSError:
                pass

    def close(self, kill: bool) -> None:
        if kill:
            for process in self.processes:
                process.kill()
            self.feed.put(_END)  # wakes the feeder if it waits for work; sends to dead workers fail fast
        self.feeder.join()
        for process in self.processes:
            process.join()
        for connection in self.tasks + self.results:
            connection.close()


def _serve(function: Callable[[Any], Any], initializer: Callable[..., None], initargs: tuple,
           tasks: Any, results: Any) -> None:
    """A worker's life: take items until told to stop (None) or the parent is gone (EOF)."""
    initializer(*initargs)
    while True:
        try:
            item = tasks.recv()
        except EOFError:
            return
        if item is None:
            return
        try:
            answer = (True, function(item))
        except Exception as error:  # a bug, not a bad record (those become error lines): re-raised above
            answer = (False, error)
        results.send(answer)
