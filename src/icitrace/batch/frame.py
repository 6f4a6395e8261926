"""`icitrace.evaluate_frame(df, map=...)`: a pandas DataFrame in, the `wide` table out.

Each row goes through the same per-record path as `batch --format wide` (the same map reading, the
same error rows), so the two can never drift apart. What comes back is the frame's own, never read
back from text: its index (same labels, same order, so a join lines up), its kept columns (values and
dtype copied over) and the id as the record's text; pandas is never asked to guess a type ("0001" stays
"0001"). pandas is an optional extra: `pip install 'icitrace[pandas]'`.

A frame's cells are read as a table file's are, with what pandas adds: a missing value (None, NaN,
``pd.NA``, ``NaT``) is unknown, a flag (a Python or numpy bool, a nullable ``boolean``) is true or false,
numpy scalars are their Python values, and a list or tuple in a list field is its items (``[]``: none
found); ``batch.cells`` says what else a cell may not be.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from icitrace.batch import run as runner
from icitrace.batch.column_map import load_map
from icitrace.batch.inputs import InputError, Record, is_utf8
from icitrace.batch.provenance import KEY, provenance
from icitrace.profile.editing import EDITABLE
from icitrace.profile.plain import MAX_INT_BITS, kind
from icitrace.text import normal_key

#: the frame's columns, as messages name them (the CLI names a file and line)
WHERE = "the frame's columns"


def evaluate_frame(frame: Any, map: str | Path | None = None, rules: str | Path | None = None) -> Any:  # noqa: A002
    """One row per record: the frame's columns read as profile fields (or through ``map``, a column
    map file as for `batch --map`), evaluated, and returned as the `wide` table, with the frame's own
    index: `record` ("row N" for index label N), `id` (text), the kept columns (the frame's own values
    and dtype), one float column per finding and per strategy (1 reached, 0 decided not reached, NaN
    undecided), `unknown`, `error` and `disclaimer` (text; NaN where empty). A row that cannot be read
    is an error row in its place; a column the map names but the frame lacks is refused
    (``InputProblem``), as an unknown column is without a map, a column named twice, or a column name
    that is not text or a number."""
    try:
        import numpy as np
        import pandas as pd
    except ImportError:
        raise ImportError("evaluate_frame needs pandas: pip install 'icitrace[pandas]'") from None
    from icitrace.pipeline import rulebook

    column_map = load_map(Path(map)) if map is not None else None
    header = [_column_name(name) for name in frame.columns]
    twice = next((name for name in header if header.count(name) > 1), None)
    if twice is not None:
        raise InputError(f"{WHERE}: column {_shown(twice)} is named twice; name each column once")
    if column_map is not None:
        column_map.check_header(header, WHERE)
    else:
        unknown = [name for name in header if name not in EDITABLE]
        if unknown:
            more = f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else ""
            raise InputError(f"{WHERE}: unknown column(s) {', '.join(_shown(u) for u in unknown[:10])}{more}; columns "
                             f"are profile fields: {', '.join(EDITABLE)} (or read the frame through a map: map=MAP.yaml)")
    book = rulebook(str(rules) if rules else None)
    settings = runner.Settings(str(rules) if rules else None, (), "wide",
                               wide_width=len(book.catalog.findings) + len(book.catalog.strategies),
                               column_map=column_map)
    runner.check_header(settings, book)

    lines = []
    for label, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        row = {name: _cell(value, np, pd) for name, value in zip(header, values, strict=True)}
        name = _label(label)
        lines.append(runner.process(Record(f"row {name}", name, "row", row), book, settings).line)
    rows = [next(csv.reader([line])) for line in lines]

    columns = runner.header_columns(settings, book)
    kept = set(column_map.keep) if column_map else set()
    decided = set(book.catalog.findings) | set(book.catalog.strategies)
    data: dict[str, Any] = {}
    for position, column in enumerate(columns):
        cells = [row[position] for row in rows]
        if column in kept:  # the frame's own column, as it was: no text in between
            data[column] = frame.iloc[:, _position(header, column)].array.copy()
        elif column in decided:
            data[column] = np.array([float(cell) if cell else math.nan for cell in cells], dtype="float64")
        else:
            data[column] = [cell if cell else math.nan for cell in cells]
    table = pd.DataFrame(data, index=frame.index, columns=columns)
    # what batch writes as its provenance line, kept with the frame (pandas keeps attrs through copies)
    table.attrs[KEY] = provenance(book, column_map)
    return table


def _column_name(name: Any) -> str:
    """A column's name as text: a string that is valid Unicode, or a number's text (a frame read
    without a header is named 0, 1, ...); anything else is refused, named escaped."""
    if hasattr(name, "item") and type(name).__module__ == "numpy":
        name = name.item()
    if isinstance(name, str):
        if not is_utf8(name):
            raise InputError(f"{WHERE}: column {_shown(name)} is not valid Unicode text (it holds a lone surrogate); "
                             "rename it")
        return name
    if isinstance(name, (int, float)) and not isinstance(name, bool):
        if isinstance(name, int) and name.bit_length() > MAX_INT_BITS:
            raise InputError(f"{WHERE}: a column is named by a number of more than 30 digits; rename it")
        return str(name)
    raise InputError(f"{WHERE}: column {_shown(name)} is named by {kind(name)}; a column name is text or a number")


def _shown(value: Any) -> str:
    """A value for a message: its repr (which escapes what cannot print), cut short."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 (an object whose repr fails is named by its type)
        text = kind(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _position(header: list[str], column: str) -> int:
    """Where a kept column (the map's name) is in the header (the frame's names)."""
    return header.index(column) if column in header else [normal_key(h) for h in header].index(normal_key(column))


def _label(label: Any) -> str:
    """An index label as the record's name: its text, with what cannot be UTF-8 escaped."""
    text = str(label)
    return text if is_utf8(text) else text.encode("utf-8", "backslashreplace").decode("utf-8")


def _cell(value: Any, np: Any, pd: Any) -> Any:
    """A frame's cell as a table reader takes it: None (missing), text as a file would hold it, or a
    list (a list or tuple cell). Anything else is passed on as it is, for the reader to refuse naming
    its column."""
    if isinstance(value, np.generic):  # np.bool_, np.int64, np.float32, np.str_ ... (NaT -> None)
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return None if math.isnan(value) else repr(value)
    if isinstance(value, int):  # a longer one is refused by the reader, as a file's is
        return str(value) if value.bit_length() <= MAX_INT_BITS else value
    if isinstance(value, (list, tuple)):
        return list(value)
    return value
