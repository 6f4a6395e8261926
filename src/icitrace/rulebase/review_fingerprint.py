"""Detecting text copied from the source review, from hashes of its 8-word runs (never its text).

The same measure as the project's pre-stop check: lower-case words of letters and digits, any run of
eight in a row shared with the review counts as copied.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

RUN = 8
FINGERPRINT = Path(__file__).with_name("review_fingerprint.txt")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _hash(run: list[str]) -> str:
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:16]


def shingles(text: str) -> set[str]:
    """The hashes of every 8-word run of ``text``: what the fingerprint file holds of the review. Used by
    ``tests/tools/make_review_fingerprint.py`` alone, and kept here so that the file is written with the
    very words and hash that ``copied_runs`` reads it with."""
    words = _words(text)
    return {_hash(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


@lru_cache(maxsize=1)
def _review() -> frozenset[str]:
    return frozenset(FINGERPRINT.read_text().split()) if FINGERPRINT.exists() else frozenset()


def copied_runs(text: str) -> int:
    """How many 8-word runs of ``text`` also stand in the review."""
    words = _words(text)
    review = _review()
    return sum(_hash(words[i:i + RUN]) in review for i in range(len(words) - RUN + 1))
