"""Plain text fitted to a width: piped output is 100 columns in every command."""

from __future__ import annotations

import textwrap

WIDTH = 100


def fit(text: str, width: int = WIDTH) -> str:
    """Each line longer than ``width`` wrapped, its continuation indented two more than the line."""
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        out.extend(textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False,
                                 break_long_words=False))
    return "\n".join(out)
