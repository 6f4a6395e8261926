"""Profile data handed over in Python, checked to be what a JSON file could hold before the model sees it.

A file can only give JSON values; the Python API, a DataFrame cell or a YAML map can give anything (a
set, a date, an int of 5,000 digits, a list that holds itself). The model's error messages quote what
they got as JSON, so such a value must be refused here, naming the field, never passed on to crash
the message. The walk is iterative and stops at the depth a file may have (``MAX_DEPTH``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from icitrace.profile.model import Profile, reasoned_fields
from icitrace.profile.reading import MAX_DEPTH, ProfileError, expectation

#: the longest integer a profile file may hold (``reading._integer``): about 30 digits
MAX_INT_BITS = 100


def profile_data(profile: object, name: str) -> dict[str, Any]:
    """``profile`` (a mapping, or a ``Profile`` however it was built) as plain data for the model to
    validate; a ``ProfileError`` naming ``name`` and the field for anything a JSON file could not hold.

    A ``Profile`` instance is taken apart, not trusted: ``model_copy(update=...)``, ``model_construct``
    and plain assignment all skip validation (so it validates at the boundary, whatever type arrives)."""
    if isinstance(profile, Profile):
        data: dict[Any, Any] = {**profile.__dict__, **(profile.__pydantic_extra__ or {})}
        data = {key: _unmodel(value) for key, value in data.items()}
    elif isinstance(profile, Mapping):
        data = dict(profile)
    else:
        raise ProfileError(name, f"expected a profile (a dict or icitrace.Profile), got {kind(profile)}")
    for key, value in data.items():
        if key not in _FIELDS:  # the model names an unknown field without quoting its value
            continue
        why = problem(value)
        if why:
            raise ProfileError(name, f'field "{key}": expected {_takes(key)}, got {why}')
    return data


def problem(value: object) -> str:
    """What in ``value`` a JSON file could not hold, in words ("" when nothing): a type JSON lacks, a
    mapping with a key that is not text, an integer of more than 30 digits, nesting past MAX_DEPTH."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if item is None or isinstance(item, (bool, float, str)):
            continue
        if isinstance(item, int):
            if item.bit_length() > MAX_INT_BITS:
                return "a number of more than 30 digits, which icitrace does not accept"
            continue
        if isinstance(item, (list, tuple, dict)):
            if depth > MAX_DEPTH:
                return "a value nested too deeply; a profile is a flat JSON object"
            if isinstance(item, dict):
                if not all(isinstance(k, str) for k in item):
                    return "an object with a key that is not text"
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
            continue
        return kind(item) if item is value else f"{kind(value)} holding {kind(item)}"
    return ""


def kind(value: object) -> str:
    """A value's type in words for a message ("a str", "None"); never the value, which may be huge."""
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


_FIELDS = frozenset([*Profile.model_fields, "$schema"])


def _unmodel(value: object) -> object:
    """A band as the dict a file would give (its bounds unchecked: the model checks them again)."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return {k: v for k, v in value.__dict__.items() if v is not None}
    return value


def _takes(field: str) -> str:
    if field in reasoned_fields():
        return expectation(field)
    return "text (a string)"
