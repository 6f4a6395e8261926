"""`icitrace.evaluate_frame(df, map=...)`: a pandas DataFrame in, the `wide` table out; and
`icitrace.summarise_frame(df, map=..., by=...)`: the cohort summary of `batch --summary` as a tidy
DataFrame. Both take `batch`'s options as arguments (``thresholds=``, ``cutoffs_by=``).

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
from collections import Counter
from pathlib import Path
from typing import Any

from icitrace import DISCLAIMER
from icitrace.batch.column_map import load_map
from icitrace.batch.formats import check_header, header_columns
from icitrace.batch.group_cutoffs import GroupCutoffsError, grouping_problem, load_group_cutoffs
from icitrace.batch.inputs import InputError, Record, is_utf8
from icitrace.batch.provenance import KEY, provenance
from icitrace.batch.records import Settings, process
from icitrace.batch.summary import Summary
from icitrace.errors import ThresholdError
from icitrace.rulebase.book import with_overrides
from icitrace.profile.editing import EDITABLE
from icitrace.profile.plain import MAX_INT_BITS, kind
from icitrace.text import normal_key

#: the frame's columns, as messages name them (the CLI names a file and line)
WHERE = "the frame's columns"


def evaluate_frame(frame: Any, map: str | Path | None = None, rules: str | Path | None = None,  # noqa: A002
                   cutoffs_by: tuple[str, str | Path] | None = None, thresholds: dict[str, float] | None = None,
                   allow_unmatched_groups: bool = False) -> Any:
    """One row per record: the frame's columns read as profile fields (or through ``map``, a column
    map file as for `batch --map`), evaluated, and returned as the `wide` table, with the frame's own
    index: `record` ("row N" for index label N), `id` (text), the kept columns (the frame's own values
    and dtype), one float column per finding and per strategy (1 reached, 0 decided not reached, NaN
    undecided), `unknown`, `error` and `disclaimer` (text; NaN where empty). A row that cannot be read
    is an error row in its place; a column the map names but the frame lacks is refused
    (``InputProblem``), as an unknown column is without a map, a column named twice, or a column name
    that is not text or a number.

    As `batch` takes them: ``thresholds`` moves cut-offs for the run (``{"tmb_high": 20}``, as
    ``--threshold tmb_high=20``); ``cutoffs_by=(COLUMN, FILE)`` judges each record by its group's row of
    a ``group,cutoff,value`` table (COLUMN: a kept column of the map, or ``tumor_type``), adds a `cutoffs`
    column saying which, and refuses a table group no row has unless ``allow_unmatched_groups``."""
    return _Evaluation(frame, map, rules, cutoffs_by, thresholds, allow_unmatched_groups).wide()


def summarise_frame(frame: Any, map: str | Path | None = None, rules: str | Path | None = None,  # noqa: A002
                    cutoffs_by: tuple[str, str | Path] | None = None, thresholds: dict[str, float] | None = None,
                    by: str | None = None, allow_unmatched_groups: bool = False) -> Any:
    """The cohort summary of `batch --summary` (``by``: `--by COLUMN`, a kept column of the map) for the
    frame's rows, evaluated as ``evaluate_frame`` evaluates them, as one tidy DataFrame: a row per
    figure, with the columns `scope` ("cohort", "group", or "other groups" for the groups past the 50
    largest), `group` (the ``by`` value; NaN for the cohort), `part` ("records", "finding", "strategy",
    "unknown_field", "deciding_unknown", "findings_together", "not_measured"), `name`, `records`, `share`
    (of the records evaluated; for a deciding unknown, of those it was counted over) and `rules` (a
    deciding unknown's rules it alone would settle). ``attrs`` holds the provenance and the disclaimer."""
    return _Evaluation(frame, map, rules, cutoffs_by, thresholds, allow_unmatched_groups, by).summary()


class _Evaluation:
    """A frame read and checked as `batch` reads a table; ``wide`` and ``summary`` evaluate its rows."""

    def __init__(self, frame: Any, map: str | Path | None, rules: str | Path | None,  # noqa: A002
                 cutoffs_by: tuple[str, str | Path] | None, thresholds: dict[str, float] | None,
                 allow_unmatched: bool, by: str | None = None) -> None:
        try:
            import numpy as np
            import pandas as pd
        except ImportError:
            raise ImportError("evaluate_frame needs pandas: pip install 'icitrace[pandas]'") from None
        from icitrace.pipeline import rulebook

        self.frame, self.np, self.pd = frame, np, pd
        self.column_map = column_map = load_map(Path(map)) if map is not None else None
        self.header = header = [_column_name(name) for name in frame.columns]
        twice = next((name for name in header if header.count(name) > 1), None)
        if twice is not None:
            raise InputError(f"{WHERE}: column {_shown(twice)} is named twice; name each column once")
        if column_map is not None:
            column_map.check_header(header, WHERE)
        else:
            unknown = [name for name in header if name not in EDITABLE]
            if unknown:
                more = f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else ""
                raise InputError(f"{WHERE}: unknown column(s) {', '.join(_shown(u) for u in unknown[:10])}{more}; "
                                 f"columns are profile fields: {', '.join(EDITABLE)} (or read the frame through a "
                                 "map: map=MAP.yaml)")
        moved = tuple((name, float(value)) for name, value in (thresholds or {}).items())
        try:
            self.book = book = with_overrides(rulebook(str(rules) if rules else None), dict(moved))
        except ThresholdError as error:  # said in the API's words, not the option's
            raise ThresholdError(f"thresholds={dict(moved)!r}: {str(error).partition(': ')[2]}") from None
        self.rows = [{name: _cell(value, np, pd) for name, value in zip(header, values, strict=True)}
                     for values in frame.itertuples(index=False, name=None)]
        groups = counts = None
        if cutoffs_by is not None:
            groups = self._group_cutoffs(cutoffs_by, dict(book.cutoffs))
            counts = Counter(value for value in (self._group(row, groups.column) for row in self.rows)
                             if isinstance(value, str))
            problem = groups.unmatched_problem(counts, "pass allow_unmatched_groups=True")
            if problem and not allow_unmatched:
                raise GroupCutoffsError("\n".join((problem[0], *problem[1])))
        if by is not None and not (column_map is not None and by in column_map.keep):
            raise InputError(f"by={by!r}: a column the map keeps (kept: "
                             f"{', '.join(column_map.keep) if column_map else 'none, without map='})")
        self.by = by
        self.settings = Settings(str(rules) if rules else None, moved, "wide",
                                 summary=True,  # each outcome's deciding unknowns, for summary()
                                 wide_width=len(book.catalog.findings) + len(book.catalog.strategies),
                                 column_map=column_map, group_cutoffs=groups,
                                 group_counts=dict(counts) if counts is not None else None)
        check_header(self.settings, book)

    def _group_cutoffs(self, option: tuple[str, str | Path], cutoffs: dict[str, Any]) -> Any:
        column, path = option
        why = grouping_problem(column, self.column_map, "a map")
        if why:
            raise InputError(f"cutoffs_by={column!r}: {why}")
        return load_group_cutoffs(column, Path(path), cutoffs)

    def _group(self, row: dict[str, Any], column: str) -> Any:
        """A row's --cutoffs-by group, as `batch` reads it before the run (inputs.group_values)."""
        if self.column_map is not None:
            return self.column_map.group(row, column)
        return row.get(column)

    def outcomes(self) -> list[Any]:
        return [process(Record(f"row {_label(label)}", _label(label), "row", row), self.book, self.settings)
                for label, row in zip(self.frame.index, self.rows, strict=True)]

    def provenance(self) -> dict[str, Any]:
        return provenance(self.book, self.column_map, self.settings.group_cutoffs, self.settings.group_counts)

    def wide(self) -> Any:
        np, pd, frame, book = self.np, self.pd, self.frame, self.book
        rows = [next(csv.reader([outcome.line])) for outcome in self.outcomes()]
        columns = header_columns(self.settings, book)
        kept = set(self.column_map.keep) if self.column_map else set()
        decided = set(book.catalog.findings) | set(book.catalog.strategies)
        data: dict[str, Any] = {}
        for position, column in enumerate(columns):
            cells = [row[position] for row in rows]
            if column in kept:  # the frame's own column, as it was: no text in between
                data[column] = frame.iloc[:, _position(self.header, column)].array.copy()
            elif column in decided:
                data[column] = np.array([float(cell) if cell else math.nan for cell in cells], dtype="float64")
            else:
                data[column] = [cell if cell else math.nan for cell in cells]
        table = pd.DataFrame(data, index=frame.index, columns=columns)
        # what batch writes as its provenance line, kept with the frame (pandas keeps attrs through copies)
        table.attrs[KEY] = self.provenance()
        return table

    def summary(self) -> Any:
        reads = {f for rule in self.book.rules for f in rule.fields()}
        cohort = Summary(reads, self.by, self.column_map.not_measured if self.column_map else ())
        for outcome in self.outcomes():
            cohort.add(outcome)
        table = self.pd.DataFrame(summary_rows(cohort.as_data()), columns=SUMMARY_COLUMNS)
        table.attrs[KEY] = self.provenance()
        table.attrs["disclaimer"] = DISCLAIMER
        return table


SUMMARY_COLUMNS = ["scope", "group", "part", "name", "records", "share", "rules"]


def summary_rows(data: dict[str, Any]) -> list[tuple]:
    """``Summary.as_data`` as tidy rows (SUMMARY_COLUMNS): the cohort's, each group's, the other groups'."""
    rows = _scope_rows("cohort", math.nan, data)
    for group, counts in data.get("by", {}).get("groups", {}).items():
        rows += _scope_rows("group", group, counts)
    if "other" in data.get("by", {}):
        rows += _scope_rows("other groups", math.nan, data["by"]["other"])
    rows += [("cohort", math.nan, "not_measured", name, math.nan, math.nan, math.nan)
             for name in data.get("not_measured", [])]
    return rows


def _scope_rows(scope: str, group: Any, data: dict[str, Any]) -> list[tuple]:
    evaluated = data["evaluated"]
    share = lambda n, over: n / over if over else math.nan  # noqa: E731
    rows = [(scope, group, "records", name, data[name], math.nan, math.nan)
            for name in ("records", "evaluated", "failed")]
    for part, key in (("finding", "findings"), ("strategy", "strategies"), ("unknown_field", "unknown_fields")):
        rows += [(scope, group, part, name, n, share(n, evaluated), math.nan) for name, n in data[key].items()]
    deciding = data["deciding_unknowns"]
    rows += [(scope, group, "deciding_unknown", d["field"], d["records"], share(d["records"], deciding["over_records"]),
              d["rules"]) for d in deciding["fields"]]
    rows += [(scope, group, "findings_together", " + ".join(p["findings"]), p["records"],
              share(p["records"], evaluated), math.nan) for p in data["findings_together"]]
    return rows


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
