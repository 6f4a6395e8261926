"""The JSON contract (see README): one object per profile, an array for several."""

from __future__ import annotations

import json

from icitrace.result.model import Result


def render_json(results: list[Result], *, as_list: bool) -> str:
    data = [r.to_json_data() for r in results]
    return json.dumps(data if as_list else data[0], indent=2, ensure_ascii=False) + "\n"
