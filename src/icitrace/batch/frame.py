"""`icitrace.evaluate_frame(df, map=...)`: a pandas DataFrame in, the `wide` table out.

Each row goes through the same per-record path as `batch --format wide` (the same map reading, the
same error rows), and the result is that table read with `pandas.read_csv`, so the two can never
drift apart. pandas is an optional extra: `pip install 'icitrace[pandas]'`.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

from icitrace.batch import run as runner
from icitrace.batch.column_map import load_map
from icitrace.batch.inputs import Record, _header
from icitrace.batch.provenance import KEY, provenance


def evaluate_frame(frame: Any, map: str | Path | None = None, rules: str | Path | None = None) -> Any:  # noqa: A002
    """One row per record: the frame's columns read as profile fields (or through ``map``, a column
    map file as for `batch --map`), evaluated, and returned as the `wide` table: `record` ("row N"
    for index label N), `id`, the kept columns, one column per finding and per strategy (1 reached, 0
    decided not reached, NaN undecided), `unknown`, `error` and `disclaimer`. A row that cannot be
    read is an error row in its place; a column the map names but the frame lacks is refused
    (``InputProblem``), as an unknown column is without a map."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("evaluate_frame needs pandas: pip install 'icitrace[pandas]'") from None
    from icitrace.pipeline import rulebook

    column_map = load_map(Path(map)) if map is not None else None
    header = [str(column) for column in frame.columns]
    _header(io.BytesIO(runner.csv_row(header).encode("utf-8")), "the frame's columns", ",", column_map)
    book = rulebook(str(rules) if rules else None)
    settings = runner.Settings(str(rules) if rules else None, (), "wide",
                               wide_width=len(book.catalog.findings) + len(book.catalog.strategies),
                               column_map=column_map)
    runner.check_header(settings, book)
    lines = [runner.csv_row(runner.header_columns(settings, book))]
    for label, values in zip(frame.index, frame.itertuples(index=False, name=None)):
        row = {name: _text(value) for name, value in zip(header, values)}
        lines.append(runner.process(Record(f"row {label}", str(label), "row", row), book, settings).line)
    table = pd.read_csv(io.StringIO("\n".join(lines) + "\n"))
    # what batch writes as its provenance line, kept with the frame (pandas keeps attrs through copies)
    table.attrs[KEY] = provenance(book, column_map.source if column_map else None)
    return table


def _text(value: Any) -> str:
    """A cell as the text a table file would hold: missing is empty, a flag is true/false."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "NaT"):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "true" if value else "false"
    return str(value)
