"""`icitrace.outcomes_frame(table, map=...)`: the `icitrace outcomes` table as a pandas DataFrame.

The same reading, the same figures as the command (one code path): one row per conclusion, the
columns of ``analysis.COLUMNS``; counts as nullable integers, figures as floats (NaN where the command
writes an empty cell; not rounded, where the command writes ``table.DIGITS`` significant digits), text
as text. The command's provenance line is kept in ``df.attrs["icitrace_run"]``. Needs the ``analysis``
extra: ``pip install 'icitrace[analysis]'``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from icitrace.batch.provenance import KEY
from icitrace.outcomes.analysis import COLUMNS, COUNTS, MIN_N, TEXT


def outcomes_frame(table: str | Path, map: str | Path, by: str | None = None,  # noqa: A002
                   rules: str | Path | None = None, every_rule: bool = False, min_n: int = MIN_N) -> Any:
    """The outcomes of ``table`` (a .csv, .tsv or .txt file read through ``map``, a column map with an
    ``outcomes:`` section) for every finding and strategy (and, ``every_rule``, every rule): what
    `icitrace outcomes TABLE --map MAP [--by BY] [--every-rule] [--min-n N]` writes. ``by`` (a column
    the map keeps) stratifies the Cox hazard ratio. A problem with the table or map raises the
    ``InputProblem`` the command would report; records that cannot be evaluated are left out and
    counted in ``attrs["icitrace_run"]["outcomes"]["records_failed"]``."""
    try:
        import pandas as pd
        import lifelines  # noqa: F401
        import scipy  # noqa: F401
    except ImportError:
        raise ImportError("outcomes_frame needs the analysis extra: pip install 'icitrace[analysis]'") from None
    from icitrace.batch.column_map import load_map
    from icitrace.batch.inputs import check, records
    from icitrace.outcomes.analysis import analyse
    from icitrace.outcomes.cohort import check_study, read_cohort, settings_for
    from icitrace.outcomes.table import run_provenance
    from icitrace.pipeline import rulebook

    if not isinstance(min_n, int) or isinstance(min_n, bool) or min_n < 1:
        raise ValueError(f"min_n is a whole number of at least 1, got {min_n!r}")
    column_map = load_map(Path(map))
    by = check_study(column_map, by)
    check([str(table)], column_map)
    book = rulebook(str(rules) if rules else None)
    cohort = read_cohort(records([str(table)], column_map=column_map), book,
                         settings_for(book, column_map, str(rules) if rules else None, every_rule=every_rule), by)
    rows = analyse(cohort, min_n, by)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in COLUMNS:
        kind = "string" if column in TEXT else "Int64" if column in COUNTS else "float64"
        frame[column] = frame[column].astype(kind)
    frame.attrs[KEY] = run_provenance(book, column_map, cohort, by, min_n)
    return frame
