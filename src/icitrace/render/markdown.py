"""A self-contained Markdown report (GitHub-flavoured, with a Mermaid flowchart of the chain)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from icitrace.profile.model import show_value
from icitrace.reasoning.borderline import ASSAY_NOTE
from icitrace.render.chain_graph import chain_graph
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
from icitrace.result.model import Result
from icitrace.text import printable

MERMAID_CLASSES = {"value": "value", "mechanism": "mechanism", "biomarker signal": "biomarker", "strategy": "strategy"}


def render_markdown(results: list[Result], *, brief: bool = False) -> str:
    """A report per result; ``brief`` leaves out the summaries and rule explanations."""
    return "".join(markdown_chunks(results, brief=brief))


def markdown_chunks(results: Iterable[Result], *, brief: bool = False) -> Iterator[str]:
    """Each report as its result comes, after a rule for all but the first."""
    for index, result in enumerate(results):
        yield ("\n---\n\n" if index else "") + _report(result, brief)


def _report(r: Result, brief: bool) -> str:
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
    if not r.findings:
        out += ["None derived from the known values.", ""]
    near = {rule: b for b in r.borderline for rule in b.rules}
    for fid in dict.fromkeys(f.id for f in r.findings):
        group = [f for f in r.findings if f.id == fid]
        out += [f"### {_cell(group[0].label)} (`{fid}`, {group[0].kind})", ""]
        if not brief:
            out += [_cell(group[0].summary), ""]
        for f in group:
            out.append(f"- **Rule `{f.rule}`**: {_cell(f.title)}. *{f.evidence}*; cites {_cell(cites(f.citations))}")
            out += [f"  - because {_cell(b.condition)}" for b in f.because]
            if not brief:
                out.append(f"  - why: {_cell(f.explanation)}")
            if f.borderline:
                out.append(f"  - **borderline:** {_cell(closeness(near[f.rule]))}")
        out += [f"- **Caveat:** {_cell(c)}" for c in dict.fromkeys(caveat_line(c) for f in group for c in f.caveats)]
        out.append("")

    out += ["## Candidate strategies named in the review", ""]
    if not r.strategies:
        out += ["None.", ""]
    for s in r.strategies:
        out += [f"### {_cell(s.label)} (`{s.id}`)", ""]
        if not brief:
            out += [_cell(s.summary), ""]
        out.append(f"- **Maturity:** {_cell(maturity_line(s))}")
        for route in s.routes:
            origin = ", ".join(f"`{f}`" for f in route.from_findings)
            out.append(f"- **Route** from {origin} by rule `{route.rule}`: *{route.evidence}*; chain "
                       f"**{route.chain_evidence}** (weakest link); cites {_cell(cites(route.citations))}")
            out += [f"  - because {_cell(b.condition)}" for b in route.because if b.on_profile]
            if not brief:
                out.append(f"  - why: {_cell(route.explanation)}")
            if route.rests_on_borderline:
                out.append(f"  - **rests on a borderline value:** {', '.join(f'`{x}`' for x in route.rests_on_borderline)}")
        if s.not_in_review:
            out.append(f"- **Not in the review:** {_cell(s.not_in_review)}")
        if s.outside_review:
            out.append(f"- **Outside the review:** {_cell(caveat_line(s.outside_review))}")
        out.append("")
    if r.strategies:
        out += [f"*{STRATEGY_NOTE}*", "", f"*{CHAIN_NOTE}*", ""]

    if r.borderline:
        out += ["## Borderline values", ""]
        for b in r.borderline:
            fired = ", ".join(f"`{rule}` {'fired' if did else 'did not fire'}" for rule, did in b.rules.items())
            out.append(f"- {_cell(closeness(b))}: {fired}")
            if b.margin_reason and not brief:
                out.append(f"  - why this margin: {_cell(b.margin_reason)}")
        out += ["", f"*{ASSAY_NOTE}*", ""]

    out += ["## Not evaluated", ""]
    if r.next_measurements:
        out += [f"*{UNKNOWNS_NOTE}*", ""]
        out += [f"- {m.sentence} ({', '.join(f'`{x}`' for x in m.rules)})" for m in r.next_measurements]
    else:
        out.append("Every rule could be evaluated.")
    out.append("")

    for e in r.why_not or []:
        out += [f"## Why{'' if e.holds else ' not'}: {e.label} (`{e.id}`)", ""]
        out += [f"{'  ' * ((indent - 2) // 2)}- {_cell(line)}" for indent, line in explanation_lines(e)]
        out.append("")

    out += ["## Trace", ""]
    out += [f"{t.step}. `{t.rule}` -> {t.kind} `{t.concludes}`" for t in r.trace] or ["No rule fired."]

    if r.references:
        review, outside = split_references(r.references)
        out += ["", "## References", "", f"The review: *{_cell(r.references['review'])}* ({REFERENCES_NOTE})", ""]
        out += [f"- **{_cell(key)}** {_cell(text)}" for key, text in review]
        if outside:
            out += ["", OUTSIDE_NOTE, ""]
            out += [f"- **{_cell(key)}**: {_cell(text)}" for key, text in outside]
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
    """Text safe inside a quoted Mermaid label: no quote, tag, backtick or line break can end it."""
    for char, code in (('"', "#quot;"), ("<", "#60;"), (">", "#62;"), ("`", "#96;")):
        text = text.replace(char, code)
    return printable(text)


def _cell(text: str) -> str:
    """Text safe inside a heading, a table cell and a list item: it cannot open a code block, raw HTML or
    a new table cell, nor break the line."""
    text = printable(text).replace("<", "&lt;")  # no tag can open; ">=" stays readable
    return text.replace("|", "\\|").replace("`", "\\`")


def _shown(value: object) -> str:
    return "unknown" if value is None else _cell(show_value(value))
