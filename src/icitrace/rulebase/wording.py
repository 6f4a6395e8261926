"""Words that would turn a teaching tool into advice: prescriptive or causal phrasing about strategies.

icitrace only ever lists what the review discusses and why a profile led there. The loader refuses
rule and catalogue text that uses these phrasings, and the tests scan every output of every command
with the same pattern.
"""

from __future__ import annotations

import re

PRESCRIPTIVE = re.compile(
    r"\byou should\b|\bshould (?:be )?(?:receive[ds]?|given|treated|start(?:ed)?|used|tried|offered)"
    r"|\brecommend|\badminister|\bstart (?:treatment|therapy)|\bprescrib(?:e|es|ing)\b|\bbe prescribed\b"
    r"|\bprescription|\bgive (?:the )?patient|\btreat (?:the|this) patient|\bwe advise"
    r"|\b(?:is|are|be) indicated\b|\bindicated (?:for|in)\b|\bmust be treated|\bmust receive"
    r"|\bpoints? to\b|\bpointing to\b|\blead(?:s|ing)? to\b|\bmatching candidate|\bapplies (?:where|when)\b"
    r"|\bconsider(?:ing)?\b|\bbe considered\b|\bis warranted\b|\bof choice\b|\bbest (?:option|choice|treatment)\b",
    re.IGNORECASE,
)


def prescriptive(text: str) -> list[str]:
    """The prescriptive phrases in ``text``, as written there."""
    return [m.group(0) for m in PRESCRIPTIVE.finditer(text)]
