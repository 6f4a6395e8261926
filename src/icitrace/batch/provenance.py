"""The provenance line that opens every batch output: what produced the records below it.

An output shared, or concatenated with others, stays traceable: its first line names the icitrace
version, the rules (version and digest), the cut-offs moved for the run, the column map (with its
constants and the fields the cohort never measured) and the per-group cut-off table, each file by a digest
of its bytes. It holds no time or host, so the same run writes the
same bytes.

- jsonl: a record of its own, ``{"icitrace_run": {...}}``, with no ``record`` key;
- csv and wide: a comment line, ``# icitrace_run {...}``, before the header. pandas reads past it with
  ``read_csv(path, comment="#")`` and R with ``read.csv(path, comment.char = "#")``; a cell holding ``#``
  is written quoted, so that neither cuts it there.

icitrace's own readers (``--resume``, the summary of a resumed run) skip these lines wherever they are.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from icitrace import NOT_FOR_CLINICAL_USE, __version__

KEY = "icitrace_run"
_JSON_START = '{"' + KEY + '":'
_COMMENT_START = "# " + KEY + " "
#: lines before the first record of each format: the provenance line, and for tables the header
PREAMBLE = {"jsonl": 1, "csv": 2, "wide": 2}


def provenance(book: Any, column_map: Any = None, group_cutoffs: Any = None,
               group_counts: Any = None) -> dict[str, Any]:
    """What produced a run's records (``book``: the run's rule base, ``--threshold`` applied;
    ``column_map``: the map, named by its file and digest, with its constants and the fields the cohort
    never measured; ``group_counts``: the records of each ``--cutoffs-by`` group, when they were counted
    before the run)."""
    return {
        "icitrace": __version__,
        "rules_version": book.version,
        "rules_digest": book.digest,
        "overrides": [{"cutoff": o.cutoff, "before": o.before, "after": o.after, "unit": o.unit}
                      for o in book.overrides],
        "map": None if column_map is None else {"file": column_map.source, "sha256": _file_digest(column_map.source),
                                                **column_map.described()},
        "cutoffs_by": None if group_cutoffs is None else group_cutoffs.as_data(group_counts),
        "disclaimer": NOT_FOR_CLINICAL_USE,
    }


def provenance_line(fmt: str, data: dict[str, Any]) -> str:
    """The line (without its newline) that opens an output of format ``fmt``."""
    text = json.dumps({KEY: data}, ensure_ascii=False, separators=(",", ":"))
    return text if fmt == "jsonl" else _COMMENT_START + text[len(_JSON_START):-1]


def is_provenance(line: str) -> bool:
    return line.startswith(_JSON_START) or line.startswith(_COMMENT_START)


def read_provenance(line: str) -> dict[str, Any]:
    """The data of a provenance line, either form (batch/parquet.py stores it in the Parquet file's
    metadata)."""
    if line.startswith(_COMMENT_START):
        return json.loads(line[len(_COMMENT_START):])
    return json.loads(line)[KEY]


def _file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
