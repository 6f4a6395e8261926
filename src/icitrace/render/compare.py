"""Plain-text renderings of ``diff`` and ``sweep`` (their JSON is the models themselves)."""

from __future__ import annotations

import textwrap

from icitrace.columns import fit
from icitrace.compare import Diff, Sweep
from icitrace.profile.model import show_value
from icitrace.render.text import OVERRIDE_SAID, override_text, stamp_line


def render_diff_text(d: Diff) -> str:
    lines = [*_header(d), f"diff {d.a} -> {d.b}", ""]
    lines.append("Changed fields:" if d.changed_fields else "Changed fields: none")
    lines += [f"  {c['field']}: {_v(c['before'])} -> {_v(c['after'])}" for c in d.changed_fields]
    for title, shifts, verb in (("Gained", d.gained, "by"), ("Lost", d.lost, "was by")):
        lines += ["", f"{title} ({len(shifts)})" + ("" if shifts else ": none")]
        for s in shifts:
            lines.append(f"  {s.kind} {s.id} ({verb} {', '.join(s.rules)})")
            lines += [f"      now {where}" for where in s.now]
    return fit("\n".join(lines)) + "\n"


def render_sweep_text(s: Sweep) -> str:
    shown = [_v(v) for v in s.values] or ["none"]
    span = f"{shown[0]} .. {shown[-1]}" if len(shown) > 1 else shown[0]
    lines = [*_header(s), f"sweep {s.field} over {len(s.values)} values ({span}) on {s.profile}", ""]
    if s.present:
        width = max(len(k) for k in s.present)
        lines.append(f"{'conclusion'.ljust(width)}  present at")
        for key, runs in s.present.items():
            where = ", ".join(_v(a) if a == b else f"{_v(a)} .. {_v(b)}" for a, b in runs)
            lines.append(f"{key.ljust(width)}  {where}")
    else:
        lines.append("Nothing is concluded anywhere along the sweep.")
    lines += ["", "Where conclusions change:" if s.transitions else "No conclusion changes along the sweep."]
    for t in s.transitions:
        lines.append(f"  at {s.field} = {_v(t['at'])}:")
        lines += [f"    {change}" for change in t["changes"]]
    if s.impossible:
        lines += ["", "Not evaluated (the rest of the profile rules these values out):"]
        for run in s.impossible:
            first, last = run["at"]
            where = _v(first) if first == last else f"{_v(first)} .. {_v(last)}"
            lines += textwrap.wrap(f"{s.field} {where}: {run['reason']}", 100, initial_indent="  ",
                                   subsequent_indent="    ")
    return fit("\n".join(lines)) + "\n"


def _header(model: Diff | Sweep) -> list[str]:
    """The disclaimer, what made the output, and each cut-off moved for the run, as a result's text says them."""
    return [*textwrap.wrap(model.disclaimer, 100), stamp_line(model),
            *(OVERRIDE_SAID + override_text(o) for o in model.overrides), ""]


def _v(value: object) -> str:
    return "unknown" if value is None else show_value(value)


def render_text_of(model: Diff | Sweep) -> str:
    return render_diff_text(model) if isinstance(model, Diff) else render_sweep_text(model)
