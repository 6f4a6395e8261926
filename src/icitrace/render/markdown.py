"""A self-contained Markdown report (GitHub-flavoured, with a Mermaid flowchart of the chain): the
summary first, then the detail in the summary's order, each thing said once; the trace on request."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from icitrace.profile.model import show_value
from icitrace.reasoning.borderline import ASSAY_NOTE
from icitrace.render.chain_graph import chain_graph
from icitrace.render.prose import (
    BRIEF_NOTE,
    CHAIN_NOTE,
    OUTSIDE_NOTE,
    REFERENCES_NOTE,
    STANDING_NOTE,
    UNKNOWNS_NOTE,
    UNKNOWNS_SHOWN,
    Show,
    caveat_line,
    cites,
    closeness,
    explanation_lines,
    maturity_line,
    near_line,
    resting,
    split_references,
)
from icitrace.result.model import Result, StrategyOut
from icitrace.rulebase.model import EVIDENCE_ORDER
from icitrace.text import printable

MERMAID_CLASSES = {"value": "value", "mechanism": "mechanism", "biomarker signal": "biomarker", "strategy": "strategy"}


def markdown_chunks(results: Iterable[Result], *, brief: bool = False, trace: bool = False,
                    full: bool = False) -> Iterator[str]:
    """Each report as its result comes, after a rule for all but the first; ``brief``, ``trace`` and
    ``full`` as for the text (``render.text``)."""
    show = Show(brief=brief and not full, trace=trace or full, full=full)
    for index, result in enumerate(results):
        yield ("\n---\n\n" if index else "") + _report(result, show)


def _report(r: Result, show: Show) -> str:
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

    out += ["## Summary", "", *_summary(r), ""]
    out += ["## Chain", "", *_mermaid(r), ""]
    out += _findings(r, show)
    out += _strategies(r, show)

    if r.borderline:
        out += ["## Borderline values", ""]
        for b in r.borderline:
            fired = ", ".join(f"`{rule}` {'fired' if did else 'did not fire'}" for rule, did in b.rules.items())
            out.append(f"- {_cell(closeness(b))}: {fired}")
            if b.margin_reason and not show.brief:
                out.append(f"  - why this margin: {_cell(b.margin_reason)}")
        out += ["", f"*{ASSAY_NOTE}*", ""]

    out += ["## Not evaluated", ""]
    unknowns = r.deciding_unknowns
    if unknowns:
        shown = unknowns if show.full else [] if show.brief else unknowns[:UNKNOWNS_SHOWN]
        out += [f"*{UNKNOWNS_NOTE}*", ""]
        out += [f"- {_cell(m.sentence)}" + (f" ({', '.join(f'`{x}`' for x in m.rules)})" if show.full else "")
                for m in shown]
        rest = unknowns[len(shown):]
        if rest:
            out.append(f"- also waited on (undecided rules): {', '.join(f'`{m.field}` ({len(m.rules)})' for m in rest)}"
                       + ("" if show.brief else "; `--full` gives each in words, with its rules"))
    else:
        out.append("Every rule could be evaluated.")
    out.append("")

    for e in r.why_not or []:
        out += [f"## Why{'' if e.holds else ' not'}: {e.label} (`{e.id}`)", ""]
        out += [f"{'  ' * ((indent - 2) // 2)}- {_cell(line)}" for indent, line in explanation_lines(e)]
        out.append("")

    if show.trace:
        out += ["## Trace", ""]
        out += [f"{t.step}. `{t.rule}` -> {t.kind} `{t.concludes}`" for t in r.trace] or ["No rule fired."]
        out.append("")

    if r.references:
        review, outside = split_references(r.references)
        out += ["## References", "", f"The review: *{_cell(r.references['review'])}* ({REFERENCES_NOTE})", ""]
        out += [f"- **{_cell(key)}** {_cell(text)}" for key, text in review]
        if outside and show.full:
            out += ["", OUTSIDE_NOTE, ""]
            out += [f"- **{_cell(key)}**: {_cell(text)}" + (f" {_cell(r.reference_notes[key])}"
                                                              if key in r.reference_notes else "")
                    for key, text in outside]
        elif outside:
            out += ["", f"{OUTSIDE_NOTE} " + "; ".join(f"**{_cell(key)}**" for key, _ in outside)
                    + " (`--full` gives each in full)"]
        out.append("")
    if show.brief:
        out += [f"*{BRIEF_NOTE}*", ""]
    return "\n".join(out[:-1] if out[-1] == "" else out) + "\n"


def _summary(r: Result) -> list[str]:
    """The answer first, each item by the id the detail below uses."""
    s = r.summary
    out = []
    if s.mechanisms or s.biomarker_signals:
        out.append(f"- **Mechanisms** ({len(s.mechanisms)}): {_ids(s.mechanisms) or 'none'}")
        out.append(f"- **Biomarker signals** ({len(s.biomarker_signals)}): {_ids(s.biomarker_signals) or 'none'}")
    else:
        out.append("- **Findings**: none derived from the known values")
    if s.strategies:
        out.append(f"- **Candidates from the review** ({len(s.strategies)}), {CHAIN_NOTE}:")
        for evidence in EVIDENCE_ORDER:
            tier = [c.id for c in s.strategies if c.chain_evidence == evidence]
            if tier:
                out.append(f"  - {evidence}: {_ids(tier)}")
    else:
        out.append("- **Candidates**: none")
    out += [f"- **Standing**: `{n.id}` ({STANDING_NOTE})" for n in s.standing]
    near = {(b.field, b.cutoff): b for b in r.borderline}
    out += [f"- **Borderline**: {_cell(near_line(near[b.field, b.cutoff]))}; {resting(b.findings, b.strategies)}"
            for b in s.borderline]
    if s.deciding_unknown:
        out.append(f"- **Deciding unknown**: {_cell(r.deciding_unknowns[0].sentence)}")
    return out


def _findings(r: Result, show: Show) -> list[str]:
    out = ["## Findings", ""]
    if not r.findings:
        out += ["None derived from the known values.", ""]
    near = {rule: b for b in r.borderline for rule in b.rules}
    given: dict[str, str] = {}  # a caveat's text -> the finding under which it was given in full
    for fid in dict.fromkeys(f.id for f in r.findings):
        group = [f for f in r.findings if f.id == fid]
        out += [f"### {_cell(group[0].label)} (`{fid}`, {group[0].kind})", ""]
        if not show.brief:
            out += [_cell(group[0].summary), ""]
        for f in group:
            out.append(f"- **Rule `{f.rule}`**: {_cell(f.title)}. *{f.evidence}*; cites {_cell(cites(f.citations))}")
            out += [f"  - because {_cell(b.condition)}" for b in f.because]
            if not show.brief:
                out.append(f"  - why: {_cell(f.explanation)}")
            if f.borderline:
                out.append(f"  - **borderline:** {_cell(closeness(near[f.rule]))}")
        if not show.brief:
            above = {c for f in group for c in f.citations}
            for caveat in {c.text: c for f in group for c in f.caveats}.values():
                if caveat.text in given:
                    out.append(f"- **Caveat:** as under `{given[caveat.text]}` above")
                else:
                    given[caveat.text] = fid
                    out.append(f"- **Caveat:** {_cell(caveat_line(caveat, above))}")
        out.append("")
    return out


def _strategies(r: Result, show: Show) -> list[str]:
    by_id = {s.id: s for s in r.strategies}
    ranked = [by_id[s.id] for s in r.summary.strategies]
    standing = [by_id[s.id] for s in r.summary.standing]
    out = ["## Candidate strategies named in the review", ""]
    if not ranked:
        out += ["None.", ""]
    said: dict[str, str] = {}
    for s in ranked:
        out += _strategy(s, show, said, routes=True)
    if standing:
        out += ["## Standing note", ""]
        for s in standing:
            out += _strategy(s, show, said, routes=show.full)
    return out


def _strategy(s: StrategyOut, show: Show, said: dict[str, str], routes: bool) -> list[str]:
    out = [f"### {_cell(s.label)} (`{s.id}`)", ""]
    if not show.brief:
        out += [_cell(s.summary), ""]
        if s.standing:
            out += [_cell(s.standing), ""]
    out.append(f"- **Maturity** {_cell(maturity_line(s))}")
    if routes:
        for route in s.routes:
            origin = ", ".join(f"`{f}`" for f in route.from_findings)
            out.append(f"- **Route** from {origin} by rule `{route.rule}`: *{route.evidence}*; chain "
                       f"**{route.chain_evidence}**; cites {_cell(cites(route.citations))}")
            out += [f"  - because {_cell(b.condition)}" for b in route.because if b.on_profile]
            if not show.brief:
                out.append(f"  - why: {_cell(route.explanation)}")
            if route.rests_on_borderline:
                out.append(f"  - **rests on a borderline value:** {', '.join(f'`{x}`' for x in route.rests_on_borderline)}")
    else:
        drawn = "; ".join(f"`{r.rule}` from {', '.join(f'`{f}`' for f in r.from_findings)} (chain "
                          f"**{r.chain_evidence}**)" for r in s.routes)
        out.append(f"- **Drawn here by:** {drawn}; cites {_cell(cites(s.citations))}")
    if not show.brief:
        if s.not_in_review in said:
            out.append(f"- **Not in the review:** as for `{said[s.not_in_review]}` above")
        elif s.not_in_review:
            said[s.not_in_review] = s.id
            out.append(f"- **Not in the review:** {_cell(s.not_in_review)}")
        if s.outside_review:
            out.append(f"- **Outside the review:** {_cell(caveat_line(s.outside_review, set(s.citations)))}")
    out.append("")
    return out


def _ids(ids: list[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids)


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
