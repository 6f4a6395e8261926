"""An ordered process pool for batch runs, built so that stopping it can never hang.

Item k goes to worker k mod N and its result comes back from that same worker. A collector thread reads
every result pipe as soon as a result is there, into a reorder buffer that the caller reads in input
order: a worker never waits, with a large result half-written into a full pipe, while the caller waits
for another worker's earlier result. The buffer holds at most the items in flight. Each worker has two
pipes of its own, each with one writer and one reader, so no lock is shared between processes: stopping
early is killing the workers, never waiting on a lock that a dead or blocked process holds. (``multiprocessing.Pool.terminate()`` waits on such locks:
CPython issues #73945 and #78178. Here it hung when a worker was mid-way through writing a large result,
and when a worker was still starting; and ``Pool`` waits for ever on a worker that crashes.)
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from icitrace.errors import (
    WorkerDied,  # noqa: F401 - defined with the family
)

_END = object()  # no more items: the feeder tells every worker to finish
_STOPS = {signal.SIGINT, signal.SIGTERM}  # how a user stops a run; only the parent acts on them


def imap_ordered(function: Callable[[Any], Any], items: Iterable[Any], workers: int,
                 initializer: Callable[..., None], initargs: tuple = (), per_worker: int = 2) -> Iterator[Any]:
    """``function(item)`` for each item, in ``workers`` processes, yielded in input order. At most
    ``per_worker * workers`` items are in flight, so memory stays bounded however many items come."""
    pool = _Pool()
    finished = False
    try:
        pool.start(function, workers, initializer, initargs)
        pending: deque[int] = deque()  # the worker of each item in flight, in input order
        for number, item in enumerate(items):
            pool.submit(number, item)
            pending.append(number)
            if len(pending) >= per_worker * workers:
                yield pool.receive(pending.popleft())
        pool.submit_end()
        while pending:
            yield pool.receive(pending.popleft())
        finished = True
    finally:
        pool.close(kill=not finished)


class _Pool:
    def __init__(self) -> None:
        self.processes: list[Any] = []
        self.tasks: list[Any] = []  # the parent's write end of each worker's task pipe
        self.results: list[Any] = []  # the parent's read end of each worker's result pipe
        self.feed: queue.SimpleQueue = queue.SimpleQueue()
        self.feeder: threading.Thread | None = None
        self.collector: threading.Thread | None = None
        # Filled by the collector, read in input order by the caller; all under `arrived`.
        self.arrived = threading.Condition()
        self.assigned: list[deque[int]] = []  # per worker, the item numbers it owes, in order
        self.done: dict[int, tuple[bool, Any]] = {}  # item number -> (ok, result or error text)
        self.gone: set[int] = set()  # workers whose result pipe has ended: what they owe never comes

    def start(self, function: Callable[[Any], Any], workers: int, initializer: Callable[..., None],
              initargs: tuple) -> None:
        forking = "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if forking else "spawn")
        # Workers are born with Ctrl-C and SIGTERM held back until they have set their own handlers:
        # before that, a signal would run the parent's handler in the worker.
        before = _mask(signal.SIG_BLOCK, _STOPS)
        try:
            for _ in range(workers):
                task_read, task_write = context.Pipe(duplex=False)
                result_read, result_write = context.Pipe(duplex=False)
                # A forked worker also inherits the parent's ends of the pipes made so far; it closes
                # them, so that when the parent is gone its task pipe has no writer left (EOF).
                parents_ends = [c.fileno() for c in self.tasks + self.results + [task_write, result_read]]
                process = context.Process(target=_serve, daemon=True, args=(
                    function, initializer, initargs, task_read, result_write, os.getpid(),
                    parents_ends if forking else []))
                process.start()
                task_read.close()  # the worker's ends live in the worker only: its death is an EOF here
                result_write.close()
                self.processes.append(process)
                self.tasks.append(task_write)
                self.results.append(result_read)
                self.assigned.append(deque())
        finally:
            _mask(signal.SIG_SETMASK, before)
        # Sending happens in a thread: a large item can fill a pipe while its worker is itself blocked
        # writing a result that the main thread has not reached yet (input order).
        self.feeder = threading.Thread(target=self._send, name="icitrace-feeder", daemon=True)
        self.feeder.start()
        self.collector = threading.Thread(target=self._collect, name="icitrace-collector", daemon=True)
        self.collector.start()

    def submit(self, number: int, item: Any) -> None:
        worker = number % len(self.processes)
        with self.arrived:
            self.assigned[worker].append(number)
        self.feed.put((worker, item))

    def submit_end(self) -> None:
        self.feed.put(_END)

    def receive(self, number: int) -> Any:
        """Item ``number``'s result, once it is there; WorkerDied if its worker ended without it."""
        worker = number % len(self.processes)
        with self.arrived:
            # A timeout keeps the wait short enough for the main thread to run signal handlers.
            # A worker's results come in order and each is in `done` before its pipe can end.
            while number not in self.done and worker not in self.gone:
                self.arrived.wait(timeout=0.5)
            answer = self.done.pop(number, None)
        if answer is None:
            process = self.processes[worker]
            process.join(timeout=5)
            raise WorkerDied(f"a worker process ended unexpectedly (exit code {process.exitcode})")
        ok, value = answer
        if not ok:
            raise WorkerDied(f"a worker process failed (a bug in icitrace; please report it): {value}")
        return value

    def _collect(self) -> None:
        """Read each result as soon as it is there, until every worker has finished or died."""
        open_pipes = dict(zip(self.results, range(len(self.results))))
        while open_pipes:
            for pipe in multiprocessing.connection.wait(list(open_pipes)):
                worker = open_pipes[pipe]
                try:
                    answer = pipe.recv()
                except (EOFError, OSError):  # finished, or died: an item it still owes is never answered
                    del open_pipes[pipe]
                    with self.arrived:
                        self.gone.add(worker)
                        self.arrived.notify_all()
                    continue
                with self.arrived:
                    self.done[self.assigned[worker].popleft()] = answer
                    self.arrived.notify_all()

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
        """Stop the pool. Safe on a pool that only partly started."""
        if kill:
            for process in self.processes:
                process.kill()
            self.feed.put(_END)  # wakes the feeder if it waits for work; sends to dead workers fail fast
        # On a stop, a thread is waited for only briefly: a Ctrl-C that lands as the main thread takes
        # `arrived` can leave that lock held (CPython runs the handler between the acquire and the
        # `with` block), and the collector would then wait for it forever. The threads are daemons:
        # one left waiting ends with the process.
        patience = 5.0 if kill else None
        threads = [t for t in (self.feeder, self.collector) if t is not None and t.ident is not None]
        if self.feeder in threads:  # a stop may come before its start
            self.feeder.join(patience)
        for process in self.processes:
            process.join()
        if self.collector in threads:  # every pipe now ends in EOF
            self.collector.join(patience)
        if any(t.is_alive() for t in threads):
            return  # their pipes stay open: closing one under a waiting thread would raise in it
        for connection in self.tasks + self.results:
            connection.close()


def _serve(function: Callable[[Any], Any], initializer: Callable[..., None], initargs: tuple,
           tasks: Any, results: Any, parent: int, parents_ends: list[int]) -> None:
    """A worker's life: take items until told to stop (None) or the parent is gone (EOF)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent stops a worker by killing it
    _mask(signal.SIG_UNBLOCK, _STOPS)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the kernel was asked to tell us
        return
    for fd in parents_ends:
        try:
            os.close(fd)
        except OSError:
            pass
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
        except Exception as error:  # a bug, not a bad record (those become error lines)
            answer = (False, "".join(traceback.format_exception_only(error)).strip())
        results.send(answer)


def _mask(how: int, signals: set[int]) -> set[int]:
    """``pthread_sigmask`` where the platform has it (a child inherits the mask); the mask before."""
    if not hasattr(signal, "pthread_sigmask"):
        return set()
    return set(signal.pthread_sigmask(how, signals))


def _die_with_parent() -> None:
    """On Linux, ask the kernel to kill this worker when the parent dies (a SIGKILL leaves no one to
    stop the workers), instead of letting it finish its chunk into a closed pipe."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
