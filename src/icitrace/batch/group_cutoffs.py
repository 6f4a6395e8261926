"""`--cutoffs-by COLUMN FILE`: cut-offs per group of a cohort, as studies that draw TMB lines per histology do.

FILE is a CSV with the header ``group,cutoff,value``: the group's value of COLUMN, a cut-off name from
the rules, and the line to use for that group. A record whose group has no row is judged by the run's own
cut-offs (the shipped ones, moved by any ``--threshold``). Every record states the cut-offs it was judged
by, and the output's provenance line holds the whole table.
"""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icitrace.errors import InputProblem, did_you_mean
from icitrace.profile.editing import JSON_NUMBER
from icitrace.profile.model import field_bounds, show_number
from icitrace.rulebase.book import MoveProblem, check_moves

HEADER = ["group", "cutoff", "value"]
MAX_BYTES = 1_000_000
#: what a record judged by the run's own cut-offs states
RUN_CUTOFFS = "run"


class GroupCutoffsError(InputProblem):
    """A cut-off table that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class GroupCutoffs:
    column: str
    source: str
    #: a digest of the file's bytes: the provenance line and --resume name the table by it
    sha256: str
    #: group -> ((cut-off, value), ...), in the file's order
    groups: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]

    def overrides(self, group: str | None) -> dict[str, float]:
        return dict(dict(self.groups).get(group or "", ()))

    def as_data(self) -> dict[str, Any]:
        return {"column": self.column, "file": self.source, "sha256": self.sha256,
                "groups": {group: dict(values) for group, values in self.groups}}


def stated(values: dict[str, float]) -> str:
    """The cut-offs a record was judged by, in one cell: ``tmb_high=20`` (moved ones), or ``run``."""
    return " ".join(f"{name}={show_number(value)}" for name, value in values.items()) or RUN_CUTOFFS


def load_group_cutoffs(column: str, path: Path, cutoffs: dict[str, Any]) -> GroupCutoffs:
    """Read and check the table against the run's cut-offs (``cutoffs``: name -> Cutoff, as the run has
    them with --threshold applied): each group's values with the run's others pass ``check_moves``."""
    source = str(path)
    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as error:
        raise GroupCutoffsError(f"--cutoffs-by {source}: cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_BYTES:
        raise GroupCutoffsError(f"{source}: larger than {MAX_BYTES:,} bytes; a cut-off table is short")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GroupCutoffsError(f"{source}: not UTF-8 text") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip() for c in rows[0]] != HEADER:
        raise GroupCutoffsError(f"{source}:1: the header must be {','.join(HEADER)} (a group, a cut-off name, "
                                f"its value for that group); got {','.join(rows[0]) if rows else 'an empty file'}")
    groups: dict[str, dict[str, float]] = {}
    lines: dict[tuple[str, str], int] = {}  # (group, cut-off) -> its line
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{source}:{number}"
        if len(row) != 3:
            raise GroupCutoffsError(f"{where}: expected 3 cells (group, cutoff, value), got {len(row)}")
        group, name, value = (cell.strip() for cell in row)
        if not group:
            raise GroupCutoffsError(f"{where}: the group is empty")
        if name not in cutoffs:
            raise GroupCutoffsError(f"{where}: no cut-off named {name!r}{did_you_mean(name, cutoffs)}; cut-offs: "
                                    f"{', '.join(cutoffs)}")
        if not JSON_NUMBER.fullmatch(value) or not math.isfinite(float(value)):
            least, most = field_bounds(cutoffs[name].field)
            raise GroupCutoffsError(f"{where}: the value of {name} must be a number from {show_number(least)} to "
                                    f"{show_number(most)} ({cutoffs[name].field}), got {value!r}")
        if name in groups.get(group, {}):
            raise GroupCutoffsError(f"{where}: {name} is given twice for the group {group!r}")
        groups.setdefault(group, {})[name] = float(value) + 0.0
        lines[group, name] = number
    if not groups:
        raise GroupCutoffsError(f"{source}: no rows under the header; give at least one group's cut-off")
    for group, values in groups.items():
        # The group's row on top of the run's cut-offs (``cutoffs``, --threshold applied): the check every
        # moved cut-off passes, pointed at the last line of the group it concerns.
        try:
            check_moves(cutoffs, values)
        except MoveProblem as problem:
            line = max(lines[group, name] for name in problem.cutoffs)
            raise GroupCutoffsError(f"{source}:{line}: {problem}") from None
    return GroupCutoffs(column, source, hashlib.sha256(raw).hexdigest()[:16],
                        tuple((g, tuple(values.items())) for g, values in groups.items()))
