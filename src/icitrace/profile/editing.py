"""Changing a profile for one run: ``--set FIELD=VALUE`` on the CLI, field steps in Gherkin.

A value written as text is typed the way the profile model types that field; ``unknown`` makes the
field unknown. The changed profile is validated again by the model, so an edit can never smuggle in
what a file could not.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from icitrace.errors import (
    EditError,  # noqa: F401 - defined with the family
    did_you_mean,
)
from icitrace.profile.model import (
    Band,
    Profile,
    band_labels,
    field_kind,
    field_levels,
    reasoned_fields,
)
from icitrace.profile.reading import ProfileError, parse_json, say_error

#: a number as JSON writes one (ASCII digits, an optional fraction and exponent, no sign but "-")
JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", re.ASCII)
_NUM = JSON_NUMBER.pattern
#: a band as ``Band.show`` writes it: ">=1 <5", ">=5", "<1" (a comma may separate the two bounds)
BAND_TEXT = re.compile(rf"(?:>=\s*(?P<at_least>{_NUM}))?\s*,?\s*(?:<\s*(?P<below>{_NUM}))?", re.ASCII)
EDITABLE = reasoned_fields() + ("id", "description", "tumor_type")
UNKNOWN = "unknown"


class Change(BaseModel):
    field: str
    before: Any
    after: Any


def check_field(name: str) -> None:
    if name not in EDITABLE:
        raise EditError(f"unknown profile field `{name}`{did_you_mean(name, EDITABLE, 2)}. Valid: {', '.join(EDITABLE)}")


def typed_value(name: str, text: str) -> Any:
    """``text`` as the model types field ``name`` (quotes optional around words); ``unknown`` is None."""
    check_field(name)
    text = text.strip()
    if text == UNKNOWN:
        return None
    bare = text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text
    kind = field_kind(name) if name in reasoned_fields() else "text"
    if kind == "number":
        # One number grammar for every input path: JSON's (no "1_0", "+5", " 5", other scripts' digits).
        if JSON_NUMBER.fullmatch(bare):
            return float(bare)
        labels = band_labels(name)
        if bare in labels:  # a banded level as the assay reports it ("IC2+"): the band it stands for
            return dict(labels[bare])
        band = _band(bare)
        if band is None:
            levels = f", a level {', '.join(labels)}" if labels else ""
            raise EditError(f'field "{name}" takes a number written as in JSON, such as 9.9, a band such as '
                            f'">=1 <5", ">=5" or "<1"{levels}, or unknown; got {text}')
        return band
    if kind == "bool":
        if bare not in ("true", "false"):
            raise EditError(f'field "{name}" takes true or false, or unknown; got {text}')
        return bare == "true"
    if kind == "list":
        return [item.strip() for item in bare.split(",") if item.strip()]
    if kind == "level" and bare not in field_levels(name):
        raise EditError(f"`{bare}` is not a level of `{name}`{did_you_mean(bare, field_levels(name), 2)}. "
                        f"Valid: {', '.join(field_levels(name))}")
    return bare


def _band(text: str) -> dict | None:
    """Band text (``>=1 <5``) or a JSON object (``{"at_least": 1}``) as the dict the model reads as a band;
    None when it is neither. The model checks the bounds."""
    if text.startswith("{"):
        try:  # the profile reader's JSON: a repeated key or a constant such as NaN is refused, not taken
            value = parse_json(text.encode("utf-8"), "--set")
        except ProfileError as error:
            raise EditError(str(error).removeprefix("--set: ")) from None
        return value
    match = BAND_TEXT.fullmatch(text)
    if not match or not any(match.groupdict().values()):
        return None
    return {key: float(bound) for key, bound in match.groupdict().items() if bound is not None}


def parse_assignment(text: str) -> tuple[str, Any]:
    """``"tmb=12"`` -> ``("tmb", 12.0)``."""
    name, sep, value = text.partition("=")
    if not sep:
        raise EditError(f"expected FIELD=VALUE, got {text!r} (for example --set tmb=12 or --set hypoxia=high)")
    name = name.strip()
    return name, typed_value(name, value)


def apply_changes(profile: Profile, assignments: list[tuple[str, Any]]) -> tuple[Profile, list[Change]]:
    """The edited profile, validated again, and what changed (in the order given); ``EditError`` when
    the edit leaves a profile the model refuses (a CPS below TPS, say)."""
    data = profile.model_dump(exclude_none=True, exclude={"schema_ref"})
    changes = []
    for name, value in assignments:
        before = data.get(name)
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
        changes.append(Change(field=name, before=before, after=value))
    try:
        edited = Profile.model_validate(data, strict=True)
    except ValidationError as error:
        raise EditError(f"after --set: {say_error(error.errors()[0])}") from None
    for change in changes:  # a band as the model holds it, so that every output shows it as a band
        change.before, change.after = (Band(**v) if isinstance(v, dict) else v for v in (change.before, change.after))
    return edited, changes
