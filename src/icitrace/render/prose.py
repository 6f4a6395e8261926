"""How the pieces of a result read as sentences, shared by the text and Markdown renderers.

Pure wording of what a ``Result`` already holds: nothing here reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

from icitrace.profile.model import show_value
from icitrace.reasoning.borderline import Borderline
from icitrace.reasoning.explain import Explanation
from icitrace.result.model import Caveat, StrategyOut
from icitrace.rulebase.model import REVIEW_CITATION

@dataclass(frozen=True)
class Show:
    """How much a human rendering shows: ``brief`` the summary and the chain without the prose, ``trace``
    the firing order too, ``full`` everything (each thing still said once)."""

    brief: bool = False
    trace: bool = False
    full: bool = False


#: the chain legend in the summary's heading, said once (that no candidate is a plan for anyone, the
#: disclaimer above it says)
CHAIN_NOTE = "firmest chain first (its weakest link: review-stated > inferred-link > external-cutoff)"
STANDING_NOTE = "any measured biomarker draws it"
UNKNOWNS_NOTE = ("The deciding unknowns, the one that would settle the most first: a guide to what stays "
                 "open, not a list of tests.")


def unknowns_note(said: str | None = None) -> str:
    """The note over the deciding unknowns; ``said``: the first, already given in the summary."""
    if said is None:
        return UNKNOWNS_NOTE
    return (f"The deciding unknowns after {said} (in the summary), most rules first: a guide to what stays "
            "open, not a list of tests.")
REFERENCES_NOTE = "[n]: the review's own reference numbers"
OUTSIDE_NOTE = "Outside the review (outside knowledge, cited to its source):"
BRIEF_NOTE = "--brief: the reasons, caveats and notes are left out; run without it to read them."
#: the deciding unknowns given one by one in the Markdown report; the rest are named on one line
UNKNOWNS_SHOWN = 3


def cites(citations: list[str]) -> str:
    """Citations in a row; "; " keeps a source such as "Peng et al., Cancer Discov 2016" whole."""
    return "; ".join(citations)


def near_line(b: Borderline) -> str:
    """``tmb 8.4 is 1.6 under tmb_high 10 mut/Mb``."""
    gap = show_value(round(abs(b.value - b.threshold), 6))
    where = "under" if b.side == "below" else "over" if b.value > b.threshold else "at"
    distance = f"{gap} {where}" if where != "at" else "exactly at"
    return f"{b.field} {show_value(b.value)} is {distance} {b.cutoff} {show_value(b.threshold)} {b.unit}"


def closeness(b: Borderline) -> str:
    """``tmb 8.4 is 1.6 under tmb_high 10 mut/Mb (borderline within 2 below the line)``."""
    return f"{near_line(b)} (borderline within {show_value(b.margin)} {b.side} the line)"


def resting(findings: list[str], strategies: list[str]) -> str:
    """What a borderline value carries: ``low_immunogenicity, cancer_vaccine_combination rest on it``."""
    ids = [*findings, *strategies]
    if not ids:
        return "nothing derived rests on it"
    return f"{', '.join(ids)} rest{'s' * (len(ids) == 1)} on it"


def because_line(evidence: str, citations: list[str], conditions: list[str]) -> str:
    """``review-stated, cites [2]; because tumor_antigens is reduced (reduced or lost)``."""
    text = f"{evidence}, cites {cites(citations)}" if citations else evidence
    return text + (f"; because {' and '.join(conditions)}" if conditions else "")


def caveat_line(caveat: Caveat, given: set[str] | frozenset[str] = frozenset()) -> str:
    """A caveat as one line, its references at the end, leaving out those just ``given`` beside it."""
    rest = [c for c in caveat.citations if c not in given]
    return f"{caveat.text} ({cites(rest)})" if rest else caveat.text


def maturity_line(s: StrategyOut) -> str:
    """What the review says of the approach, after the paragraph that says it: ``([7]): The review
    reports ...``. Its words carry the review's hedge, so the stage's label is not said again beside
    them (``--brief`` shows the label alone, ``maturity_stage``); the cite stands apart, so it never runs
    into the stage ("a research method, not a therapy conclusion")."""
    m = s.maturity
    if not m:
        return "not given in this rule base"
    where = "the review's conclusion" if m.citation == "conclusion" else m.citation
    return f"({where}): {m.text}"


def maturity_stage(s: StrategyOut) -> str:
    """``[as the review puts it: in clinical trials]``, beside the strategy's name (``--brief``)."""
    return f"[{s.maturity.label}]" if s.maturity else ""


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
