"""One record to its output line: the profile read (JSON, a table row, a row through a map), judged by
the run's cut-offs (or its group's, ``--cutoffs-by``), evaluated, and written in the run's format. Any
problem with the record becomes an error line in its place, so records in always equal records out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from icitrace import NOT_FOR_CLINICAL_USE
from icitrace.batch.column_map import ColumnMap
from icitrace.batch.formats import Outcome, line
from icitrace.batch.group_cutoffs import GroupCutoffs
from icitrace.batch.inputs import Record, row_to_data
from icitrace.engine.durable import EngineError
from icitrace.pipeline import evaluate_fired, evaluate_validated, rulebook
from icitrace.profile.editing import EditError
from icitrace.profile.reading import ProfileError, check_size, parse_json, validate
from icitrace.reasoning.verdicts import assess
from icitrace.rulebase.book import with_overrides


@dataclass(frozen=True)
class Settings:
    """What a run writes and how it judges: the options every record is evaluated under (picklable: it
    travels to each worker)."""

    rules_dir: str | None = None
    thresholds: tuple[tuple[str, float], ...] = ()
    fmt: str = "jsonl"  # or "csv", or "wide" (a column per finding and strategy: 1, 0 or empty)
    full: bool = False  # the whole JSON contract per record instead of the compact record
    summary: bool = False  # send per-record outcomes back for the cohort summary
    wide_width: int = 0  # `wide`: how many finding and strategy columns (an error row fills them empty)
    column_map: ColumnMap | None = None  # `--map`: how a table's columns read as profile fields
    group_cutoffs: GroupCutoffs | None = None  # `--cutoffs-by`: cut-offs per group of a column
    #: `--cutoffs-by`: records per group value, counted before the run (None: not counted, stdin)
    group_counts: dict[str, int] | None = None
    #: `wide`: also hand back each rule's verdict (`icitrace outcomes --every-rule`)
    rule_verdicts: bool = False


def book_for(settings: Settings, group: str | None = None):  # noqa: ANN202
    """The run's rule base, or a group's: the shipped cut-offs moved by --threshold, then by the group's
    row of the --cutoffs-by table. Kept by the values moved, not by the group; groups whose cut-offs
    come out alike share one compiled ruleset and engine however they were written (``pipeline.compiled``
    keys them by the value of every cut-off)."""
    moved = dict(settings.thresholds)
    if settings.group_cutoffs is not None:
        moved |= settings.group_cutoffs.overrides(group)
    return _moved_book(settings.rules_dir, tuple(moved.items()))  # in order: the record echoes its overrides


@lru_cache(maxsize=64)  # a few KB each (the moved cut-offs; rules and catalogue are shared)
def _moved_book(rules_dir: str | None, moved: tuple[tuple[str, float], ...]):  # noqa: ANN202
    return with_overrides(rulebook(rules_dir), dict(moved))  # built once per cut-off set and process


def process(record: Record, book: Any, settings: Settings) -> Outcome:
    """One record to one output line; any problem with the record becomes an error line."""
    try:
        if record.kind == "error":
            raise ProfileError(record.where, str(record.payload))
        if record.kind == "json":
            data = parse_json(check_size(record.payload.rstrip(b"\r\n"), record.where), record.where)
        else:
            data = _row(record, settings.column_map)
        profile = validate(data, record.where, default_id=record.default_id)
        unknown = profile.unknown()
        if settings.group_cutoffs is not None:
            group = _group(record, profile, settings)
            book = book_for(settings, group)
            judged_by = settings.group_cutoffs.overrides(group)
        # the three-valued reading, only where it is needed: wide's 0 / empty cells, the summary's deciding
        verdicts = assess(book, profile) if settings.fmt == "wide" or settings.summary else None
        if settings.fmt == "wide":
            findings, strategies = evaluate_fired(profile, book)
            payload = {"record": record.where, "ok": True, "id": profile.id, "unknown": unknown,
                       "cells": _wide_cells(book, verdicts, findings, strategies)}
        elif settings.full:
            result = evaluate_validated(profile, book)  # validated just above
            findings = {f.id: [x.rule for x in result.findings if x.id == f.id] for f in result.findings}
            strategies = {s.id: s.rules for s in result.strategies}
            payload: dict[str, Any] = {"record": record.where, "ok": True, "result": result.to_json_data()}
        else:
            findings, strategies = evaluate_fired(profile, book)
            payload = {"record": record.where, "ok": True, "id": profile.id, "findings": findings,
                       "strategies": strategies, "unknown": unknown}
        outcome = Outcome("", True, list(findings), list(strategies), unknown,
                          deciding=_deciding(verdicts) if settings.summary else None,
                          rules={r: v.holds for r, v in verdicts.items()} if settings.rule_verdicts else None)
        if settings.group_cutoffs is not None:
            payload["cutoffs"] = judged_by
    except (ProfileError, EngineError, EditError, ValueError) as error:
        message = str(error) if isinstance(error, ProfileError) else f"{record.where}: {error}"
        payload = {"record": record.where, "ok": False, "error": _bounded(message)}
        outcome = Outcome("", False)
    if settings.column_map is not None:  # its id and kept columns, error records too (a torn line: empty)
        row = record.payload if isinstance(record.payload, dict) else None
        if not payload["ok"]:
            payload = {**payload, "id": settings.column_map.record_id(row)}
        payload["keep"] = outcome.keep = settings.column_map.kept(row)
    outcome.line = line(payload | {"disclaimer": NOT_FOR_CLINICAL_USE}, settings)
    return outcome


#: an error record's message is cut here: a cell quoted in it, or a long list of tokens, must not make one
#: bad record's line larger than many good ones
MAX_ERROR = 2_000


def _bounded(message: str) -> str:
    if len(message) <= MAX_ERROR:
        return message
    return f"{message[:MAX_ERROR]}... ({len(message) - MAX_ERROR:,} more characters cut)"


def _group(record: Record, profile: Any, settings: Settings) -> str | None:
    """The record's group for --cutoffs-by: a kept column of the map, or the profile's tumor_type."""
    column = settings.group_cutoffs.column  # type: ignore[union-attr]
    if settings.column_map is not None and column in settings.column_map.keep:  # compared as a key by GroupCutoffs
        return settings.column_map.kept(record.payload if isinstance(record.payload, dict) else None)[column]
    return profile.tumor_type


def _deciding(verdicts: Any) -> dict[str, int]:
    """Field -> how many undecided rules it alone would settle (the summary's deciding unknowns)."""
    return dict(Counter(v.missing[0] for v in verdicts.values() if v.holds is None and len(v.missing) == 1))


def _wide_cells(book: Any, verdicts: Any, findings: dict, strategies: dict) -> list[str]:
    """Per finding, then per strategy: "1" reached, "0" decided not reached (every rule that concludes
    it is decided not to fire), "" undecided (one of them waits on an unknown field)."""
    waiting = {rule.then.id for rule in book.rules if verdicts[rule.id].holds is None}
    return ["1" if cid in reached else "" if cid in waiting else "0"
            for ids, reached in ((book.catalog.findings, findings), (book.catalog.strategies, strategies))
            for cid in ids]


def _row(record: Record, column_map: ColumnMap | None) -> dict:
    if isinstance(record.payload, str):  # the line is not one whole CSV row
        raise ProfileError(record.where, record.payload)
    try:
        if column_map is not None:
            return column_map.profile_data(record.payload)  # type: ignore[arg-type]
        return row_to_data(record.payload)  # type: ignore[arg-type]
    except (EditError, ValueError) as error:
        raise ProfileError(record.where, str(error)) from None
