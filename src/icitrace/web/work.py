"""Engine work for `icitrace serve`: its own thread, its own bounded queue (issue 21).

Starlette runs sync routes and ``run_in_threadpool`` work in one AnyIO pool of 40 tokens. Engine work
queued there (each waiting for the one engine) took every token, and the page's own files waited behind
60 sweeps for 10 s. Here engine work runs in a thread of its own, one job at a time (the process has one
engine, as in the CLI), and the queue is bounded twice: in jobs (each holds a parsed request) and in
evaluations (a sweep of 500 values is 500 of them, about 0.6 s on this project's machines). Beyond either
bound a request is refused at once (``Busy``: 503 with ``Retry-After``) instead of waiting in line, so
the event loop, which answers the page and its files itself, is never behind the engine.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from icitrace.errors import Busy
from icitrace.web.security import send_error

#: the most engine jobs held at once (running or waiting): a page asks for a few at a time
MOST_JOBS = 16
#: the most evaluations held at once (running or waiting): four sweeps of the page's largest, about 2.5 s
MOST_EVALUATIONS = 2_000
#: what a refused client is told to wait, in seconds
RETRY_AFTER = 1

#: one engine per process, whatever number of apps: never two threads in it at once
_engine_lock = threading.Lock()


class EngineQueue:
    """One worker thread for the engine and a queue bounded in jobs and in evaluations."""

    def __init__(self, most_jobs: int = MOST_JOBS, most_evaluations: int = MOST_EVALUATIONS):
        self.most_jobs, self.most_evaluations = most_jobs, most_evaluations
        self._executor = _engine_thread()
        self._lock = threading.Lock()
        self.jobs = self.evaluations = 0

    async def run(self, work: Callable[[], Any], evaluations: int = 1) -> Any:
        """``work()``'s value, run on the engine's thread; ``Busy`` at once when the queue is full. A job is
        counted until it has finished (or was cancelled before it started: a client that went away)."""
        with self._lock:
            if self.jobs >= self.most_jobs or self.evaluations + evaluations > self.most_evaluations:
                raise Busy(busy_message(self))
            self.jobs += 1
            self.evaluations += evaluations
        future: Future = self._executor.submit(_locked, work)
        future.add_done_callback(lambda _: self._release(evaluations))
        return await asyncio.wrap_future(future)

    def full(self) -> bool:
        """Whether not even one more evaluation would be taken: then a request is refused before its body
        is read (``Shed``), so a flood of refusals costs the event loop as little as a refusal can."""
        return self.jobs >= self.most_jobs or self.evaluations >= self.most_evaluations

    def _release(self, evaluations: int) -> None:
        with self._lock:
            self.jobs -= 1
            self.evaluations -= evaluations

    def close(self) -> None:
        """Drop the jobs not yet started (the server is stopping); the running one finishes. An app started
        again (a test client's lifespan, twice) gets a new thread, made when first used."""
        stopping, self._executor = self._executor, _engine_thread()
        stopping.shutdown(wait=False, cancel_futures=True)


def _engine_thread() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="icitrace-engine")


def _locked(work: Callable[[], Any]) -> Any:
    with _engine_lock:
        return work()


class Shed:
    """ASGI middleware: a request for engine work (a POST to one of ``paths``) while the queue is full is
    refused at once, before routing and before its body is read or parsed."""

    def __init__(self, app: Any, queue: EngineQueue, paths: frozenset[str]):
        self.app, self.queue, self.paths = app, queue, paths

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in self.paths and self.queue.full():
            await send_error(send, 503, busy_message(self.queue), {"retry-after": str(RETRY_AFTER)})
            return
        await self.app(scope, receive, send)


def busy_message(queue: EngineQueue) -> str:
    return (f"the server is busy ({queue.jobs} requests, {queue.evaluations:,} evaluations held); "
            f"try again in {RETRY_AFTER} s")

