"""Tables read by R, for real: R's own `read.csv` as the docs tell researchers to call it, in `Rscript`.

Without R the tests that use this skip, unless ICITRACE_REQUIRE_R=1 (set by .ci/run, which installs
Debian's r-base-core), where a missing R fails them: CI must prove the docs' R line, not skip it.
The outcomes table (issue 24, item 1) is read with ``read_with_r`` too: a test of it passes its CSV and
checks the rows, columns and provenance line as tests/test_r.py does for the wide table.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

#: the docs' line, with the file's path put in; R reads past the provenance comment
READ_CSV = 'read.csv({path}, comment.char = "#")'
#: what the script prints, one item a line (fields tab-separated); NA as R's own NA
SCRIPT = """
path <- commandArgs(trailingOnly = TRUE)[1]
w <- {read}
cat(nrow(w), "\\n", sep = "")
cat(paste(names(w), collapse = "\\t"), "\\n", sep = "")
cat(paste(vapply(w, function(x) class(x)[1], ""), collapse = "\\t"), "\\n", sep = "")
for (name in names(w)) {{
  cells <- ifelse(is.na(w[[name]]), "<NA>", as.character(w[[name]]))
  cat(paste(cells, collapse = "\\t"), "\\n", sep = "")
}}
cat(readLines(path, n = 1, encoding = "UTF-8"), "\\n", sep = "")
"""


@dataclass
class RTable:
    rows: int
    names: list[str]
    classes: dict[str, str]
    columns: dict[str, list[str]]  # each cell as R prints it, "<NA>" for NA
    first_line: str  # the file's first line, as R's readLines reads it


def rscript() -> str:
    """Rscript's path; skips the test without it, or fails it where ICITRACE_REQUIRE_R=1."""
    found = shutil.which("Rscript")
    if found is None:
        if os.environ.get("ICITRACE_REQUIRE_R") == "1":
            pytest.fail("R is needed (apt-get install r-base-core): ICITRACE_REQUIRE_R=1")
        pytest.skip("no R here (apt-get install r-base-core)")
    return found


def read_with_r(path: Path) -> RTable:
    """``path`` read by R's ``read.csv(path, comment.char = "#")``."""
    script = SCRIPT.format(read=READ_CSV.format(path="path"))
    done = subprocess.run([rscript(), "--vanilla", "-e", script, str(path)], capture_output=True, timeout=120,
                          env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    lines = done.stdout.decode("utf-8").split("\n")
    rows, names, classes = int(lines[0]), lines[1].split("\t"), lines[2].split("\t")
    columns = {name: (lines[3 + i].split("\t") if rows else []) for i, name in enumerate(names)}
    return RTable(rows, names, dict(zip(names, classes, strict=True)), columns, lines[3 + len(names)])
