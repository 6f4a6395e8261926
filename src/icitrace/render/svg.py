"""The chain as an SVG drawing, laid out here in Python: profile values, then findings, then strategies,
in three columns, each edge labelled with its rule id. No Graphviz binary and no script: the classroom
page shows it as it is, and a click on a finding or strategy (its ``data-id``; a button, so Enter and
Space work too) asks why.

Read from the back of a room: text of 12 px and more when the page shows the drawing at its own size
(it does at 1366 px wide), every label wrapped to its box and never cut, the rule ids of the edges that
meet at a box stacked beside it, one label per rule, so that no label lies over another or over a box.
Text is measured with the advance widths of DejaVu Sans, named first in the drawing's fonts: it is the
widest of the usual sans fonts, so a label measured by it also fits in a narrower one.

Every text is escaped; the drawing depends only on the result, so the same result draws the same bytes.
"""

from __future__ import annotations

import re
from html import escape

from icitrace.render.chain_graph import Edge, Node, chain_graph
from icitrace.render.dot import COLOURS
from icitrace.result.model import Result
from icitrace.text import printable

FONTS = "DejaVu Sans, Verdana, sans-serif"
TEXT, SMALL, HEAD = 13, 12, 14  # px: box labels; kinds and rule ids; column headings (bold)
LINE, SMALL_LINE, HEAD_LINE = 16, 15, 18
PAD_X, PAD_Y = 8, 7
WIDTHS = (170, 214, 214)  # the boxes of the value, finding and strategy columns
GAPS = (150, 160)  # between the columns: room for a rule id on at most two lines
GAP_Y, MARGIN, BLOCK_GAP = 14, 10, 4
COLUMNS = {"value": 0, "mechanism": 1, "biomarker signal": 1, "strategy": 2}
HEADINGS = ("profile values", "findings", "strategies named in the review")

# DejaVu Sans advance widths of " " to "~" in hundredths of an em, rounded up; any other character is
# taken as 1 em, and bold as 1.3 times as wide (its widest ratio is 1.28).
_WIDTHS = (33, 41, 47, 84, 64, 96, 78, 28, 40, 40, 50, 84, 33, 37, 33, 34, 64, 64, 64, 64, 64, 64, 64, 64, 64,
           64, 34, 34, 84, 84, 84, 54, 100, 69, 69, 70, 78, 64, 58, 78, 76, 30, 30, 66, 57, 87, 76, 79, 61, 79,
           70, 64, 62, 74, 69, 99, 69, 62, 69, 40, 34, 40, 84, 50, 50, 62, 64, 56, 64, 62, 36, 64, 64, 28, 28,
           58, 28, 98, 64, 62, 64, 64, 42, 53, 40, 64, 60, 82, 60, 60, 53, 64, 34, 64, 84)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` in px at ``size`` px, as DejaVu Sans sets it (a little over, never under)."""
    em = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else 100 for c in text) / 100
    return em * size * (1.3 if bold else 1)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width``: broken at spaces, a word too long for a line at its
    hyphens, underscores or slashes, and only a word with none of those between its characters."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, size, bold) <= width:
            lines[-1] += " " + word
            continue
        pieces = re.findall(r"[^-_/]+[-_/]?|[-_/]", word)
        line = ""
        for piece in pieces:
            if text_width(line + piece, size, bold) <= width:
                line += piece
                continue
            if line:
                lines.append(line)
            line = ""
            for char in piece:  # a piece wider than a line: by character
                if line and text_width(line + char, size, bold) > width:
                    lines.append(line)
                    line = ""
                line += char
        lines.append(line)
    return lines or [""]


def render_svg(result: Result) -> str:
    nodes, edges = chain_graph(result)
    x_of = [MARGIN, MARGIN + WIDTHS[0] + GAPS[0], MARGIN + WIDTHS[0] + GAPS[0] + WIDTHS[1] + GAPS[1]]
    width = x_of[2] + WIDTHS[2] + MARGIN
    headings = [wrap(h, WIDTHS[i], HEAD, bold=True) for i, h in enumerate(HEADINGS)]
    top = MARGIN + max(len(h) for h in headings) * HEAD_LINE + 8

    # The rule ids that meet at each box, one label per rule (an edge from each source shares it).
    rules_into: dict[str, list[str]] = {}
    for edge in edges:
        rules_into.setdefault(edge.target, [])
        if edge.rule not in rules_into[edge.target]:
            rules_into[edge.target].append(edge.rule)
    label_lines = {(t, r): wrap(r, GAPS[COLUMNS[_kind(nodes, t)] - 1] - 14, SMALL)
                   for t, rules in rules_into.items() for r in rules}

    boxes: dict[str, tuple[int, int, int, int]] = {}
    texts: dict[str, list[str]] = {}
    bottoms = [top, top, top]
    for node in nodes:
        column = COLUMNS[node.kind]
        w = WIDTHS[column]
        texts[node.id] = wrap(node.label, w - 2 * PAD_X, TEXT)
        content = 2 * PAD_Y + len(texts[node.id]) * LINE + (SMALL_LINE if column == 1 else 0)
        h = max(34, content, _stack_height(node.id, rules_into, label_lines) + 8)
        boxes[node.id] = (x_of[column], bottoms[column], w, h)
        bottoms[column] += h + GAP_Y
    height = max(bottoms) - GAP_Y + MARGIN

    # Where each rule's edges arrive: the foot of its label, the labels stacked in the middle of the box.
    arrive: dict[tuple[str, str], int] = {}
    label_at: dict[tuple[str, str], tuple[int, int]] = {}
    for target, rules in rules_into.items():
        x, y, w, h = boxes[target]
        at = y + (h - _stack_height(target, rules_into, label_lines)) // 2
        for rule in rules:
            lines = label_lines[(target, rule)]
            label_at[(target, rule)] = (x - 6, at + SMALL)
            at += len(lines) * SMALL_LINE + 3
            arrive[(target, rule)] = at
            at += BLOCK_GAP

    title = f"{printable(result.profile.id)}: {result.disclaimer}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chain" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" font-family="{FONTS}" font-size="{TEXT}" role="group" '
           f'aria-label="Reasoning graph of {_e(result.profile.id)}: profile values, then findings, then strategies">',
           f"<title>{_e(title)}</title>"]
    for column, lines in enumerate(headings):
        out.append(_lines("heading", x_of[column], MARGIN + HEAD, lines, HEAD_LINE,
                          f' font-size="{HEAD}" font-weight="bold"'))
    for edge in edges:
        out.append(_edge(edge, boxes[edge.source], boxes[edge.target][0], arrive[(edge.target, edge.rule)]))
    for (target, rule), lines in label_lines.items():
        x, y = label_at[(target, rule)]
        out.append(f'<g class="edge-label" data-rule="{_e(rule)}" aria-hidden="true">'
                   + _lines("", x, y, lines, SMALL_LINE, f' font-size="{SMALL}" text-anchor="end" fill="#333" '
                            'stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"') + "</g>")
    out += [_node(node, boxes[node.id], texts[node.id]) for node in nodes]
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _kind(nodes: list[Node], node_id: str) -> str:
    return next(n.kind for n in nodes if n.id == node_id)


def _stack_height(target: str, rules_into: dict[str, list[str]], label_lines: dict) -> int:
    rules = rules_into.get(target, [])
    return sum(len(label_lines[(target, r)]) * SMALL_LINE + 3 for r in rules) + BLOCK_GAP * max(0, len(rules) - 1)


def _edge(edge: Edge, source: tuple[int, int, int, int], x2: int, y2: int) -> str:
    x, y, w, h = source
    x1, y1 = x + w, y + h // 2
    middle = (x1 + x2) // 2
    return (f'<g class="edge" data-rule="{_e(edge.rule)}" aria-hidden="true"><title>{_e(edge.about)}</title>'
            f'<path d="M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}" fill="none" stroke="#777" '
            f'stroke-width="1.5"/></g>')


def _node(node: Node, box: tuple[int, int, int, int], lines: list[str]) -> str:
    x, y, w, h = box
    target = node.id.split("_", 1)[1] if node.kind != "value" else ""
    # a finding or strategy is a button (asks why); a value is only read
    button = (f' data-id="{_e(target)}" role="button" tabindex="0" '
              f'aria-label="{_e(node.label)}, {node.kind}: why?"') if target else ""
    height = len(lines) * LINE + (SMALL_LINE if COLUMNS[node.kind] == 1 else 0)
    first = y + (h - height) // 2 + TEXT - 1
    out = [f'<g class="node {node.kind.replace(" ", "-")}"{button}><title>{_e(node.label)}'
           f'{". " + _e(node.about) if node.about else ""}</title>',
           f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{COLOURS[node.kind]}" stroke="#555"/>',
           _lines("label", x + PAD_X, first, lines, LINE)]
    if COLUMNS[node.kind] == 1:  # a finding says which kind: mechanism or biomarker signal
        out.append(f'<text class="kind" x="{x + PAD_X}" y="{first + len(lines) * LINE - 1}" font-size="{SMALL}" '
                   f'fill="#3a3a3a">{_e(node.kind)}</text>')
    return "".join(out) + "</g>"


def _lines(cls: str, x: int, y: int, lines: list[str], step: int, extra: str = "") -> str:
    """One ``<text>`` per line (each measurable on its own), the first baseline at ``y``."""
    klass = f' class="{cls}"' if cls else ""
    return "".join(f'<text{klass} x="{x}" y="{y + i * step}"{extra}>{_e(line)}</text>' for i, line in enumerate(lines))


def _e(text: str) -> str:
    return escape(printable(text), quote=True)
