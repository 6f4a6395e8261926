"""The JSON contract (see docs/json.md): one object per profile, an array for several."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

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
