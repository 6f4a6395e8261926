"""One table cell as a profile value: the reading both table readers share (icitrace's own columns,
``inputs.row_to_data``, and a map's, ``ColumnMap.profile_data``).

A file's cell is text, read as ``--set`` reads text (a list field's items are ``;``-separated). A
DataFrame's cell may also be missing (``None``: unknown whatever the NA tokens) or a list or tuple, the
items of a list field as they are, with no splitting (``[]``: none found). Anything else is refused
naming the column: the frame reader has already turned numbers and flags into the text a file holds.
"""

from __future__ import annotations

from typing import Any

from icitrace.profile.editing import EditError, typed_value
from icitrace.profile.model import field_kind, reasoned_fields
from icitrace.profile.plain import kind, problem
from icitrace.profile.reading import expectation

#: what a cell may hold, for messages
CELL = "text, a number, true or false, or (for a list field) a list of strings"


def is_list_field(field: str) -> bool:
    return field in reasoned_fields() and field_kind(field) == "list"


def cell_value(field: str, cell: object, column: str | None = None) -> Any:
    """A cell that is not unknown as the value of ``field``; ``ValueError`` naming the column (``column``,
    shown only when it differs from the field, as a map's columns do) for one it cannot be."""
    named = f"column {column!r}: " if column is not None else ""
    where = repr(column if column is not None else field)
    if isinstance(cell, (list, tuple)):
        if not is_list_field(field):
            takes = expectation(field) if field in reasoned_fields() else "text"
            raise ValueError(f"column {where} holds a list; {field} takes {takes}")
        for number, item in enumerate(cell, start=1):
            if not isinstance(item, str):
                raise ValueError(f"column {where} holds a list whose item {number} is {kind(item)}; a list field "
                                 "takes a list of strings")
            if not item.strip():
                raise ValueError(f"column {where} holds a list whose item {number} is blank; give each item, or [] "
                                 "for none found")
        return [item.strip() for item in cell]
    if not isinstance(cell, str):
        raise ValueError(f"column {where} holds {problem(cell) or kind(cell)}; a cell is {CELL}")
    if is_list_field(field):
        return [item.strip() for item in cell.split(";") if item.strip()]
    try:
        return typed_value(field, cell)
    except EditError as error:
        if not named:
            raise
        raise ValueError(f"{named}{error}") from None


def as_text(cell: object) -> str:
    """A cell as a batch line writes it: missing is empty, a list's items are ``;``-separated."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, (list, tuple)):
        return ";".join(item for item in cell if isinstance(item, str))
    return ""
