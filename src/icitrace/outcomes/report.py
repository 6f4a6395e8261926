"""The outcomes report: one self-contained HTML file (figures as inline SVG, no outside asset, no
script), with the disclaimer and the caveat first, then a forest plot of the odds and hazard ratios,
the Kaplan-Meier curves of each conclusion compared, and the table of counts and figures.

The figures are drawn with matplotlib from the same fits the table reports (lifelines' Kaplan-Meier
estimate and its interval), on a ``Figure`` of their own (no pyplot, no global state), and written with
a fixed id salt and no date, so the same input gives the same bytes.
"""

from __future__ import annotations

import html
import io
import json
from typing import Any

from icitrace import DISCLAIMER
from icitrace.outcomes import CAVEAT
from icitrace.outcomes.analysis import CONFIDENCE, NOT_COMPARED, survival_groups
from icitrace.outcomes.table import cell

#: the columns the report's table shows (the CSV has them all)
SHOWN = [("conclusion", "conclusion"), ("kind", "kind"), ("n_reached", "reached"), ("n_not_reached", "not reached"),
         ("n_undecided", "undecided"), ("response_rate_reached", "response, reached"),
         ("response_rate_not_reached", "response, not reached"), ("odds_ratio", "odds ratio"),
         ("fisher_p", "Fisher p"), ("median_survival_reached", "median survival, reached"),
         ("median_survival_not_reached", "median survival, not reached"), ("hazard_ratio", "hazard ratio"),
         ("logrank_p", "log-rank p"), ("q_value", "q"), ("note", "note")]
STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;color:#222;line-height:1.45}
.warn{border:2px solid #b3261e;background:#fdecea;padding:.6em 1em;border-radius:6px}
.caveat{border-left:4px solid #555;padding:.3em .8em;background:#f4f4f4}
table{border-collapse:collapse;font-size:.82em;width:100%}th,td{border:1px solid #ccc;padding:3px 5px;text-align:left;vertical-align:top}
th{background:#eee}td.n{text-align:right;white-space:nowrap}.wide{overflow-x:auto}pre{white-space:pre-wrap}.km{display:flex;flex-wrap:wrap;gap:8px}
.km figure{margin:0;width:340px}figcaption{font-size:.8em}code{font-size:.95em}
"""


def report_html(rows: list[dict[str, Any]], cohort: Any, run: dict[str, Any], table: str) -> str:
    """The whole page."""
    compared = [row for row in rows if row["hazard_ratio"] is not None or row["odds_ratio"] is not None]
    curves = [row for row in rows if row["median_survival_reached"] is not None or row["logrank_p"] is not None]
    outcomes = run["outcomes"]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>icitrace outcomes: {_e(table)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Outcomes by conclusion: <code>{_e(table)}</code></h1>",
        f'<p class="warn"><strong>{_e(DISCLAIMER)}</strong></p>',
        f'<p class="caveat">{_e(CAVEAT)}</p>',
        "<h2>The cohort</h2>", _cohort(outcomes, run),
        "<h2>Odds and hazard ratios</h2>",
        "<p>Reached against decided not reached, with 95 % intervals, on a log scale; a conclusion is shown when "
        "a ratio could be had (thin groups give none: see the notes).</p>",
        _forest(compared) if compared else "<p>No ratio could be had in this cohort.</p>",
        "<h2>Kaplan-Meier curves</h2>",
        _curves(curves, cohort.frame) if curves else "<p>No conclusion had enough records to compare survival.</p>",
        "<h2>The table</h2>",
        f"<p>The conclusions compared; the CSV or JSON output has every column (intervals, counts of responders "
        f"and events, Cox p, q-values per test). Fewer than {outcomes['min_n']} records with the outcome known in "
        "a group (or events in all) is too few: no figure, no p-value.</p>",
        _table([row for row in rows if not row["note"].startswith(NOT_COMPARED)]),
        "<h3>Not compared</h3>", _not_compared([row for row in rows if row["note"].startswith(NOT_COMPARED)]),
        f"<h2>Provenance</h2><pre>{_e(json.dumps(run, indent=1, ensure_ascii=False))}</pre>",
        f'<p class="warn">{_e(DISCLAIMER)}</p>', "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _cohort(outcomes: dict[str, Any], run: dict[str, Any]) -> str:
    items = [f"{outcomes['records']:,} records read; {outcomes['records_failed']:,} could not be evaluated and "
             "are left out of every figure."]
    for what, read in outcomes["read"].items():
        said = "; ".join(f"read as {kind}: " + ", ".join(f"{_e(value)} ({n})" for value, n in cells.items())
                         for kind, cells in read.items() if kind != "missing" and cells)
        items.append(f"{what.capitalize()}: {said}; missing (left out): {read['missing']}")
    if outcomes["by"]:
        items.append(f"Cox hazard ratios stratified by {_e(outcomes['by'])}; the log-rank test is not stratified.")
    items.append(f"Rules {_e(run['rules_version'])} (digest {_e(run['rules_digest'])}); map {_e(run['map']['file'])}.")
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _svg(figure: Any) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "icitrace", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # inline: no XML declaration or doctype


def _forest(rows: list[dict[str, Any]]) -> str:
    from matplotlib.figure import Figure
    from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

    height = 1.2 + 0.32 * len(rows)
    figure = Figure(figsize=(10, height))
    axes = figure.subplots(1, 2, sharey=True)
    labels = [row["conclusion"] for row in rows]
    for ax, (name, title) in zip(axes, (("odds_ratio", "odds ratio of a response"),
                                         ("hazard_ratio", "hazard ratio (Cox)")), strict=True):
        for y, row in enumerate(rows):
            value, low, high = row[name], row[f"{name}_ci_low"], row[f"{name}_ci_high"]
            if value is None:
                continue
            if low is not None and high is not None:
                ax.plot([low, high], [y, y], color="#333", linewidth=1.2)
            ax.plot([value], [y], marker="s", color="#1f4e79", markersize=5)
        ax.axvline(1, color="#999", linestyle="--", linewidth=0.8)
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(title, fontsize=10)
        ax.set_yticks(range(len(rows)), labels, fontsize=8)
        ax.invert_yaxis() if not ax.yaxis_inverted() else None
    figure.tight_layout()
    return f"<figure>{_svg(figure)}</figure>"


def _curves(rows: list[dict[str, Any]], frame: Any) -> str:
    from lifelines import KaplanMeierFitter
    from matplotlib.figure import Figure

    shown = []
    for row in rows:
        figure = Figure(figsize=(4.2, 3.0))
        ax = figure.subplots()
        for (group, part), colour in zip(survival_groups(frame, row["conclusion"]).items(), ("#c0392b", "#1f4e79"),
                                         strict=True):
            fitter = KaplanMeierFitter(alpha=1 - CONFIDENCE).fit(part["time"], part["event"])
            curve, band = fitter.survival_function_.iloc[:, 0], fitter.confidence_interval_
            label = f"{group.replace('_', ' ')} (n={len(part)})"
            ax.step(curve.index, curve.values, where="post", color=colour, label=label, linewidth=1.3)
            ax.fill_between(band.index, band.iloc[:, 0], band.iloc[:, 1], step="post", color=colour, alpha=0.15,
                            linewidth=0)
            censored = part.loc[part["event"] == 0, "time"]
            ax.plot(censored, fitter.predict(censored.tolist()), "|", color=colour, markersize=6)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("time", fontsize=8)
        ax.set_ylabel("surviving", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7, loc="lower left")
        ax.set_title(row["conclusion"], fontsize=9)
        figure.tight_layout()
        caption = (f"log-rank p {cell('logrank_p', row['logrank_p']) or '-'}; hazard ratio "
                   f"{cell('hazard_ratio', row['hazard_ratio']) or '-'}; {row['note']}".rstrip("; "))
        shown.append(f"<figure>{_svg(figure)}<figcaption>{_e(row['label'])}: {_e(caption)}</figcaption></figure>")
    return '<div class="km">' + "".join(shown) + "</div>"


def _not_compared(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>None.</p>"
    items = "".join(f"<li><code>{_e(row['conclusion'])}</code> ({_e(row['kind'])}): "
                    f"{_e(row['note'].removeprefix(NOT_COMPARED + ': '))} (reached {row['n_reached']}, not reached "
                    f"{row['n_not_reached']}, undecided {row['n_undecided']})</li>" for row in rows)
    return f"<ul>{items}</ul>"


def _table(rows: list[dict[str, Any]]) -> str:
    head = "".join(f"<th>{_e(title)}</th>" for _, title in SHOWN)
    body = []
    for row in rows:
        cells = []
        for column, _ in SHOWN:
            text = cell(column, row[column])
            numeric = column not in ("conclusion", "kind", "note")
            cells.append(f'<td class="n">{_e(text)}</td>' if numeric else f"<td>{_e(text)}</td>")
        body.append(f'<tr title="{_e(row["label"])}">{"".join(cells)}</tr>')
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
