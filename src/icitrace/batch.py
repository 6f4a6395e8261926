"""Cohorts: many records through the engine, streamed, in input order, one output line per record.

The parent reads records lazily and keeps a bounded number of chunks in flight, so memory stays flat
however long the input. Each worker process has its own engine. Every output line is written whole and
flushed chunk by chunk: after Ctrl-C or a kill the file holds complete lines for the finished records
(at most one torn line, which ``--resume`` cuts off), and since line N always belongs to record N,
``--resume`` skips exactly the records already written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from .batch_input import Record, row_to_data
from .summary import Summary

CHUNK = 250
CSV_COLUMNS = ["record", "ok", "id", "findings", "strategies", "unknown", "error"]


@dataclass(frozen=True)
class Settings:
    rules_dir: str | None = None
    thresholds: tuple[tuple[str, float], ...] = ()
    fmt: str = "jsonl"  # or "csv"
    full: bool = False  # the whole JSON contract per record instead of the compact record
    summary: bool = False  # send per-record outcomes back for the cohort summary


@dataclass
class Outcome:
    line: str
    ok: bool
    findings: list[str] = field(default_factory=list)
    strategies: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


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
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent alone decides how to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited through fork
    _die_with_parent()
    _settings = settings


def _die_with_parent() -> None:
    """On Linux, ask the kernel to end this worker if the parent is killed (kill -9 leaves no one to
    tell the pool), instead of finishing its chunk into a closed pipe."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _book(settings: Settings):  # noqa: ANN202
    from .pipeline import rulebook
    from .rule_loader import with_overrides

    return with_overrides(rulebook(settings.rules_dir), dict(settings.thresholds))


_engine_lock = threading.Lock()


def process_chunk(chunk: list[Record], settings: Settings | None = None) -> ChunkResult:
    settings = settings or _settings
    book = _book(settings)
    # One engine per process, never used by two threads at once (a Dask worker may run tasks in threads).
    with _engine_lock:
        outcomes = [process(record, book, settings) for record in chunk]
    return ChunkResult("".join(o.line + "\n" for o in outcomes), len(outcomes), sum(not o.ok for o in outcomes),
                       outcomes if settings.summary else None)


def process(record: Record, book: Any, settings: Settings) -> Outcome:
    """One record to one output line; any problem with the record becomes an error line."""
    from .engine import EngineError
    from .pipeline import evaluate, evaluate_fired
    from .profile_edit import EditError
    from .profile_io import ProfileError, parse_json, validate

    try:
        if record.kind == "error":
            raise ProfileError(record.where, str(record.payload))
        data = parse_json(record.payload, record.where) if record.kind == "json" else _row(record)
        profile = validate(data, record.where, default_id=record.default_id)
        if settings.full:
            result = evaluate(profile, book)
            findings = {f.id: [x.rule for x in result.findings if x.id == f.id] for f in result.findings}
            strategies = {s.id: s.rules for s in result.strategies}
            payload: dict[str, Any] = {"record": record.where, "ok": True, "result": result.to_json_data()}
        else:
            findings, strategies = evaluate_fired(profile, book)
            payload = {"record": record.where, "ok": True, "id": profile.id, "findings": findings,
                       "strategies": strategies, "unknown": profile.unknown()}
        outcome = Outcome("", True, list(findings), list(strategies), profile.unknown())
    except (ProfileError, EngineError, EditError, ValueError) as error:
        message = str(error) if isinstance(error, ProfileError) else f"{record.where}: {error}"
        payload = {"record": record.where, "ok": False, "error": message}
        outcome = Outcome("", False)
    outcome.line = _line(payload, settings)
    return outcome


def _row(record: Record) -> dict:
    from .profile_edit import EditError
    from .profile_io import ProfileError

    try:
        return row_to_data(record.payload)  # type: ignore[arg-type]
    except (EditError, ValueError) as error:
        raise ProfileError(record.where, str(error)) from None


def _line(payload: dict[str, Any], settings: Settings) -> str:
    if settings.fmt == "jsonl":
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    buffer = io.StringIO()
    joined = lambda key: ";".join(payload.get(key) or [])  # noqa: E731
    csv.writer(buffer, lineterminator="").writerow([
        payload["record"], "true" if payload["ok"] else "false", payload.get("id", ""), joined("findings"),
        joined("strategies"), joined("unknown"), payload.get("error", "")])
    return buffer.getvalue()


# --- in the parent -------------------------------------------------------------------------------


class Stopped(Exception):
    """Ctrl-C or SIGTERM: stop cleanly after the records already written."""


def completed_records(path: Path, fmt: str) -> int:
    """How many records an earlier, interrupted run wrote whole; a torn last line is cut off."""
    if not path.exists():
        return 0
    with path.open("rb+") as handle:
        data_end = handle.seek(0, os.SEEK_END)
        handle.seek(0)
        complete, position = 0, 0
        for line in handle:
            if not line.endswith(b"\n"):
                break
            complete += 1
            position += len(line)
        if position != data_end:
            handle.truncate(position)
    header = 1 if fmt == "csv" and complete else 0
    return complete - header


def run(records: Iterable[Record], out: IO[str], settings: Settings, workers: int, summary: Summary | None,
        on_progress: Callable[[int], None] | None = None, skip: int = 0, write_header: bool = True,
        dask: str | None = None) -> tuple[int, int]:
    """Evaluate every record and write one line each, in order. Returns (written, failed)."""
    if settings.fmt == "csv" and write_header:
        out.write(",".join(CSV_COLUMNS) + "\n")
    written = failed = 0
    previous = signal.signal(signal.SIGTERM, _stop_in(os.getpid()))
    try:
        for chunk in _outcomes(_chunks(islice(records, skip, None)), settings, workers, dask):
            out.write(chunk.text)
            out.flush()
            written += chunk.records
            failed += chunk.failed
            if summary is not None:
                for outcome in chunk.outcomes or ():
                    summary.add(outcome)
            if on_progress:
                on_progress(chunk.records)
    except KeyboardInterrupt:
        raise Stopped(written) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    return written, failed


def _stop_in(parent: int) -> Callable[[int, Any], None]:
    """SIGTERM stops the run cleanly in the parent. A worker forked a moment ago inherits this handler
    until its initializer resets it; there the signal must kill, as the pool expects. (Raising instead
    let a worker that was still starting swallow Pool.terminate()'s SIGTERM, and the pool then waited
    on it for ever: seen 1 in ~300 refused inputs under load.)"""

    def handler(signum: int, frame: Any) -> None:
        if os.getpid() == parent:
            raise KeyboardInterrupt
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    return handler


def _chunks(records: Iterator[Record]) -> Iterator[list[Record]]:
    while chunk := list(islice(records, CHUNK)):
        yield chunk


def _outcomes(chunks: Iterator[list[Record]], settings: Settings, workers: int,
              dask: str | None = None) -> Iterator[ChunkResult]:
    if dask:
        yield from _dask_outcomes(chunks, settings, dask)
        return
    if workers <= 1:
        for chunk in chunks:
            yield process_chunk(chunk, settings)
        return
    from .ordered_pool import imap_ordered

    yield from imap_ordered(process_chunk, chunks, workers, _init_worker, (settings,))


def _dask_outcomes(chunks: Iterator[list[Record]], settings: Settings, address: str) -> Iterator[ChunkResult]:
    """The same chunks on a Dask cluster: each worker process keeps its own engine, results come back
    in input order, and no more chunks are in flight than twice the cluster's threads."""
    try:
        from distributed import Client
    except ImportError:
        raise RuntimeError("--dask needs the optional extra: pip install 'icitrace[dask]'") from None
    _reachable(address)
    with Client(address, set_as_default=False, timeout=30) as client:
        window = 2 * max(1, sum(client.nthreads().values()))
        pending: deque = deque()
        for chunk in chunks:
            pending.append(client.submit(process_chunk, chunk, settings, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _reachable(address: str) -> None:
    """Fail at once on a scheduler that refuses connections (the client would retry for 30 s)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.hostname and parts.port:
        try:
            socket.create_connection((parts.hostname, parts.port), timeout=5).close()
        except OSError as error:
            raise RuntimeError(f"cannot reach the Dask scheduler ({error.strerror or error})") from None
