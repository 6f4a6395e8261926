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
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Any

from icitrace import NOT_FOR_CLINICAL_USE
from icitrace.batch.column_map import ColumnMap
from icitrace.batch.group_cutoffs import GroupCutoffs, stated
from icitrace.batch.inputs import Record, is_utf8, row_to_data
from icitrace.batch.provenance import provenance, provenance_line
from icitrace.batch.summary import Summary
from icitrace.engine.durable import EngineError
from icitrace.errors import (  # noqa: F401 - defined with the family
    DaskLost,
    DaskUnavailable,
    EngineProblem,
    InputProblem,
    OutputError,
    OutputProblem,
    Stopped,
)
from icitrace.pipeline import evaluate_fired, evaluate_validated, rulebook
from icitrace.profile.editing import EditError
from icitrace.profile.reading import ProfileError, check_size, parse_json, validate
from icitrace.reasoning.verdicts import assess
from icitrace.rulebase.book import with_overrides

CHUNK = 250
#: a chunk also ends once its records hold this much input (1 MB profiles: four to a chunk)
CHUNK_BYTES = 4_000_000
# One encoder each, built once: json.dumps with options builds a new one for every line.
_compact_utf8 = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_compact_ascii = json.JSONEncoder(separators=(",", ":")).encode
CSV_COLUMNS = ["record", "ok", "id", "findings", "strategies", "unknown", "error", "disclaimer"]
#: formats with a header of column names (after the provenance line)
WITH_HEADER = ("csv", "wide")
CUTOFFS_COLUMN = "cutoffs"


def header_columns(settings: Settings, book: Any) -> list[str]:
    """The header of a csv or wide output: the record's own columns, the map's kept columns, then (wide)
    one column per finding and per strategy in catalogue order, and the closing ones."""
    kept = list(settings.column_map.keep) if settings.column_map else []
    if settings.group_cutoffs is not None:  # which cut-offs judged the record (`--cutoffs-by`)
        kept.append(CUTOFFS_COLUMN)
    if settings.fmt == "csv":
        return [*CSV_COLUMNS[:3], *kept, *CSV_COLUMNS[3:]]
    return ["record", "id", *kept, *book.catalog.findings, *book.catalog.strategies, "unknown", "error",
            "disclaimer"]


def check_header(settings: Settings, book: Any) -> None:
    """Refuse a kept column named as a column icitrace writes (or kept twice): a table with two columns of
    one name loses one of them in pandas and R."""
    if settings.fmt not in WITH_HEADER or settings.column_map is None:
        return
    columns = header_columns(settings, book)
    twice = next((c for c in columns if columns.count(c) > 1), None)
    if twice is not None:
        raise InputProblem(f"--map {settings.column_map.source}: the kept column {twice!r} has the name of a column "
                           f"icitrace writes in --format {settings.fmt}, or is kept twice; keep it once, or write "
                           '--format jsonl, where kept columns sit under "keep"')


@dataclass(frozen=True)
class Settings:
    rules_dir: str | None = None
    thresholds: tuple[tuple[str, float], ...] = ()
    fmt: str = "jsonl"  # or "csv", or "wide" (a column per finding and strategy: 1, 0 or empty)
    full: bool = False  # the whole JSON contract per record instead of the compact record
    summary: bool = False  # send per-record outcomes back for the cohort summary
    wide_width: int = 0  # `wide`: how many finding and strategy columns (an error row fills them empty)
    column_map: ColumnMap | None = None  # `--map`: how a table's columns read as profile fields
    group_cutoffs: GroupCutoffs | None = None  # `--cutoffs-by`: cut-offs per group of a column
    #: `--cutoffs-by`: records per group value, counted before the run (None: not counted, stdin)
    group_counts: dict[str, int] | None = None
    #: `wide`: also hand back each rule's verdict (`icitrace outcomes --every-rule`)
    rule_verdicts: bool = False


@dataclass
class Outcome:
    line: str
    ok: bool
    findings: list[str] = field(default_factory=list)
    strategies: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    keep: dict[str, str] | None = None  # the map's kept columns (`--summary --by`)
    #: with --summary: field -> undecided rules it alone would settle (not read back by --resume)
    deciding: dict[str, int] | None = None
    #: with Settings.rule_verdicts: rule id -> True (fires), False (decided not to) or None (undecided)
    rules: dict[str, bool | None] | None = None


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


def _book(settings: Settings, group: str | None = None):  # noqa: ANN202
    """The run's rule base, or a group's: the shipped cut-offs moved by --threshold, then by the group's
    row of the --cutoffs-by table. Kept by the values moved, not by the group; groups whose cut-offs
    come out alike share one compiled ruleset and engine however they were written (``pipeline.compiled``
    keys them by the value of every cut-off)."""
    moved = dict(settings.thresholds)
    if settings.group_cutoffs is not None:
        moved |= settings.group_cutoffs.overrides(group)
    return _moved_book(settings.rules_dir, tuple(moved.items()))  # in order: the record echoes its overrides


@lru_cache(maxsize=64)  # a few KB each (the moved cut-offs; rules and catalogue are shared)
def _moved_book(rules_dir: str | None, moved: tuple[tuple[str, float], ...]):  # noqa: ANN202
    return with_overrides(rulebook(rules_dir), dict(moved))  # built once per cut-off set and process


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
    try:
        if record.kind == "error":
            raise ProfileError(record.where, str(record.payload))
        if record.kind == "json":
            data = parse_json(check_size(record.payload.rstrip(b"\r\n"), record.where), record.where)
        else:
            data = _row(record, settings.column_map)
        profile = validate(data, record.where, default_id=record.default_id)
        unknown = profile.unknown()
        if settings.group_cutoffs is not None:
            group = _group(record, profile, settings)
            book = _book(settings, group)
            judged_by = settings.group_cutoffs.overrides(group)
        # the three-valued reading, only where it is needed: wide's 0 / empty cells, the summary's deciding
        verdicts = assess(book, profile) if settings.fmt == "wide" or settings.summary else None
        if settings.fmt == "wide":
            findings, strategies = evaluate_fired(profile, book)
            payload = {"record": record.where, "ok": True, "id": profile.id, "unknown": unknown,
                       "cells": _wide_cells(book, verdicts, findings, strategies)}
        elif settings.full:
            result = evaluate_validated(profile, book)  # validated just above
            findings = {f.id: [x.rule for x in result.findings if x.id == f.id] for f in result.findings}
            strategies = {s.id: s.rules for s in result.strategies}
            payload: dict[str, Any] = {"record": record.where, "ok": True, "result": result.to_json_data()}
        else:
            findings, strategies = evaluate_fired(profile, book)
            payload = {"record": record.where, "ok": True, "id": profile.id, "findings": findings,
                       "strategies": strategies, "unknown": unknown}
        outcome = Outcome("", True, list(findings), list(strategies), unknown,
                          deciding=_deciding(verdicts) if settings.summary else None,
                          rules={r: v.holds for r, v in verdicts.items()} if settings.rule_verdicts else None)
        if settings.group_cutoffs is not None:
            payload["cutoffs"] = judged_by
    except (ProfileError, EngineError, EditError, ValueError) as error:
        message = str(error) if isinstance(error, ProfileError) else f"{record.where}: {error}"
        payload = {"record": record.where, "ok": False, "error": _bounded(message)}
        outcome = Outcome("", False)
    if settings.column_map is not None:  # its id and kept columns, error records too (a torn line: empty)
        row = record.payload if isinstance(record.payload, dict) else None
        if not payload["ok"]:
            payload = {**payload, "id": settings.column_map.record_id(row)}
        payload["keep"] = outcome.keep = settings.column_map.kept(row)
    outcome.line = _line(payload | {"disclaimer": NOT_FOR_CLINICAL_USE}, settings)
    return outcome


#: an error record's message is cut here: a cell quoted in it, or a long list of tokens, must not make one
#: bad record's line larger than many good ones
MAX_ERROR = 2_000


def _bounded(message: str) -> str:
    if len(message) <= MAX_ERROR:
        return message
    return f"{message[:MAX_ERROR]}... ({len(message) - MAX_ERROR:,} more characters cut)"


def _group(record: Record, profile: Any, settings: Settings) -> str | None:
    """The record's group for --cutoffs-by: a kept column of the map, or the profile's tumor_type."""
    column = settings.group_cutoffs.column  # type: ignore[union-attr]
    if settings.column_map is not None:  # compared as a key by GroupCutoffs (blanks, Unicode form)
        return settings.column_map.kept(record.payload if isinstance(record.payload, dict) else None)[column]
    return profile.tumor_type


def _deciding(verdicts: Any) -> dict[str, int]:
    """Field -> how many undecided rules it alone would settle (the summary's deciding unknowns)."""
    return dict(Counter(v.missing[0] for v in verdicts.values() if v.holds is None and len(v.missing) == 1))


def _wide_cells(book: Any, verdicts: Any, findings: dict, strategies: dict) -> list[str]:
    """Per finding, then per strategy: "1" reached, "0" decided not reached (every rule that concludes
    it is decided not to fire), "" undecided (one of them waits on an unknown field)."""
    waiting = {rule.then.id for rule in book.rules if verdicts[rule.id].holds is None}
    return ["1" if cid in reached else "" if cid in waiting else "0"
            for ids, reached in ((book.catalog.findings, findings), (book.catalog.strategies, strategies))
            for cid in ids]


def _row(record: Record, column_map: ColumnMap | None) -> dict:
    if isinstance(record.payload, str):  # the line is not one whole CSV row
        raise ProfileError(record.where, record.payload)
    try:
        if column_map is not None:
            return column_map.profile_data(record.payload)  # type: ignore[arg-type]
        return row_to_data(record.payload)  # type: ignore[arg-type]
    except (EditError, ValueError) as error:
        raise ProfileError(record.where, str(error)) from None


def _line(payload: dict[str, Any], settings: Settings) -> str:
    """One record's output line. Always one physical line of UTF-8, since line N is record N (--resume):
    text that cannot be UTF-8 (a file name with other bytes, a lone surrogate quoted in an error) is
    escaped, and a line break inside a CSV cell is written as \\n."""
    if settings.fmt == "jsonl":
        line = _compact_utf8(payload)
        return line if is_utf8(line) else _compact_ascii(payload)
    joined = lambda key: ";".join(payload.get(key) or [])  # noqa: E731
    kept = list((payload.get("keep") or {}).values())
    if settings.group_cutoffs is not None:  # an error row was judged by none
        kept.append(stated(payload["cutoffs"]) if "cutoffs" in payload else "")
    if settings.fmt == "wide":  # an error row leaves every conclusion empty: nothing was decided
        conclusions = payload.get("cells") or [""] * settings.wide_width
        cells = [payload["record"], payload.get("id") or "", *kept, *conclusions, joined("unknown"),
                 payload.get("error", ""), payload["disclaimer"]]
    else:
        cells = [payload["record"], "true" if payload["ok"] else "false", payload.get("id", ""), *kept,
                 joined("findings"), joined("strategies"), joined("unknown"), payload.get("error", ""),
                 payload["disclaimer"]]
    line = csv_row([cell.replace("\r", "\\r").replace("\n", "\\n") for cell in cells])
    return line if is_utf8(line) else line.encode("utf-8", "backslashreplace").decode("utf-8")


def csv_row(cells: list[str]) -> str:
    """One CSV line. A line with a "#" in a cell is quoted whole: readers told to skip the provenance
    comment (pandas' comment="#") cut at an unquoted one. That is rare (kept text, column names), so
    the common line keeps minimal quoting."""
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if any("#" in cell for cell in cells) else csv.QUOTE_MINIMAL
    csv.writer(buffer, lineterminator="", quoting=quoting).writerow(cells)
    return buffer.getvalue()


# --- in the parent -------------------------------------------------------------------------------


def preamble(settings: Settings) -> str:
    """The lines that open an output: its provenance, and a table's header."""
    book = _book(settings)
    source = settings.column_map.source if settings.column_map else None
    lines = [provenance_line(settings.fmt, provenance(book, source, settings.group_cutoffs, settings.group_counts))]
    if settings.fmt in WITH_HEADER:
        lines.append(csv_row(header_columns(settings, book)))
    return "".join(line + "\n" for line in lines)


def run(records: Iterable[Record], out: IO[bytes], settings: Settings, workers: int, summary: Summary | None,
        on_progress: Callable[[int], None] | None = None, write_preamble: bool = True, dask: str | None = None,
        before_write: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Evaluate every record and write one line each, in order, as UTF-8 to the binary stream ``out``,
    after the provenance line (and a table's header) unless the output already has them.
    ``before_write`` hears how many records a chunk holds before the chunk is written (the run's
    session keeps its record of the run ahead of the output). Returns (written, failed)."""
    written = failed = 0
    with _StopSignals() as stops:
        try:
            if write_preamble:
                _write(out, preamble(settings))
            for chunk in _outcomes(_chunks(iter(records)), settings, workers, dask, stops):
                with stops.held():
                    if before_write is not None:
                        before_write(chunk.records)
                    _write(out, chunk.text)
                    written += chunk.records
                    failed += chunk.failed
                if summary is not None:
                    for outcome in chunk.outcomes or ():
                        summary.add(outcome)
                if on_progress:
                    on_progress(chunk.records)
        except KeyboardInterrupt:
            raise Stopped(written) from None
    return written, failed


def _write(out: IO[bytes], text: str) -> None:
    """All of ``text`` or an error. An unbuffered stream (stdout under PYTHONUNBUFFERED or -u) may take
    part of it when a signal interrupts the write; text-layer writes then drop the rest silently
    (measured: 135,168 of 250,000 bytes reached a pipe), so the bytes go out in a loop."""
    data = memoryview(text.encode("utf-8"))
    try:
        while data:
            data = data[out.write(data) or 0:]  # None: a non-blocking stream took nothing yet
        out.flush()
    except BrokenPipeError:
        raise  # the reader went away (`| head`): not an error of ours, the command ends quietly
    except OSError as error:
        raise OutputError(f"cannot write the output ({error.strerror or error})") from None


class _StopSignals:
    """Ctrl-C and SIGTERM stop the run in the parent, between two chunk writes: a signal that comes
    while a chunk is being written (to a slow pipe, say) waits until the chunk is whole; a second one
    stops at once. In any other process (a child forked by a library) the signal does what it would
    by default."""

    def __init__(self) -> None:
        self.parent = os.getpid()
        self.writing = self.pending = False
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _StopSignals:
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
        self.writing = True
        try:
            yield
        finally:
            self.writing = False
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


def _chunks(records: Iterator[Record]) -> Iterator[list[Record]]:
    """Chunks of CHUNK records, or fewer when their input passes CHUNK_BYTES: a worker's chunk and its
    output stay small however large each profile is (two chunks per worker are in flight)."""
    chunk: list[Record] = []
    size = 0
    for record in records:
        chunk.append(record)
        size += len(record.payload) if isinstance(record.payload, (bytes, str)) else sum(map(len, record.payload.values()))
        if len(chunk) == CHUNK or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _outcomes(chunks: Iterator[list[Record]], settings: Settings, workers: int, dask: str | None = None,
              stops: _StopSignals | None = None) -> Iterator[ChunkResult]:
    if dask:
        yield from _dask_outcomes(chunks, settings, dask)
        return
    if workers <= 1:
        for chunk in chunks:
            # In this process the engine runs between writes: a stop must wait for the chunk, since a
            # KeyboardInterrupt raised inside a durable-rules action is swallowed by the engine, which
            # would fail that record and carry on (measured).
            with stops.deferred() if stops else nullcontext():
                result = process_chunk(chunk, settings)
            yield result
        return
    from icitrace.batch.pool import imap_ordered

    yield from imap_ordered(process_chunk, chunks, workers, _init_worker, (settings,))


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


def _dask_outcomes(chunks: Iterator[list[Record]], settings: Settings, address: str) -> Iterator[ChunkResult]:
    """The same chunks on a Dask cluster: each worker process keeps its own engine, results come back
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
                pending.append(client.submit(process_chunk, chunk, settings, pure=False))
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


def _result(client: Any, future: Any) -> ChunkResult:
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
