"""The outcomes table as CSV or JSON: batch's provenance line first, then one row per conclusion.

Bytes are fixed for the same input: conclusions in one order (``analysis``), every figure written with
``DIGITS`` significant digits, counts as integers, an empty cell (JSON null) where a figure cannot be
had. The provenance line is batch's (``batch.provenance``), with what this run adds under ``outcomes``:
the map's outcome columns, ``--by``, ``--min-n``, the records read and left out, and how the outcome
cells were read (which cells counted as a response, as an event, as missing).
"""

from __future__ import annotations

import json
from typing import Any

from icitrace.batch.provenance import provenance, provenance_line
from icitrace.batch.formats import csv_row
from icitrace.outcomes import CAVEAT
from icitrace.outcomes.analysis import COLUMNS, COUNTS, TEXT

#: significant digits of every figure written
DIGITS = 6


def run_provenance(book: Any, column_map: Any, cohort: Any, by: str | None, min_n: int, group_cutoffs: Any = None,
                   group_counts: Any = None) -> dict[str, Any]:
    """Batch's provenance, and what this analysis adds."""
    data = provenance(book, column_map, group_cutoffs, group_counts)
    data["outcomes"] = {
        "columns": column_map.outcomes.as_data(), "by": by, "min_n": min_n, "records": cohort.records,
        "records_failed": cohort.failed, "read": cohort.read, "caveat": CAVEAT,
    }
    return data


def figure(value: Any) -> float | int | str | None:
    """A cell's value as written: a count as an int, a figure rounded to DIGITS significant digits."""
    if value is None or isinstance(value, (str, int)):
        return value
    return float(f"{value:.{DIGITS}g}")


def cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if column in TEXT or column in COUNTS:
        return str(value)
    return f"{value:.{DIGITS}g}"


def csv_text(rows: list[dict[str, Any]], run: dict[str, Any]) -> str:
    lines = [provenance_line("csv", run), csv_row(COLUMNS)]
    lines += [csv_row([cell(column, row[column]) for column in COLUMNS]) for row in rows]
    return "".join(line + "\n" for line in lines)


def json_text(rows: list[dict[str, Any]], run: dict[str, Any]) -> str:
    data = {"icitrace_run": run, "columns": COLUMNS,
            "rows": [{column: figure(row[column]) for column in COLUMNS} for row in rows]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
