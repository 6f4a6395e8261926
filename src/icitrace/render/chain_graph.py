"""The reasoning chain of one result as a graph: profile values -> findings -> strategies, each edge
labelled with the rule that drew it. Read by the Markdown (Mermaid) and DOT renderers."""

from __future__ import annotations

from dataclasses import dataclass

from icitrace.profile.model import Band, show_value
from icitrace.render.prose import maturity_line
from icitrace.result.model import Because, Result


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str  # "value", "mechanism", "biomarker signal" or "strategy"
    #: what the node stands for (the catalogue's summary; for a strategy, with its maturity)
    about: str = ""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    rule: str
    #: the rule's title and explanation
    about: str = ""


def chain_graph(result: Result) -> tuple[list[Node], list[Edge]]:
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []

    def sources(because: list[Because]) -> list[str]:
        out = []
        for b in because:
            if b.on_profile:
                node = Node(f"v_{b.field}", _value_label(b.field, b.value), "value")
                nodes.setdefault(node.id, node)
                out.append(node.id)
            out.extend(f"f_{finding}" for finding in b.joined)
        return out

    for f in result.findings:
        nodes.setdefault(f"f_{f.id}", Node(f"f_{f.id}", f.label, f.kind, f.summary))
        about = f"{f.rule}: {f.title}. {f.explanation}"
        edges.extend(Edge(src, f"f_{f.id}", f.rule, about) for src in sources(f.because))
    for s in result.strategies:
        about = f"{s.summary} Maturity: {maturity_line(s)}"
        nodes.setdefault(f"s_{s.id}", Node(f"s_{s.id}", s.label, "strategy", about))
        for route in s.routes:
            about = f"{route.rule}: {route.title}. {route.explanation} Chain: {route.chain_evidence}."
            edges.extend(Edge(src, f"s_{s.id}", route.rule, about) for src in sources(route.because))
    order = {"value": 0, "mechanism": 1, "biomarker signal": 1, "strategy": 2}
    return sorted(nodes.values(), key=lambda n: order[n.kind]), list(dict.fromkeys(edges))


def _value_label(field: str, value: object) -> str:
    """``tmb = 12``; a band reads as one (``tmb >=1 <5``), never as "= >=1"."""
    return f"{field} {show_value(value)}" if isinstance(value, Band) else f"{field} = {show_value(value)}"
