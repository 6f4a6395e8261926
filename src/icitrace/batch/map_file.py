"""The shape of a column map file (`batch --map MAP.yaml`) as one pydantic model, ``MapFile``.

``column_map`` reads the YAML into plain data (names and tokens as the text written) and validates it
here, so the keys a map may have, and what each holds, are defined once: `icitrace schema --map` prints
this model's JSON Schema for editors. The profile values a map gives (a token's value under ``values:``,
a ``constants:`` value) are checked by the profile model itself (``column_map`` validates each as a
profile's field), so the schema takes each field's JSON Schema from the profile's.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator
from pydantic_core import PydanticCustomError

from icitrace.profile.model import Profile, reasoned_fields

#: the keys of a map, in the order the docs give them
KEYS = ("id", "keep", "na", "constants", "not_measured", "fields", "outcomes")
#: fields a map may give a column or a constant for: those the rules read, and the echoed text fields (the
#: id has a key of its own)
MAPPED = (*reasoned_fields(), "tumor_type", "description")
#: what a bare `na:` list is told: it is ambiguous (a reader expects either), so the map must say which
BARE_NA = ("na: a bare list is ambiguous; say what it does: na: {add: [...]} reads these tokens as unknown "
           "besides the default ones, na: {replace: [...]} reads only these")


class NaTokens(BaseModel):
    """The cells read as unknown, besides the default tokens (``add``) or instead of them (``replace``)."""

    model_config = ConfigDict(extra="forbid")
    add: list[str] | None = Field(None, description="tokens read as unknown besides the default ones "
                                                    '("", NA, NaN, nan, null, N/A)')
    replace: list[str] | None = Field(None, description="the only tokens read as unknown (list \"\" to keep "
                                                        "empty cells unknown)")

    @model_validator(mode="after")
    def _one(self) -> NaTokens:
        if (self.add is None) == (self.replace is None):
            raise PydanticCustomError("na_one", "give one of add or replace")
        return self


class ResponseColumn(BaseModel):
    """The response column and the cells of it that count as a response (other non-empty cells: none)."""

    model_config = ConfigDict(extra="forbid")
    column: str = Field(description="the table's response column")
    positive: list[str] | str = Field(description="the cells that count as a response, as written (e.g. CR/PR)")


class SurvivalColumns(BaseModel):
    """The survival time, the event column, and the cell of it that means the event (e.g. death)."""

    model_config = ConfigDict(extra="forbid")
    time: str = Field(description="the table's time column (a number of 0 or more)")
    event: str = Field(description="the table's event column")
    event_value: str | int = Field(description="the event column's cell that means the event, e.g. 1 or 1:DECEASED")


class Outcomes(BaseModel):
    """The outcome columns `icitrace outcomes` compares conclusions by (read by batch/outcome_columns.py,
    which says each problem at its line; this model gives the shape to editors)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})
    response: ResponseColumn | None = None
    survival: SurvivalColumns | None = None


@lru_cache(maxsize=1)
def _profile() -> dict[str, Any]:
    return Profile.model_json_schema(by_alias=True)


def _profile_schema(name: str) -> dict[str, Any]:
    """A profile field's own JSON Schema, its definitions (a band) written out in place."""
    profile = _profile()
    defs = profile.get("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        return [inline(item) for item in node] if isinstance(node, list) else node

    schema = inline(profile["properties"][name])
    schema.pop("default", None)
    schema.pop("title", None)
    return schema


def _described(schema_of: Any, name: str) -> Any:
    """A field's ``json_schema_extra``: its schema, ``schema_of(name)``, in place of the generic one. Called
    only when a schema is asked for: building it for every field cost a second at every map's load."""

    def replace(schema: dict[str, Any]) -> None:
        schema.clear()
        schema.update(schema_of(name))

    return replace


class ColumnSpec(BaseModel):
    """A field read from a column through its tokens (``values`` left out: read as icitrace's CSV reads
    the field)."""

    model_config = ConfigDict(extra="forbid")
    column: str = Field(description="the table's column")
    values: dict[str, Any] | None = Field(None, description="each token of the column -> the profile value (null: "
                                                            "unknown); without it the cell is read as icitrace's "
                                                            "CSV reads the field")


def _column_schema(name: str) -> dict[str, Any]:
    """How field ``name`` is given under ``fields:``: a column name, or ColumnSpec's own schema with its
    values typed as the profile types the field."""
    spec = copy.deepcopy(_spec_schema())
    spec.pop("title", None)
    spec["properties"]["values"]["anyOf"][0]["additionalProperties"] = _profile_schema(name)
    return {"anyOf": [{"type": "string", "description": "the table's column"}, spec],
            "description": _profile_schema(name).get("description", name)}


@lru_cache(maxsize=1)
def _spec_schema() -> dict[str, Any]:
    return ColumnSpec.model_json_schema()


@lru_cache(maxsize=1)
def _models() -> tuple[type[BaseModel], type[BaseModel]]:
    """The ``fields:`` and ``constants:`` models, a property per mappable field (so an editor completes
    the names and checks each value against the field's own schema). Two models in all: one built per
    field cost half a second at every start."""
    forbid = ConfigDict(extra="forbid")
    columns = {name: (str | ColumnSpec | None, Field(None, json_schema_extra=_described(_column_schema, name)))
               for name in MAPPED}
    fields = create_model("Fields", __config__=ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1}),
                          **columns)  # type: ignore[call-overload]
    constants = create_model("Constants", __config__=forbid,
                             **{name: (Any, Field(None, json_schema_extra=_described(_profile_schema, name)))
                                for name in MAPPED})  # type: ignore[call-overload]
    return fields, constants


@lru_cache(maxsize=1)
def map_model() -> type[BaseModel]:
    """``MapFile``: the model every map is validated with."""
    field_columns, field_constants = _models()
    measured = Literal[reasoned_fields()]  # noqa: F841 - read by the annotation below

    class MapFile(BaseModel):
        """A column map: how a table's columns read as profile fields (see docs/maps.md)."""

        model_config = ConfigDict(extra="forbid", title="icitrace column map")
        id: str | None = Field(None, description="the column that names each record (none: records have no id)")
        keep: list[str] = Field([], description="columns passed through to every output record, error records too")
        na: NaTokens | None = Field(None, description="cells read as unknown: {add: [...]} or {replace: [...]}; "
                                                      'default: "", NA, NaN, nan, null, N/A')
        constants: field_constants | None = Field(None, description="one value for every record of the cohort, "  # type: ignore[valid-type]
                                                      "e.g. ici_history: naive")
        not_measured: list[measured] = Field(  # type: ignore[valid-type]
            [], description="fields the cohort never measured: left out of the summary's unknowns and "
                            "named in the provenance line")
        fields: field_columns = Field(description="each profile field -> a column, or {column, values}")  # type: ignore[valid-type]
        outcomes: Outcomes | None = Field(None, description="the outcome columns of `icitrace outcomes`: a response "
                                                            "column, survival columns, or both")

        @field_validator("na", mode="before")
        @classmethod
        def _not_bare(cls, value: Any) -> Any:
            if isinstance(value, list):
                raise PydanticCustomError("bare_na", BARE_NA)
            return value

    return MapFile


def map_schema() -> dict[str, Any]:
    """The JSON Schema of a map file."""
    schema = map_model().model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
