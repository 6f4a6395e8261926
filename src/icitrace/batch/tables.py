"""The one table parser: every CSV or TSV icitrace reads (a cohort table, a `--cutoffs-by` table) goes
through here, one physical line per row.

Rows are split on ``\\n`` only (a ``\\r`` before it is dropped), as the ``csv`` module splits them, never
with ``str.splitlines``, which also breaks at NEL, U+2028, form feeds and more inside a cell. A quoted
cell that runs over a line break is refused: line N of the file is always record N. A row with more or
fewer cells than the header is refused too: a torn last line must not read as a shorter record.
"""

from __future__ import annotations

import csv

from icitrace.profile.reading import MAX_BYTES

# A cell may be as long as a whole profile may be (the csv module stops at 131,072 characters).
csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))


def cells(line: bytes, delimiter: str = ",") -> list[str]:
    """One physical line as table cells; ``ValueError`` when it is not one whole row (a quote left open).
    Bytes that are not UTF-8 survive as lone surrogates, for the caller to refuse with the cell's name."""
    text = line.decode("utf-8-sig", errors="surrogateescape").removesuffix("\n").removesuffix("\r")
    try:
        return next(csv.reader([text], strict=True, delimiter=delimiter), [])
    except csv.Error as error:
        raise ValueError(f"is not one whole CSV row ({error}; a quote left open?)") from None


def row(line: bytes, header: list[str], delimiter: str = ",") -> dict[str, str] | str:
    """A line as column -> cell text, or what is wrong with it: not one whole row, or not as many
    cells as the header has columns."""
    try:
        found = cells(line, delimiter)
    except ValueError as error:
        return str(error)
    if len(found) != len(header):
        return (f"has {len(found)} cell{'s' if len(found) != 1 else ''} for {len(header)} columns; every row has "
                "one cell per column (a torn or merged line?)")
    return dict(zip(header, found))


def physical_lines(raw: bytes) -> list[tuple[int, bytes]]:
    """A small table held whole, as (line number, line) pairs, split on ``\\n`` only."""
    parts = raw.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    return list(enumerate(parts, start=1))


def sniff(header: bytes, delimiter: str) -> str:
    """The delimiter a header line shows: tabs and no comma read as tab-separated whatever the file's
    suffix (a cBioPortal export saved as .csv), commas and no tab as comma-separated."""
    if (b"\t" in header) != (b"," in header):
        return "\t" if b"\t" in header else ","
    return delimiter
