"""A pytest plugin that prints where the suite's CPU time goes: per test and per file, this process's CPU
plus that of the processes it started and waited for (wall-clock durations say more about the machine's
other load than about the tests when the machine is shared).

    PYTHONPATH=src:tests/tools python -m pytest -n 0 -p cpu_durations [--cpu-durations=40]

Run it without xdist (`-n 0`): each xdist worker would count only its own share. It prints; it asserts
nothing (docs/testing.md keeps the figures).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict

import pytest

_spent: dict[str, float] = {}
_cli: set[str] = set()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--cpu-durations", type=int, default=40, help="how many of the costliest tests to list")


def _cpu() -> float:
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):  # noqa: ARG001
    start = _cpu()
    yield
    _spent[item.nodeid] = _cpu() - start
    if item.get_closest_marker("cli") is not None:
        _cli.add(item.nodeid)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:  # noqa: ANN001
    if not _spent:
        return
    write = terminalreporter.write_line
    by_file: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for nodeid, seconds in _spent.items():
        by_file[nodeid.partition("::")[0]] += seconds
        count[nodeid.partition("::")[0]] += 1
    total = sum(_spent.values())
    terminalreporter.section(f"CPU time: {total:.1f} s in {len(_spent)} tests (this process and its children)")
    cli = sum(seconds for nodeid, seconds in _spent.items() if nodeid in _cli)
    write(f"marked cli: {cli:.1f} s in {len(_cli)} tests; the rest: {total - cli:.1f} s in {len(_spent) - len(_cli)}")
    write("by file:")
    for name, seconds in sorted(by_file.items(), key=lambda kv: -kv[1]):
        write(f"  {seconds:7.1f} s  {100 * seconds / total:4.1f}%  {count[name]:4d} tests  {name}")
    write(f"the {config.getoption('cpu_durations')} costliest tests:")
    for nodeid, seconds in sorted(_spent.items(), key=lambda kv: -kv[1])[:config.getoption("cpu_durations")]:
        write(f"  {seconds:7.2f} s  {nodeid}")
