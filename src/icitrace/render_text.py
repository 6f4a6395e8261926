"""The human rationale: disclaimer first, then findings, strategies, unknowns and the trace.

Pure presentation of a ``Result``: no reasoning happens here. Width is fixed when not writing to a
terminal so that piped output is byte-identical everywhere.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from .condition_text import show_value
from .result import FindingOut, Result

STRATEGY_NOTE = (
    "These are approaches the review discusses, listed because of the findings above. "
    "They describe research directions, not a plan for any patient."
)


def render_text(results: list[Result], *, color: bool = False, width: int = 100) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, highlight=False, emoji=False)
    for index, result in enumerate(results):
        if index:
            console.print()
            console.rule(style="dim")
        _one(console, result)
    # Wrapped blocks are padded to a rectangle; trailing blanks help no reader and break diffs.
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


def _one(out: Console, r: Result) -> None:
    p = r.profile
    out.print(f"[bold yellow]{escape(r.disclaimer)}[/]")
    out.print(f"[dim]icitrace {r.icitrace_version} | rules {r.rules_version} ({r.rules_digest})[/]")
    out.print()
    out.print(f"[bold]Profile[/] {escape(p.id)}")
    if p.description:
        _say(out, 2, f"{escape(p.description)}")
    if p.tumor_type:
        _say(out, 2, f"tumour type: {escape(p.tumor_type)}")
    known = ", ".join(f"{k} {show_value(v)}" for k, v in p.values.items()) or "none"
    _say(out, 2, f"known:   {escape(known)}")
    _say(out, 2, f"unknown: {', '.join(p.unknown) or 'none'}")

    out.print()
    ids = list(dict.fromkeys(f.id for f in r.findings))
    out.print(f"[bold]Findings[/] ({len(ids)})" + ("" if ids else ": none inferred from the known values"))
    for fid in ids:
        group = [f for f in r.findings if f.id == fid]
        _say(out, 2, f"[bold cyan]{fid}[/]  {escape(group[0].label)}  [dim]\\[{group[0].kind}][/]")
        for f in group:
            _derivation(out, f)

    out.print()
    out.print(f"[bold]Candidate strategies named in the review[/] ({len(r.strategies)})"
              + ("" if r.strategies else ": none"))
    for s in r.strategies:
        _say(out, 2, f"[bold magenta]{s.id}[/]  {escape(s.label)}")
        _say(out, 4, f"from {', '.join(s.from_findings)} via {', '.join(s.rules)}")
        _say(out, 4, f"[dim]{' / '.join(s.evidence)} | cites {escape(' '.join(s.citations))}[/]")
        for b in s.because:
            if b.field not in ("finding", "findings"):
                _say(out, 4, f"because {escape(b.condition)}")
    if r.strategies:
        _say(out, 2, f"[italic]{STRATEGY_NOTE}[/]")

    out.print()
    out.print(f"[bold]Not evaluated[/] ({len(r.not_evaluated)} rules: a field they need is unknown)"
              + ("" if r.not_evaluated else ": none"))
    pad = max((len(n.rule) for n in r.not_evaluated), default=0)
    for n in r.not_evaluated:
        _say(out, 2, f"{n.rule.ljust(pad)}  needs {', '.join(n.missing)}  [dim](-> {n.concludes})[/]")

    out.print()
    out.print(f"[bold]Trace[/] ({len(r.trace)} firings, in engine order)")
    for t in r.trace:
        _say(out, 2, f"{t.step:>2}. {t.rule} -> {t.kind} {t.concludes}")


def _say(out: Console, indent: int, markup: str) -> None:
    """Print one line of markup; when it wraps, continuation lines keep the indent."""
    out.print(Padding(Text.from_markup(markup), (0, 0, 0, indent), expand=False))


def _derivation(out: Console, f: FindingOut) -> None:
    _say(out, 4, f"rule {f.rule} [dim]| {f.evidence} | cites {escape(' '.join(f.citations))}[/]")
    for b in f.because:
        _say(out, 4, f"because {escape(b.condition)}")
