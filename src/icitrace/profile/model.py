"""The profile model: the one definition of input format v1.

Every measured field is optional and ``None`` means *unknown*: the tool never fills in a default.
Validation is strict on purpose (durable-rules compares loosely, so ``"12"`` or ``true`` must never
reach it): numbers must be JSON numbers, levels must be the exact lower-case words listed here.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Annotated, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from icitrace.profile.intervals import Interval

MIN_POSITIVE = 0.0001

Cytokine = Literal["low", "normal", "elevated"]
Checkpoint = Literal["low", "normal", "elevated"]
CellPresence = Literal["absent", "present", "abundant"]
Hypoxia = Literal["low", "moderate", "high"]
Acidity = Literal["normal", "acidic"]
Infiltration = Literal["inflamed", "excluded", "desert"]
Presentation = Literal["intact", "reduced", "lost"]
IciHistory = Literal["naive", "primary_resistance", "acquired_resistance"]

_SURROGATE = re.compile("[\ud800-\udfff]")
#: fields that are echoed but never reasoned on
TEXT_FIELDS = ("id", "description", "tumor_type")
#: (smaller, larger): on one sample and assay the first can never exceed the second (CPS counts what
#: TPS counts, and more, over the same cells). The model refuses a profile that breaks it, and the
#: three-valued reading and the lint use it to bound a field that is unknown.
ORDERED_FIELDS = (("pd_l1_tps", "pd_l1_cps"),)
#: the fields that take a number or a band
NUMERIC_FIELDS = ("tmb", "pd_l1_tps", "pd_l1_cps", "pd_l1_ic_sp142")
#: band labels an assay reports, read as the band each stands for wherever the field is read (a profile,
#: ``--set``, a table's cell): the SP142 immune-cell scale as IMvigor210 reported it (outside knowledge:
#: Rosenberg et al., Lancet 2016; IC2/3 is that paper's name for IC2+). A label is the assay's own
#: scale, not a cut-off: it keeps its meaning when a run moves a rule's line.
BAND_LABELS: dict[str, dict[str, dict[str, float]]] = {
    "pd_l1_ic_sp142": {"IC0": {"below": 1}, "IC1": {"at_least": 1, "below": 5}, "IC2+": {"at_least": 5},
                       "IC2/3": {"at_least": 5}},
}


def _band_schema(schema: dict) -> None:
    """The schema of a band as the model reads it (``read_band``): one bound or both, numbers, nothing
    else. Each field's own range bounds them; JSON Schema cannot say that once for three fields."""
    schema["description"] = ("a value known only as a range: at_least <= value < below; give one bound or both, "
                             "numbers within the field's own range, at_least smaller than below")
    for bound in ("at_least", "below"):
        schema["properties"][bound] = {"type": "number", "description": schema["properties"][bound]["description"]}
    schema["minProperties"], schema["additionalProperties"] = 1, False


class Band(BaseModel):
    """A numeric value known only as a range: ``at_least <= value < below`` (either bound may be open).

    Assays are often reported this way (PD-L1 as TC0 / TC1 / TC2+, meaning < 1 %, 1-5 %, >= 5 %). A rule
    on a banded field decides only when the whole band lies on one side of its cut-off; otherwise it stays
    undecided, as for an unknown field. The bounds have the cut-offs' own semantics: ``at_least`` is
    inclusive and ``below`` exclusive, so ``{"below": 1}`` is exactly "PD-L1 below 1 %".
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, json_schema_extra=_band_schema)

    at_least: float | None = Field(None, description="the value is at least this (inclusive)")
    below: float | None = Field(None, description="the value is below this (exclusive)")

    def span(self) -> tuple[float, float]:
        """(lowest, highest) with the highest open: the band is lowest <= value < highest."""
        return (-math.inf if self.at_least is None else self.at_least,
                math.inf if self.below is None else self.below)

    def show(self) -> str:
        """As people write a band: ``>=5``, ``<1``, ``>=1 <5`` (also the text ``--set`` reads back)."""
        return " ".join(([f">={show_number(self.at_least)}"] if self.at_least is not None else [])
                        + ([f"<{show_number(self.below)}"] if self.below is not None else []))

    @model_serializer
    def _bounds_given(self) -> dict[str, float]:
        # A band prints as it was written: an open side is left out, never written as null.
        return {k: v for k, v in (("at_least", self.at_least), ("below", self.below)) if v is not None}


#: what a numeric field holds: a number or a band
Numeric = float | Band


def Amount(least: float, most: float, labels: tuple[str, ...] = ()) -> object:  # noqa: N802 (reads as a type)
    """A numeric field's type: a number from ``least`` to ``most``, or a band (checked by ``read_band``), or
    one of the field's band ``labels`` (``BAND_LABELS``; listed so that the JSON Schema offers them)."""
    number = Annotated[float, Field(ge=least, le=most)] | Band
    return number | Literal[labels] if labels else number  # type: ignore[valid-type]


def band_labels(field: str) -> dict[str, dict[str, float]]:
    """The band labels field ``field`` reads (label -> the band's bounds); {} for most fields."""
    return BAND_LABELS.get(field, {})


def read_band(field: str, value: dict) -> Band:
    """A JSON object given for numeric ``field`` as a band, with an error that says what a band is."""
    least, most = field_bounds(field)
    shape = ('a band is {"at_least": X}, {"below": Y} or both, with X < Y, numbers from '
             f"{show_number(least)} to {show_number(most)}")
    if not value or set(value) - {"at_least", "below"}:
        raise PydanticCustomError("band", f"{shape}; got {{got}}", {"got": _json(value)})
    for bound in value.values():
        if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not math.isfinite(bound) \
                or not least <= bound <= most or 0 < bound < MIN_POSITIVE:
            raise PydanticCustomError("band", f"{shape} (0 or at least {MIN_POSITIVE}); got {{got}}",
                                      {"got": _json(value)})
    band = Band(**{k: float(v) + 0.0 for k, v in value.items()})
    low, high = band.span()
    if low >= high:
        raise PydanticCustomError("band", f"{shape}; got {{got}}, which holds no value", {"got": _json(value)})
    if band.below == least:
        raise PydanticCustomError("band", f"{shape}; got {{got}}, which holds no value {field} can take",
                                  {"got": _json(value)})
    return band


class Narrowed:
    """A band as the profile's other fields narrow it (CPS is never below TPS, TPS never above CPS): the
    band as given, the values it can still take (``low <= value``, ``value < high`` when ``open_high``,
    else ``value <= high``), and why in words. A TPS of 60 makes a CPS band ``>=5 <70`` read as
    ``>=60 <70``: knowing the TPS must never leave the CPS less decided than an unknown CPS would be."""

    __slots__ = ("band", "high", "low", "open_high", "why")

    def __init__(self, band: Band, low: float, high: float, open_high: bool, why: str):
        self.band, self.low, self.high, self.open_high, self.why = band, low, high, open_high, why

    def show(self) -> str:
        """``>=5 <70, so >=60 <70 as pd_l1_cps is never below pd_l1_tps 60``."""
        bounds = ([f">={show_number(self.low)}"] if math.isfinite(self.low) else []) + (
            [f"{'<' if self.open_high else '<='}{show_number(self.high)}"] if math.isfinite(self.high) else [])
        return f"{self.band.show()}, so {' '.join(bounds)} as {self.why}"


def interval_of(value: float | Band | Narrowed) -> Interval:
    """The values a known numeric value allows: a number is its own interval, a band's top is open."""
    if isinstance(value, Band):
        return Interval(*value.span(), high_open=True)
    if isinstance(value, Narrowed):
        return Interval(value.low, value.high, value.open_high)
    return Interval.at(value)


def as_numeric(value: float | dict) -> float | Band:
    """A numeric value as profile data holds it (a number, or a band's dict) as the model holds it."""
    return Band(**value) if isinstance(value, dict) else value


def always_below(first: float | Band, second: float | Band) -> bool:
    """Whether every value ``first`` allows is below every value ``second`` allows."""
    return interval_of(first).below(interval_of(second))


def _json(value: object) -> str:
    import json

    # backslashreplace: a lone surrogate (a band key "\ud800") must still make a message that encodes
    return json.dumps(value, ensure_ascii=False, default=str).encode("utf-8", "backslashreplace").decode()[:80]


class Profile(BaseModel):
    """A hypothetical tumour profile. Absent or null fields are unknown, never assumed."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        populate_by_name=True,
        title="icitrace profile (format v1)",
        json_schema_extra={
            "description": (
                "A hypothetical tumour profile for icitrace. Illustrative only, not for clinical use: "
                "no names, dates of birth, record numbers or other identifying data belong here. "
                "Every field is optional; absent or null means unknown."
            )
        },
    )

    schema_ref: str | None = Field(None, alias="$schema", description="optional JSON Schema reference")
    id: str | None = Field(None, description="profile id; defaults to the file's stem", max_length=200)
    description: str | None = Field(None, description="free text, echoed, never reasoned on")
    tumor_type: str | None = Field(None, description="free text, echoed, never reasoned on")

    tmb: Amount(0, 10_000) | None = Field(None, description="tumour mutational burden, mutations per megabase")
    pd_l1_tps: Amount(0, 100) | None = Field(None, description="PD-L1 tumour proportion score, %")
    pd_l1_cps: Amount(0, 100) | None = Field(None, description="PD-L1 combined positive score (capped at 100)")
    pd_l1_ic_sp142: Amount(0, 100, tuple(BAND_LABELS["pd_l1_ic_sp142"])) | None = Field(
        None,
        description=(
            "PD-L1 on tumour-infiltrating immune cells by the SP142 assay (IC score): the % of the tumour area "
            "covered by PD-L1-stained immune cells, 0 to 100. The banded levels read as they are: IC0 (< 1 %), "
            "IC1 (1 to < 5 %), IC2+ or IC2/3 (>= 5 %). Not interchangeable with a 22C3 TPS or CPS (another "
            "antibody, other cells, another denominator): give each score in its own field."
        ),
    )
    il10: Cytokine | None = Field(None, description="IL-10 level")
    tgf_beta: Cytokine | None = Field(None, description="TGF-beta level")
    tim3: Checkpoint | None = Field(None, description="TIM-3 expression")
    lag3: Checkpoint | None = Field(None, description="LAG-3 expression")
    vista: Checkpoint | None = Field(None, description="VISTA expression")
    tregs: CellPresence | None = Field(None, description="regulatory T cells")
    mdscs: CellPresence | None = Field(None, description="myeloid-derived suppressor cells")
    hypoxia: Hypoxia | None = Field(None, description="tumour hypoxia")
    acidity: Acidity | None = Field(None, description="tumour microenvironment acidity")
    t_cell_infiltration: Infiltration | None = Field(None, description="immune phenotype")
    mhc_class_i: Presentation | None = Field(None, description="MHC class I expression")
    tumor_antigens: Presentation | None = Field(None, description="tumour-associated antigen expression")
    oncogenic_alterations: list[str] | None = Field(
        None, description='oncogenic pathway alterations, e.g. "WNT/beta-catenin activation"; [] = none found'
    )
    epigenetic_silencing: bool | None = Field(None, description="immune-related genes silenced epigenetically")
    ici_history: IciHistory | None = Field(
        None,
        description=(
            "Clinical history on checkpoint inhibitors, in the SITC Immunotherapy Resistance Taskforce's terms "
            "(Kluger et al., J Immunother Cancer 2020;8:e000398): naive = none given; primary_resistance = at least "
            "6 weeks of drug with progression, or stable disease lasting under 6 months, as the best response; "
            "acquired_resistance (SITC: secondary) = at least 6 months of drug with an objective response or stable "
            "disease over 6 months, then progression. This clinical timing is not the review's mechanistic "
            "'adaptive' resistance."
        ),
    )

    @field_validator(*NUMERIC_FIELDS, mode="before")
    @classmethod
    def _band(cls, value: object, info: ValidationInfo) -> object:
        name = info.field_name
        if isinstance(value, str) and value in band_labels(name):  # type: ignore[arg-type]
            value = band_labels(name)[value]  # type: ignore[arg-type]  # a label is the band it stands for
        return read_band(name, value) if isinstance(value, dict) else value  # type: ignore[arg-type]

    @field_validator(*NUMERIC_FIELDS)
    @classmethod
    def _finite(cls, value: Numeric | None) -> Numeric | None:
        if isinstance(value, Band):
            return value
        # NaN matches nothing in the engine and Infinity crashes it (docs/durable-rules.md): refuse both here.
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        # Measured: the C engine rejects numbers that JSON writes in exponent form (1e-05, error 204).
        # No assay reports below 0.0001, so such values are refused rather than rounded.
        if value is not None and 0 < value < MIN_POSITIVE:
            raise ValueError(f"must be 0 or at least {MIN_POSITIVE} (smaller values are below any assay's resolution)")
        return None if value is None else value + 0.0  # -0.0 is 0: it must never print as "-0"

    @field_validator("id", "description", "tumor_type", "oncogenic_alterations")
    @classmethod
    def _unicode(cls, value: str | list[str] | None) -> str | list[str] | None:
        # A lone UTF-16 surrogate ("\ud800" in JSON) is not Unicode text: the C engine fails on it
        # (error 309, docs/durable-rules.md) and no output can print it. Refused here, so it reaches nothing.
        for text in [value] if isinstance(value, str) else value or []:
            bad = _SURROGATE.search(text)
            if bad:
                raise PydanticCustomError("text_not_unicode", "holds a lone UTF-16 surrogate ({code}); text must be "
                                          "valid Unicode", {"code": f"\\u{ord(bad.group()):04x}"})
        return value

    @model_validator(mode="after")
    def _cps_not_below_tps(self) -> Profile:
        # CPS counts every PD-L1-positive tumour cell that TPS counts, plus positive immune cells, over the
        # same viable tumour cells: on one sample and assay it can never be the smaller of the two.
        # With bands, refused only when every value the CPS band allows is below every value of the TPS's.
        if self.pd_l1_tps is not None and self.pd_l1_cps is not None and always_below(self.pd_l1_cps, self.pd_l1_tps):
            raise ValueError(
                f'fields "pd_l1_cps" and "pd_l1_tps": a CPS of {show_value(self.pd_l1_cps)} below a TPS of '
                f'{show_value(self.pd_l1_tps)} '
                "cannot come from one sample and assay (CPS counts the PD-L1-positive tumour cells that TPS counts, "
                "plus positive lymphocytes and macrophages, over the same viable tumour cells); give both from the "
                "same test, or leave one unknown")
        return self

    def known(self) -> dict[str, object]:
        """The reasoned-on fields whose value is known, in model order."""
        values = self.__dict__  # a pydantic model keeps its field values here: read once per field
        return {name: values[name] for name in reasoned_fields() if values[name] is not None}

    def has_band(self) -> bool:
        """Whether a numeric field is a band (the engine then needs the ruleset that reads bands)."""
        values = self.__dict__
        return any(isinstance(values[name], Band) for name in NUMERIC_FIELDS)

    def bands(self) -> dict[str, Band]:
        """The numeric fields known only as a band."""
        return {name: value for name, value in self.known().items() if isinstance(value, Band)}

    def unknown(self) -> list[str]:
        """The reasoned-on fields left unknown, in model order."""
        values = self.__dict__
        return [name for name in reasoned_fields() if values[name] is None]


def field_bounds(name: str) -> tuple[float, float]:
    """The range the model allows a numeric field."""
    numbers = [a for a in get_args(Profile.model_fields[name].annotation) if get_origin(a) is Annotated]
    meta = [m for number in numbers for info in get_args(number)[1:] for m in info.metadata]
    least = next((m.ge for m in meta if hasattr(m, "ge")), -math.inf)
    most = next((m.le for m in meta if hasattr(m, "le")), math.inf)
    return least, most


def order_bounds(name: str, known: dict[str, object]) -> tuple[Interval, str, str]:
    """The interval the known fields put numeric field ``name`` in through ``ORDERED_FIELDS``, exactly, and
    why, for its low and its high end ("" where nothing bounds that end). A lower bound is inclusive
    (CPS >= TPS >= the TPS's lowest); an upper one is closed from a number (TPS <= CPS 40) and open from a
    band's open top (TPS <= CPS < 40)."""
    bound, low_why, high_why = Interval(), "", ""
    for smaller, larger in ORDERED_FIELDS:
        other = known.get(smaller if name == larger else larger if name == smaller else "")
        if other is None:
            continue
        of = interval_of(other)  # type: ignore[arg-type]
        shown = show_value(other)
        if name == larger and of.low > bound.low:
            bound, low_why = bound.meet(Interval(low=of.low)), f"{larger} is never below {smaller} {shown}"
        if name == smaller and (of.high, not of.high_open) < (bound.high, not bound.high_open):
            bound = bound.meet(Interval(high=of.high, high_open=of.high_open))
            high_why = f"{smaller} is never above {larger} {shown}"
    return bound, low_why, high_why


def possible(name: str, known: dict[str, object]) -> tuple[Interval, str]:
    """The values numeric field ``name`` can take, given the profile: its own value (a number, a band) or,
    unknown, the model's range, narrowed by every bound the other known fields imply; and why in words,
    naming only the bounds that narrowed it ("" for none). The one narrowing of the three-valued reading
    and of the fact the engine sees (``engine.facts``)."""
    value = known.get(name)
    if value is not None and not isinstance(value, Band):
        return Interval.at(value), ""  # type: ignore[arg-type]  # a number is exact: the model checked it
    own = interval_of(value) if value is not None else Interval(*field_bounds(name))
    bound, low_why, high_why = order_bounds(name, known)
    why = []
    if bound.low > own.low:
        why.append(low_why)
    if (bound.high, not bound.high_open) < (own.high, not own.high_open):
        why.append(high_why)
    return own.meet(bound), " and ".join(why)


def narrowed(name: str, known: dict[str, object]) -> object:
    """A known field's value as the reading tests it: a band narrowed by the other fields (``Narrowed``),
    or the value itself when nothing narrows it (a number, or a band no other field bounds)."""
    value = known[name]
    if not isinstance(value, Band):
        return value
    interval, why = possible(name, known)
    return Narrowed(value, interval.low, interval.high, interval.high_open, why) if why else value


def implied_bounds(name: str, known: dict[str, object]) -> tuple[float, float, str]:
    """The range an unknown numeric field can still take, given the known ones, and why in words
    ("" when only the model's own range applies). The top is given as reachable even when it is a band's
    open top: a bound that is a little loose only ever rules out less (``possible`` has it exactly)."""
    interval, why = possible(name, {k: v for k, v in known.items() if k != name})
    return interval.low, interval.high, why


def show_value(value: object) -> str:
    """A value as people write it: 10 not 10.0, true not True, lists comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return show_number(value)
    if isinstance(value, (Band, Narrowed)):
        return value.show()
    if isinstance(value, list):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    return str(value)


def show_number(value: float) -> str:
    """A number as it was given: 10 not 10.0, 99.99999 not 100 (every digit the input had)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


@lru_cache(maxsize=1 << 16)  # the engine's fact and the three-valued reading both ask, per profile
def normal_item(text: str) -> str:
    """A list item as rules compare it: case, Greek beta and punctuation set aside
    ("WNT/β-Catenin activation" and "wnt beta catenin activation" are the same item)."""
    text = text.casefold().replace("β", "beta")
    return " ".join(re.findall(r"[^\W_]+", text))


@lru_cache(maxsize=1)
def reasoned_fields() -> tuple[str, ...]:
    """Fields the rules may reason on (everything but the echoed text fields)."""
    return tuple(n for n in Profile.model_fields if n not in TEXT_FIELDS and n != "schema_ref")


def field_kind(name: str) -> str:
    """'number', 'level', 'list' or 'bool' for a reasoned-on field."""
    arm = _value_type(name)
    if arm is float:
        return "number"
    if arm is bool:
        return "bool"
    if get_origin(arm) is list:
        return "list"
    return "level"


def field_levels(name: str) -> tuple[str, ...]:
    """The allowed words of a level field, in their natural order; () for other kinds."""
    arm = _value_type(name)
    return tuple(get_args(arm)) if get_origin(arm) is Literal else ()


def _value_type(name: str) -> object:
    """The annotation of a field without its ``| None`` (a numeric field's: float, its first arm)."""
    arm = next(a for a in get_args(Profile.model_fields[name].annotation) if a is not type(None))
    return get_args(arm)[0] if get_origin(arm) is Annotated else arm
