"""`icitrace rules coverage`: run feature files in-process through pytest and count, per rule, the
scenarios that saw it fire and the scenarios that saw it *decided* not to fire (semgrep-rules' true
positives and true negatives, for a rule base).

A rule that did not fire because a field it reads was unknown was not tested either way: such a
scenario counts as undecided, never as a negative (the three-valued reading of the result says which).
"""

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
    decided_not: Counter = field(default_factory=Counter)  # its conditions were false
    undecided: Counter = field(default_factory=Counter)  # neither, in every evaluation of the scenario
    scenarios: int = 0
    pytest_exit: int = 0
    #: per feature file stem: rules seen firing / decided not to fire there (rules/X.yaml <-> X.feature)
    by_feature: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)

    def gaps(self, book: RuleBook) -> list[str]:
        """Rules lacking a scenario where they fire or one where they are decided not to fire."""
        return [r.id for r in book.rules if not self.fired[r.id] or not self.decided_not[r.id]]


class _Recorder:
    """pytest plugin: after each scenario that uses icitrace's steps, read what its evaluations decided."""

    def __init__(self, book: RuleBook, coverage: Coverage):
        self.book, self.coverage = book, coverage

    def pytest_bdd_after_scenario(self, request, feature, scenario) -> None:  # noqa: ANN001
        from icitrace.bdd.steps import uses_icitrace

        if not uses_icitrace(request, scenario):
            return
        case = request.getfixturevalue("icitrace_case")
        if not case.history:
            return
        self.coverage.scenarios += 1
        fired: set[str] = set()
        decided_not: set[str] = set()
        for result in case.history:
            fired_here = {t.rule for t in result.trace}
            undecided_here = {n.rule for n in result.not_evaluated}
            fired |= fired_here
            decided_not |= {r.id for r in self.book.rules} - fired_here - undecided_here
        seen = self.coverage.by_feature.setdefault(Path(feature.filename).stem, (set(), set()))
        seen[0].update(fired)
        seen[1].update(decided_not)
        for rule in self.book.rules:
            if rule.id in fired:
                self.coverage.fired[rule.id] += 1
            if rule.id in decided_not:
                self.coverage.decided_not[rule.id] += 1
            if rule.id not in fired and rule.id not in decided_not:
                self.coverage.undecided[rule.id] += 1


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
