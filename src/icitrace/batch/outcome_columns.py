"""A map's ``outcomes:`` section: which columns hold each record's outcome, for `icitrace outcomes`::

    outcomes:
      response: {column: binaryResponse, positive: ["CR/PR"]}   # other non-empty cells: no response
      survival: {time: os, event: censOS, event_value: 1}       # event_value: the cell that means the event

Either part may be left out, not both. Tokens are the text as written (``1`` is the cell "1", ``Yes``
the word), compared as keys (``normal_key``) like every token of a map. A cell that is an NA token of
the map leaves its record out of that analysis (counted). The columns are checked against the table's
header with the map's others (``ColumnMap.check_header``), under the keys named here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from icitrace.rulebase.yaml_source import is_null, text_of
from icitrace.text import normal_key

RESPONSE_SHAPE = "outcomes.response: {column: NAME, positive: [TOKEN, ...]} (the cells that count as a response)"
SURVIVAL_SHAPE = ("outcomes.survival: {time: NAME, event: NAME, event_value: TOKEN} (the time column, the event "
                  "column and the cell of it that means the event, e.g. death)")


@dataclass(frozen=True)
class OutcomeColumns:
    """The outcome columns a map names (each part None when the map leaves it out)."""

    response_column: str | None = None
    #: the cells of the response column that count as a response, as written
    positive: tuple[str, ...] = ()
    time_column: str | None = None
    event_column: str | None = None
    event_value: str | None = None
    positive_keys: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "positive_keys", frozenset(normal_key(token) for token in self.positive))

    def named(self) -> list[tuple[str, str]]:
        """(column, the map's key naming it), for the header check and messages."""
        named = []
        if self.response_column is not None:
            named.append((self.response_column, "outcomes.response.column"))
        if self.time_column is not None:
            named += [(self.time_column, "outcomes.survival.time"), (self.event_column, "outcomes.survival.event")]
        return named  # type: ignore[return-value]

    def as_data(self) -> dict[str, Any]:
        return {"response": None if self.response_column is None else
                {"column": self.response_column, "positive": list(self.positive)},
                "survival": None if self.time_column is None else
                {"time": self.time_column, "event": self.event_column, "event_value": self.event_value}}


def read_outcomes(reader: Any, node: yaml.Node) -> OutcomeColumns:
    """The section read through the map's reader (``column_map._Reader``: its entries, names and
    failures at a line)."""
    where = ("outcomes",)
    if not isinstance(node, yaml.MappingNode) or not node.value:
        raise reader.fail(where, "outcomes names a response column, survival columns, or both: "
                                 f"{RESPONSE_SHAPE}; {SURVIVAL_SHAPE}")
    parts = reader.entries(node, where, "a key of outcomes")
    unknown = [key for key in parts if key not in ("response", "survival")]
    if unknown:
        raise reader.fail((*where, unknown[0]), f"unknown key outcomes.{unknown[0]}; outcomes has response and "
                                                "survival")
    found: dict[str, Any] = {}
    if "response" in parts:
        spec = _part(reader, parts["response"], (*where, "response"), {"column", "positive"}, RESPONSE_SHAPE)
        found["response_column"] = reader.name(spec["column"], (*where, "response", "column"), RESPONSE_SHAPE)
        positive = spec["positive"]
        tokens = [text_of(positive)] if isinstance(positive, yaml.ScalarNode) and not is_null(positive) else \
            reader.names(positive, (*where, "response", "positive"), RESPONSE_SHAPE, tokens=True)
        if not tokens:
            raise reader.fail((*where, "response", "positive"), f"{RESPONSE_SHAPE}; no token given")
        found["positive"] = tuple(tokens)
    if "survival" in parts:
        spec = _part(reader, parts["survival"], (*where, "survival"), {"time", "event", "event_value"}, SURVIVAL_SHAPE)
        found["time_column"] = reader.name(spec["time"], (*where, "survival", "time"), SURVIVAL_SHAPE)
        found["event_column"] = reader.name(spec["event"], (*where, "survival", "event"), SURVIVAL_SHAPE)
        value = text_of(spec["event_value"])
        if value is None or is_null(spec["event_value"]):
            raise reader.fail((*where, "survival", "event_value"), f"{SURVIVAL_SHAPE}; event_value is one cell's text")
        found["event_value"] = value
    return OutcomeColumns(**found)


def _part(reader: Any, node: yaml.Node, where: tuple, keys: set[str], shape: str) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise reader.fail(where, shape)
    parts = reader.entries(node, where, "a key")
    if set(parts) != keys:
        odd = sorted(set(parts) - keys) or sorted(keys - set(parts))
        said = "unknown key" if set(parts) - keys else "missing key"
        raise reader.fail(where, f"{said} {'.'.join(where)}.{odd[0]}; {shape}")
    return parts
