"""`--cutoffs-by COLUMN FILE`: cut-offs per group of a cohort, as studies that draw TMB lines per histology do.

FILE is a CSV with the header ``group,cutoff,value``: the group's value of COLUMN, a cut-off name from
the rules, and the line to use for that group. A record whose group has no row is judged by the run's own
cut-offs (the shipped ones, moved by any ``--threshold``). Every record states the cut-offs it was judged
by, and the output's provenance line holds the whole table.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from icitrace.batch.tables import cells, physical_lines, row
from icitrace.errors import (
    GroupCutoffsError,  # noqa: F401 - defined with the family
    did_you_mean,
    near,
)
from icitrace.files import UnreadableInput, read_input
from icitrace.profile.editing import JSON_NUMBER
from icitrace.profile.model import field_bounds, show_number
from icitrace.rulebase.book import MoveProblem, check_moves
from icitrace.text import normal_key, printable

HEADER = ["group", "cutoff", "value"]
MAX_BYTES = 1_000_000
#: what a record judged by the run's own cut-offs states
RUN_CUTOFFS = "run"
#: how many of the record values seen a refusal of an unmatched group offers as the nearest
NEAREST = 3


class Unmatched(NamedTuple):
    """A group of the table that no record has: as written, the line of its first row, and the record
    values seen that are nearest to it (closest first), for a message that says what was meant."""

    group: str
    line: int
    nearest: list[str]


@dataclass(frozen=True)
class GroupCutoffs:
    column: str
    source: str
    #: a digest of the file's bytes: the provenance line and --resume name the table by it
    sha256: str
    #: group (as first written) -> ((cut-off, value), ...), in the file's order
    groups: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    #: the line of each group's first row, in the order of ``groups``
    lines: tuple[int, ...] = ()

    @cached_property
    def _by_key(self) -> dict[str, dict[str, float]]:
        return {normal_key(group): dict(values) for group, values in self.groups}

    def overrides(self, group: str | None) -> dict[str, float]:
        """The cut-offs a record of this group is judged by (none: the run's own). The group is compared
        as a key (``normal_key``) here, so that every caller, whatever it read the value from, finds the
        row a person meant: "Melanoma " and an accent typed as two characters are the same group."""
        return dict(self._by_key.get(normal_key(group or ""), {}))

    def unmatched(self, seen: Counter[str]) -> list[Unmatched]:
        """The table's groups that no record has, given the group values the records hold (``seen``: value
        -> records, values read as keys here too), each with the nearest values seen: a table row that
        matches nothing is a typo more often than a group the cohort lacks."""
        values = Counter[str]()
        for value, count in seen.items():
            values[normal_key(value)] += count
        return [Unmatched(group, line, near(normal_key(group), [v for v in values if v], NEAREST))
                for (group, _), line in zip(self.groups, self.lines or [0] * len(self.groups))
                if not values.get(normal_key(group))]

    def unmatched_problem(self, seen: Counter[str], allow: str) -> tuple[str, list[str]] | None:
        """The refusal of a table with groups no record has (``seen`` as ``unmatched`` takes it), as a
        message and a line per group naming the nearest values; ``allow`` says how to run anyway."""
        unmatched = self.unmatched(seen)
        if not unmatched:
            return None
        details = [f"{self.source}:{u.line}: {u.group!r} matches no record"
                   + (f"; the nearest values of {self.column}: {', '.join(repr(v) for v in u.nearest)}"
                      if u.nearest else f"; no record has a value of {self.column}") for u in unmatched]
        return (f"--cutoffs-by {self.column}: {len(unmatched)} group(s) of the table match no record (values are "
                f"compared without blanks around them and in one Unicode form, not ignoring case); fix the table, "
                f"or {allow}", details)

    def as_data(self, counts: Counter[str] | None = None) -> dict[str, Any]:
        """The table for the provenance line; with ``counts`` (group value -> records, as ``unmatched``
        takes them) also how many records each group had, and how many were judged by the run's own
        cut-offs (a group with no row, or none)."""
        data: dict[str, Any] = {"column": self.column, "file": self.source, "sha256": self.sha256,
                                "groups": {group: dict(values) for group, values in self.groups}}
        if counts is not None:
            values = Counter[str]()
            for value, count in counts.items():
                values[normal_key(value)] += count
            data["records"] = {group: values.pop(normal_key(group), 0) for group, _ in self.groups}
            data["records_by_the_run_cutoffs"] = sum(values.values())
        return data


def stated(values: dict[str, float]) -> str:
    """The cut-offs a record was judged by, in one cell: ``tmb_high=20`` (moved ones), or ``run``."""
    return " ".join(f"{name}={show_number(value)}" for name, value in values.items()) or RUN_CUTOFFS


def load_group_cutoffs(column: str, path: Path, cutoffs: dict[str, Any]) -> GroupCutoffs:
    """Read and check the table against the run's cut-offs (``cutoffs``: name -> Cutoff, as the run has
    them with --threshold applied): each group's values with the run's others pass ``check_moves``.

    Read through the one reader of named files (a FIFO or a device is refused, never waited on or read
    without end) and the one table parser (rows split on \\n only: a NEL inside a cell stays in its row,
    and line N is row N)."""
    source = printable(str(path))
    try:
        raw = read_input(path, MAX_BYTES, "--cutoffs-by", "cut-off table")
    except UnreadableInput as error:
        raise GroupCutoffsError(str(error)) from None
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GroupCutoffsError(f"{source}: not UTF-8 text") from None
    lines = physical_lines(raw)
    try:
        header = [cell.strip() for cell in cells(lines[0][1])] if lines else []
    except ValueError:
        header = []
    if header != HEADER:
        shown = printable(lines[0][1].decode("utf-8-sig").rstrip("\r")) if lines else "an empty file"
        raise GroupCutoffsError(f"{source}:1: the header must be {','.join(HEADER)} (a group, a cut-off name, "
                                f"its value for that group); got {shown}")
    groups: dict[str, dict[str, float]] = {}  # group key -> cut-off -> value
    written: dict[str, tuple[str, int]] = {}  # group key -> (the group as first written, its line)
    at: dict[tuple[str, str], int] = {}  # (group key, cut-off) -> its line
    for number, line in lines[1:]:
        where = f"{source}:{number}"
        cut = row(line, HEADER)
        if isinstance(cut, str):
            if not line.strip(b" \t\r,"):
                continue  # a blank line, or one of empty cells
            raise GroupCutoffsError(f"{where}: {cut}")
        group, name, value = (cut[column].strip() for column in HEADER)
        if not any((group, name, value)):
            continue
        if not group:
            raise GroupCutoffsError(f"{where}: the group is empty")
        if name not in cutoffs:
            raise GroupCutoffsError(f"{where}: no cut-off named {name!r}{did_you_mean(name, cutoffs)}; cut-offs: "
                                    f"{', '.join(cutoffs)}")
        if not JSON_NUMBER.fullmatch(value) or not math.isfinite(float(value)):
            least, most = field_bounds(cutoffs[name].field)
            raise GroupCutoffsError(f"{where}: the value of {name} must be a number from {show_number(least)} to "
                                    f"{show_number(most)} ({cutoffs[name].field}), got {value!r}")
        key = normal_key(group)
        if name in groups.get(key, {}):
            raise GroupCutoffsError(f"{where}: {name} is given twice for the group {written[key][0]!r} (line "
                                    f"{at[key, name]})")
        written.setdefault(key, (group, number))
        groups.setdefault(key, {})[name] = float(value) + 0.0
        at[key, name] = number
    if not groups:
        raise GroupCutoffsError(f"{source}: no rows under the header; give at least one group's cut-off")
    for key, values in groups.items():
        # The group's row on top of the run's cut-offs (``cutoffs``, --threshold applied): the check every
        # moved cut-off passes, pointed at the last line of the group it concerns.
        try:
            check_moves(cutoffs, values)
        except MoveProblem as problem:
            line = max(at[key, name] for name in problem.cutoffs)
            raise GroupCutoffsError(f"{source}:{line}: {problem}") from None
    return GroupCutoffs(column, str(path), hashlib.sha256(raw).hexdigest()[:16],
                        tuple((written[key][0], tuple(values.items())) for key, values in groups.items()),
                        tuple(written[key][1] for key in groups))


def grouping_problem(column: str, column_map: Any, map_said: str) -> str:
    """Why records cannot be grouped by ``column`` ("" when they can): through a map, by a column it keeps
    or the tumor_type it gives; without one, by the profile field tumor_type. ``map_said`` names the map
    as the caller's surface does (``--map``, ``a map``)."""
    if column_map is not None and column not in column_map.keep and not (
            column == "tumor_type" and column_map.gives(column)):
        return (f"with {map_said}, a column the map keeps (kept: {', '.join(column_map.keep) or 'none'}), or "
                "tumor_type when the map gives it")
    if column_map is None and column != "tumor_type":
        return f"without {map_said}, records are grouped by the profile field tumor_type"
    return ""
