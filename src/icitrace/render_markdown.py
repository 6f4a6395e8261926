"""A self-contained Markdown report (GitHub-flavoured, with a Mermaid flowchart of the chain)."""

from __future__ import annotations

from .borderline import ASSAY_NOTE
from .chain_graph import chain_graph
from .condition_text import show_value
from .render_text import STRATEGY_NOTE, explanation_lines
from .result import Result

MERMAID_CLASSES = {"value": "value", "mechanism": "mechanism", "biomarker signal": "biomarker", "strategy": "strategy"}


def render_markdown(results: list[Result]) -> str:
    return "\n---\n\n".join(_report(r) for r in results)


def _report(r: Result) -> str:
    p = r.profile
    out = [f"# icitrace report: {_cell(p.id)}", "", f"> **{r.disclaimer}**", "",
           f"*icitrace {r.icitrace_version}, rules {r.rules_version} ({r.rules_digest})*", ""]
    for o in r.overrides:
        out.append(f"- **Cut-off changed for this run:** `{o.cutoff}` {show_value(o.before)} -> "
                   f"{show_value(o.after)} {o.unit}")
    for c in r.changed_fields:
        out.append(f"- **Changed for this run:** `{c.field}` {_shown(c.before)} -> {_shown(c.after)}")
    if r.overrides or r.changed_fields:
        out.append("")

    out += ["## Profile", ""]
    if p.description:
        out += [_cell(p.description), ""]
    if p.tumor_type:
        out += [f"Tumour type: {_cell(p.tumor_type)}", ""]
    out += ["| field | value |", "|---|---|"]
    out += [f"| `{k}` | {_cell(show_value(v))} |" for k, v in p.values.items()]
    out += ["", f"Unknown: {', '.join(f'`{u}`' for u in p.unknown) or 'none'}", ""]

    out += ["## Chain", "", *_mermaid(r), ""]

    out += ["## Findings", ""]
    if r.findings:
        out += ["| finding | kind | rule | because | evidence | cites |", "|---|---|---|---|---|---|"]
        for f in r.findings:
            because = "; ".join(b.condition for b in f.because) + (" (borderline)" if f.borderline else "")
            out.append(f"| **{f.label}** (`{f.id}`) | {f.kind} | `{f.rule}` | {_cell(because)} | {f.evidence} "
                       f"| {_cell(', '.join(f.citations))} |")
    else:
        out.append("None inferred from the known values.")
    out.append("")

    out += ["## Candidate strategies named in the review", ""]
    if r.strategies:
        out += ["| strategy | from findings | rules | evidence | cites |", "|---|---|---|---|---|"]
        for s in r.strategies:
            out.append(f"| **{s.label}** (`{s.id}`) | {', '.join(f'`{f}`' for f in s.from_findings)} | "
                       f"{', '.join(f'`{x}`' for x in s.rules)} | {', '.join(s.evidence)} | "
                       f"{_cell(', '.join(s.citations))} |")
        out += ["", f"*{STRATEGY_NOTE}*"]
    else:
        out.append("None.")
    out.append("")

    if r.borderline:
        out += ["## Borderline values", ""]
        for b in r.borderline:
            fired = ", ".join(f"`{rule}` {'fired' if did else 'did not fire'}" for rule, did in b.rules.items())
            out.append(f"- `{b.field}` {show_value(b.value)} is within +/-{show_value(b.margin)} of `{b.cutoff}` "
                       f"{show_value(b.threshold)} {b.unit}: {fired}")
        out += ["", f"*{ASSAY_NOTE}*", ""]

    out += ["## Not evaluated", ""]
    if r.next_measurements:
        out += [f"- {m.sentence} ({', '.join(f'`{x}`' for x in m.rules)})" for m in r.next_measurements]
    else:
        out.append("Every rule could be evaluated.")
    out.append("")

    for e in r.why_not or []:
        out += [f"## Why{'' if e.holds else ' not'}: {e.label} (`{e.id}`)", ""]
        out += [f"{'  ' * ((indent - 2) // 2)}- {_cell(line)}" for indent, line in explanation_lines(e)]
        out.append("")

    if r.references:
        out += ["## Citations", ""]
        out += [f"- **{_cell(key)}**: {_cell(text)}" for key, text in r.references.items()]
        out.append("")

    out += ["## Trace", ""]
    out += [f"{t.step}. `{t.rule}` -> {t.kind} `{t.concludes}`" for t in r.trace] or ["No rule fired."]
    return "\n".join(out) + "\n"


def _mermaid(r: Result) -> list[str]:
    nodes, edges = chain_graph(r)
    if not nodes:
        return ["No rule fired, so there is no chain to draw."]
    lines = ["```mermaid", "flowchart LR"]
    lines += [f'  {n.id}["{_label(n.label)}"]:::{MERMAID_CLASSES[n.kind]}' for n in nodes]
    lines += [f"  {e.source} -->|{e.rule}| {e.target}" for e in edges]
    lines += ["  classDef value fill:#eeeeee,stroke:#999999", "  classDef mechanism fill:#fcd9b6,stroke:#c77c2e",
              "  classDef biomarker fill:#cfe3fa,stroke:#4a7ab5", "  classDef strategy fill:#d3f2d3,stroke:#3d8b3d",
              "```"]
    return lines


def _label(text: str) -> str:
    return text.replace('"', "#quot;")


def _cell(text: str) -> str:
    """Text safe inside a table cell and a list item."""
    return text.replace("|", "\\|").replace("\n", " ")


def _shown(value: object) -> str:
    return "unknown" if value is None else f"`{show_value(value)}`"
