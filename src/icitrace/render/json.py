"""JSON as the commands write it: the contract (see docs/json.md), one object per profile and an array
for several, and any other data a command prints as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from icitrace.result.model import Result


def render_json(results: list[Result], *, as_list: bool) -> str:
    return "".join(json_chunks(results, as_list=as_list))


def json_chunks(results: Iterable[Result], *, as_list: bool) -> Iterator[str]:
    """The same text as ``json.dumps(..., indent=2)`` of the object or the array, one result at a time,
    so that a long run of large profiles is never held whole."""
    count = 0
    for result in results:
        text = json.dumps(result.to_json_data(), indent=2, ensure_ascii=False)
        if not as_list:
            yield text + "\n"
            return
        yield ("[\n" if not count else ",\n") + "\n".join("  " + line for line in text.split("\n"))
        count += 1
    if as_list and count:
        yield "\n]\n"


def data_json(data: Any) -> str:
    """Plain data as every command prints it (`rules list`, `bdd steps`, the page's catalogue): indented by
    two, text as written rather than escaped, a line break at the end."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
