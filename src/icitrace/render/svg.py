"""The chain as an SVG drawing, laid out here in Python: profile values, then findings, then strategies,
in three columns, each edge labelled with its rule id. No Graphviz binary and no script: the classroom
page shows it as it is, and a click on a node (its ``data-id``) asks why.

Every text is escaped; the drawing depends only on the result, so the same result draws the same bytes.
"""

from __future__ import annotations

from html import escape

from icitrace.render.chain_graph import Node, chain_graph
from icitrace.render.dot import COLOURS
from icitrace.result.model import Result
from icitrace.text import printable

BOX_W, BOX_H, GAP_Y, GAP_X, MARGIN = 230, 44, 16, 190, 20
COLUMNS = {"value": 0, "mechanism": 1, "biomarker signal": 1, "strategy": 2}
MAX_LABEL = 32  # characters on a box's first line; the whole label is in its tooltip


def render_svg(result: Result) -> str:
    nodes, edges = chain_graph(result)
    place: dict[str, tuple[int, int]] = {}
    rows = [0, 0, 0]
    for node in nodes:
        column = COLUMNS[node.kind]
        place[node.id] = (MARGIN + column * (BOX_W + GAP_X), MARGIN + 24 + rows[column] * (BOX_H + GAP_Y))
        rows[column] += 1
    width = 2 * MARGIN + 3 * BOX_W + 2 * GAP_X
    height = 2 * MARGIN + 24 + max(rows + [1]) * (BOX_H + GAP_Y)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chain" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-label="reasoning chain of {_e(result.profile.id)}">',
           f"<title>{_e(result.profile.id)}: {_e(result.disclaimer)}</title>"]
    for column, heading in enumerate(("profile values", "findings", "strategies named in the review")):
        out.append(f'<text class="heading" x="{MARGIN + column * (BOX_W + GAP_X)}" y="{MARGIN + 10}">{heading}</text>')
    # Each edge ends at its own height on the target's left side, its rule id just before that end: the
    # labels of edges that meet at one box stack there instead of crossing in the middle.
    incoming: dict[str, list] = {}
    for edge in edges:
        incoming.setdefault(edge.target, []).append(edge)
    for edge in edges:
        (x1, y1), (x2, y2) = place[edge.source], place[edge.target]
        siblings = incoming[edge.target]
        step = min(11, (BOX_H - 6) // max(1, len(siblings) - 1)) if len(siblings) > 1 else 0
        x1, y1 = x1 + BOX_W, y1 + BOX_H // 2
        y2 = y2 + BOX_H // 2 + round((siblings.index(edge) - (len(siblings) - 1) / 2) * step)
        middle = (x1 + x2) // 2
        out.append(f'<g class="edge" data-rule="{_e(edge.rule)}"><title>{_e(edge.about)}</title>'
                   f'<path d="M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}" fill="none" stroke="#888"/>'
                   f'<text x="{x2 - 4}" y="{y2 - 2}" text-anchor="end">{_e(edge.rule)}</text></g>')
    out += [_node(node, *place[node.id]) for node in nodes]
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _node(node: Node, x: int, y: int) -> str:
    label = node.label if len(node.label) <= MAX_LABEL else node.label[: MAX_LABEL - 1] + "…"
    target = node.id.split("_", 1)[1] if node.kind != "value" else ""
    click = f' data-id="{_e(target)}" tabindex="0"' if target else ""
    return (f'<g class="node {node.kind.replace(" ", "-")}"{click}><title>{_e(node.label)}'
            f'{". " + _e(node.about) if node.about else ""}</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{COLOURS[node.kind]}" stroke="#666"/>'
            f'<text x="{x + 8}" y="{y + 17}">{_e(label)}</text>'
            f'<text class="kind" x="{x + 8}" y="{y + 32}">{_e(node.kind)}</text></g>')


def _e(text: str) -> str:
    return escape(printable(text), quote=True)
