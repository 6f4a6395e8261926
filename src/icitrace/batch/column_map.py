"""Column maps (`batch --map MAP.yaml`): a researcher's table read as profiles as it is, without a
hand-written converter. A cBioPortal clinical file, an R export with `NA`, any CSV or TSV::

    id: Sample ID                          # the column that names each record
    keep: [Sample ID, Cancer Type]         # passed through to every output record, error records too
    na: ["", NA, NaN, nan, null, N/A]      # cells read as unknown (this list is the default)
    fields:
      tmb: TMB (nonsynonymous)             # a column, read as the field is read in icitrace's CSV
      mhc_class_i:                         # or a column and the tokens it holds
        column: HLA-I status
        values: {Intact: intact, "Partial loss": reduced, Loss: lost}

With a map, columns it does not name are ignored; a cell that is neither one of its tokens nor an NA
token is an error for its record, never a guess. Without a map, icitrace's strict CSV rules stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icitrace.errors import InputProblem
from icitrace.profile.editing import EditError, check_field, typed_value
from icitrace.profile.model import field_kind, reasoned_fields
from icitrace.profile.reading import ProfileError, validate
from icitrace.rulebase.yaml_source import YamlDoc, YamlProblem

DEFAULT_NA = ("", "NA", "NaN", "nan", "null", "N/A")
#: a map file is a short hand-written YAML file; anything bigger is refused unread
MAX_MAP_BYTES = 1_000_000


class MapError(InputProblem):
    """A map file that cannot be used, or a table it does not fit."""


@dataclass(frozen=True)
class FieldColumn:
    column: str
    #: token -> profile value, or None to read the cell as the field is read in CSV
    values: tuple[tuple[str, Any], ...] | None


@dataclass(frozen=True)
class ColumnMap:
    source: str
    id: str | None
    keep: tuple[str, ...]
    na: frozenset[str]
    fields: tuple[tuple[str, FieldColumn], ...]

    def check_header(self, header: list[str], where: str) -> None:
        """Refuse a table whose header (at ``where``, file:line) lacks a column the map names."""
        named = [(self.id, "id")] if self.id else []
        named += [(column, "keep") for column in self.keep]
        named += [(spec.column, f"fields.{field}") for field, spec in self.fields]
        for column, key in named:
            if column not in header:
                raise MapError(f"{where}: no column {column!r}, which the map {self.source} names under "
                               f"{key}; the columns are: {', '.join(repr(c) for c in header)}")

    def record_id(self, row: dict[str, str] | None) -> str | None:
        name = (row or {}).get(self.id or "", "").strip()
        return name if self.id and name not in self.na else None

    def kept(self, row: dict[str, str] | None) -> dict[str, str]:
        return {column: (row or {}).get(column, "") for column in self.keep}

    def profile_data(self, row: dict[str, str]) -> dict[str, Any]:
        """The row as profile data; ``ValueError`` naming the column for a cell the map cannot read."""
        data: dict[str, Any] = {}
        if self.record_id(row) is not None:
            data["id"] = self.record_id(row)
        for field, spec in self.fields:
            cell = row.get(spec.column, "")
            token = cell.strip()
            if token in self.na:
                continue  # unknown stays unknown
            if spec.values is not None:
                values = dict(spec.values)
                if token not in values:
                    raise ValueError(f"column {spec.column!r} holds {cell!r}, which the map gives no value for "
                                     f"(its tokens: {', '.join(repr(t) for t in values)}; NA tokens: "
                                     f"{', '.join(repr(t) for t in sorted(self.na))})")
                data[field] = values[token]
            elif field_kind(field) == "list":
                data[field] = [item.strip() for item in token.split(";") if item.strip()]
            else:
                try:
                    data[field] = typed_value(field, token)
                except EditError as error:
                    raise ValueError(f"column {spec.column!r}: {error}") from None
        return data


def load_map(path: Path) -> ColumnMap:
    """Read and check a map file; every problem names the file and line."""
    source = str(path)
    try:
        if path.stat().st_size > MAX_MAP_BYTES:
            raise MapError(f"{source}: larger than {MAX_MAP_BYTES:,} bytes; a map is a short YAML file")
        doc = YamlDoc(path)
    except OSError as error:
        raise MapError(f"{source}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise MapError(f"{source}: not UTF-8 text") from None
    except YamlProblem as problem:
        raise MapError(f"{source}:{problem.line}: {problem.message}") from None

    def fail(loc: tuple, message: str) -> MapError:
        return MapError(f"{source}:{doc.line(loc)}: {message}")

    data = doc.data
    if not isinstance(data, dict):
        raise fail((), "a map is a mapping with the keys id, keep, na and fields")
    unknown = [k for k in data if k not in ("id", "keep", "na", "fields")]
    if unknown:
        raise fail((unknown[0],), f"unknown key {unknown[0]!r}; a map has id, keep, na and fields")
    id_column = data.get("id")
    if id_column is not None and not isinstance(id_column, str):
        raise fail(("id",), "id is the name of one column")
    keep = data.get("keep", [])
    if not isinstance(keep, list) or not all(isinstance(c, str) for c in keep):
        raise fail(("keep",), "keep is a list of column names")
    na = data.get("na", list(DEFAULT_NA))
    if not isinstance(na, list) or any(isinstance(t, (list, dict)) for t in na):
        raise fail(("na",), "na is a list of tokens read as unknown")
    fields = data.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise fail(("fields",) if "fields" in data else (), "fields maps profile fields to columns; none given")
    specs = []
    for field, spec in fields.items():
        try:
            check_field(str(field))
        except EditError as error:
            raise fail(("fields", field), str(error)) from None
        if str(field) not in reasoned_fields():
            raise fail(("fields", field), f"{field} is echoed text, not a field the rules read; name it under id "
                                          "or keep")
        specs.append((str(field), _field_column(str(field), spec, fail)))
    return ColumnMap(source, id_column, tuple(keep), frozenset("null" if t is None else str(t) for t in na),
                     tuple(specs))


def _field_column(field: str, spec: Any, fail: Any) -> FieldColumn:
    where = ("fields", field)
    if isinstance(spec, str):
        return FieldColumn(spec, None)
    if not isinstance(spec, dict) or not isinstance(spec.get("column"), str) or set(spec) - {"column", "values"}:
        raise fail(where, f"{field}: a column name, or {{column: NAME, values: {{TOKEN: VALUE}}}}")
    values = spec.get("values")
    if values is None:
        return FieldColumn(spec["column"], None)
    if not isinstance(values, dict) or not values:
        raise fail((*where, "values"), f"{field}: values maps each token of the column to a profile value")
    checked = []
    for token, value in values.items():
        try:  # the value must be one the profile model takes for this field
            validate({field: value}, "", default_id="map")
        except ProfileError as error:
            raise fail((*where, "values", token), f"{field}: {token!r} maps to {value!r}: "
                                                  f"{str(error).removeprefix(': ')}") from None
        checked.append(("null" if token is None else str(token), value))
    return FieldColumn(spec["column"], tuple(checked))
