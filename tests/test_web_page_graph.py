"""The reasoning graph's layout (render/svg.py), checked in Python on every shipped profile: text of 12 px
and more, every label whole and inside its box as the drawing measures it, no rule label over another or
over a box. The browser test (test_web_page_access.py) measures the same in Chromium on the most crowded
profile; this one covers them all, fast."""

import re
import xml.etree.ElementTree as ET

import pytest
from conftest import PROFILES

from icitrace.pipeline import evaluate
from icitrace.profile.reading import read_profile
from icitrace.render.svg import PAD_X, SMALL, text_width, wrap

SVG = "{http://www.w3.org/2000/svg}"


def _box(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
    return (x, y, x + w, y + h)


def _meet(a, b) -> bool:  # noqa: ANN001
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture(scope="module", params=PROFILES, ids=[p.stem for p in PROFILES])
def drawing(request, book):
    from icitrace.render.svg import render_svg

    result = evaluate(read_profile(request.param), book)
    return result, render_svg(result)


def test_every_label_is_whole_inside_its_box_and_no_rule_label_lies_over_another(drawing):
    result, svg = drawing
    root = ET.fromstring(svg)
    size = float(root.get("font-size"))
    boxes, labels = [], []
    for g in root.iter(SVG + "g"):
        classes = g.get("class", "").split()
        texts = g.findall(SVG + "text")
        for t in texts:
            assert float(t.get("font-size", size)) >= 12 and "…" not in (t.text or "")
        if "node" in classes:
            rect = g.find(SVG + "rect")
            x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
            boxes.append(_box(x, y, w, h))
            for t in texts:
                px = float(t.get("font-size", size))
                assert float(t.get("x")) >= x + PAD_X - 0.5
                assert float(t.get("x")) + text_width(t.text, px) <= x + w - PAD_X + 0.5, t.text
                assert y < float(t.get("y")) - px and float(t.get("y")) + 4 <= y + h, t.text  # baseline and descent
        if "edge-label" in classes:
            for t in texts:  # right-aligned at x: the line runs leftwards from there
                right, base = float(t.get("x")), float(t.get("y"))
                labels.append((right - text_width(t.text, SMALL), base - SMALL, right, base + 3))
    assert len(boxes) == len({(b[0], b[1]) for b in boxes})
    for i, a in enumerate(labels):
        assert not any(_meet(a, b) for b in labels[i + 1:]), a
        assert not any(_meet(a, b) for b in boxes), a
    for a_index, a in enumerate(boxes):
        assert not any(_meet(a, b) for b in boxes[a_index + 1:])
    names = {f.label for f in result.findings} | {s.label for s in result.strategies}
    shown = " ".join(t.text or "" for t in root.iter(SVG + "text"))
    for name in names:  # every word of every label is drawn (wrapped, never cut)
        assert all(word in shown for word in re.split(r"[\s]+", name)), name


def test_the_same_result_draws_the_same_bytes(drawing):
    from icitrace.render.svg import render_svg

    result, svg = drawing
    assert render_svg(result) == svg


@pytest.mark.parametrize("text, width", [
    ("Anti-TIM-3 with an established checkpoint inhibitor", 198),
    ("many-mechanisms-to-single-cell-profiling", 136),
    ("t_cell_infiltration = excluded", 154),
    ("supercalifragilisticexpialidocious", 60),
])
def test_wrap_breaks_at_spaces_then_hyphens_and_loses_no_character(text, width):
    lines = wrap(text, width, 13)
    assert all(text_width(line, 13) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
