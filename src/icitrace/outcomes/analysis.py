"""The figures per conclusion: records it reaches against records it is decided not to reach
(undecided records left out, counted), each figure from lifelines or scipy, none computed here.

- response: the rate in each group with its 95 % Wilson interval (``binomtest(...).proportion_ci``), the
  odds ratio of a response, reached against not reached, with its exact interval
  (``contingency.odds_ratio``, the conditional maximum-likelihood estimate) and Fisher's exact p;
- survival: Kaplan-Meier median with its 95 % interval per group (``KaplanMeierFitter``,
  ``median_survival_times``), the log-rank p (``logrank_test``; never stratified), and the Cox hazard
  ratio, reached against not reached, with its interval and Wald p (``CoxPHFitter``, stratified by
  ``--by`` when given);
- q-values: Benjamini-Hochberg (``false_discovery_control``) over every p-value of the table at once
  (Fisher's and the log-rank's of every conclusion tested); ``q_value`` is the row's smallest.

A comparison whose groups are thin (fewer than ``min_n`` records with the outcome known in either group,
or, for survival, fewer than ``min_n`` events in all) gives no figure and no p-value: its cells stay
empty and ``note`` says why. So does a figure that is unbounded or cannot be had (a median not reached,
a zero cell, a Cox fit that does not converge).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

#: the default of ``--min-n``: fewer records (or events) than this in a comparison is too few to compare
MIN_N = 10
CONFIDENCE = 0.95

COLUMNS = [
    "conclusion", "kind", "label", "n_reached", "n_not_reached", "n_undecided",
    "responders_reached", "response_known_reached", "response_rate_reached", "response_rate_reached_ci_low",
    "response_rate_reached_ci_high",
    "responders_not_reached", "response_known_not_reached", "response_rate_not_reached",
    "response_rate_not_reached_ci_low", "response_rate_not_reached_ci_high",
    "odds_ratio", "odds_ratio_ci_low", "odds_ratio_ci_high", "fisher_p",
    "survival_known_reached", "events_reached", "median_survival_reached", "median_survival_reached_ci_low",
    "median_survival_reached_ci_high",
    "survival_known_not_reached", "events_not_reached", "median_survival_not_reached",
    "median_survival_not_reached_ci_low", "median_survival_not_reached_ci_high",
    "hazard_ratio", "hazard_ratio_ci_low", "hazard_ratio_ci_high", "cox_p", "logrank_p",
    "fisher_q", "logrank_q", "q_value", "note",
]
#: columns that hold counts (written as integers)
COUNTS = {"n_reached", "n_not_reached", "n_undecided", "responders_reached", "response_known_reached",
          "responders_not_reached", "response_known_not_reached", "survival_known_reached", "events_reached",
          "survival_known_not_reached", "events_not_reached"}
TEXT = {"conclusion", "kind", "label", "note"}
#: how the note of a conclusion that one group lacks begins
NOT_COMPARED = "not compared"
KIND_ORDER = {"finding": 0, "strategy": 1, "rule": 2}


def analyse(cohort: Any, min_n: int = MIN_N, by: str | None = None) -> list[dict[str, Any]]:
    """One row per conclusion (findings, strategies, then rules, each by id): its counts and figures."""
    frame = cohort.frame
    has_response = "response" in cohort.read
    has_survival = "survival" in cohort.read
    rows = []
    for cid, kind, label in sorted(cohort.conclusions, key=lambda c: (KIND_ORDER[c[1]], c[0])):
        state = frame[cid]
        row: dict[str, Any] = dict.fromkeys(COLUMNS)
        notes: list[str] = []
        row.update(conclusion=cid, kind=kind, label=label, n_reached=int((state == 1).sum()),
                   n_not_reached=int((state == 0).sum()), n_undecided=int(state.isna().sum()))
        if has_response:
            _response(row, frame, state, min_n, notes)
        if has_survival:
            _survival(row, frame, state, min_n, by, notes)
        if not row["n_reached"] or not row["n_not_reached"]:  # one reason instead of a list of zeros
            notes = [f"{NOT_COMPARED}: {_one_sided(row)}"]
        row["note"] = "; ".join(notes)
        rows.append(row)
    _q_values(rows)
    return rows


def _one_sided(row: dict[str, Any]) -> str:
    if not row["n_reached"] and not row["n_not_reached"]:
        return "every record is undecided"
    return "no record reaches it" if not row["n_reached"] else "no record is decided not to reach it"


def survival_groups(frame: Any, conclusion: str) -> dict[str, Any]:
    """The records with survival known that the conclusion reaches, and those it does not."""
    state = frame[conclusion]
    data = frame.loc[frame["time"].notna() & state.notna()]
    return {"reached": data[state[data.index] == 1], "not_reached": data[state[data.index] == 0]}


def _response(row: dict, frame: Any, state: Any, min_n: int, notes: list[str]) -> None:
    from scipy.stats import binomtest, fisher_exact
    from scipy.stats.contingency import odds_ratio

    known = frame["response"].notna()
    counts = {}
    for group, value in (("reached", 1.0), ("not_reached", 0.0)):
        responses = frame.loc[known & (state == value), "response"]
        counts[group] = (int(responses.sum()), len(responses))
        row[f"responders_{group}"], row[f"response_known_{group}"] = counts[group]
    thin = [f"{group.replace('_', ' ')}: {n} with a response known" for group, (_, n) in counts.items() if n < min_n]
    if thin:
        notes.append(f"response: too few to compare ({', '.join(thin)}; fewer than {min_n})")
        return
    for group, (k, n) in counts.items():
        interval = binomtest(k, n).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
        row[f"response_rate_{group}"] = k / n
        row[f"response_rate_{group}_ci_low"], row[f"response_rate_{group}_ci_high"] = interval.low, interval.high
    (a, n1), (c, n0) = counts["reached"], counts["not_reached"]
    table = [[a, n1 - a], [c, n0 - c]]
    row["fisher_p"] = float(fisher_exact(table).pvalue)
    ratio = odds_ratio(table)
    interval = ratio.confidence_interval(confidence_level=CONFIDENCE)
    _bounded(row, "odds_ratio", ratio.statistic, interval.low, interval.high, notes,
             "odds ratio: unbounded or undefined (a group with no response or only responses)")


def _survival(row: dict, frame: Any, state: Any, min_n: int, by: str | None, notes: list[str]) -> None:
    groups = survival_groups(frame, state.name)
    for group, part in groups.items():
        row[f"survival_known_{group}"], row[f"events_{group}"] = len(part), int(part["event"].sum())
    events = row["events_reached"] + row["events_not_reached"]
    thin = [f"{group.replace('_', ' ')}: {len(part)} with survival known" for group, part in groups.items()
            if len(part) < min_n]
    if events < min_n:
        thin.append(f"{events} events in all")
    if thin:
        notes.append(f"survival: too few to compare ({', '.join(thin)}; fewer than {min_n})")
        return
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import logrank_test
    from lifelines.utils import median_survival_times

    for group, part in groups.items():
        fitter = KaplanMeierFitter(alpha=1 - CONFIDENCE).fit(part["time"], part["event"])
        interval = median_survival_times(fitter.confidence_interval_)
        _bounded(row, f"median_survival_{group}", fitter.median_survival_time_, interval.iloc[0, 0],
                 interval.iloc[0, 1], notes, f"median survival ({group.replace('_', ' ')}): not reached, or its "
                                             "interval open-ended")
    reached, other = groups["reached"], groups["not_reached"]
    row["logrank_p"] = float(logrank_test(reached["time"], other["time"], reached["event"], other["event"]).p_value)
    data = frame.loc[frame["time"].notna() & state.notna()]
    _cox(row, data.assign(reached=state[data.index]), by, notes)


def _cox(row: dict, data: Any, by: str | None, notes: list[str]) -> None:
    """The hazard ratio of the reached group, stratified by ``--by`` (records without a stratum left out)."""
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError, ConvergenceWarning

    if not row["events_reached"] or not row["events_not_reached"]:
        notes.append("hazard ratio: none, a group has no event")
        return
    columns = ["time", "event", "reached"]
    if by is not None:
        missing = int(data["stratum"].isna().sum())
        data = data.loc[data["stratum"].notna()]
        columns.append("stratum")
        if missing:
            notes.append(f"hazard ratio: {missing} records without a value of {by} left out of its strata")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fitter = CoxPHFitter(alpha=1 - CONFIDENCE).fit(data[columns], "time", "event",
                                                           strata=["stratum"] if by is not None else None)
    except (ConvergenceError, ValueError, ZeroDivisionError) as error:
        notes.append(f"hazard ratio: the Cox fit failed ({str(error).splitlines()[0][:120]})")
        return
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        notes.append("hazard ratio: the Cox fit did not converge cleanly (see lifelines' warning); none given")
        return
    summary = fitter.summary.loc["reached"]
    _bounded(row, "hazard_ratio", summary["exp(coef)"], summary["exp(coef) lower 95%"],
             summary["exp(coef) upper 95%"], notes, "hazard ratio: unbounded")
    if row["hazard_ratio"] is not None:
        row["cox_p"] = float(summary["p"])


def _bounded(row: dict, name: str, value: Any, low: Any, high: Any, notes: list[str], why: str) -> None:
    """A figure and its interval, each only when finite; an unbounded one is said in the note."""
    figures = [float(value), float(low), float(high)]
    finite = [x if math.isfinite(x) else None for x in figures]
    row[name], row[f"{name}_ci_low"], row[f"{name}_ci_high"] = finite
    if None in finite:
        notes.append(why)


def _q_values(rows: list[dict[str, Any]]) -> None:
    from scipy.stats import false_discovery_control

    tests = [(row, test) for row in rows for test in ("fisher", "logrank") if row[f"{test}_p"] is not None]
    if not tests:
        return
    q = false_discovery_control([row[f"{test}_p"] for row, test in tests], method="bh")
    for (row, test), value in zip(tests, q, strict=True):
        row[f"{test}_q"] = float(value)
    for row in rows:
        found = [row[f"{test}_q"] for test in ("fisher", "logrank") if row[f"{test}_q"] is not None]
        row["q_value"] = min(found) if found else None
