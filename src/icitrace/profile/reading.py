"""Reading a profile file (or stdin) into the model, with errors a person can act on.

Every problem names the file, and the field or the line and column. Nothing is guessed: a value
that is not exactly what the model asks for is refused, never coerced.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from icitrace.errors import InputProblem, ProfileError, did_you_mean  # noqa: F401 - defined with the family
from icitrace.errors import ParseRefused as _Refused
from icitrace.files import UnreadableInput, open_input, stdin_bytes
from icitrace.profile.model import (
    Profile,
    band_labels,
    field_bounds,
    field_kind,
    field_levels,
    reasoned_fields,
)

#: profiles are small hand-written files; anything bigger is refused before parsing
MAX_BYTES = 1_000_000
STDIN = "-"

# Keys that look like identifying data get the privacy sentence first. Long words match anywhere in a
# key (patientName); short ones only as a whole word (age, but not stage).
IDENTIFYING_PARTS = ("name", "birth", "patient", "record", "address", "phone", "email", "initials", "gender")
IDENTIFYING_WORDS = ("dob", "mrn", "ssn", "nhs", "age", "sex", "date", "zip", "postcode")
PRIVACY = ("icitrace takes hypothetical profiles only: names, dates of birth, record numbers and other "
           "identifying data never belong in a profile.")


def read_profile(source: str) -> Profile:
    """Read, parse and validate one profile; ``-`` reads standard input."""
    name = "<stdin>" if source == STDIN else source
    raw = _read_bytes(source, name)
    data = parse_json(raw, name)
    stem = "stdin" if source == STDIN else Path(source).stem
    return validate(data, name, default_id=stem)


def _read_bytes(source: str, name: str) -> bytes:
    try:
        if source == STDIN:
            raw = stdin_bytes().read(MAX_BYTES + 1)
        else:
            with open_input(source, expected="a profile JSON file") as handle:  # a FIFO or a device is refused, never waited on
                raw = handle.read(MAX_BYTES + 1)
    except UnreadableInput as error:
        raise ProfileError(name, error.reason) from None
    except OSError as error:
        raise ProfileError(name, f"cannot be read ({error.strerror or error})") from None
    return check_size(raw, name)


def check_size(raw: bytes, name: str) -> bytes:
    """The one size rule of every input path: a profile is at most MAX_BYTES."""
    if len(raw) > MAX_BYTES:
        raise ProfileError(name, f"is larger than {MAX_BYTES:,} bytes; a profile is a small JSON object")
    return raw


def parse_json(raw: bytes, name: str) -> dict[str, Any]:
    if b"\0" in raw:
        raise ProfileError(name, "looks like a binary file, not JSON text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ProfileError(name, f"is not UTF-8 text (invalid byte at offset {error.start})") from None
    if not text.strip():
        raise ProfileError(name, "is empty; expected a JSON object such as {\"tmb\": 4.2}")
    try:
        data = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise ProfileError(name, f"line {error.lineno}, column {error.colno}: invalid JSON ({error.msg})") from None
    except _Refused as error:
        raise ProfileError(name, str(error)) from None
    except RecursionError:
        raise ProfileError(name, "is nested too deeply; a profile is a flat JSON object") from None
    if not isinstance(data, dict):
        raise ProfileError(name, f"expected a JSON object at the top level, got {_json_type(data)}")
    # Depth cannot pass the number of brackets: most profiles are spared the walk.
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(data) > MAX_DEPTH:
        raise ProfileError(name, "is nested too deeply; a profile is a flat JSON object")
    return data


#: a profile is an object whose values are numbers, words or lists of words: depth 2; a little more is
#: allowed so that a wrong value is named by the model, not here
MAX_DEPTH = 4


def _depth(data: Any) -> int:
    """How deeply containers nest, counted without recursion (a deep one must not exhaust the stack)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > 30:  # far beyond any field's range, and int() refuses 4,300 digits anyway
        raise _Refused(f"a number of {len(text):,} digits is not one icitrace accepts")
    return int(text)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):  # the common case costs one dict build; find the culprit only on error
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _Refused(f"field \"{key}\" appears more than once; give each field once")
    return data


def _no_constants(word: str) -> Any:
    raise _Refused(f"{word} is not a number icitrace accepts; use a finite number or null for unknown")


def validate(data: dict[str, Any], name: str, default_id: str) -> Profile:
    try:
        profile = Profile.model_validate(data, strict=True)
    except ValidationError as error:
        problems = dict.fromkeys(say_error(err) for err in error.errors())  # a union's arms repeat one problem
        raise ProfileError(name, "; ".join(problems)) from None
    if profile.id is None:
        profile = profile.model_copy(update={"id": default_id})
    return profile


def say_error(err: Any) -> str:
    """One validation error of the profile model in words: the field, what it takes, what it got."""
    loc = err["loc"]
    field = str(loc[0]) if loc else ""
    got = err.get("input")
    if err["type"] == "extra_forbidden":
        return _unknown_field(field)
    if not loc:  # a check across fields: its message names them
        return err["msg"].removeprefix("Value error, ")
    if err["type"] == "band":  # a JSON object for a number: say what a band is
        return f"field \"{field}\": {err['msg']}"
    if err["type"] == "text_not_unicode":  # never echo the text: it cannot be printed
        return f"field \"{'.'.join(str(p) for p in loc)}\": {err['msg']}"
    if field in reasoned_fields():
        return f"field \"{field}\": expected {expectation(field)}, got {_show(got)}"
    return f"field \"{'.'.join(str(p) for p in loc)}\": {err['msg'].removeprefix('Value error, ')}, got {_show(got)}"


def _unknown_field(field: str) -> str:
    lowered = field.lower()
    words = re.split(r"[^a-z0-9]+", lowered)
    if any(part in lowered for part in IDENTIFYING_PARTS) or any(w in IDENTIFYING_WORDS for w in words):
        return f"field \"{field}\" is not accepted. {PRIVACY}"
    hint = did_you_mean(field, reasoned_fields() + ("id", "description", "tumor_type"), quote='"')
    return f"unknown field \"{field}\"{hint}. {PRIVACY}"


def expectation(field: str) -> str:
    """What a field takes, in words, for error messages and help."""
    kind = field_kind(field)
    if kind == "level":
        return "one of " + ", ".join(field_levels(field)) + " (lower case)"
    if kind == "bool":
        return "true or false"
    if kind == "list":
        return "a list of strings ([] for none found)"
    low, high = field_bounds(field)
    labels = band_labels(field)
    text = "" if labels else " (not a string)"  # a level is text, so a field with levels takes some
    return (f"a JSON number from {low:g} to {high:g}{text}, 0 or at least 0.0001, or a band such as "
            '{"at_least": 1, "below": 5}' + (f", or one of the levels {', '.join(labels)}" if labels else ""))


def _show(value: Any, limit: int = 80) -> str:
    """A value as the user wrote it, cut short: an error line need not repeat a megabyte."""
    # default=repr: a caller of the Python API may hand in anything (a set, a date); it is named, not a crash
    text = json.dumps(value, ensure_ascii=False, default=repr) if not isinstance(value, float) or value == value else "NaN"
    return text if len(text) <= limit else f"{text[:limit - 3]}..."


def _json_type(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


#: one decoder for every profile (json.loads with hooks would build a new one per call)
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constants, parse_int=_integer)
