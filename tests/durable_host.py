"""The reference: the same rule base run through durable-rules' own ``Host`` API, as documented.

``engine/durable.py`` drives the C extension directly (a quarter of the cost); this is the path it must
agree with, firing for firing, with the same matched facts (``test_engine.py`` runs both over generated
profiles). It lives with the tests because nothing else uses it: icitrace never evaluates through a Host.

One Host per process, with its timer threads never started; one fixed session, emptied after each
profile by retracting every fact; no ``delete_state``. Errors raised inside actions never reach the
caller in durable-rules, so the session state is checked after every run.
"""

from __future__ import annotations

import copy
import time
from collections import Counter
from typing import Any

from durable import engine as durable

from icitrace.engine.compile import CompiledRuleset
from icitrace.engine.durable import EngineError, Firing
from icitrace.engine.facts import finding_fact

# durable-rules stamps every action with datetime.utcfromtimestamp(), deprecated since Python 3.12:
# two DeprecationWarnings per action. Only differences of these stamps are used, so the plain epoch
# clock is an exact stand-in.
durable._unix_now = time.time


class _QuietHost(durable.Host):
    """A Host that starts no timer threads (we use no timers or queues) and maps actions by name."""

    def __init__(self) -> None:
        self.actions: dict[str, Any] = {}
        super().__init__()

    def _run(self) -> None:  # the base class starts two polling timer chains here
        return None

    def get_action(self, action_name: str) -> Any:
        return self.actions[action_name]


_host: _QuietHost | None = None


class HostEngine:
    def __init__(self, compiled: CompiledRuleset):
        global _host
        if _host is None:
            _host = _QuietHost()
        self._host = _host
        self._name = compiled.name + "-host"
        self._asserted = compiled.asserted
        self._firings: list[Firing] = []
        self._derived: set[str] = set()
        self._ordinals: Counter[str] = Counter()
        definition = copy.deepcopy(compiled.definition)  # the Ruleset constructor deletes `run` keys
        for rule_id, rule in definition.items():
            rule["run"] = f"{self._name}/{rule_id}"
            self._host.actions[rule["run"]] = self._action(rule_id, compiled.derives.get(rule_id))
        self._host.register_rulesets({self._name: definition})

    def run(self, fact: dict[str, Any]) -> list[Firing]:
        """Assert one profile fact, let the rules chain, and return the firings in order."""
        self._firings, self._derived, self._ordinals = [], set(), Counter()
        try:
            self._host.assert_fact(self._name, fact)
        except durable.MessageNotHandledException:
            pass  # no rule matched the profile at all: a normal outcome
        except Exception as error:  # the C extension raises its own error type with a code
            raise EngineError(f"the rule engine refused the profile: {error}") from None
        finally:
            self._reset()
        return self._firings

    def facts(self) -> list[dict[str, Any]]:
        return self._host.get_facts(self._name, None)

    def _reset(self) -> None:
        """Empty the session: retract every fact (no truth maintenance) and surface action errors."""
        facts = self._host.get_facts(self._name, None)
        if facts:  # never retract an empty list: that segfaults in the C engine (measured)
            self._host.retract_facts(self._name, facts)
        state = self._host.get_state(self._name, None)
        if "exception" in state:
            message = state.pop("exception")
            self._host.update_state(self._name, state)
            raise EngineError(f"a rule action failed inside the engine: {message}")

    def _action(self, rule_id: str, target: str | None):  # noqa: ANN202
        """The action of one rule. It takes exactly one parameter: two would make it asynchronous."""

        def act(c: Any) -> None:
            self._firings.append(Firing.of(rule_id, c._m))
            if target is None or target in self._derived:
                return
            self._derived.add(target)
            kind = self._asserted[target]
            self._ordinals[kind] += 1
            try:
                c.assert_fact(finding_fact(target, kind, self._ordinals[kind]))
            except durable.MessageNotHandledException:
                pass  # e.g. the 4th mechanism when no rule counts that far

        return act
