"""A cohort table as the analysis sees it: every record through batch's own per-record path (the same
map reading, the same `--cutoffs-by` groups, the same `wide` cells), with the outcomes its map names.

Each record gives one row: each conclusion's state (1.0 reached, 0.0 decided not reached, NaN
undecided), its response (1.0, 0.0 or NaN: missing), its survival time and event (NaN: missing) and its
stratum (the ``--by`` column; None when missing). A record that cannot be evaluated is left out and
counted. A time that is not a number is refused naming its record: an outcome is never guessed.

The rows are put in one canonical order (sorted by every column) before any figure is computed, so the
order of the table's rows cannot change a single bit of the results.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from icitrace.batch.formats import header_columns
from icitrace.batch.records import Settings, process
from icitrace.batch.column_map import CELL_CHARS, ColumnMap, _cut
from icitrace.batch.inputs import Record
from icitrace.batch.outcome_columns import OutcomeColumns
from icitrace.errors import InputError, MapError
from icitrace.profile.editing import JSON_NUMBER
from icitrace.text import normal_key

#: how many distinct outcome cells the provenance counts (the most frequent), and errors it quotes
SHOWN_VALUES = 20
SHOWN_ERRORS = 3
OUTCOME_COLUMNS = ("response", "time", "event", "stratum")


@dataclass
class Cohort:
    """The records read, ready for the analysis."""

    #: one row per record evaluated: OUTCOME_COLUMNS, then one column per conclusion id; canonical order
    frame: Any
    #: (id, kind, label) of each conclusion, in the order of the frame's columns
    conclusions: list[tuple[str, str, str]]
    records: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    #: how the outcome cells were read: {"response": {"response": {cell: n}, "no response": ..., "missing": n}}
    read: dict[str, Any] = field(default_factory=dict)


def check_study(column_map: ColumnMap, by: str | None) -> str | None:
    """Refuse a map without outcomes, or a ``by`` the map does not keep; ``by`` as the map names it."""
    if column_map.outcomes is None:
        raise MapError(f"{column_map.source}: the map names no outcomes; add an outcomes: section naming a response "
                       "column, survival columns, or both (see docs/outcomes.md)")
    if by is None:
        return None
    kept = next((column for column in column_map.keep if normal_key(column) == normal_key(by)), None)
    if kept is None:
        raise InputError(f"--by {by}: a column the map keeps (kept: {', '.join(column_map.keep) or 'none'})")
    return kept


def settings_for(book: Any, column_map: ColumnMap, rules: str | None = None, group_cutoffs: Any = None,
                 group_counts: Any = None, every_rule: bool = False) -> Settings:
    """The settings of a `wide` batch run over the table (``book``: the rules, --threshold applied)."""
    return Settings(rules, tuple((o.cutoff, o.after) for o in book.overrides), "wide",
                           wide_width=len(book.catalog.findings) + len(book.catalog.strategies),
                           column_map=column_map, group_cutoffs=group_cutoffs, group_counts=group_counts,
                           rule_verdicts=every_rule)


def read_cohort(records: Iterable[Record], book: Any, settings: Settings, by: str | None = None) -> Cohort:
    """Every record evaluated (``settings``: a `wide` run's, with ``rule_verdicts`` for every rule) and
    its outcomes read through the map's ``outcomes:`` section."""
    import pandas as pd

    column_map = settings.column_map
    assert column_map is not None and column_map.outcomes is not None
    spec = column_map.outcomes
    header = header_columns(settings, book)
    conclusions = [(cid, "finding", entry.label) for cid, entry in book.catalog.findings.items()]
    conclusions += [(cid, "strategy", entry.label) for cid, entry in book.catalog.strategies.items()]
    at = [header.index(cid) for cid, _, _ in conclusions]
    if settings.rule_verdicts:
        conclusions += [(rule.id, "rule", book.title(rule)) for rule in book.rules]
    reading = _Reading(column_map, spec)
    cohort = Cohort(None, conclusions)
    rows: list[list[Any]] = []
    for record in records:
        cohort.records += 1
        outcome = process(record, book, settings)
        cells = next(csv.reader([outcome.line]))
        if not outcome.ok:
            cohort.failed += 1
            if len(cohort.errors) < SHOWN_ERRORS:
                cohort.errors.append(cells[header.index("error")])
            continue
        row = record.payload if isinstance(record.payload, dict) else {}
        states = [1.0 if cells[i] == "1" else 0.0 if cells[i] == "0" else math.nan for i in at]
        if settings.rule_verdicts:
            states += [math.nan if holds is None else float(holds) for holds in (outcome.rules or {}).values()]
        stratum = column_map.kept(row)[by] if by is not None else ""
        rows.append([*reading.outcomes(row, record.where),
                     None if normal_key(stratum) in column_map.na or not stratum.strip() else stratum, *states])
    reading.check(column_map)
    cohort.read = reading.counts()
    frame = pd.DataFrame(rows, columns=[*OUTCOME_COLUMNS, *(cid for cid, _, _ in conclusions)])
    frame = frame.astype({"response": "float64", "time": "float64", "event": "float64", "stratum": "object"})
    # one order whatever the table's: every column, stable, missing last
    frame = frame.sort_values(list(frame.columns), na_position="last", kind="mergesort").reset_index(drop=True)
    cohort.frame = frame
    return cohort


class _Reading:
    """The outcome cells of each record read as the map says, and counted as read."""

    def __init__(self, column_map: ColumnMap, spec: OutcomeColumns) -> None:
        self.map, self.spec = column_map, spec
        self.response: dict[str, Counter[str]] = {"response": Counter(), "no response": Counter()}
        self.event: dict[str, Counter[str]] = {"event": Counter(), "censored": Counter()}
        self.missing = Counter[str]()

    def _missing(self, cell: str) -> bool:
        return not cell.strip() or normal_key(cell) in self.map.na

    def outcomes(self, row: dict[str, Any], where: str) -> tuple[float, float, float]:
        spec = self.spec
        response = time = event = math.nan
        if spec.response_column is not None:
            cell = self.map.cell(row, spec.response_column)
            if normal_key(cell) in spec.positive_keys:  # the map's own token wins over the NA list
                response = 1.0
                self.response["response"][cell] += 1
            elif self._missing(cell):
                self.missing["response"] += 1
            else:
                response = 0.0
                self.response["no response"][cell] += 1
        if spec.time_column is not None:
            cell = self.map.cell(row, spec.time_column)
            if not self._missing(cell):
                text = cell.strip()
                if not JSON_NUMBER.fullmatch(text) or not math.isfinite(float(text)) or float(text) < 0:
                    raise MapError(f"{where}: column {_cut(spec.time_column, CELL_CHARS)} holds "
                                   f"{_cut(cell, CELL_CHARS)}, which is not a time (a number, 0 or more); the map "
                                   f"{self.map.source} names it under outcomes.survival.time")
                time = float(text)
            cell = self.map.cell(row, spec.event_column)  # type: ignore[arg-type]
            if normal_key(cell) == normal_key(spec.event_value or ""):
                event = 1.0
                self.event["event"][cell] += 1
            elif self._missing(cell):
                pass
            else:
                event = 0.0
                self.event["censored"][cell] += 1
            if math.isnan(time) or math.isnan(event):
                time = event = math.nan  # a survival half known is not known
                self.missing["survival"] += 1
        return response, time, event

    def check(self, column_map: ColumnMap) -> None:
        """A token no cell holds is a typo in the map far more often than a cohort without a response or
        a death: refused, with the cells the column does hold."""
        spec = self.spec
        if spec.response_column is not None and not self.response["response"]:
            raise MapError(f"{column_map.source}: outcomes.response.positive: no cell of column "
                           f"{_cut(spec.response_column, CELL_CHARS)} is {', '.join(_cut(t, 40) for t in spec.positive)}; "
                           f"its cells are: {_seen(self.response['no response'])}")
        if spec.time_column is not None and not self.event["event"]:
            raise MapError(f"{column_map.source}: outcomes.survival.event_value: no cell of column "
                           f"{_cut(spec.event_column or '', CELL_CHARS)} is {_cut(spec.event_value or '', 40)}; its "
                           f"cells are: {_seen(self.event['censored'])}")

    def counts(self) -> dict[str, Any]:
        """How each outcome was read, for the provenance line: a reader checks the map meant it."""
        read: dict[str, Any] = {}
        if self.spec.response_column is not None:
            read["response"] = {**{k: _top(v) for k, v in self.response.items()},
                                "missing": self.missing["response"]}
        if self.spec.time_column is not None:
            read["survival"] = {**{k: _top(v) for k, v in self.event.items()}, "missing": self.missing["survival"]}
        return read


def _top(counter: Counter[str]) -> dict[str, int]:
    """The most frequent cells (ties by text), so that the line stays short and its bytes fixed."""
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:SHOWN_VALUES])


def _seen(counter: Counter[str]) -> str:
    cells = list(_top(counter))[:10]
    return ", ".join(_cut(cell, 40) for cell in cells) + (f" and {len(counter) - 10:,} more" if len(counter) > 10
                                                          else "") if cells else "none but missing ones"
