"""`icitrace rules coverage`: run feature files in-process through pytest and count, per rule, the
scenarios that saw it fire and the scenarios that saw it not fire (semgrep-rules' true positives and
true negatives, for a rule base)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from icitrace.rulebase.book import RuleBook


@dataclass
class Coverage:
    fired: Counter = field(default_factory=Counter)
    missed: Counter = field(default_factory=Counter)
    scenarios: int = 0
    pytest_exit: int = 0

    def gaps(self, book: RuleBook) -> list[str]:
        """Rules lacking a scenario where they fire or one where they do not."""
        return [r.id for r in book.rules if not self.fired[r.id] or not self.missed[r.id]]


class _Recorder:
    """pytest plugin: after each scenario, read which rules its evaluations fired."""

    def __init__(self, book: RuleBook, coverage: Coverage):
        self.book, self.coverage = book, coverage

    def pytest_bdd_after_scenario(self, request, feature, scenario) -> None:  # noqa: ANN001
        case = request.getfixturevalue("icitrace_case")
        if not case.history:
            return
        fired = {t.rule for result in case.history for t in result.trace}
        self.coverage.scenarios += 1
        for rule in self.book.rules:
            (self.coverage.fired if rule.id in fired else self.coverage.missed)[rule.id] += 1


def measure(features: Path, book: RuleBook, rules_dir: Path | None) -> Coverage:
    """Run every scenario under ``features`` (pytest's own output goes to stderr)."""
    import pytest

    coverage = Coverage()
    with tempfile.TemporaryDirectory() as tmp:
        module = Path(tmp) / "test_icitrace_coverage.py"
        module.write_text(f"from pytest_bdd import scenarios\nscenarios(*{feature_files(features)!r})\n")
        # importlib mode: a second run in one process must not meet the first one's module
        args = [str(module), "-q", "-p", "no:cacheprovider", "--rootdir", tmp, "--import-mode=importlib",
                "-W", "ignore::pytest.PytestAssertRewriteWarning"]
        before = os.environ.get("ICITRACE_RULES")
        if rules_dir is not None:
            os.environ["ICITRACE_RULES"] = str(rules_dir)
        try:
            # icitrace is already imported in this process, so pytest cannot rewrite its asserts: say nothing.
            with contextlib.redirect_stdout(sys.stderr):
                coverage.pytest_exit = int(pytest.main(args, plugins=[_Recorder(book, coverage)]))
        finally:  # the setting is this run's alone
            if before is None:
                os.environ.pop("ICITRACE_RULES", None)
            else:
                os.environ["ICITRACE_RULES"] = before
    return coverage


def feature_files(features: Path) -> list[str]:
    """Every .feature file under the folder once: links are not followed into folders (a link back up
    would repeat every scenario), and a file reached twice counts once."""
    found: dict[str, None] = {}
    for folder, _, names in sorted(os.walk(features, followlinks=False)):
        for name in sorted(names):
            path = Path(folder) / name
            if name.endswith(".feature") and path.is_file():
                found.setdefault(str(path.resolve()))
    return list(found)


def report(coverage: Coverage, book: RuleBook) -> str:
    width = max(len(r.id) for r in book.rules)
    lines = [f"{'rule'.ljust(width)}  fires  does not fire"]
    for rule in book.rules:
        mark = "" if coverage.fired[rule.id] and coverage.missed[rule.id] else "  <- needs a scenario"
        lines.append(f"{rule.id.ljust(width)}  {coverage.fired[rule.id]:>5}  {coverage.missed[rule.id]:>13}{mark}")
    gaps = coverage.gaps(book)
    lines.append(f"{len(book.rules)} rules, {coverage.scenarios} evaluated scenarios: "
                 + ("every rule both fires and does not fire." if not gaps else f"{len(gaps)} rules lack a scenario."))
    return "\n".join(lines) + "\n"
