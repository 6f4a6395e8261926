"""Column maps (`batch --map MAP.yaml`): a researcher's table read as profiles as it is, without a
hand-written converter. A cBioPortal clinical file, an R export with `NA`, any CSV or TSV::

    id: Sample ID                          # the column that names each record (optional)
    keep: [Sample ID, Cancer Type]         # passed through to every output record, error records too
    na: {add: [".", not done]}             # cells read as unknown besides "", NA, NaN, nan, null, N/A
    constants: {ici_history: naive}        # one value for every record of the cohort
    not_measured: [tregs, mdscs]           # never measured: out of the summary's unknowns
    fields:
      tmb: TMB (nonsynonymous)             # a column, read as the field is read in icitrace's CSV
      mhc_class_i:                         # or a column and the tokens it holds
        column: HLA-I status
        values: {Intact: intact, "Partial loss": reduced, Loss: lost}

With a map, columns it does not name are ignored; a cell that is neither one of its tokens nor an NA
token is an error for its record, never a guess. Without a map, icitrace's strict CSV rules stay. The
keys and what each holds are defined once, by ``map_file.MapFile`` (whose JSON Schema `icitrace schema
--map` prints); docs/maps.md is the researcher's guide.

How a map is read:

- Every name and token is the text as written. YAML 1.1 would read ``Yes``, ``no`` and ``on`` as
  booleans (keys too, so that ``{yes: high, on: low}`` collapsed into one key), ``0x10`` as 16 and ``~``
  as null; here ``Yes`` is the token "Yes", ``0x10`` is "0x10", and ``~``, ``null`` and an empty key are
  the tokens "~", "null" and "" (a cell holding that text). Only the values on the right of ``values:``
  are typed as YAML types them: ``true``/``false`` for a flag, ``{below: 1}`` for a band, ``null`` for
  unknown. A plain null as ``id`` (``id: ~``) means no id column.
- ``na:`` says by name whether it adds to the default list (``{add: [...]}``) or replaces it
  (``{replace: [...]}``); a bare list is refused, since a reader takes it either way (a probe read
  ``na: [NA, .]`` as an addition and got 112 error rows from empty cells). Error messages say which list
  applies. A token a field's ``values:`` gives wins over the NA list for that column: ``values: {NA:
  low}`` reads "NA" as low there.
- ``constants:`` values are typed as YAML types them (as a token's value is) and checked as the profile
  checks the field, each and all together; a field is a constant, a column, or ``not_measured``, never two.
- Tokens, NA tokens and the cells looked up compare through ``normal_key`` (blanks at both ends and the
  Unicode form set aside), as do the map's column names and the table's header; messages show the text
  as the table or map wrote it. Two tokens of one field that are one key are refused.
- The token table of each field is built once per map. An error message shows at most ``SHOWN`` tokens
  (the nearest to the cell) and as many NA tokens, each cut to ``TOKEN_CHARS`` characters, with the cell
  and column cut to ``CELL_CHARS``: a message is under ``MAX_MESSAGE`` characters however large the map
  or the cell.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from icitrace.batch.cells import as_text, cell_value
from icitrace.batch.map_file import KEYS, map_model
from icitrace.batch.outcome_columns import OutcomeColumns, read_outcomes
from icitrace.errors import (
    MapError,  # noqa: F401 - defined with the family
)
from icitrace.files import read_input
from icitrace.profile.editing import EditError, check_field
from icitrace.profile.plain import problem
from icitrace.profile.reading import ProfileError, validate
from icitrace.rulebase.yaml_source import (
    YamlDoc,
    YamlProblem,
    construct,
    is_null,
    text_of,
)
from icitrace.text import normal_key

DEFAULT_NA = ("", "NA", "NaN", "nan", "null", "N/A")
_DEFAULT_KEYS = frozenset(normal_key(token) for token in DEFAULT_NA)
#: a map file is a short hand-written YAML file; anything bigger is refused unread
MAX_MAP_BYTES = 1_000_000
#: an error message lists at most this many tokens and NA tokens, each cut to TOKEN_CHARS characters
SHOWN = 10
TOKEN_CHARS = 40
#: a cell or a column name in a message is cut to this many characters
CELL_CHARS = 80
#: the longest message a cell the map cannot read gives (without the record's place, which batch adds)
MAX_MESSAGE = 2_000
#: the nearest tokens are sought among at most this many (those nearest the cell in sorted order)
NEAR_WINDOW = 1_000
#: how alike (difflib's ratio, 0 to 1) a token must be to be shown as a near one
CUTOFF = 0.6


@dataclass(frozen=True)
class FieldColumn:
    column: str
    #: token as written -> profile value, or None to read the cell as the field is read in CSV
    values: tuple[tuple[str, Any], ...] | None
    #: normal_key(token) -> value, built once (a lookup per cell, however many tokens)
    table: dict[str, Any] | None = field(init=False, compare=False, repr=False)
    #: the tokens as written, and in sorted order (for the nearest ones in a message)
    tokens: tuple[str, ...] = field(init=False, compare=False, repr=False)
    ordered: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        table = None if self.values is None else {normal_key(token): value for token, value in self.values}
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "tokens", tuple(token for token, _ in self.values or ()))
        object.__setattr__(self, "ordered", tuple(sorted(self.tokens)))


@dataclass(frozen=True)
class ColumnMap:
    source: str
    id: str | None
    keep: tuple[str, ...]
    #: the NA tokens as written, in the map's order (or the default list's)
    na_tokens: tuple[str, ...]
    fields: tuple[tuple[str, FieldColumn], ...]
    #: "default" (no na:), "add" (na: {add: [...]}: the default tokens and these) or "replace"
    na_mode: str = "default"
    #: (field, value): one value for every record (``constants:``), checked as the profile checks it
    constants: tuple[tuple[str, Any], ...] = ()
    #: fields the cohort never measured (``not_measured:``): out of the summary's unknowns, in the provenance
    not_measured: tuple[str, ...] = ()
    #: the outcome columns (`icitrace outcomes`), when the map names them
    outcomes: OutcomeColumns | None = None
    na: frozenset[str] = field(init=False, compare=False, repr=False)
    na_ordered: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "na", frozenset(normal_key(token) for token in self.na_tokens))
        object.__setattr__(self, "na_ordered", tuple(sorted(self.na_tokens)))

    def check_header(self, header: list[str], where: str) -> None:
        """Refuse a table whose header (at ``where``, file:line) lacks a column the map names, or holds
        two columns that are one name to the map."""
        named = [(self.id, "id")] if self.id is not None else []
        named += [(column, "keep") for column in self.keep]
        named += [(spec.column, f"fields.{name}") for name, spec in self.fields]
        named += self.outcomes.named() if self.outcomes is not None else []
        keys: dict[str, list[str]] = {}
        for column in header:
            keys.setdefault(normal_key(column), []).append(column)
        for column, key in named:
            found = keys.get(normal_key(column), [])
            if not found:
                shown = listed(sorted(header), column, header)
                raise MapError(f"{where}: no column {_cut(column, CELL_CHARS)}, which the map {self.source} names under "
                               f"{key}; the columns are: {shown}")
            if len(found) > 1:
                raise MapError(f"{where}: the columns {' and '.join(_cut(c, CELL_CHARS) for c in found[:2])} are one name "
                               f"once blanks at either end and Unicode forms are set aside, and the map {self.source} "
                               f"names it under {key}; rename one")

    def record_id(self, row: dict[str, Any] | None) -> str | None:
        cell = _cell(row, self.id)[1] if self.id is not None else None
        if not isinstance(cell, str):
            return None
        name = cell.strip()
        return name if normal_key(name) not in self.na else None

    def kept(self, row: dict[str, Any] | None) -> dict[str, str]:
        """The kept columns under the map's names, as text (a batch line's cells)."""
        return {column: self.cell(row, column) for column in self.keep}

    def cell(self, row: dict[str, Any] | None, column: str) -> str:
        """The cell of a column the map names, as text (empty when there is none)."""
        return as_text(_cell(row, column)[1])

    def profile_data(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row as profile data; ``ValueError`` naming the column for a cell the map cannot read."""
        data: dict[str, Any] = dict(self.constants)
        if self.id is not None:
            column, cell = _cell(row, self.id)
            if cell is not None and not isinstance(cell, str):
                raise ValueError(f"column {_cut(column, CELL_CHARS)} holds the id, which is text; got a list or "
                                 "another value")
            if self.record_id(row) is not None:
                data["id"] = self.record_id(row)
        for name, spec in self.fields:
            column, cell = _cell(row, spec.column)  # the header's name, for messages
            if cell is None:
                continue  # a frame's missing value: unknown whatever the NA tokens
            if spec.table is not None:
                if not isinstance(cell, str):
                    raise ValueError(f"column {_cut(column, CELL_CHARS)} holds a list or another value; the map "
                                     "reads this column through its tokens, one token a cell")
                key = normal_key(cell)
                if key in spec.table:  # the field's own token first: it wins over the NA list
                    data[name] = spec.table[key]
                elif key not in self.na:
                    raise ValueError(self._no_value(spec, column, cell))
                continue
            if isinstance(cell, str) and normal_key(cell) in self.na:
                continue  # unknown stays unknown
            try:
                data[name] = cell_value(name, cell, column)
            except ValueError as error:
                raise ValueError(f"{error}{self._left_out(cell)}") from None
        return data

    def _left_out(self, cell: Any) -> str:
        """For a cell the default list reads as unknown and this map's na: replace left out: say so (the
        trap a probe fell into, 112 rows of it)."""
        if self.na_mode != "replace" or not isinstance(cell, str) or normal_key(cell) not in _DEFAULT_KEYS:
            return ""
        return (f"; {_cut(cell, CELL_CHARS)} is a default NA token, which this map's na: replace leaves out "
                "(na: {add: [...]} keeps the default tokens)")

    def _no_value(self, spec: FieldColumn, column: str, cell: str) -> str:
        return (f"column {_cut(column, CELL_CHARS)} holds {_cut(cell, CELL_CHARS)}, which the map gives no value "
                f"for (its tokens: {listed(spec.ordered, cell, spec.tokens)}; "
                f"{self.na_said()}: {listed(self.na_ordered, cell, self.na_tokens)})")

    def na_said(self) -> str:
        """Which NA tokens apply, in words."""
        return {"default": "NA tokens (the default list; a map's na: {add: [...]} adds to it)",
                "add": "NA tokens (the default list and this map's na: add)",
                "replace": "NA tokens (this map's na: replace, instead of the default list)"}[self.na_mode]

    def gives(self, name: str) -> bool:
        """Whether the map gives profile field ``name`` (a column or a constant)."""
        return any(field_ == name for field_, _ in (*self.fields, *self.constants))

    def group(self, row: dict[str, Any] | None, column: str) -> str | None:
        """A record's ``--cutoffs-by`` group: a kept column's cell, else (``tumor_type``, which the map
        gives) the profile's value as the map reads it; None when the row cannot be read."""
        if column in self.keep:
            return self.kept(row)[column]
        try:
            value = self.profile_data(row or {}).get(column)
        except (EditError, ValueError):
            return None
        return value if isinstance(value, str) else None

    def described(self) -> dict[str, Any]:
        """What the provenance line says of the map besides its file: its constants and the fields the
        cohort never measured."""
        return {"constants": dict(self.constants), "not_measured": list(self.not_measured)}


def listed(ordered: Sequence[str], near: str, written: Sequence[str] | None = None) -> str:
    """Tokens for a message: all of them (as ``written``) when there are SHOWN or fewer, else the SHOWN
    nearest to ``near`` (by ``difflib`` among those beside it in ``ordered``, a sorted sequence) and how
    many more; each cut to TOKEN_CHARS."""
    tokens = written if written is not None else ordered
    if len(tokens) <= SHOWN:
        return ", ".join(_cut(t, TOKEN_CHARS) for t in tokens) or "none"
    shown = nearest(tuple(ordered), near[:CELL_CHARS])
    return f"{', '.join(_cut(t, TOKEN_CHARS) for t in shown)} and {len(tokens) - len(shown):,} more"


def nearest(ordered: tuple[str, ...], near: str) -> list[str]:
    """The SHOWN tokens nearest ``near``: the most alike by ``difflib``'s ratio (at least CUTOFF; a tie goes
    to the one nearer in sorted order) among the NEAR_WINDOW tokens beside it in sorted order (bounded
    work however many tokens there are), then the ones beside it."""
    at = bisect.bisect_left(ordered, near)
    start = max(0, min(at - NEAR_WINDOW // 2, len(ordered) - NEAR_WINDOW))
    window = ordered[start:start + NEAR_WINDOW]
    matcher = difflib.SequenceMatcher(None, "", near)  # the cell is the cached side
    scored = []
    for i, token in enumerate(window):
        matcher.set_seq1(token)
        if matcher.real_quick_ratio() >= CUTOFF and matcher.quick_ratio() >= CUTOFF and matcher.ratio() >= CUTOFF:
            scored.append((-matcher.ratio(), abs(start + i - at), token))
    shown = [token for *_, token in heapq.nsmallest(SHOWN, scored)]
    for i in sorted(range(len(window)), key=lambda i: abs(start + i - at)):
        if len(shown) == SHOWN:
            break
        if window[i] not in shown:
            shown.append(window[i])
    return shown


def _cut(text: str, limit: int) -> str:
    """Text for a message: its repr, cut to ``limit`` characters of the text."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}..."


def _cell(row: dict[str, Any] | None, column: str) -> tuple[str, Any]:
    """The header's name and the cell of ``column`` (a name as the map wrote it): by that name, else by
    the header's name that is the same key (``check_header`` has made sure there is exactly one); the
    cell is None when there is none."""
    if row and column in row:
        return column, row[column]
    key = normal_key(column)
    return next(((name, cell) for name, cell in (row or {}).items() if normal_key(name) == key), (column, None))


def load_map(path: Path) -> ColumnMap:
    """Read and check a map file; every problem names the file and line."""
    source = str(path)
    raw = read_input(path, MAX_MAP_BYTES, "--map", "map")  # a FIFO, /dev/zero or a folder: refused at once
    try:
        doc = YamlDoc(path, raw.decode("utf-8"), what="maps")
    except UnicodeDecodeError:
        raise MapError(f"{source}: not UTF-8 text") from None
    except YamlProblem as problem_:
        raise MapError(f"{source}:{problem_.line}: {problem_.message}") from None
    return _Reader(doc, source).read()


class _Reader:
    """A map built from the YAML node tree, so that every name and token is the text written: the tree
    becomes plain data, ``MapFile`` (``map_file``) checks its shape, and what the shape cannot say (a
    value the profile refuses, two tokens that are one key, a field given twice) is checked here."""

    def __init__(self, doc: YamlDoc, source: str):
        self.doc, self.source = doc, source

    def fail(self, loc: tuple, message: str) -> MapError:
        return MapError(f"{self.source}:{self.doc.line(loc)}: {message}")

    def read(self) -> ColumnMap:
        root = self.doc.node
        if not isinstance(root, yaml.MappingNode):
            raise self.fail((), f"a map is a mapping with the keys {', '.join(KEYS)}")
        data = self.plain(root, ())
        # outcomes: read from its nodes by read_outcomes (each problem at its own line, in its own words);
        # MapFile only describes it for the schema
        outcomes_node = self.doc.node_at(("outcomes",)) if "outcomes" in data else None
        data.pop("outcomes", None)
        try:
            model = map_model().model_validate(data)
        except ValidationError as error:
            raise self.refusal(error) from None
        given = data.get("fields") or {}
        if not given:
            raise self.fail(("fields",) if "fields" in data else (), "fields maps profile fields to columns; none given")
        specs = tuple((name, self.field_column(name, getattr(model.fields, name))) for name in given)
        constants = self.constants(data.get("constants") or {}, dict(specs))
        not_measured = self.not_measured(model.not_measured, dict(specs), dict(constants))
        na_mode, na = "default", DEFAULT_NA
        if model.na is not None:
            na_mode = "add" if model.na.add is not None else "replace"
            listed_ = model.na.add if model.na.add is not None else model.na.replace
            na = tuple(dict.fromkeys((*DEFAULT_NA, *listed_) if na_mode == "add" else listed_))
        outcomes = read_outcomes(self, outcomes_node) if outcomes_node is not None else None
        return ColumnMap(self.source, model.id, tuple(model.keep), na, specs, na_mode, constants, not_measured,
                         outcomes)

    # --- what read_outcomes reads the outcomes: section's nodes with

    def entries(self, node: yaml.MappingNode, loc: tuple, what: str) -> dict[str, yaml.Node]:
        """A mapping's keys as written (never typed) -> value nodes."""
        found: dict[str, yaml.Node] = {}
        for key, value in node.value:
            text = text_of(key)
            if text is None:
                raise MapError(f"{self.source}:{key.start_mark.line + 1}: {what} is text, not a list or a mapping")
            found[text] = value
        return found

    def name(self, node: yaml.Node, loc: tuple, message: str) -> str:
        """A column name as written; a plain null (``~``, ``null``, nothing) is taken for a name left out."""
        text = text_of(node)
        if text is None:
            raise self.fail(loc, message)
        if is_null(node):
            raise self.fail(loc, f'{message}; none given (write "null", "~" or "" in quotes for a column of that name)')
        return text

    def names(self, node: yaml.Node, loc: tuple, message: str, tokens: bool = False) -> list[str]:
        """A list of column names (or, ``tokens``, of tokens: a null is the text written, "~" or "null")."""
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(loc, message)
        if tokens:
            texts = [text_of(item) for item in node.value]
            if any(text is None for text in texts):
                raise self.fail(loc, message)
            return texts  # type: ignore[return-value]
        return [self.name(item, (*loc, i), message) for i, item in enumerate(node.value)]

    def plain(self, node: yaml.Node, loc: tuple) -> Any:
        """The node as plain data: keys and scalars as the text written, except a token's value and a
        constant (typed as YAML types them), a null ``id`` (no id column) and other nulls left out; a
        column name left null is refused (it would be a column named "null")."""
        if _typed(loc):
            return construct(node)
        if isinstance(node, yaml.MappingNode):
            found: dict[str, Any] = {}
            for key, value in node.value:
                text = text_of(key)
                if text is None:
                    raise MapError(f"{self.source}:{key.start_mark.line + 1}: a key of a map is text, not a list "
                                   "or a mapping")
                found[text] = self.plain(value, (*loc, text))
            return found
        if isinstance(node, yaml.SequenceNode):
            return [self.plain(item, (*loc, i)) for i, item in enumerate(node.value)]
        if not is_null(node) or loc[:1] == ("na",) and len(loc) > 2:  # "~" as an NA token is the text "~"
            return node.value
        if loc[:1] == ("keep",) or loc[:1] == ("fields",) and len(loc) in (2, 3) and loc[-1] != "values":
            what = "keep is a list of column names" if loc[0] == "keep" else _shape(loc[1])
            raise self.fail(loc, f'{what}; none given (write "null", "~" or "" in quotes for a column of that name)')
        return None

    def refusal(self, error: ValidationError) -> MapError:
        """The first problem the model found (by line; a key left out last), in the map's words."""
        problems = [(p["type"] == "missing", self.doc.line(tuple(p["loc"][:2])), p) for p in error.errors()]
        _, line, problem = min(problems, key=lambda lp: lp[:2])
        loc, kind = tuple(problem["loc"]), problem["type"]
        top = loc[0] if loc else ""
        if kind == "extra_forbidden" and len(loc) == 1:
            message = f"unknown key {top!r}; a map has {', '.join(KEYS)}"
        elif top in ("fields", "constants") and len(loc) == 2 and kind == "extra_forbidden":
            message = _field_problem(str(loc[1]), top)
        elif top == "fields" and len(loc) >= 2:
            message = _shape(str(loc[1]))
        elif top == "fields":
            message = "fields maps profile fields to columns; none given"
        elif top == "not_measured" and kind == "literal_error":
            message = _field_problem(str(problem["input"]), top)
        elif top == "na":
            message = problem["msg"] if kind == "bare_na" else "na is {add: [TOKEN, ...]} or {replace: [TOKEN, ...]}"
        else:
            message = _SAID.get(top, f"{'.'.join(map(str, loc))}: {problem['msg']}")
        return MapError(f"{self.source}:{line}: {message}")

    def field_column(self, name: str, spec: Any) -> FieldColumn:
        if isinstance(spec, str):
            return FieldColumn(spec, None)
        if not spec.values:
            if spec.values is not None:
                raise self.fail(("fields", name, "values"), f"{name}: values maps each token of the column to a "
                                                            "profile value")
            return FieldColumn(spec.column, None)
        node = self.doc.node_at(("fields", name, "values"))
        checked: list[tuple[str, Any]] = []
        seen: dict[str, str] = {}
        valid: dict[tuple[type, Any], None] = {}  # a value checked once, however many tokens give it
        for key, _ in node.value:  # type: ignore[union-attr]  (the model made sure it is a mapping)
            token, line = key.value, key.start_mark.line + 1
            if normal_key(token) in seen:
                raise MapError(f"{self.source}:{line}: {name}: the token {_cut(token, TOKEN_CHARS)} is the token "
                               f"{_cut(seen[normal_key(token)], TOKEN_CHARS)} again (blanks at either end and Unicode "
                               "forms do not tell tokens apart)")
            seen[normal_key(token)] = token
            value = spec.values[token]
            self.check_value(name, value, f"{self.source}:{line}: {name}: {_cut(token, TOKEN_CHARS)} maps to", valid)
            checked.append((token, value))
        return FieldColumn(spec.column, tuple(checked))

    def constants(self, given: dict[str, Any], columns: dict[str, FieldColumn]) -> tuple[tuple[str, Any], ...]:
        """Each constant checked as the profile checks the field, and all of them together (a TPS above
        the CPS is refused); a field is a constant or a column, never both."""
        for name, value in given.items():
            said = f"{self.source}:{self.doc.line(('constants', name))}: constants: {name}"
            if name in columns:
                raise MapError(f"{said} is also read from the column {_cut(columns[name].column, CELL_CHARS)} "
                               f"(fields: line {self.doc.line(('fields', name))}); give the field one way")
            if value is None:
                raise MapError(f"{said} is null; a field the cohort never measured goes under not_measured")
            self.check_value(name, value, f"{said} is", {})
        try:
            validate(dict(given), "", default_id="map")
        except ProfileError as error:
            raise self.fail(("constants",), f"constants: {str(error).removeprefix(': ')}") from None
        return tuple(given.items())

    def not_measured(self, names: list[str], columns: dict[str, FieldColumn], constants: dict[str, Any]) -> tuple[str, ...]:
        for i, name in enumerate(names):
            if name in columns or name in constants:
                where = "a column (fields)" if name in columns else "a constant"
                raise self.fail(("not_measured", i), f"not_measured: {name} is also given as {where}; a field is "
                                                     "measured or not")
            if name in names[:i]:
                raise self.fail(("not_measured", i), f"not_measured: {name} is named twice")
        return tuple(names)

    def check_value(self, name: str, value: Any, said: str, valid: dict) -> None:
        """The value must be one the profile model takes for this field (YAML can also build a date,
        bytes or a set, which no profile holds); ``said`` opens the message."""
        why = problem(value)
        if why:
            raise MapError(f"{said} {why}; a value is what the field takes in a profile")
        try:
            once = (type(value), value) if not isinstance(value, (dict, list)) else None
        except TypeError:
            once = None
        if once is not None and once in valid:
            return
        try:
            validate({name: value}, "", default_id="map")
        except ProfileError as error:
            raise MapError(f"{said} {repr(value)[:CELL_CHARS]}: {str(error).removeprefix(': ')}") from None
        if once is not None:
            valid[once] = None


#: what a top-level key that does not hold what it should is told
_SAID = {"id": "id is the name of one column", "keep": "keep is a list of column names",
         "constants": "constants maps profile fields to one value each, e.g. ici_history: naive",
         "not_measured": "not_measured is a list of profile fields the cohort never measured"}


def _typed(loc: tuple) -> bool:
    """Where a map's YAML is typed as YAML types it: a token's value, and a constant's."""
    return (len(loc) == 4 and loc[0] == "fields" and loc[2] == "values") or (len(loc) == 2 and loc[0] == "constants")


def _shape(name: str) -> str:
    return f"{name}: a column name, or {{column: NAME, values: {{TOKEN: VALUE}}}}"


def _field_problem(name: str, key: str) -> str:
    """Why ``name`` cannot be given under ``key`` (fields, constants, not_measured)."""
    try:
        check_field(name)
    except EditError as error:
        return str(error)
    if name == "id":
        return "the id column is named by the map's id key, not under fields or constants"
    return f"{name} is echoed text, not a field the rules read; only such a field can be not_measured"
