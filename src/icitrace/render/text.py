"""The human rationale: disclaimer first, then findings, strategies, unknowns and the trace.

Pure presentation of a ``Result``: no reasoning happens here. Width is fixed when not writing to a
terminal so that piped output is byte-identical everywhere.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from icitrace.profile.model import show_value
from icitrace.reasoning.borderline import ASSAY_NOTE, Borderline
from icitrace.reasoning.explain import Explanation
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
    printable,
    split_references,
)
from icitrace.result.model import FindingOut, Result, StrategyOut


def render_text(results: list[Result], *, color: bool = False, width: int = 100, brief: bool = False) -> str:
    """The full rationale of each result; ``brief`` leaves out the summaries and rule explanations."""
    return "".join(text_chunks(results, color=color, width=width, brief=brief))


def render_explanation_text(result: Result, *, color: bool = False, width: int = 100) -> str:
    """Only the why / why-not part (``icitrace explain``), with the disclaimer and what was changed."""
    def body(out: Console, r: Result) -> None:
        _header(out, r)
        _say(out, 0, f"[bold]Profile[/] {escape(r.profile.id)}")
        _changes(out, r)
        for e in r.why_not or []:
            _why(out, e)
    return "".join(_render([result], body, color, width))


def text_chunks(results: Iterable[Result], *, color: bool = False, width: int = 100,
                brief: bool = False) -> Iterator[str]:
    """The rationale of each result as it comes (the first line of each after the first is a rule):
    ``render_text`` joined, for output that is written while later profiles are still evaluated."""
    return _render(results, lambda out, r: _one(out, r, brief), color, width)


def _render(results: Iterable[Result], body: Callable[[Console, Result], None], color: bool,
            width: int) -> Iterator[str]:
    for index, result in enumerate(results):
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                          color_system="standard" if color else None, highlight=False, emoji=False)
        if index:
            console.print()
            console.rule(style="dim")
        body(console, result)
        # Wrapped blocks are padded to a rectangle; trailing blanks help no reader and break diffs.
        yield "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


def _header(out: Console, r: Result) -> None:
    out.print(f"[bold yellow]{escape(r.disclaimer)}[/]")
    out.print(f"[dim]icitrace {r.icitrace_version} | rules {r.rules_version} ({r.rules_digest})[/]")
    for o in r.overrides:
        _say(out, 0, f"[bold]cut-off changed for this run:[/] {o.cutoff} {show_value(o.before)} -> "
                     f"{show_value(o.after)} {escape(o.unit)}")
    out.print()


def _changes(out: Console, r: Result) -> None:
    for c in r.changed_fields:
        _say(out, 2, f"[bold]changed for this run:[/] {c.field} {_or_unknown(c.before)} -> {_or_unknown(c.after)}")


def _why(out: Console, e: Explanation) -> None:
    out.print()
    out.print(f"[bold]Why{'' if e.holds else ' not'}:[/] {e.id}  {escape(e.label)}")
    for indent, line in explanation_lines(e):
        _say(out, indent, escape(line))


def _one(out: Console, r: Result, brief: bool) -> None:
    p = r.profile
    _header(out, r)
    _say(out, 0, f"[bold]Profile[/] {escape(p.id)}")
    if p.description:
        _say(out, 2, f"{escape(p.description)}")
    if p.tumor_type:
        _say(out, 2, f"tumour type: {escape(p.tumor_type)}")
    _changes(out, r)
    known = ", ".join(f"{k} {show_value(v)}" for k, v in p.values.items()) or "none"
    _say(out, 2, f"known:   {escape(known)}")
    _say(out, 2, f"unknown: {', '.join(p.unknown) or 'none'}")

    out.print()
    ids = list(dict.fromkeys(f.id for f in r.findings))
    out.print(f"[bold]Findings[/] ({len(ids)})" + ("" if ids else ": none derived from the known values"))
    near = {rule: b for b in r.borderline for rule in b.rules}
    for fid in ids:
        group = [f for f in r.findings if f.id == fid]
        _finding(out, group, near, brief)

    out.print()
    out.print(f"[bold]Candidate strategies named in the review[/] ({len(r.strategies)})"
              + ("" if r.strategies else ": none"))
    for s in r.strategies:
        _strategy(out, s, brief)
    if r.strategies:
        _say(out, 2, f"[italic]{STRATEGY_NOTE}[/]")
        _say(out, 2, f"[italic]{CHAIN_NOTE}[/]")

    if r.borderline:
        out.print()
        out.print(f"[bold]Borderline values[/] ({len(r.borderline)})")
        for b in r.borderline:
            fired = ", ".join(f"{rule} {'fired' if did else 'did not fire'}" for rule, did in b.rules.items())
            _say(out, 2, f"{escape(closeness(b))}: {fired}")
            if b.margin_reason and not brief:
                _say(out, 4, f"[dim]why this margin: {escape(b.margin_reason)}[/]")
        _say(out, 2, f"[italic]{ASSAY_NOTE}[/]")

    out.print()
    out.print(f"[bold]Not evaluated[/] ({len(r.not_evaluated)} rules undecided because a field is unknown)"
              + ("" if r.not_evaluated else ": none"))
    if r.next_measurements:
        _say(out, 2, f"[italic]{UNKNOWNS_NOTE}[/]")
    for m in r.next_measurements:
        _say(out, 2, f"- {escape(m.sentence)}")
        _say(out, 4, f"[dim]rules: {', '.join(m.rules)}[/]")

    for e in r.why_not or []:
        _why(out, e)

    out.print()
    out.print(f"[bold]Trace[/] ({len(r.trace)} firings, in engine order)")
    for t in r.trace:
        _say(out, 2, f"{t.step:>2}. {t.rule} -> {t.kind} {t.concludes}")

    _references(out, r)


def _finding(out: Console, group: list[FindingOut], near: dict[str, Borderline], brief: bool) -> None:
    first = group[0]
    _say(out, 2, f"[bold cyan]{first.id}[/]  {escape(first.label)}  [dim]\\[{first.kind}][/]")
    if not brief:
        _say(out, 4, escape(first.summary))
    for f in group:
        _say(out, 4, f"rule {f.rule}: {escape(f.title)}")
        _say(out, 6, f"[dim]{f.evidence} | cites {escape(cites(f.citations))}[/]")
        for b in f.because:
            _say(out, 6, f"because {escape(b.condition)}")
        if not brief:
            _say(out, 6, f"why: {escape(f.explanation)}")
        if f.borderline:
            _say(out, 6, f"[yellow]borderline:[/] {escape(closeness(near[f.rule]))}")
    for caveat in dict.fromkeys(caveat_line(c) for f in group for c in f.caveats):
        _say(out, 4, f"[yellow]caveat:[/] {escape(caveat)}")


def _strategy(out: Console, s: StrategyOut, brief: bool) -> None:
    _say(out, 2, f"[bold magenta]{s.id}[/]  {escape(s.label)}")
    if not brief:
        _say(out, 4, escape(s.summary))
    _say(out, 4, f"maturity: {escape(maturity_line(s))}")
    for number, route in enumerate(s.routes, start=1):
        origin = ", ".join(route.from_findings)
        _say(out, 4, f"route {number}: from {origin} by rule {route.rule}")
        _say(out, 6, f"[dim]{route.evidence} | chain: {route.chain_evidence} (weakest link) | cites "
                     f"{escape(cites(route.citations))}[/]")
        for b in route.because:
            if b.on_profile:
                _say(out, 6, f"because {escape(b.condition)}")
        if not brief:
            _say(out, 6, f"why: {escape(route.explanation)}")
        if route.rests_on_borderline:
            _say(out, 6, f"[yellow]rests on a borderline value:[/] {', '.join(route.rests_on_borderline)}")
    if s.not_in_review:
        _say(out, 4, f"not in the review: {escape(s.not_in_review)}")
    if s.outside_review:
        _say(out, 4, f"outside the review: {escape(caveat_line(s.outside_review))}")


def _references(out: Console, r: Result) -> None:
    if not r.references:
        return
    out.print()
    out.print("[bold]References[/]")
    review, outside = split_references(r.references)
    _say(out, 2, f'The review: "{escape(r.references["review"])}" ({escape(REFERENCES_NOTE)})')
    for key, text in review:
        _say(out, 4, f"{escape(key)} {escape(text)}")
    if outside:
        _say(out, 2, OUTSIDE_NOTE)
        for key, text in outside:
            _say(out, 4, f"{escape(key)}: {escape(text)}")


def _or_unknown(value: object) -> str:
    return "unknown" if value is None else show_value(value)


def _say(out: Console, indent: int, markup: str) -> None:
    """Print one line of markup; when it wraps, continuation lines keep the indent."""
    out.print(Padding(Text.from_markup(printable(markup)), (0, 0, 0, indent), expand=False))


def _derivation(out: Console, f: FindingOut) -> None:
    _say(out, 4, f"rule {f.rule} [dim]| {f.evidence} | cites {escape(' '.join(f.citations))}[/]")
    for b in f.because:
        _say(out, 4, f"because {escape(b.condition)}")
