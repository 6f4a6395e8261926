"""A page of terminal text: lines wrapped to a width with hanging indents, styled only on a terminal.

The text renderer writes spans of plain text, each with an optional style; nothing is parsed as markup,
so a profile's text can hold any characters (``printable`` has already shown its control characters).
Wrapping is greedy by words, a word longer than a line is cut, and widths count terminal cells (a wide
East Asian character is two, a combining mark none), so piped output is the same everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: style word -> ANSI SGR code; a span's style is one or more of these words
_SGR = {"bold": "1", "dim": "2", "italic": "3", "yellow": "33", "cyan": "36", "magenta": "35"}
_WORD = re.compile(r"\s*\S+\s*")

Span = str | tuple[str, str]  # plain text, or (text, style words)


class Page:
    def __init__(self, width: int = 100, color: bool = False):
        self.width = width
        self.color = color
        self.lines: list[str] = []

    def blank(self) -> None:
        self.lines.append("")

    def rule(self) -> None:
        self._add(0, [("─" * self.width, "dim")])

    def say(self, indent: int, *spans: Span, hang: int | None = None) -> None:
        """One paragraph, wrapped to the page at ``indent``; continuation lines keep the indent, or take
        ``hang`` (a deeper indent, so that a heading's own words never line up with the next heading)."""
        self._add(indent, [(s, "") if isinstance(s, str) else s for s in spans], indent if hang is None else hang)

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)

    def _add(self, indent: int, spans: list[tuple[str, str]], hang: int | None = None) -> None:
        plain = "".join(text for text, _ in spans)
        # the style of each character (only a coloured page shows them)
        styles = [style for text, style in spans for _ in text] if self.color else []
        hang = indent if hang is None else hang
        for number, (start, end) in enumerate(_breaks(plain, max(1, self.width - indent), max(1, self.width - hang))):
            while end > start and plain[end - 1].isspace():  # trailing blanks help no reader
                end -= 1
            margin = " " * (hang if number else indent)
            self.lines.append(margin + self._styled(plain, styles, start, end) if end > start else "")

    def _styled(self, plain: str, styles: list[str], start: int, end: int) -> str:
        if not self.color:
            return plain[start:end]
        out, position = [], start
        while position < end:
            style, run_end = styles[position], position
            while run_end < end and styles[run_end] == style:
                run_end += 1
            piece = plain[position:run_end]
            codes = ";".join(_SGR[word] for word in style.split())
            out.append(f"\x1b[{codes}m{piece}\x1b[0m" if codes else piece)
            position = run_end
        return "".join(out)


def _breaks(text: str, width: int, rest: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text`` wrapped greedily to ``width`` cells, the lines after the
    first to ``rest`` (a hanging indent leaves them fewer cells)."""
    if len(text) <= width and cells(text) <= width:  # fits whole (most lines): nothing to measure
        return [(0, len(text))]
    rest = width if rest is None else rest
    lines: list[tuple[int, int]] = []

    def close(at: int) -> None:
        nonlocal width
        lines.append((line_start, at))
        width = rest

    line_start, used = 0, 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        needed = cells(word.rstrip())
        if needed <= width - used:
            used += cells(word)
            continue
        if needed > width:  # longer than any line: cut it into line-sized pieces
            if start > line_start:
                close(start)
            line_start, used = start, 0
            for position, char in enumerate(word, start):
                size = cells(char)
                if used + size > width:
                    close(position)
                    line_start, used = position, 0
                used += size
        elif used and start > line_start:
            close(start)
            line_start, used = start, cells(word)
    lines.append((line_start, len(text)))
    return lines


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes."""
    return len(text) if text.isascii() else sum(_cell(c) for c in text)


@lru_cache(maxsize=4096)
def _cell(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
