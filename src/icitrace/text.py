"""Text from outside, made safe and comparable: the two functions every path uses.

- ``printable``: what a terminal (or any line-based format) is shown of a string that came from outside
  (a file name, a cell, an id, a group value): control characters are written out, never obeyed.
- ``normal_key``: how text that *names* something is compared (a ``--cutoffs-by`` group, a ``--by``
  group, a map's token, an NA token, a column name): blanks around it set aside and Unicode in one
  form (NFC), so that ``"Melanoma "`` and ``"Melanoma"``, or an accent typed as one character or as
  two, are the same key on every path. The text itself is kept as written wherever it is echoed.
"""

from __future__ import annotations

import unicodedata


def printable(text: str) -> str:
    """Text with its control characters shown, not obeyed: a line break prints as \\n and an escape
    sequence as \\x1b, so that outside text can never restyle a terminal, forge a line, or break a
    format's lines."""
    if text.isprintable():  # nearly always: the character walk below only when there is something to show
        return text
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in text)


def normal_key(text: str) -> str:
    """Text as a key: stripped of blanks at both ends, in Unicode normal form C."""
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)
