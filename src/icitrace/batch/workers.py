"""Chunks of records to the processes that evaluate them, and their lines back in input order.

Records are read lazily and cut into chunks; a bounded number of chunks is in flight, so memory stays
flat however long the input. A chunk runs in this process (one worker), in an ordered pool of worker
processes (``pool.py``), or on a Dask cluster (``dask_cluster.py``); each process has its own engine.
What comes back is one string per chunk, ready to write.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass

from icitrace.batch.formats import Outcome
from icitrace.batch.inputs import Record
from icitrace.batch.records import Settings, book_for, process
from icitrace.batch.signals import StopSignals

CHUNK = 250
#: a chunk also ends once its records hold this much input (1 MB profiles: four to a chunk)
CHUNK_BYTES = 4_000_000


@dataclass
class ChunkResult:
    """What a worker sends back for a chunk: the output text, ready to write, and the counts.

    One string per chunk instead of an object per record keeps the parent (which shares the cores with
    the workers) from spending its time unpickling."""

    text: str
    records: int
    failed: int
    #: per-record outcomes, only when a summary was asked for
    outcomes: list[Outcome] | None = None


# --- in a worker ---------------------------------------------------------------------------------

_settings: Settings | None = None


def _init_worker(settings: Settings) -> None:
    global _settings
    _settings = settings


_engine_lock = threading.Lock()


def process_chunk(chunk: list[Record], settings: Settings | None = None) -> ChunkResult:
    settings = settings or _settings
    book = book_for(settings)
    # One engine per process, never used by two threads at once (a Dask worker may run tasks in threads).
    with _engine_lock:
        outcomes = [process(record, book, settings) for record in chunk]
    return ChunkResult("".join(o.line + "\n" for o in outcomes), len(outcomes), sum(not o.ok for o in outcomes),
                       outcomes if settings.summary else None)


# --- in the parent -------------------------------------------------------------------------------

def chunks(records: Iterator[Record]) -> Iterator[list[Record]]:
    """Chunks of CHUNK records, or fewer when their input passes CHUNK_BYTES: a worker's chunk and its
    output stay small however large each profile is (two chunks per worker are in flight)."""
    chunk: list[Record] = []
    size = 0
    for record in records:
        chunk.append(record)
        payload = record.payload
        size += len(payload) if isinstance(payload, (bytes, str)) else sum(map(len, payload.values()))
        if len(chunk) == CHUNK or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def results(chunked: Iterator[list[Record]], settings: Settings, workers: int, dask: str | None = None,
            stops: StopSignals | None = None) -> Iterator[ChunkResult]:
    """Each chunk's result, in input order: here, in ``workers`` processes, or on the cluster at ``dask``."""
    if dask:
        from icitrace.batch import dask_cluster

        yield from dask_cluster.results(chunked, process_chunk, settings, dask)
        return
    if workers <= 1:
        for chunk in chunked:
            # In this process the engine runs between writes: a stop must wait for the chunk, since a
            # KeyboardInterrupt raised inside a durable-rules action is swallowed by the engine, which
            # would fail that record and carry on (measured).
            with stops.deferred() if stops else nullcontext():
                result = process_chunk(chunk, settings)
            yield result
        return
    from icitrace.batch.pool import imap_ordered

    yield from imap_ordered(process_chunk, chunked, workers, _init_worker, (settings,))


def worker_count(requested: int, total: int | None, cores: int) -> int:
    """As many worker processes as asked, or as there are cores, but never more than the cores, nor more
    than the input has chunks to share out (each worker is a process with its own engine)."""
    wanted = min(requested, cores) if requested > 0 else cores
    return max(1, min(wanted, -(-total // CHUNK))) if total is not None else wanted
