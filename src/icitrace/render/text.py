"""The human rationale: disclaimer and profile, then the summary (the answer first), then findings,
candidate strategies in the summary's order, borderline values, unknowns and references; the trace on
request (``--trace``, ``--full``).

Pure presentation of a ``Result``: no reasoning happens here. Lines are laid out by ``render.page``
(styled only on a terminal), and every piece of user text passes through ``printable`` first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from icitrace.profile.model import Band, show_value
from icitrace.reasoning.borderline import ASSAY_NOTE, Borderline
from icitrace.reasoning.explain import Explanation
from icitrace.render.page import Page
from icitrace.render.prose import (
    BRIEF_NOTE,
    CHAIN_NOTE,
    OUTSIDE_NOTE,
    REFERENCES_NOTE,
    STANDING_NOTE,
    Show,
    because_line,
    caveat_line,
    cites,
    closeness,
    explanation_lines,
    maturity_line,
    maturity_stage,
    near_line,
    resting,
    split_references,
    unknowns_note,
)
from icitrace.result.model import FindingOut, Result, Route, StrategyOut
from icitrace.rulebase.model import EVIDENCE_ORDER
from icitrace.text import printable


def render_text(results: list[Result], *, color: bool = False, width: int = 100, brief: bool = False,
                trace: bool = False, full: bool = False) -> str:
    """The rationale of each result: ``brief`` keeps the summary and the chain without the prose,
    ``trace`` adds the firing order, ``full`` everything (the trace, every unknown with its rules, the
    standing strategies' routes in full, what icitrace takes from each outside source)."""
    return "".join(text_chunks(results, color=color, width=width, brief=brief, trace=trace, full=full))


def render_explanation_text(result: Result, *, color: bool = False, width: int = 100) -> str:
    """Only the why / why-not part (``icitrace explain``), with the disclaimer and what was changed."""
    def body(out: Page, r: Result) -> None:
        _header(out, r)
        out.say(0, ("Profile", "bold"), f" {printable(r.profile.id)}")
        _changes(out, r)
        for e in r.why_not or []:
            _why(out, e)
    return "".join(_render([result], body, color, width))


def text_chunks(results: Iterable[Result], *, color: bool = False, width: int = 100, brief: bool = False,
                trace: bool = False, full: bool = False) -> Iterator[str]:
    """The rationale of each result as it comes (the first line of each after the first is a rule):
    ``render_text`` joined, for output that is written while later profiles are still evaluated."""
    show = Show(brief=brief and not full, trace=trace or full, full=full)
    return _render(results, lambda out, r: _one(out, r, show), color, width)


def _render(results: Iterable[Result], body: Callable[[Page, Result], None], color: bool,
            width: int) -> Iterator[str]:
    for index, result in enumerate(results):
        page = Page(width, color)
        if index:
            page.blank()
            page.rule()
        body(page, result)
        yield page.text()


def stamp_line(r: Any) -> str:
    """What made an output (a result, a diff, a sweep): icitrace and the rules."""
    return f"icitrace {r.icitrace_version} | rules {r.rules_version} ({r.rules_digest})"


OVERRIDE_SAID = "cut-off changed for this run:"


def override_text(o: Any) -> str:
    """A cut-off --threshold moved, after OVERRIDE_SAID: the line before and after, with its unit."""
    return f" {o.cutoff} {show_value(o.before)} -> {show_value(o.after)} {printable(o.unit)}"


def _header(out: Page, r: Result) -> None:
    out.say(0, (printable(r.disclaimer), "bold yellow"))
    out.say(0, (stamp_line(r), "dim"))
    for o in r.overrides:
        out.say(0, (OVERRIDE_SAID, "bold"), override_text(o))
    out.blank()


def _changes(out: Page, r: Result) -> None:
    for c in r.changed_fields:
        out.say(2, ("changed for this run:", "bold"),
                f" {c.field} {printable(_or_unknown(c.before))} -> {printable(_or_unknown(c.after))}")


def _why(out: Page, e: Explanation) -> None:
    out.blank()
    out.say(0, (f"Why{'' if e.holds else ' not'}:", "bold"), f" {e.id}  {printable(e.label)}")
    for number, (indent, line) in enumerate(explanation_lines(e)):
        # a wrapped step hangs under its own words, past its mark (+ x ?), not under the mark
        out.say(indent, printable(line), hang=indent + 2 if number else None)


def _one(out: Page, r: Result, show: Show) -> None:
    p = r.profile
    _header(out, r)
    out.say(0, ("Profile", "bold"), f" {printable(p.id)}")
    if p.description and not show.brief:
        out.say(2, printable(p.description))
    if p.tumor_type:
        out.say(2, f"tumour type: {printable(p.tumor_type)}")
    _changes(out, r)
    known = ", ".join(f"{k} {show_value(v)}" for k, v in p.values.items()) or "none"
    out.say(2, f"known:   {printable(known)}")
    out.say(2, f"unknown: {', '.join(p.unknown) or 'none'}")

    out.blank()
    _summary(out, r)

    out.blank()
    ids = list(dict.fromkeys(f.id for f in r.findings))
    out.say(0, ("Findings", "bold"), f" ({len(ids)})" + ("" if ids else ": none derived from the known values"))
    near = {rule: b for b in r.borderline for rule in b.rules}
    given: dict[str, str] = {}  # a caveat's text -> the finding under which it was given in full
    for fid in ids:
        group = [f for f in r.findings if f.id == fid]
        if show.brief:
            _brief_finding(out, group)
        else:
            _finding(out, group, near, given, show)

    by_id = {s.id: s for s in r.strategies}
    ranked = [by_id[s.id] for s in r.summary.strategies]
    if ranked or not show.brief:
        out.blank()
        out.say(0, ("Candidate strategies named in the review", "bold"), f" ({len(ranked)})"
                + (", in the summary's order" if ranked else ": none"))
    said: dict[str, str] = {}  # a note on what the review leaves open -> the strategy it was given under
    for s in ranked:
        _strategy(out, s, show, said)
    standing = [by_id[s.id] for s in r.summary.standing]
    if standing:
        out.blank()
        if show.brief:  # one paragraph each: what it is, its stage and what drew it here
            for s in standing:
                out.say(0, ("Standing note:", "bold"), f" {s.id} {maturity_stage(s)}, drawn here by {_drawn(s)}",
                        hang=2)
        else:
            out.say(0, ("Standing note", "bold"), f" ({len(standing)})")
            for s in standing:
                _standing(out, s, show, said)

    if not show.brief:  # the summary names each borderline value and what rests on it
        _borderline(out, r, show)
    _unknowns(out, r, show)
    for e in r.why_not or []:
        _why(out, e)
    if show.trace:
        out.blank()
        out.say(0, ("Trace", "bold"), f" ({len(r.trace)} firings, in engine order)")
        for t in r.trace:
            out.say(2, f"{t.step:>2}. {t.rule} -> {t.kind} {t.concludes}")
    _references(out, r, show)
    if show.brief:
        out.blank()
        out.say(0, (BRIEF_NOTE, "italic"))


def _summary(out: Page, r: Result) -> None:
    """The answer first, each item by the id the detail below uses."""
    s = r.summary
    out.say(0, ("Summary", "bold"))
    if s.mechanisms or s.biomarker_signals:
        out.say(2, f"mechanisms ({len(s.mechanisms)}): {', '.join(s.mechanisms) or 'none'}")
        out.say(2, f"biomarker signals ({len(s.biomarker_signals)}): {', '.join(s.biomarker_signals) or 'none'}")
    else:
        out.say(2, "findings: none derived from the known values")
    if s.strategies:
        out.say(2, f"candidates from the review ({len(s.strategies)}), {CHAIN_NOTE}:")
        for evidence in EVIDENCE_ORDER:
            tier = [c.id for c in s.strategies if c.chain_evidence == evidence]
            if tier:
                out.say(4, f"{evidence}: {', '.join(tier)}")
    else:
        out.say(2, "candidates: none")
    for note in s.standing:
        out.say(2, f"standing: {note.id} ({STANDING_NOTE})")
    near = {(b.field, b.cutoff): b for b in r.borderline}
    for b in s.borderline:
        out.say(2, f"borderline: {printable(near_line(near[b.field, b.cutoff]))}; {resting(b.findings, b.strategies)}")
    if s.deciding_unknown:
        out.say(2, f"deciding unknown: {printable(r.deciding_unknowns[0].sentence)}")


def _finding(out: Page, group: list[FindingOut], near: dict[str, Borderline], given: dict[str, str],
             show: Show) -> None:
    first = group[0]
    # the id, what it is called and what it stands for, in one paragraph hanging from the id
    out.say(2, (first.id, "bold cyan"), f"  {printable(first.label)}  ", (f"[{first.kind}]", "dim"),
            *([f"  {printable(first.summary)}"] if not show.brief else []), hang=4)
    for f in group:
        out.say(4, f"rule {f.rule}: {printable(f.title)}")
        # support, values and reason in one paragraph: each said once, read in one go
        why = "" if show.brief else f". why: {printable(f.explanation)}"
        out.say(6, printable(because_line(f.evidence, f.citations, [b.condition for b in f.because])) + why)
        if f.borderline:
            out.say(6, ("borderline:", "yellow"), f" {printable(near[f.rule].field)} (see Borderline values)")
    if show.brief:
        return
    above = {c for f in group for c in f.citations}
    for caveat in {c.text: c for f in group for c in f.caveats}.values():
        if caveat.text in given:  # said once: the second time, where it was said
            out.say(4, ("caveat:", "yellow"), f" as under {given[caveat.text]} above")
            continue
        given[caveat.text] = first.id
        out.say(4, ("caveat:", "yellow"), f" {printable(caveat_line(caveat, above))}")


def _brief_finding(out: Page, group: list[FindingOut]) -> None:
    """A finding in one line per rule: the rule, its evidence and the values it read."""
    for f in group:
        support = "; because " + " and ".join(b.condition for b in f.because)
        out.say(2, (f.id, "bold cyan"), f" [{f.kind}]: rule {f.rule}, {f.evidence}{printable(support)}"
                + ("; borderline" if f.borderline else ""))


def _strategy(out: Page, s: StrategyOut, show: Show, said: dict[str, str]) -> None:
    _strategy_head(out, s, show)
    cited: set[str] = set()  # a source a route above already cited is not cited again
    for route in s.routes:
        _route(out, route, show, cited)
    _open_questions(out, s, show, said)


def _strategy_head(out: Page, s: StrategyOut, show: Show) -> None:
    if show.brief:  # the stage alone, beside the name
        out.say(2, (s.id, "bold magenta"), f"  {printable(s.label)}  ", (printable(maturity_stage(s)), "dim"), hang=4)
        return
    out.say(2, (s.id, "bold magenta"), f"  {printable(s.label)}: {printable(s.summary)}", hang=4)
    out.say(4, f"maturity {printable(maturity_line(s))}")


def _route(out: Page, route: Route, show: Show, cited: set[str] | None = None) -> None:
    origin = ", ".join(route.from_findings)
    conditions = [b.condition for b in route.because if b.on_profile]
    # the chain is named once; the rule's own evidence only where it is firmer than the chain
    strength = (f"chain: {route.chain_evidence}" if route.evidence == route.chain_evidence
                else f"{route.evidence}, chain: {route.chain_evidence}")
    if show.brief:  # no cites: the references list them
        out.say(4, f"route from {origin}, by rule {route.rule}: {strength}"
                   + (f"; because {printable(' and '.join(conditions))}" if conditions else ""))
    else:
        cites_here = [c for c in route.citations if cited is None or c not in cited]
        if cited is not None:
            cited.update(route.citations)
        out.say(4, f"route from {origin}, by rule {route.rule}: "
                   + printable(because_line(strength, cites_here, conditions)) + f". why: {printable(route.explanation)}")
    if route.rests_on_borderline:
        out.say(6, ("rests on a borderline value:", "yellow"), f" {', '.join(route.rests_on_borderline)}")


def _standing(out: Page, s: StrategyOut, show: Show, said: dict[str, str]) -> None:
    """A strategy any measured biomarker draws: its routes on one line (in full with ``--full``)."""
    _strategy_head(out, s, show)
    if not show.brief:
        out.say(4, printable(s.standing or ""))
    if show.full:
        for route in s.routes:
            _route(out, route, show)
    else:
        out.say(4, f"drawn here by: {_drawn(s)}; cites {printable(cites(s.citations))}")
        rests = [f for r in s.routes for f in r.rests_on_borderline]
        if rests:
            out.say(6, ("rests on a borderline value:", "yellow"), f" {', '.join(dict.fromkeys(rests))}")
    _open_questions(out, s, show, said)


def _drawn(s: StrategyOut) -> str:
    """``low-tmb-to-biomarker-guided (chain: external-cutoff)``: the routes on one line (each rule's id
    names the finding it starts from)."""
    return f"{', '.join(s.rules)} (chain: {', '.join(dict.fromkeys(r.chain_evidence for r in s.routes))})"


def _open_questions(out: Page, s: StrategyOut, show: Show, said: dict[str, str]) -> None:
    """What the review leaves open and where the field stands; a note shared by several strategies
    (the TIM-3, LAG-3 and VISTA combinations) is given once."""
    if show.brief:
        return
    if s.not_in_review in said:
        out.say(4, f"not in the review: as for {said[s.not_in_review]} above")
    elif s.not_in_review:
        said[s.not_in_review] = s.id
        out.say(4, f"not in the review: {printable(s.not_in_review)}")
    if s.outside_review:  # its sources, less those the routes above already cite
        out.say(4, f"outside the review: {printable(caveat_line(s.outside_review, set(s.citations)))}")


def _borderline(out: Page, r: Result, show: Show) -> None:
    if not r.borderline:
        return
    out.blank()
    out.say(0, ("Borderline values", "bold"), f" ({len(r.borderline)})")
    for b in r.borderline:
        fired = ", ".join(f"{rule} {'fired' if did else 'did not fire'}" for rule, did in b.rules.items())
        out.say(2, f"{printable(closeness(b))}: {fired}")
        if b.margin_reason and not show.brief:
            out.say(4, (f"why this margin: {printable(b.margin_reason)}", "dim"))
    if not show.brief:
        out.say(2, (ASSAY_NOTE, "italic"))


def _unknowns(out: Page, r: Result, show: Show) -> None:
    """The deciding unknowns. By default the first is in the summary, in words, and the rest are named
    with the number of undecided rules each bears on; ``--full`` gives each in words with its rules;
    ``--brief`` only the count of undecided rules."""
    if show.brief and not r.not_evaluated:
        return
    out.blank()
    banded = any(isinstance(v, Band) for v in r.profile.values.values())
    unknowns = r.deciding_unknowns
    out.say(0, ("Not evaluated", "bold"), f" ({len(r.not_evaluated)} rules undecided because a field is unknown"
            + (" or known only as a band across a cut-off)" if banded else ")")
            + ("" if r.not_evaluated else ": none"),
            *([(f". {unknowns_note(None if show.full else unknowns[0].field)}", "italic")]
              if unknowns and not show.brief else []))
    if show.full:
        for m in unknowns:
            out.say(2, f"- {printable(m.sentence)}", hang=4)
            out.say(4, (f"rules: {', '.join(m.rules)}", "dim"))
        return
    rest = unknowns if show.brief else unknowns[1:]
    if rest:
        if show.brief:  # the profile's unknown line names them; the summary gives the one that decides most
            return
        named = ", ".join(f"{m.field} ({len(m.rules)})" for m in rest)
        out.say(2, f"- then (undecided rules): {named}; --full gives each in words, with its rules", hang=4)


def _references(out: Page, r: Result, show: Show) -> None:
    """Each source once, by the [n] or short cite the text uses. The review's paragraphs with what each is
    about; the outside sources by their short cite alone, since the text gave that much beside each
    conclusion: the reference in full, and what icitrace takes from it, with ``--full``."""
    if not r.references:
        return
    out.blank()
    review, outside = split_references(r.references)
    if show.brief:
        out.say(0, ("References", "bold"), f": the review {' '.join(k for k, _ in review)}"
                + (f"; outside the review: {printable('; '.join(k for k, _ in outside))}" if outside else ""))
        return
    out.say(0, ("References", "bold"), f" ({REFERENCES_NOTE})")
    out.say(2, f'The review: "{printable(r.references["review"])}"')
    for key, text in review:
        out.say(4, f"{printable(key)} {printable(text)}")
    if not outside:
        return
    if not show.full:
        out.say(2, f"{OUTSIDE_NOTE} {printable('; '.join(key for key, _ in outside))} "
                   "(--full gives each in full)")
        return
    out.say(2, OUTSIDE_NOTE)
    for key, text in outside:
        note = r.reference_notes.get(key)
        out.say(4, f"{printable(key)}: {printable(text)}" + (f" {printable(note)}" if note else ""))


def _or_unknown(value: object) -> str:
    return "unknown" if value is None else show_value(value)
