"""The human rationale: disclaimer first, then findings, strategies, unknowns and the trace.

Pure presentation of a ``Result``: no reasoning happens here. Lines are laid out by ``render.page``
(styled only on a terminal), and every piece of user text passes through ``printable`` first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from icitrace.profile.model import Band, show_value
from icitrace.reasoning.borderline import ASSAY_NOTE, Borderline
from icitrace.reasoning.explain import Explanation
from icitrace.render.page import Page
from icitrace.render.prose import (
    CHAIN_NOTE,
    OUTSIDE_NOTE,
    REFERENCES_NOTE,
    STRATEGY_NOTE,
    UNKNOWNS_NOTE,
    caveat_line,
    cites,
    closeness,
    explanation_lines,
    maturity_line,
    split_references,
)
from icitrace.result.model import FindingOut, Result, StrategyOut
from icitrace.text import printable


def render_text(results: list[Result], *, color: bool = False, width: int = 100, brief: bool = False) -> str:
    """The full rationale of each result; ``brief`` leaves out the summaries and rule explanations."""
    return "".join(text_chunks(results, color=color, width=width, brief=brief))


def render_explanation_text(result: Result, *, color: bool = False, width: int = 100) -> str:
    """Only the why / why-not part (``icitrace explain``), with the disclaimer and what was changed."""
    def body(out: Page, r: Result) -> None:
        _header(out, r)
        out.say(0, ("Profile", "bold"), f" {printable(r.profile.id)}")
        _changes(out, r)
        for e in r.why_not or []:
            _why(out, e)
    return "".join(_render([result], body, color, width))


def text_chunks(results: Iterable[Result], *, color: bool = False, width: int = 100,
                brief: bool = False) -> Iterator[str]:
    """The rationale of each result as it comes (the first line of each after the first is a rule):
    ``render_text`` joined, for output that is written while later profiles are still evaluated."""
    return _render(results, lambda out, r: _one(out, r, brief), color, width)


def _render(results: Iterable[Result], body: Callable[[Page, Result], None], color: bool,
            width: int) -> Iterator[str]:
    for index, result in enumerate(results):
        page = Page(width, color)
        if index:
            page.blank()
            page.rule()
        body(page, result)
        yield page.text()


def _header(out: Page, r: Result) -> None:
    out.say(0, (printable(r.disclaimer), "bold yellow"))
    out.say(0, (f"icitrace {r.icitrace_version} | rules {r.rules_version} ({r.rules_digest})", "dim"))
    for o in r.overrides:
        out.say(0, ("cut-off changed for this run:", "bold"), f" {o.cutoff} {show_value(o.before)} -> "
                f"{show_value(o.after)} {printable(o.unit)}")
    out.blank()


def _changes(out: Page, r: Result) -> None:
    for c in r.changed_fields:
        out.say(2, ("changed for this run:", "bold"),
                f" {c.field} {printable(_or_unknown(c.before))} -> {printable(_or_unknown(c.after))}")


def _why(out: Page, e: Explanation) -> None:
    out.blank()
    out.say(0, (f"Why{'' if e.holds else ' not'}:", "bold"), f" {e.id}  {printable(e.label)}")
    for indent, line in explanation_lines(e):
        out.say(indent, printable(line))


def _one(out: Page, r: Result, brief: bool) -> None:
    p = r.profile
    _header(out, r)
    out.say(0, ("Profile", "bold"), f" {printable(p.id)}")
    if p.description:
        out.say(2, printable(p.description))
    if p.tumor_type:
        out.say(2, f"tumour type: {printable(p.tumor_type)}")
    _changes(out, r)
    known = ", ".join(f"{k} {show_value(v)}" for k, v in p.values.items()) or "none"
    out.say(2, f"known:   {printable(known)}")
    out.say(2, f"unknown: {', '.join(p.unknown) or 'none'}")

    out.blank()
    ids = list(dict.fromkeys(f.id for f in r.findings))
    out.say(0, ("Findings", "bold"), f" ({len(ids)})" + ("" if ids else ": none derived from the known values"))
    near = {rule: b for b in r.borderline for rule in b.rules}
    for fid in ids:
        group = [f for f in r.findings if f.id == fid]
        _finding(out, group, near, brief)

    out.blank()
    out.say(0, ("Candidate strategies named in the review", "bold"), f" ({len(r.strategies)})"
            + ("" if r.strategies else ": none"))
    for s in r.strategies:
        _strategy(out, s, brief)
    if r.strategies:
        out.say(2, (STRATEGY_NOTE, "italic"))
        out.say(2, (CHAIN_NOTE, "italic"))

    if r.borderline:
        out.blank()
        out.say(0, ("Borderline values", "bold"), f" ({len(r.borderline)})")
        for b in r.borderline:
            fired = ", ".join(f"{rule} {'fired' if did else 'did not fire'}" for rule, did in b.rules.items())
            out.say(2, f"{printable(closeness(b))}: {fired}")
            if b.margin_reason and not brief:
                out.say(4, (f"why this margin: {printable(b.margin_reason)}", "dim"))
        out.say(2, (ASSAY_NOTE, "italic"))

    out.blank()
    banded = any(isinstance(v, Band) for v in r.profile.values.values())
    out.say(0, ("Not evaluated", "bold"), f" ({len(r.not_evaluated)} rules undecided because a field is unknown"
            + (" or known only as a band across a cut-off)" if banded else ")")
            + ("" if r.not_evaluated else ": none"))
    if r.next_measurements:
        out.say(2, (UNKNOWNS_NOTE, "italic"))
    for m in r.next_measurements:
        out.say(2, f"- {printable(m.sentence)}")
        out.say(4, (f"rules: {', '.join(m.rules)}", "dim"))

    for e in r.why_not or []:
        _why(out, e)

    out.blank()
    out.say(0, ("Trace", "bold"), f" ({len(r.trace)} firings, in engine order)")
    for t in r.trace:
        out.say(2, f"{t.step:>2}. {t.rule} -> {t.kind} {t.concludes}")

    _references(out, r)


def _finding(out: Page, group: list[FindingOut], near: dict[str, Borderline], brief: bool) -> None:
    first = group[0]
    out.say(2, (first.id, "bold cyan"), f"  {printable(first.label)}  ", (f"[{first.kind}]", "dim"))
    if not brief:
        out.say(4, printable(first.summary))
    for f in group:
        out.say(4, f"rule {f.rule}: {printable(f.title)}")
        out.say(6, (f"{f.evidence} | cites {printable(cites(f.citations))}", "dim"))
        for b in f.because:
            out.say(6, f"because {printable(b.condition)}")
        if not brief:
            out.say(6, f"why: {printable(f.explanation)}")
        if f.borderline:
            out.say(6, ("borderline:", "yellow"), f" {printable(closeness(near[f.rule]))}")
    for caveat in dict.fromkeys(caveat_line(c) for f in group for c in f.caveats):
        out.say(4, ("caveat:", "yellow"), f" {printable(caveat)}")


def _strategy(out: Page, s: StrategyOut, brief: bool) -> None:
    out.say(2, (s.id, "bold magenta"), f"  {printable(s.label)}")
    if not brief:
        out.say(4, printable(s.summary))
    out.say(4, f"maturity: {printable(maturity_line(s))}")
    for number, route in enumerate(s.routes, start=1):
        origin = ", ".join(route.from_findings)
        out.say(4, f"route {number}: from {origin} by rule {route.rule}")
        out.say(6, (f"{route.evidence} | chain: {route.chain_evidence} (weakest link) | cites "
                    f"{printable(cites(route.citations))}", "dim"))
        for b in route.because:
            if b.on_profile:
                out.say(6, f"because {printable(b.condition)}")
        if not brief:
            out.say(6, f"why: {printable(route.explanation)}")
        if route.rests_on_borderline:
            out.say(6, ("rests on a borderline value:", "yellow"), f" {', '.join(route.rests_on_borderline)}")
    if s.not_in_review:
        out.say(4, f"not in the review: {printable(s.not_in_review)}")
    if s.outside_review:
        out.say(4, f"outside the review: {printable(caveat_line(s.outside_review))}")


def _references(out: Page, r: Result) -> None:
    if not r.references:
        return
    out.blank()
    out.say(0, ("References", "bold"))
    review, outside = split_references(r.references)
    out.say(2, f'The review: "{printable(r.references["review"])}" ({REFERENCES_NOTE})')
    for key, text in review:
        out.say(4, f"{printable(key)} {printable(text)}")
    if outside:
        out.say(2, OUTSIDE_NOTE)
        for key, text in outside:
            out.say(4, f"{printable(key)}: {printable(text)}")


def _or_unknown(value: object) -> str:
    return "unknown" if value is None else show_value(value)
