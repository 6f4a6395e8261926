"""`icitrace scenario`: a Feature, in the step library's sentences, that states what a profile reaches,
what is ruled out and what stays undecided: a regression case to keep, or an exercise to hand out.

The Given is the profile's reasoned fields as a table; the Thens are read from the result, so the
feature passes as written (a test runs every written feature). Echoed text (id, tumour type,
description) goes into comments, where no Gherkin keyword in it can be read as a step.
"""

from __future__ import annotations

import textwrap

from icitrace import __version__
from icitrace.errors import (
    ScenarioError,  # noqa: F401 - defined with the family
)
from icitrace.profile.model import Profile, field_kind, reasoned_fields, show_value
from icitrace.result.model import Result
from icitrace.rulebase.book import RuleBook
from icitrace.text import printable


def write_feature(profile: Profile, result: Result, book: RuleBook, source: str, name: str | None = None,
                  rules_dir: str | None = None) -> str:
    """The feature; ``rules_dir``, when the rules are not the shipped ones, is named so that it is run
    against them."""
    name = _one_line(name or "") or None  # a blank --name is no name
    title = name or _one_line(f"What {result.profile.id} reaches, rules out and leaves undecided")
    about = [f"{label}: {_one_line(value)}" for label, value in
             (("id", profile.id), ("tumour type", profile.tumor_type), ("description", profile.description)) if value]
    lines = [
        *([f"# Run with ICITRACE_RULES={_one_line(rules_dir)} (written against that rule directory)."]
          if rules_dir else []),
        f"# Written by `icitrace scenario` from {_one_line(source)} (icitrace {__version__}, rules "
        f"{book.version}).",
        "# ILLUSTRATIVE ONLY - not for clinical use: a hypothetical profile and one review's ideas.",
        # continuation lines start "# +": a line of text can never read as "# language: xx"
        *(f"# {line}" for text in about for line in textwrap.wrap(text, 98, subsequent_indent="+ ")),
        f"Feature: {_one_line(name or result.profile.id)}",
        "",
        f"  Scenario: {title}",
        *_given(profile),
        "    When the profile is evaluated",
    ]
    thens = _thens(result, book)
    lines += [f"    {'Then' if i == 0 else 'And'} {sentence}" for i, sentence in enumerate(thens)]
    return "\n".join(lines) + "\n"


def _given(profile: Profile) -> list[str]:
    known = profile.known()
    fields = [n for n in reasoned_fields() if n in known]
    if not fields:  # every field unknown: an empty profile, said in a sentence the library has
        return ['    Given the profile field "tmb" is unknown']
    rows = [("field", "value")] + [(n, _cell(n, known[n])) for n in fields]
    widths = [max(len(r[i]) for r in rows) for i in (0, 1)]
    return ["    Given a profile with:"] + [f"      | {a.ljust(widths[0])} | {b.ljust(widths[1])} |" for a, b in rows]


def _cell(name: str, value: object) -> str:
    kind = field_kind(name)
    if kind == "number":  # a band as its text (">=1 <5"), which the table step reads back the same way
        return show_value(value)
    if kind == "bool":
        return "true" if value else "false"
    if kind == "list":
        for item in value:  # type: ignore[attr-defined]
            if "," in item or item != item.strip() or "\r" in item:
                raise ScenarioError(f'field "{name}": the item {item!r} has a comma, a carriage return or blanks '
                                    "at its ends, which a scenario's table (a comma-separated list) cannot keep")
        text = ", ".join(value)  # type: ignore[arg-type]
        if text == "unknown" or (len(text) >= 2 and text[0] == text[-1] == '"'):
            raise ScenarioError(f'field "{name}": the list {value!r} would be read back from a table as '
                                + ("the field being unknown" if text == "unknown" else "without its outer quotes"))
        return _escape(text)
    return _escape(str(value))


def _escape(text: str) -> str:
    """Gherkin table escapes: a backslash, a pipe and a line break are written \\\\, \\| and \\n."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "\\n")


def _one_line(text: str) -> str:
    return printable(" ".join(str(text).split()))


def _thens(result: Result, book: RuleBook) -> list[str]:
    """Findings, then strategies, in the catalogue's order: reached (once per rule), ruled out, undecided."""
    sentences = []
    for kind, ids, verb in (("finding", book.catalog.findings, "inferred"),
                            ("strategy", book.catalog.strategies, "suggested")):
        for cid in ids:
            if reached := result.reached_by(cid):
                sentences += [f'the {kind} "{cid}" is {verb} by rule "{rule}"' for rule in dict.fromkeys(reached)]
            elif result.waiting_for(cid):
                sentences.append(f'the {kind} "{cid}" is undecided')
            else:
                sentences.append(f'the {kind} "{cid}" is ruled out')
    return sentences
