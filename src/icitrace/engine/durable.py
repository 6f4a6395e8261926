"""The durable-rules adapter: the only module that drives the C engine (docs/durable-rules.md).

durable-rules decides: its C engine matches the facts, orders the activations and chains. This module
drives that engine directly through its C extension (``durable_rules_engine``), the calls its own
``Host`` makes for a synchronous action, without the ``Host``'s Python layer, which cost about three
quarters of each profile's time (per action: closures, ``json.dumps`` of the session state, a decode of
a message carrying the whole profile, reference cycles for the collector).

That C API is undocumented, so ``durable-rules`` is pinned (``==2.0.28`` in ``pyproject.toml``) and the
``Host`` path is kept as the reference (``tests/durable_host.py``): a test runs both over generated
profiles and requires identical firings, in the same order, with the same matched facts.

The safety rules of docs/durable-rules.md hold here as they did around the ``Host``:
- one ruleset handle per rule base per process, reused while recently used (at most ``LIVE_ENGINES``
  alive: a `--cutoffs-by` run may use thousands of cut-off sets); one fixed session (no ``sid``), deleted
  only with its ruleset; no timers or queues, so no threads;
- after each profile every asserted fact is retracted (no truth maintenance), never with an empty list;
- an error, in the C engine or in the Python between its calls, abandons the action in progress, empties
  the session, and reaches the caller as an ``EngineError``.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from icitrace.engine import build
from icitrace.engine.compile import CompiledRuleset
from icitrace.engine.facts import finding_fact
from icitrace.errors import (
    EngineError,  # noqa: F401 - defined with the family
    EngineProblem,
)

if build.problem():  # a broken build would end the process at its first evaluation: refuse with a message
    raise EngineProblem(build.problem())

import durable_rules_engine as rules_c  # noqa: E402 - only once the build is known to evaluate

# durable_rules_engine's result codes for an assert (rules.h in durable-rules 2.0.28)
_OK, _NOT_HANDLED = 0, 1
_decode = json.JSONDecoder().decode
_encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps builds one per call


class Firing:
    """One rule firing: the rule id and the facts its patterns matched (pattern name -> fact).

    The engine hands each action its matched facts as JSON text; they are decoded only when read (cohort
    records need the rule ids alone), and a text that several firings of one profile share (the profile
    fact, matched alone) is decoded once for all of them. Treat ``matched`` as read-only."""

    __slots__ = ("rule", "_text", "_decoded")

    def __init__(self, rule: str, text: str = "{}", decoded: dict[str, Any] | None = None):
        self.rule = rule
        self._text = text
        self._decoded = {} if decoded is None else decoded

    @classmethod
    def of(cls, rule: str, matched: dict[str, dict[str, Any]]) -> Firing:
        """A firing whose matched facts are already decoded (the Host path)."""
        return cls(rule, "", {"": matched})

    @property
    def matched(self) -> dict[str, dict[str, Any]]:
        decoded = self._decoded.get(self._text)
        if decoded is None:
            decoded = self._decoded[self._text] = _decode(self._text)
        return decoded

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Firing) and (self.rule, self.matched) == (other.rule, other.matched)

    def __repr__(self) -> str:
        return f"Firing({self.rule!r}, {self.matched!r})"


#: C rulesets alive at once. Each holds about 1.2 MB in the C engine (measured), and a `--cutoffs-by` run
#: needs one per distinct cut-off set (two when bands come in): past this many, the least recently used
#: one is deleted (``Engine.close``) and built again if its cut-offs come back, which costs about 0.7 ms
#: (compiling included, measured). The shipped rules alone use two: without and with bands.
LIVE_ENGINES = 16
_engines: OrderedDict[str, Engine] = OrderedDict()
#: guards ``_engines``; running an engine is serialised by its callers (one thread at a time, as the
#: batch worker and the page each hold a lock), so an engine is never closed while it runs
_engines_lock = threading.RLock()


def engine_for(compiled: CompiledRuleset) -> Engine:
    """The process's engine for this ruleset: created once, reused while recently used, and at most
    ``LIVE_ENGINES`` of them alive."""
    with _engines_lock:
        engine = _engines.get(compiled.name)
        if engine is None:
            engine = Engine(compiled)
            _keep(engine)
        else:
            _engines.move_to_end(compiled.name)
        return engine


def _keep(engine: Engine) -> None:
    """Note ``engine`` as the most recently used, closing the least recently used past the bound."""
    other = _engines.pop(engine.name, None)
    if other is not None and other is not engine:
        other.close()
    _engines[engine.name] = engine
    while len(_engines) > LIVE_ENGINES:
        _engines.popitem(last=False)[1].close()


#: A rule of every ruleset that no profile can fire (its id is no rule id the model allows, its fact type
#: no fact icitrace asserts): fired once when the ruleset is made, it sets up the session (``_create``).
_SESSION_START = "_session_start"
_SESSION_START_FACT = '{"t":"_session_start"}'


class Engine:
    def __init__(self, compiled: CompiledRuleset):
        self.name = compiled.name
        # The ruleset JSON is the one a Host would register, rule id -> patterns (the engine reads no `run`),
        # and the rule that starts the session, which no profile fires.
        definition = {rule_id: {"all": rule["all"]} for rule_id, rule in compiled.definition.items()}
        definition[_SESSION_START] = {"all": [{"m": {"t": _SESSION_START}}]}
        self._definition = json.dumps(definition, ensure_ascii=False)
        self._handle: int | None = None
        self._create()
        self._derives = compiled.derives
        self._kinds = compiled.asserted
        self._finding_json: dict[tuple[str, int], str] = {}

    def _create(self) -> None:
        """Make the C ruleset and its one session, and run one action in it. The C engine leaves a new
        session's action context unset (memory from malloc, measured: deleting a session that never ran
        an action frees that garbage and crashes); the first action completed sets it empty, after which
        the session can be deleted with its ruleset (``_free``)."""
        handle = rules_c.create_ruleset(self.name, self._definition)
        try:
            code, state = rules_c.assert_fact(handle, _SESSION_START_FACT)
            started = rules_c.start_action_for_state(handle, state) if code == _OK else None
            if started is None or _SESSION_START not in started[1] or rules_c.complete_and_start_action(handle, state):
                raise EngineError("the rule engine did not start its session as expected")
            rules_c.retract_fact(handle, _SESSION_START_FACT)
        except BaseException:
            rules_c.delete_ruleset(handle)  # no session to free before it, or one we cannot trust
            raise
        self._handle = handle

    def run(self, fact: dict[str, Any]) -> list[Firing]:
        """Assert one profile fact, let the rules chain, and return the firings in order."""
        if self._handle is None:  # closed to bound the live rulesets, and wanted again: built afresh
            with _engines_lock:
                self._create()
                _keep(self)
        firings: list[Firing] = []
        asserted: list[str] = []
        handle, derives, kinds = self._handle, self._derives, self._kinds
        assert_fact, complete = rules_c.assert_fact, rules_c.complete_and_start_action  # bound once: per firing
        profile = _encode(fact)
        try:
            code, state = assert_fact(handle, profile)
            if code != _OK:
                return firings  # no rule matched the profile at all (a normal outcome); nothing is stored
            asserted.append(profile)
            first = rules_c.start_action_for_state(handle, state)
            message = first[1] if first else None
            derived: set[str] = set()
            decoded: dict[str, Any] = {}  # matched-fact texts of this profile, decoded when first read
            ordinals: dict[str, int] = {}
            while message is not None:
                # The message is {"<rule id>":{<pattern>:<fact>,...}}; rule ids are [a-z0-9-] (the model).
                end = message.index('"', 2)
                rule = message[2:end]
                firings.append(Firing(rule, message[end + 2:-1], decoded))
                target = derives.get(rule)
                # A finding becomes a fact the first time it is concluded: an identical fact would be
                # refused, and a second copy would make the strategy rules downstream fire twice.
                if target is not None and target not in derived:
                    derived.add(target)
                    kind = kinds[target]
                    ordinals[kind] = ordinal = ordinals.get(kind, 0) + 1
                    finding = self._finding_json.get((target, ordinal)) or self._finding(target, kind, ordinal)
                    if assert_fact(handle, finding)[0] == _OK:  # else no rule reads it this far
                        asserted.append(finding)
                message = complete(handle, state)
        except BaseException as error:
            # Whatever failed, and even a stop that came between a C call's return and the line after
            # it, leaves a fresh engine for whoever goes on.
            self._start_afresh()
            if isinstance(error, rules_c.error):
                raise EngineError(f"the rule engine refused the profile: {error}") from None
            if isinstance(error, Exception):
                raise EngineError(f"a rule action failed inside the engine: {type(error).__name__}: "
                                  f"{error}") from None
            raise  # Ctrl-C and the like, with the engine ready for whoever goes on
        if asserted:  # never retract nothing: an empty list segfaults in the C engine
            rules_c.retract_facts(self._handle, "[" + ",".join(asserted) + "]")
        return firings

    def _finding(self, finding_id: str, kind: str, ordinal: int) -> str:
        """A derived finding's fact as JSON, encoded once per finding and ordinal."""
        text = self._finding_json[(finding_id, ordinal)] = _encode(finding_fact(finding_id, kind, ordinal))
        return text

    def _start_afresh(self) -> None:
        """After a failure once the chain has begun: a new ruleset, since what the old one holds is not
        known (a stop may come between a C call's return and the line that notes it). Giving the action
        up instead left activations behind that crashed the next profile, and completing an action that
        was never started crashes at once (both measured). The old ruleset is deleted whole (``_free``)."""
        self._free()
        self._create()

    def close(self) -> None:
        """Delete this engine's C ruleset and all it holds; a later ``run`` builds it again."""
        if self._handle is not None:
            self._free()

    def _free(self) -> None:
        """The C engine's ``delete_ruleset`` frees the ruleset's own pools but not those of its session
        (about 0.8 MB of the 1.2 MB, measured): ``delete_state`` frees the session first. It is safe here
        (docs/durable-rules.md): no timer thread runs, there is one session, its action context is set
        (``_create``), and the ruleset is never used again: memory stayed flat over thousands of
        deletions (tests/test_many_cutoff_sets.py, tests/benchmarks/group_cutoffs.py)."""
        handle, self._handle = self._handle, None
        rules_c.delete_state(handle, None)  # the one session (sid "0"), set up by ``_create``
        rules_c.delete_ruleset(handle)

    def facts(self) -> list[dict[str, Any]]:
        """What the session holds: nothing, between profiles. Only the tests call it (tests/test_engine.py);
        it ships as the engine's own window on that promise, which needs the handle and the decoder."""
        if self._handle is None:
            return []
        try:
            return _decode(rules_c.get_facts(self._handle, None))
        except rules_c.error:  # error 309: a fresh ruleset has no session yet
            return []
