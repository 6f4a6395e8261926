"""`batch --format parquet`: the `wide` table as one Parquet file (the ``parquet`` extra: pyarrow).

The run writes its `wide` CSV as usual, to an unnamed temporary file, and this module turns it into
Parquet at the end: Parquet is written whole (its footer describes every row group), so a run cannot
stream it line by line, and so a stopped run leaves no partial table, and ``--resume`` cannot continue
one. The table is the `wide` table typed: the finding and strategy columns are float64, 1.0 (reached),
0.0 (decided not reached) or null (undecided); the other columns are text, null where the CSV cell is
empty. The provenance line's data is kept in the file's metadata under ``icitrace_run``, as
``evaluate_frame`` keeps it in ``df.attrs``. Rows are read and written ``ROWS`` at a time, so memory
stays bounded, and the same run writes the same bytes (a fixed row-group size, no time in the file; the
writer's own version is in it, so another pyarrow may write other bytes).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterator
from typing import IO, Any

from icitrace.batch.provenance import KEY, read_provenance

#: rows per row group (and per read of the CSV)
ROWS = 65_536
#: how the table is compressed: zstd is in every pyarrow wheel, and reads back in pandas, R's arrow, DuckDB
COMPRESSION = "zstd"
INSTALL = "pip install 'icitrace[parquet]'"


def available() -> str:
    """Why parquet cannot be written here ("" when pyarrow is installed)."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return f"--format parquet needs pyarrow, which is not installed: {INSTALL}"
    return ""


def write_parquet(wide: IO[bytes], out: IO[bytes], decided: Collection[str]) -> None:
    """The `wide` CSV in ``wide`` (its provenance line, header and rows, as batch wrote them) as Parquet
    to ``out``; ``decided`` names the finding and strategy columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = io.TextIOWrapper(wide, encoding="utf-8", newline="")
    provenance = read_provenance(text.readline().rstrip("\r\n"))
    rows = csv.reader(text)
    header = next(rows)
    schema = pa.schema([(name, pa.float64() if name in decided else pa.string()) for name in header],
                       metadata={KEY: json.dumps(provenance, ensure_ascii=False, separators=(",", ":"))})
    with pq.ParquetWriter(pa.PythonFile(_Whole(out), mode="w"), schema, compression=COMPRESSION) as writer:
        for block in _blocks(rows):
            columns = list(zip(*block, strict=True))
            arrays = [pa.array([float(cell) if cell else None for cell in cells], pa.float64()) if name in decided
                      else pa.array([cell if cell else None for cell in cells], pa.string())
                      for name, cells in zip(header, columns, strict=True)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema), row_group_size=ROWS)
    out.flush()


class _Whole:
    """``out`` for pyarrow: every write whole (a raw stream may take part of one when a signal comes),
    and the position counted (``out`` is opened for appending, from an emptied file)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.written, self.closed = out, 0, False

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        while view:
            view = view[self.out.write(view) or 0:]
        self.written += len(data)
        return len(data)

    def tell(self) -> int:
        return self.written

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        self.out.flush()

    def close(self) -> None:
        self.closed = True  # the run closes ``out``


def _blocks(rows: Iterator[list[str]]) -> Iterator[list[list[str]]]:
    block: list[list[str]] = []
    for row in rows:
        block.append(row)
        if len(block) == ROWS:
            yield block
            block = []
    if block:
        yield block


def read_metadata(path: Any) -> dict[str, Any]:
    """The provenance a parquet output holds (for tests and scripts)."""
    import pyarrow.parquet as pq

    return json.loads(pq.read_schema(path).metadata[KEY.encode()])
