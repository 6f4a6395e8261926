"""How the pieces of a result read as sentences, shared by the text and Markdown renderers.

Pure wording of what a ``Result`` already holds: nothing here reasons.
"""

from __future__ import annotations

from icitrace.profile.model import show_value
from icitrace.reasoning.borderline import Borderline
from icitrace.reasoning.explain import Explanation
from icitrace.result.model import Caveat, StrategyOut
from icitrace.rulebase.model import REVIEW_CITATION

STRATEGY_NOTE = (
    "These are approaches the review discusses, listed because of the findings above. "
    "They describe research directions, not a plan for any patient."
)
CHAIN_NOTE = (
    "chain: the weakest evidence from profile value to strategy; review-stated is firmer than "
    "inferred-link, which is firmer than a premise resting on a cut-off from outside the review."
)
UNKNOWNS_NOTE = (
    "Which unknown would settle the most of the reasoning below: a guide to what stays undecided, "
    "not a list of tests to order."
)
REFERENCES_NOTE = "[n] are the review's own reference numbers"
OUTSIDE_NOTE = "Outside the review (outside knowledge, cited to its source):"


def cites(citations: list[str]) -> str:
    """Citations in a row; "; " keeps a source such as "Peng et al., Cancer Discov 2016" whole."""
    return "; ".join(citations)


def closeness(b: Borderline) -> str:
    """``tmb 8.4 is 1.6 under tmb_high 10 mut/Mb (borderline within 2 below the line)``."""
    gap = show_value(round(abs(b.value - b.threshold), 6))
    where = "under" if b.side == "below" else "over" if b.value > b.threshold else "at"
    distance = f"{gap} {where}" if where != "at" else "exactly at"
    return (f"{b.field} {show_value(b.value)} is {distance} {b.cutoff} {show_value(b.threshold)} {b.unit} "
            f"(borderline within {show_value(b.margin)} {b.side} the line)")


def caveat_line(caveat: Caveat) -> str:
    """A caveat as one line, its references at the end."""
    return f"{caveat.text} ({cites(caveat.citations)})"


def maturity_line(s: StrategyOut) -> str:
    m = s.maturity
    return f"{m.label} {m.citation}: {m.text}" if m else "not given in this rule base"


def split_references(references: dict[str, str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The review's sections (without the "review [n]:" prefix) and the outside sources, in order."""
    review = [(k, v.split(": ", 1)[1]) for k, v in references.items() if REVIEW_CITATION.match(k)]
    outside = [(k, v) for k, v in references.items() if k != "review" and not REVIEW_CITATION.match(k)]
    return review, outside


def explanation_lines(e: Explanation, indent: int = 2) -> list[tuple[int, str]]:
    """An explanation as an indented outline: + holds, x fails, ? unknown."""
    lines = [(indent, e.summary)]
    for route in e.routes:
        state = {"fired": "fired", "failed": "does not fire",
                 "undecided": f"undecided, needs {', '.join(route.missing)}"}[route.status]
        lines.append((indent + 2, f"rule {route.rule}: {state}"))
        for check in route.checks:
            mark = {"holds": "+", "fails": "x", "unknown": "?"}[check.status]
            lines.append((indent + 4, f"{mark} {check.condition}"))
            # the chain below a finding: always when explaining a conclusion, else where it did not hold
            if check.finding is not None and (e.holds or check.status != "holds"):
                lines.extend(explanation_lines(check.finding, indent + 6)[1:])
    return lines
