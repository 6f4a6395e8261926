"""A batch run's chunks on a Dask cluster (``--dask ADDRESS``, the ``dask`` extra): the scheduler checked
before the output is opened, at most twice the cluster's threads in flight, results in input order, and
a cluster that goes away mid-run ends the run (``DaskLost``) instead of leaving it waiting for ever.
``distributed`` is imported only here, and only when a run asks for a cluster.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from icitrace.errors import DaskLost, DaskUnavailable

#: how long a run waits with no Dask worker at all before it gives up (ICITRACE_DASK_NO_WORKERS_S)
def _no_workers_for() -> float:
    """A test knob; anything but a positive number keeps the default."""
    try:
        seconds = float(os.environ.get("ICITRACE_DASK_NO_WORKERS_S", "30"))
    except ValueError:
        return 30.0
    return seconds if 0 < seconds < 86400 else 30.0


NO_WORKERS_FOR = _no_workers_for()


def check_dask(address: str) -> str:
    """The scheduler address as tcp://HOST:PORT, once the extra is installed and the scheduler answers;
    checked before the output is opened, so a refused run leaves an earlier output as it was."""
    from urllib.parse import urlsplit

    try:
        import distributed  # noqa: F401
    except ImportError:
        raise DaskUnavailable("--dask needs the optional extra: pip install 'icitrace[dask]'") from None
    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        scheme, host, port, path = parts.scheme, parts.hostname, parts.port, parts.path
    except ValueError:  # "tcp://[::1": a bracket left open, a port out of range
        scheme = host = port = path = None
    if scheme not in ("tcp", "tls") or not host or not port or path not in ("", "/"):
        raise DaskUnavailable("expected a scheduler address such as tcp://127.0.0.1:8786")
    address = f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"
    problem = _unreachable(address)
    if problem:  # fail at once: the client would retry for a long while
        raise DaskUnavailable(f"cannot reach the Dask scheduler ({problem})")
    problem = _not_a_scheduler(address)
    if problem:  # a live port that is not Dask's (its dashboard, a web server): the client would wait for ever
        raise DaskUnavailable(problem)
    return address


#: how long a scheduler has to answer Dask's identity request before the run is refused
DASK_ANSWER_S = 5.0


def _not_a_scheduler(address: str) -> str:
    """Why ``address`` is not a Dask scheduler ("" when it answers as one). Asked with a deadline of our
    own: distributed's ``Client`` waits for ever on a port that accepts and never speaks its protocol."""
    import asyncio

    from distributed.comm import connect

    async def identity() -> Any:
        comm = await connect(address, timeout=DASK_ANSWER_S)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            await comm.close()

    try:
        answer = asyncio.run(asyncio.wait_for(identity(), DASK_ANSWER_S))
    except (TimeoutError, asyncio.TimeoutError):
        return f"not a Dask scheduler: it did not answer Dask's identity request within {DASK_ANSWER_S:g} s"
    except Exception as error:  # noqa: BLE001 - whatever the peer did, it is not a scheduler we can use
        return f"not a Dask scheduler ({type(error).__name__}: {str(error)[:200]})"
    kind = answer.get("type") if isinstance(answer, dict) else None
    return "" if kind == "Scheduler" else f"not a Dask scheduler (it answered as {str(kind)[:80]!r})"


def results(chunks: Iterator[Any], function: Callable[[Any, Any], Any], settings: Any,
            address: str) -> Iterator[Any]:
    """``function(chunk, settings)`` for each chunk on a Dask cluster, yielded in input order: each worker
    process keeps its own engine, results come back
    in input order, and no more chunks are in flight than twice the cluster's threads. A cluster that
    loses its scheduler, or every worker for NO_WORKERS_FOR seconds, ends the run with DaskLost."""
    import logging

    from distributed import Client

    address = check_dask(address)
    # Their log lines and tracebacks of a lost connection (asyncio's "Task exception was never retrieved"
    # included) go to stderr; the message below says it once. distributed's config gives its child
    # loggers levels of their own, so each is quietened.
    quiet = ("distributed", "tornado", "asyncio")
    for name in [*quiet, *logging.root.manager.loggerDict]:
        if name.split(".")[0] in quiet:
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    try:
        with Client(address, set_as_default=False, timeout=30) as client:
            window = 2 * max(1, sum(client.nthreads().values()))
            pending: deque = deque()
            for chunk in chunks:
                pending.append(client.submit(function, chunk, settings, pure=False))
                if len(pending) >= window:
                    yield _result(client, pending.popleft())
            while pending:
                yield _result(client, pending.popleft())
    except DaskLost:
        raise
    except Exception as error:
        # A lost scheduler shows as a closed comm (an OSError), a timeout, or futures cancelled for a
        # lost connection, depending on the moment: whether it still answers is what tells them apart.
        if not isinstance(error, (OSError, TimeoutError)) and not type(error).__module__.startswith(
                ("distributed", "tornado", "asyncio")):
            raise
        if _unreachable(address):
            raise DaskLost("the Dask scheduler went away mid-run") from None
        raise DaskLost(f"the Dask cluster failed mid-run ({type(error).__name__}: {error})") from None


def _unreachable(address: str) -> str:
    """Why the scheduler at ``address`` (tcp://HOST:PORT) does not answer, or "" when it does."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=5).close()
    except OSError as error:
        return error.strerror or str(error)
    return ""


def _result(client: Any, future: Any) -> Any:
    """A chunk's result; a cluster left with no worker for too long is lost, not waited on for ever."""
    import time

    alone_since = None
    while True:
        try:
            return future.result(timeout=2)
        except TimeoutError:
            if client.nthreads():
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > NO_WORKERS_FOR:
                raise DaskLost(f"the Dask cluster has had no worker for {NO_WORKERS_FOR:.0f} s") from None
