"""Streaming records out of batch inputs: a folder of JSON files, a JSON Lines file, a CSV file, or
JSON Lines on stdin. Nothing is read whole; each record carries where it came from (file and line).

A record is parsed and validated later, in a worker, so that a bad line becomes an error record in its
place instead of stopping the run.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from icitrace.batch import tables
from icitrace.batch.column_map import ColumnMap
from icitrace.errors import (
    InputError,  # noqa: F401 - defined with the family
    )
from icitrace.files import STDIN, UnreadableInput, open_input, stdin_bytes
from icitrace.profile.editing import EDITABLE
from icitrace.profile.reading import MAX_BYTES
from icitrace.text import printable

#: a line may hold a profile of MAX_BYTES, its line break, and one more byte to tell a longer one
MAX_LINE = MAX_BYTES + 2


class Record(NamedTuple):
    """One input record (a tuple: cheap to send to a worker process)."""

    where: str  # "file", "file:line" or "<stdin>:line"
    default_id: str
    kind: str  # "json" (raw bytes of one profile), "row" (a CSV row: field -> text, or what is wrong
    # with the line) or "error" (why the record cannot be read)
    payload: bytes | dict[str, str] | str


#: tables: comma-separated, or tab-separated (a cBioPortal clinical file is a .txt)
TABLES = {".csv": ",", ".tsv": "\t", ".txt": "\t"}


def check(inputs: list[str], column_map: ColumnMap | None = None) -> None:
    """Refuse, before anything is started or written, an input that cannot be read at all: a missing
    path, an unknown kind of file, a file that is not a regular file, a bad table header (or one that
    lacks a column the map names)."""
    for source in inputs:
        if column_map is not None and (source == STDIN or Path(source).suffix.lower() not in TABLES):
            raise InputError(f"--map reads tables (.csv, .tsv, .txt); {printable(source)} is not one")
        if source == STDIN:
            stdin_bytes()  # a closed stdin is refused now, not half-way
            continue
        if Path(source).is_dir():
            continue
        suffix = _kind(source)
        with open_input(source) as handle:
            if suffix in TABLES:
                _header(handle, printable(source), TABLES[suffix], column_map, sniff=True)


def _kind(source: str) -> str:
    suffix = Path(source).suffix.lower()
    if suffix not in (*TABLES, ".jsonl", ".ndjson", ".json"):
        open_input(source).close()  # a missing or odd file is named as such first
        raise InputError(f"{printable(source)}: expected a folder of .json files, a .jsonl file, or a table (.csv, "
                         "or .tsv/.txt tab-separated)")
    return suffix


class Trail:
    """Standard input has no name to compare on --resume, so the run keeps its bytes' digest: after each
    record (counted over all inputs), the SHA-256 of every byte read from stdin so far."""

    def __init__(self) -> None:
        self.hasher = hashlib.sha256()
        self.count = 0
        self.digests: dict[int, str] = {0: ""}

    def note(self) -> None:
        self.count += 1
        self.digests[self.count] = self.hasher.copy().hexdigest()[:32]

    def reader(self, stream: BinaryIO) -> _Hashed:
        return _Hashed(stream, self.hasher)

    def span(self, first: int, last: int) -> list[str]:
        """The digests after records first..last (0: before any), forgetting those before ``first``."""
        for index in [i for i in self.digests if i < first]:
            del self.digests[index]
        return [self.digests[i] for i in range(first, last + 1)]


class _Hashed:
    """A binary stream whose lines read also feed a digest."""

    def __init__(self, stream: BinaryIO, hasher: Any) -> None:
        self.stream, self.hasher = stream, hasher

    def readline(self, limit: int = -1) -> bytes:
        line = self.stream.readline(limit)
        self.hasher.update(line)
        return line


def records(inputs: list[str], skipped: Callable[[str], None] = lambda note: None,
            column_map: ColumnMap | None = None, trail: Trail | None = None) -> Iterator[Record]:
    """Every record of the inputs, in order; ``skipped`` hears of each folder entry that is not one;
    ``trail`` keeps the digest of standard input's bytes after each record."""
    for source in inputs:
        for record in _records(source, skipped, column_map, trail):
            if trail is not None:
                trail.note()
            yield record


def _records(source: str, skipped: Callable[[str], None], column_map: ColumnMap | None,
             trail: Trail | None) -> Iterator[Record]:
    if source == STDIN:
        stream = stdin_bytes()
        yield from _lines(trail.reader(stream) if trail is not None else stream, "<stdin>", "stdin", "json")
        return
    path = Path(source)
    if path.is_dir():
        for entry in sorted(path.iterdir()):
            reason = _not_a_profile_file(entry)
            if reason:
                skipped(f"{printable(str(entry))}: skipped ({reason})")
            else:
                yield _file_record(entry)
        return
    suffix = _kind(source)
    if suffix == ".json":
        yield _file_record(path)
        return
    with open_input(source) as handle:
        if suffix in TABLES:
            header, first, delimiter = _header(handle, printable(source), TABLES[suffix], column_map, sniff=True)
            yield from _lines(handle, source, path.stem, "row", first=first, header=header, delimiter=delimiter)
        else:
            yield from _lines(handle, source, path.stem, "json")


def _not_a_profile_file(entry: Path) -> str:
    """Why a folder entry is not read as a profile ("" when it is one)."""
    if entry.suffix.lower() != ".json":
        return "not a .json file"
    if entry.is_symlink() and not entry.exists():
        return "a link to nothing"
    if entry.is_dir():
        return "a folder"
    if not entry.is_file():
        return "not a regular file"
    return ""


def _file_record(path: Path) -> Record:
    try:
        with open_input(path) as handle:
            return Record(str(path), path.stem, "json", handle.read(MAX_BYTES + 1))
    except UnreadableInput as error:
        return Record(str(path), path.stem, "error", error.reason)
    except OSError as error:
        return Record(str(path), path.stem, "error", f"cannot be read ({error.strerror or error})")


def _lines(handle: BinaryIO, name: str, stem: str, kind: str, first: int = 1,
           header: list[str] | None = None, delimiter: str = ",") -> Iterator[Record]:
    """One record per non-blank physical line, JSON or a CSV row: line N is record N, whatever the line
    holds. No line is held longer than a profile may be (the size rule of every input): the rest of a
    longer line is skipped unread, and its record is an error in place."""
    for number in count(first):
        line = handle.readline(MAX_LINE)
        if not line:
            return
        where, default_id = f"{name}:{number}", f"{stem}-{number}"
        if len(line) == MAX_LINE and not line.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield Record(where, default_id, "error", f"is longer than {MAX_BYTES:,} bytes; a profile is a small "
                                                     "JSON object")
        elif line.strip():  # blank lines are not records
            yield Record(where, default_id, kind, line if header is None else tables.row(line, header, delimiter))


def _header(handle: BinaryIO, name: str, delimiter: str, column_map: ColumnMap | None,
            sniff: bool = False) -> tuple[list[str], int, str]:
    """The table's header, the line number of its first record and its delimiter. Lines starting with #
    before the header are skipped (a cBioPortal clinical file's descriptions). ``sniff``: a header with
    tabs and no comma is read as tab-separated whatever the file's suffix (a cBioPortal export saved as
    .csv), one with commas and no tab as comma-separated. Without a map every column must be a profile
    field; with one, the columns it names must be there and the rest are ignored."""
    number, line = 1, handle.readline(MAX_LINE)
    while line.startswith((b"#", b"\xef\xbb\xbf#")):
        number, line = number + 1, handle.readline(MAX_LINE)
    if sniff:
        delimiter = tables.sniff(line, delimiter)
    try:
        header = tables.cells(line, delimiter)
    except ValueError as error:
        raise InputError(f"{name}:{number}: the header {error}") from None
    if not is_utf8(",".join(header)):
        raise InputError(f"{name}:{number}: the header is not UTF-8 text")
    twice = next((c for c in header if header.count(c) > 1), None)
    if twice:
        raise InputError(f"{name}:{number}: column {twice} is named twice; name each column once")
    if column_map is not None:
        column_map.check_header(header, f"{name}:{number}")
        return header, number + 1, delimiter
    unknown = [c for c in header if c not in EDITABLE]
    if unknown:
        raise InputError(f"{name}:{number}: unknown column(s) {', '.join(unknown)}; columns are profile fields: "
                         f"{', '.join(EDITABLE)} (or read the table through a map: --map MAP.yaml)")
    return header, number + 1, delimiter


def group_values(inputs: list[str], column_map: ColumnMap | None, column: str) -> Counter[str]:
    """Each ``--cutoffs-by`` group value the records hold, counted, read before the run so that a table
    group no record has is refused before the output is touched: with a map, the kept column's cell (or
    the ``tumor_type`` the map gives); without, the profile's ``tumor_type`` as written. A record that
    cannot be read has no group."""
    seen: Counter[str] = Counter()
    for record in records(inputs, column_map=column_map):
        value: object = None
        if isinstance(record.payload, dict):  # a table row
            value = column_map.group(record.payload, column) if column_map else record.payload.get(column)
        elif record.kind == "json":
            try:
                data = json.loads(record.payload)
            except (ValueError, RecursionError):
                continue
            value = data.get(column) if isinstance(data, dict) else None
        if isinstance(value, str):
            seen[value] += 1
    return seen


def read_row(table: str, column_map: ColumnMap, row_id: str) -> tuple[str, dict]:
    """The one row of ``table`` whose id (the map's `id` column) is ``row_id``, as (where, profile
    data): for `suggest --map --row`. Refused when no row or more than one row has that id."""
    from icitrace.errors import did_you_mean

    if column_map.id is None:
        raise InputError(f"--row needs the map {column_map.source} to name an id column")
    check([table], column_map)
    found, ids = [], []
    for record in records([table], column_map=column_map):
        row = record.payload if isinstance(record.payload, dict) else None
        name = column_map.record_id(row)
        if name is not None:
            ids.append(name)
        if name == row_id:
            found.append((record.where, row))
    if not found:
        raise InputError(f"{table}: no row has {column_map.id} = {row_id!r}{did_you_mean(row_id, ids, 3)}")
    if len(found) > 1:
        raise InputError(f"{table}: {len(found)} rows have {column_map.id} = {row_id!r} (at "
                         f"{', '.join(where for where, _ in found)}); an id names one row")
    where, row = found[0]
    try:
        return where, column_map.profile_data(row)
    except ValueError as error:
        raise InputError(f"{where}: {error}") from None


def row_to_data(row: dict) -> dict:
    """A table row as profile data: empty cells are unknown, list fields are `;`-separated. A DataFrame's
    row may also hold None (unknown) and lists for list fields; ``cells.cell_value`` reads each cell."""
    from icitrace.batch.cells import cell_value

    data: dict = {}
    for name, cell in row.items():
        if cell is None or isinstance(cell, str) and not cell.strip():
            continue
        if isinstance(cell, str) and not is_utf8(cell):
            raise ValueError(f"the {name} cell is not UTF-8 text")
        data[name] = cell_value(name, cell)
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
            total += sum(1 for p in path.iterdir() if not _not_a_profile_file(p))
        elif path.suffix.lower() in (".jsonl", ".ndjson", *TABLES) and path.is_file():
            with path.open("rb") as handle:
                lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
            total += lines - (path.suffix.lower() in TABLES)
        else:
            total += 1
    return total
