"""The chain as a Graphviz graph: nodes coloured by kind, edges labelled with rule ids; each node's
summary and each edge's rule explanation ride along as tooltips (shown by SVG and image-map output)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from icitrace.render.chain_graph import chain_graph
from icitrace.result.model import Result
from icitrace.text import printable

COLOURS = {"value": "#eeeeee", "mechanism": "#fcd9b6", "biomarker signal": "#cfe3fa", "strategy": "#d3f2d3"}


def dot_chunks(results: Iterable[Result]) -> Iterator[str]:
    """One graph per result, as it comes."""
    return (_graph(r, i) for i, r in enumerate(results))


def _graph(result: Result, index: int) -> str:
    nodes, edges = chain_graph(result)
    title = f"{result.profile.id}: {result.disclaimer}"
    lines = [
        f"digraph icitrace_{index} {{",
        f'  graph [rankdir=LR, labelloc=t, fontsize=11, label="{_q(title)}"];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    lines += [f'  {n.id} [label="{_q(n.label)}\\n({n.kind})", fillcolor="{COLOURS[n.kind]}"{_tooltip(n.about)}];'
              for n in nodes]
    lines += [f'  {e.source} -> {e.target} [label="{_q(e.rule)}"{_tooltip(e.about)}];' for e in edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _tooltip(text: str) -> str:
    return f', tooltip="{_q(text)}"' if text else ""


def _q(text: str) -> str:
    text = printable(text)
    return text.replace("\\", "\\\\").replace('"', '\\"')
