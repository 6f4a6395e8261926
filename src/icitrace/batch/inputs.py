"""Streaming records out of batch inputs: a folder of JSON files, a JSON Lines file, a CSV file, or
JSON Lines on stdin. Nothing is read whole; each record carries where it came from (file and line).

A record is parsed and validated later, in a worker, so that a bad line becomes an error record in its
place instead of stopping the run.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import BinaryIO, NamedTuple

from icitrace.errors import InputProblem
from icitrace.profile.editing import EDITABLE
from icitrace.profile.model import field_kind, reasoned_fields

STDIN = "-"


class InputError(InputProblem):
    """An input that cannot be read at all (missing, unknown kind, bad CSV header)."""


class Record(NamedTuple):
    """One input record (a tuple: cheap to send to a worker process)."""

    where: str  # "file", "file:line" or "<stdin>:line"
    default_id: str
    kind: str  # "json" (raw bytes of one profile), "row" (a CSV row: field -> text) or "error"
    payload: bytes | dict[str, str] | str


def check(inputs: list[str]) -> None:
    """Refuse, before anything is started or written, an input that cannot be read at all: a missing
    path, an unknown kind of file, a CSV header with a column that is not a profile field."""
    for source in inputs:
        if source == STDIN or Path(source).is_dir():
            continue
        if _kind(source) == ".csv":
            try:
                with _open_csv(Path(source)) as handle:
                    _check_header(csv.DictReader(handle), source)
            except OSError as error:
                raise InputError(f"{source}: cannot be read ({error.strerror or error})") from None


def _kind(source: str) -> str:
    path = Path(source)
    if not path.is_file():
        raise InputError(f"{source}: no such file or folder")
    if path.suffix not in (".csv", ".jsonl", ".ndjson", ".json"):
        raise InputError(f"{source}: expected a folder of .json files, a .jsonl file or a .csv file")
    return path.suffix


def records(inputs: list[str]) -> Iterator[Record]:
    for source in inputs:
        yield from _records(source)


def _records(source: str) -> Iterator[Record]:
    if source == STDIN:
        yield from _jsonl(sys.stdin.buffer, "<stdin>", "stdin")
        return
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".json" and p.is_file())
        for file in files:
            yield _file_record(file)
        return
    suffix = _kind(source)
    if suffix == ".csv":
        with _open_csv(path) as handle:
            yield from _csv(handle, source, path.stem)
    elif suffix == ".json":
        yield _file_record(path)
    else:
        with path.open("rb") as handle:
            yield from _jsonl(handle, source, path.stem)


def _file_record(path: Path) -> Record:
    from icitrace.profile.reading import MAX_BYTES

    try:
        with path.open("rb") as handle:
            return Record(str(path), path.stem, "json", handle.read(MAX_BYTES + 1))
    except OSError as error:
        return Record(str(path), path.stem, "error", f"cannot be read ({error.strerror or error})")


def _jsonl(handle: BinaryIO, name: str, stem: str) -> Iterator[Record]:
    """One record per non-blank line. No line is held longer than a profile may be: the rest of a
    longer line is skipped unread, and its record is an error in place."""
    from icitrace.profile.reading import MAX_BYTES

    for number in count(1):
        line = handle.readline(MAX_BYTES + 2)
        if not line:
            return
        where, default_id = f"{name}:{number}", f"{stem}-{number}"
        if len(line) == MAX_BYTES + 2 and not line.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield Record(where, default_id, "error", f"is longer than {MAX_BYTES:,} bytes; a profile is a small JSON object")
        elif line.strip():  # blank lines are not records
            yield Record(where, default_id, "json", line)


def _csv(handle: io.TextIOBase, name: str, stem: str) -> Iterator[Record]:
    from icitrace.profile.reading import MAX_BYTES

    # A cell may be as long as a whole profile may be (the csv module stops at 131,072 characters).
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    reader = csv.DictReader(handle)
    _check_header(reader, name)
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            yield Record(f"{name}:{line}", f"{stem}-{line}", "row", dict(row))
    except csv.Error as error:  # a cell longer than that: the rows after it cannot be told apart
        yield Record(f"{name}:{line + 1}", f"{stem}-{line + 1}", "error",
                     f"cannot be read as CSV ({error}); the rest of the file is not read")


def _open_csv(path: Path) -> io.TextIOBase:
    # Bytes that are not UTF-8 must not end the run: they survive decoding as lone surrogates and make
    # their own row an error record (row_to_data), like a bad line in a JSON Lines file.
    return path.open(newline="", encoding="utf-8-sig", errors="surrogateescape")


def _check_header(reader: csv.DictReader, name: str) -> None:
    header = reader.fieldnames or []
    if not is_utf8(",".join(header)):
        raise InputError(f"{name}:1: the header is not UTF-8 text")
    unknown = [c for c in header if c not in EDITABLE]
    if unknown:
        raise InputError(f"{name}:1: unknown column(s) {', '.join(unknown)}; columns are profile fields: "
                         f"{', '.join(EDITABLE)}")


def row_to_data(row: dict[str, str]) -> dict:
    """A CSV row as profile data: empty cells are unknown, list fields are `;`-separated."""
    from icitrace.profile.editing import typed_value

    data: dict = {}
    for name, text in row.items():
        if name is None:
            raise ValueError("more cells than columns")
        if text is None or not text.strip():
            continue
        if not is_utf8(text):
            raise ValueError(f"the {name} cell is not UTF-8 text")
        if name in reasoned_fields() and field_kind(name) == "list":
            data[name] = [item.strip() for item in text.split(";") if item.strip()]
        else:
            data[name] = typed_value(name, text)
    return data


def is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def estimate_total(inputs: list[str]) -> int | None:
    """How many records the inputs hold, counted cheaply (newlines, files), for a progress bar's ETA."""
    total = 0
    for source in inputs:
        path = Path(source)
        if source == STDIN:
            return None
        if path.is_dir():
            total += sum(1 for p in path.iterdir() if p.suffix == ".json")
        elif path.suffix in (".jsonl", ".ndjson", ".csv") and path.is_file():
            with path.open("rb") as handle:
                lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
            total += lines - (path.suffix == ".csv")
        else:
            total += 1
    return total
