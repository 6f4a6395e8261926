"""The three output formats, each written and read back here: what a record's line holds, and what a
resumed run reads from the lines an earlier run wrote.

- ``jsonl``: one JSON object per record (``--full``: the whole JSON contract under ``result``);
- ``csv``: a row per record, the findings, strategies and unknown fields ``;``-joined;
- ``wide``: a row per record with a column per finding and per strategy, "1" reached, "0" decided not
  reached, "" undecided.

Every output opens with its provenance line (``provenance.py``), and a table's with its header. Line N
after them is record N, always one physical line of UTF-8: that is what lets ``--resume`` count the
records already written, and why the reader below checks every line against the writer's shape.
``Outcome`` is what a line says about its record; the evaluation builds it, and the reader rebuilds it
for the summary of a resumed run.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icitrace.batch import tables
from icitrace.batch.group_cutoffs import stated
from icitrace.batch.inputs import is_utf8
from icitrace.batch.provenance import PREAMBLE, is_provenance, provenance, provenance_line
from icitrace.errors import InputProblem, OutputRefused
from icitrace.text import printable

if TYPE_CHECKING:
    from icitrace.batch.records import Settings

# One encoder each, built once: json.dumps with options builds a new one for every line.
_compact_utf8 = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_compact_ascii = json.JSONEncoder(separators=(",", ":")).encode
CSV_COLUMNS = ["record", "ok", "id", "findings", "strategies", "unknown", "error", "disclaimer"]
#: formats with a header of column names (after the provenance line)
WITH_HEADER = ("csv", "wide")
CUTOFFS_COLUMN = "cutoffs"


@dataclass
class Outcome:
    """One record's line, and what it says: what the cohort summary counts."""

    line: str
    ok: bool
    findings: list[str] = field(default_factory=list)
    strategies: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    keep: dict[str, str] | None = None  # the map's kept columns (`--summary --by`)
    #: with --summary: field -> undecided rules it alone would settle (not read back by --resume)
    deciding: dict[str, int] | None = None
    #: with Settings.rule_verdicts: rule id -> True (fires), False (decided not to) or None (undecided)
    rules: dict[str, bool | None] | None = None


# --- the opening lines ------------------------------------------------------------------------------

def header_columns(settings: Settings, book: Any) -> list[str]:
    """The header of a csv or wide output: the record's own columns, the map's kept columns, then (wide)
    one column per finding and per strategy in catalogue order, and the closing ones."""
    kept = list(settings.column_map.keep) if settings.column_map else []
    if settings.group_cutoffs is not None:  # which cut-offs judged the record (`--cutoffs-by`)
        kept.append(CUTOFFS_COLUMN)
    if settings.fmt == "csv":
        return [*CSV_COLUMNS[:3], *kept, *CSV_COLUMNS[3:]]
    return ["record", "id", *kept, *book.catalog.findings, *book.catalog.strategies, "unknown", "error",
            "disclaimer"]


def check_header(settings: Settings, book: Any) -> None:
    """Refuse a kept column named as a column icitrace writes (or kept twice): a table with two columns of
    one name loses one of them in pandas and R."""
    if settings.fmt not in WITH_HEADER or settings.column_map is None:
        return
    columns = header_columns(settings, book)
    twice = next((c for c in columns if columns.count(c) > 1), None)
    if twice is not None:
        raise InputProblem(f"--map {settings.column_map.source}: the kept column {twice!r} has the name of a column "
                           f"icitrace writes in --format {settings.fmt}, or is kept twice; keep it once, or write "
                           '--format jsonl, where kept columns sit under "keep"')


def preamble(settings: Settings, book: Any) -> str:
    """The lines that open an output: its provenance, and a table's header (``book``: the run's rules)."""
    lines = [provenance_line(settings.fmt, provenance(book, settings.column_map, settings.group_cutoffs,
                                                      settings.group_counts))]
    if settings.fmt in WITH_HEADER:
        lines.append(csv_row(header_columns(settings, book)))
    return "".join(line + "\n" for line in lines)


# --- writing a record's line ------------------------------------------------------------------------

def line(payload: dict[str, Any], settings: Settings) -> str:
    """One record's output line. Always one physical line of UTF-8, since line N is record N (--resume):
    text that cannot be UTF-8 (a file name with other bytes, a lone surrogate quoted in an error) is
    escaped, and a line break inside a CSV cell is written as \\n."""
    if settings.fmt == "jsonl":
        text = _compact_utf8(payload)
        return text if is_utf8(text) else _compact_ascii(payload)
    joined = lambda key: ";".join(payload.get(key) or [])  # noqa: E731
    kept = list((payload.get("keep") or {}).values())
    if settings.group_cutoffs is not None:  # an error row was judged by none
        kept.append(stated(payload["cutoffs"]) if "cutoffs" in payload else "")
    if settings.fmt == "wide":  # an error row leaves every conclusion empty: nothing was decided
        conclusions = payload.get("cells") or [""] * settings.wide_width
        cells = [payload["record"], payload.get("id") or "", *kept, *conclusions, joined("unknown"),
                 payload.get("error", ""), payload["disclaimer"]]
    else:
        cells = [payload["record"], "true" if payload["ok"] else "false", payload.get("id", ""), *kept,
                 joined("findings"), joined("strategies"), joined("unknown"), payload.get("error", ""),
                 payload["disclaimer"]]
    text = csv_row([cell.replace("\r", "\\r").replace("\n", "\\n") for cell in cells])
    return text if is_utf8(text) else text.encode("utf-8", "backslashreplace").decode("utf-8")


def csv_row(cells: list[str]) -> str:
    """One CSV line. A line with a "#" in a cell is quoted whole: readers told to skip the provenance
    comment (pandas' comment="#") cut at an unquoted one. That is rare (kept text, column names), so
    the common line keeps minimal quoting."""
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if any("#" in cell for cell in cells) else csv.QUOTE_MINIMAL
    csv.writer(buffer, lineterminator="", quoting=quoting).writerow(cells)
    return buffer.getvalue()


# --- reading back what an earlier run wrote --------------------------------------------------------------

@dataclass
class Written:
    """The whole records an earlier run left in an output, and where its torn last line begins."""

    records: int
    keep_bytes: int  # the output is cut here before the run goes on (a torn last line goes)
    size: int


#: no line icitrace writes is longer (a --full record of a profile at the size limit is about 3 MB)
MAX_OUTPUT_LINE = 64 << 20


def written_records(out: Path, fmt: str, header: list[str] | None) -> Written:
    """Count, and check, every line an earlier run wrote: its provenance line, a table's header (it must
    be this run's), and whole records of the format. A damaged line (two writers, an edit, another
    program's output) refuses the resume: records after it could not be trusted."""
    lines = position = 0
    with out.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(0)
        while raw := handle.readline(MAX_OUTPUT_LINE):
            if not raw.endswith(b"\n"):
                if len(raw) < MAX_OUTPUT_LINE and handle.tell() == size:
                    break  # the last line, torn by the stop: cut off, its record is evaluated again
                problem = "is not a whole line"
            else:
                problem = _line_problem(raw, lines + 1, fmt, header)
            if problem:
                raise OutputRefused(f"--resume {printable(str(out))}: line {lines + 1} {problem}; the output holds "
                                    "lines no icitrace run wrote (two writers, or an edit). Start again without "
                                    "--resume")
            position += len(raw)
            lines += 1
    if lines < PREAMBLE[fmt]:  # not even its provenance line (and header) whole: the file starts again
        return Written(0, 0, size)
    return Written(lines - PREAMBLE[fmt], position, size)


def _line_problem(raw: bytes, number: int, fmt: str, header: list[str] | None) -> str:
    """Why line ``number`` is not one the writer above would have written ("" when it is)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    if number == 1:
        return "" if is_provenance(text) else "is not the provenance line an output opens with"
    if fmt in WITH_HEADER:
        if number == 2:
            found = _cells(raw)
            return "" if found == header else "is not this run's table header"
        found = _cells(raw)
        return "" if found is not None and len(found) == len(header or ()) else "is not a whole row of the table"
    try:
        record = json.loads(text)
    except ValueError:
        return "is not a JSON record"
    return "" if isinstance(record, dict) and "record" in record and "ok" in record else "is not a batch record"


def _cells(raw: bytes) -> list[str] | None:
    try:
        return tables.cells(raw)
    except ValueError:
        return None


def summarise_written(out: Path, fmt: str, summary: Any, finding_ids: Any = (), strategy_ids: Any = (),
                      upto: int | None = None) -> None:
    """Feed the records an earlier run wrote (checked by ``written_records``) into ``summary``, so that a
    resumed run's summary covers the whole cohort."""
    header: list[str] | None = None if fmt in WITH_HEADER else []
    left = os.path.getsize(out) if upto is None else upto
    with out.open("rb") as handle:
        while left > 0 and (raw := handle.readline(min(left, MAX_OUTPUT_LINE))).endswith(b"\n"):
            left -= len(raw)
            text = raw.decode("utf-8")
            if is_provenance(text):
                continue
            if header is None:  # a table's first line after its provenance names the columns
                header = next(csv.reader([text.rstrip("\n")]), [])
                continue
            summary.add(_outcome(text, fmt, header, list(finding_ids), list(strategy_ids)))


def _outcome(text: str, fmt: str, header: list[str], finding_ids: list[str], strategy_ids: list[str]) -> Outcome:
    """What a line the writer above wrote says about its record."""
    if fmt in WITH_HEADER:  # read by column name: a map's kept columns come between
        named = dict(zip(header, next(csv.reader([text.rstrip("\n")]))))
        split = lambda cell: [x for x in cell.split(";") if x]  # noqa: E731
        if named.get("error") or named.get("ok") == "false":
            return Outcome("", False, keep=named)
        if fmt == "wide":
            return Outcome("", True, [f for f in finding_ids if named.get(f) == "1"],
                           [s for s in strategy_ids if named.get(s) == "1"], split(named.get("unknown", "")), named)
        return Outcome("", True, split(named["findings"]), split(named["strategies"]), split(named["unknown"]),
                       named)
    record = json.loads(text)
    keep = record.get("keep")
    if not record.get("ok"):
        return Outcome("", False, keep=keep)
    if "result" in record:  # --full
        result = record["result"]
        return Outcome("", True, list(dict.fromkeys(f["id"] for f in result["findings"])),
                       [s["id"] for s in result["strategies"]], result["profile"]["unknown"], keep)
    return Outcome("", True, list(record["findings"]), list(record["strategies"]), record["unknown"], keep)
