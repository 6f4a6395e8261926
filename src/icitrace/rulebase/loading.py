"""Load a rule directory into a checked ``RuleBook``, or fail with every problem at file:line.

A rule directory holds ``catalog.yaml`` (the public vocabulary), ``cutoffs.yaml`` (named outside
cut-offs), optionally ``sources.yaml`` (other named outside sources) and any number of rule files
(``*.yaml`` with a top-level ``rules:`` list).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from icitrace.errors import did_you_mean
from icitrace.profile.model import field_kind, reasoned_fields
from icitrace.rulebase.book import RuleBook, RuleProblem, RulesError, broken_orders
from icitrace.rulebase.files import (
    CATALOG_FILE,
    CUTOFFS_FILE,
    SOURCES_FILE,
    RuleFiles,
    read_rule_files,
)
from icitrace.rulebase.conditions import join_problems, meaning
from icitrace.rulebase.graph import RuleGraph
from icitrace.rulebase.lint import lint, text_problems, unordered_cutoffs
from icitrace.rulebase.model import (
    MAX_LIST_TESTS,
    MAX_RULES,
    MAX_SHARED,
    REVIEW_CITATION,
    TITLE_CUTOFF,
    Catalog,
    Cutoff,
    Rule,
    Source,
)
from icitrace.rulebase.operators import OPERATORS, IncludesAny, cutoffs_read
from icitrace.rulebase.yaml_source import YamlDoc, YamlProblem

#: finding, strategy, cut-off and source ids: they name nodes in DOT and Mermaid and keys in JSON
CATALOG_ID = re.compile(r"^[a-z][a-z0-9_]*$")
DATA_FILES = (CATALOG_FILE, CUTOFFS_FILE, SOURCES_FILE)


def load_rules(directory: Path | RuleFiles) -> RuleBook:
    """Read and check every file of a rule directory; raise ``RulesError`` listing all problems."""
    files = directory if isinstance(directory, RuleFiles) else read_rule_files(directory)
    directory = files.directory
    problems = list(files.problems)
    docs: dict[str, YamlDoc] = {}
    for name, raw in files.raw.items():
        try:
            docs[name] = YamlDoc(directory / name, raw.decode("utf-8"))
        except YamlProblem as problem:
            problems.append(RuleProblem(str(directory / name), problem.line, problem.message))
        except UnicodeDecodeError as error:
            problems.append(RuleProblem(str(directory / name), 0, f"cannot read: {error}"))
    for required in (CATALOG_FILE, CUTOFFS_FILE):
        if required not in docs and not any(p.file.endswith(required) for p in problems):
            problems.append(RuleProblem(str(directory / required), 0, "missing: every rule directory needs it"))
    if problems:
        raise RulesError(problems)

    catalog = _model(docs[CATALOG_FILE], Catalog, (), problems)
    cutoffs = _named(docs[CUTOFFS_FILE], "cutoffs", Cutoff, problems)
    sources = _named(docs[SOURCES_FILE], "sources", Source, problems) if SOURCES_FILE in docs else {}
    _check_cutoffs(docs[CUTOFFS_FILE], cutoffs, problems)
    for name in (CUTOFFS_FILE, SOURCES_FILE):
        if name in docs:
            _check_text(docs[name], docs[name].data, (), problems)
    rules = [
        rule
        for name, doc in docs.items()
        if name not in DATA_FILES
        for rule in _rules_of(doc, problems)
    ]
    if catalog is None:
        raise RulesError(problems)
    citable = set(cutoffs) | set(sources)
    clash = set(cutoffs) & set(sources)
    if clash:
        problems.append(RuleProblem(str(docs[SOURCES_FILE].path), 1,
                                    f"`{sorted(clash)[0]}` names both a cut-off and a source"))
    _check_short_cites(docs, cutoffs, sources, problems)
    _check_catalog(docs[CATALOG_FILE], catalog, citable, problems)
    _check_rules(rules, catalog, cutoffs, citable, problems)
    if not problems:  # whole-base checks need every rule well-formed first
        catalog_doc = docs[CATALOG_FILE]

        def report(rule: Rule | None, loc: tuple[Any, ...], message: str) -> None:
            if rule is None:
                problems.append(RuleProblem(str(catalog_doc.path), catalog_doc.line(loc), message))
            else:
                line = rule._doc.line(("rules", rule._index) + loc)
                problems.append(RuleProblem(str(rule._doc.path), line, f"rule `{rule.id}`: {message}"))

        lint(rules, catalog, cutoffs, report)
    if problems:
        raise RulesError(problems)
    # Findings first, then strategies: the engine breaks ties by position, so traces read top-down.
    rules.sort(key=lambda r: r.then.kind != "finding")
    for rule in rules:
        rule._doc = None  # the parsed YAML was only for pointing at lines; `where` keeps file:line

    cutoffs_doc = docs[CUTOFFS_FILE]
    notes = tuple(RuleProblem(str(cutoffs_doc.path), cutoffs_doc.line(("cutoffs", name, "field")), message)
                  for name, message in unordered_cutoffs(cutoffs))
    return RuleBook(directory, catalog, cutoffs, tuple(rules), files.sha256[:12], sources, notes=notes)


def _model(doc: YamlDoc, model: type[BaseModel], loc: tuple[Any, ...], problems: list[RuleProblem]) -> Any:
    data = doc.data
    for step in loc:
        data = data[step]
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for err in error.errors():
            where = loc + tuple(err["loc"])
            problems.append(RuleProblem(str(doc.path), doc.line(where), _say(err)))
        return None


def _say(err: dict[str, Any]) -> str:
    path = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"unknown key `{err['loc'][-1]}`"
    if err["type"] == "missing":
        return f"missing key `{path}`"
    message = err["msg"].removeprefix("Value error, ")
    return f"{path}: {message}" if path else message


def _named(doc: YamlDoc, key: str, model: type[BaseModel], problems: list[RuleProblem]) -> dict[str, Any]:
    """The entries of a file holding one top-level mapping ``key:`` of name -> entry, each named."""
    table = doc.data.get(key) if isinstance(doc.data, dict) else None
    if not isinstance(table, dict) or set(doc.data) != {key}:
        problems.append(RuleProblem(str(doc.path), 1, f"expected a single top-level mapping `{key}:`"))
        return {}
    out: dict[str, Any] = {}
    for name, body in table.items():
        if not isinstance(name, str) or not CATALOG_ID.match(name):
            problems.append(RuleProblem(str(doc.path), doc.line((key, name)), f"`{name}` is not a name: lower-case "
                                                                             "letters, digits and _"))
            continue
        if not isinstance(body, dict):
            problems.append(RuleProblem(str(doc.path), doc.line((key, name)), f"`{name}` must be a mapping"))
            continue
        entry = _model(doc, model, (key, name), problems)
        if entry is not None:
            out[name] = entry.model_copy(update={"name": name})
    return out


def _check_short_cites(docs: dict[str, YamlDoc], cutoffs: dict[str, Cutoff], sources: dict[str, Source],
                       problems: list[RuleProblem]) -> None:
    """Outputs list references by their short `cite`: two sources sharing one would read as one."""
    first: dict[str, str] = {}
    for file, key, entries in ((CUTOFFS_FILE, "cutoffs", cutoffs), (SOURCES_FILE, "sources", sources)):
        for name, entry in entries.items():
            if entry.cite in first:
                problems.append(RuleProblem(str(docs[file].path), docs[file].line((key, name, "cite")),
                                            f"`{name}` has the same `cite` as `{first[entry.cite]}`: "
                                            f"{entry.cite!r}; give each source its own"))
            first.setdefault(entry.cite, name)


def _check_cutoffs(doc: YamlDoc, cutoffs: dict[str, Cutoff], problems: list[RuleProblem]) -> None:
    written = doc.data.get("cutoffs") if isinstance(doc.data, dict) else None
    written = written if isinstance(written, dict) else {}  # names as written, well-formed entries or not
    for name, cutoff in cutoffs.items():
        def bad(key: str, message: str, name: str = name) -> None:
            problems.append(RuleProblem(str(doc.path), doc.line(("cutoffs", name, key)), f"cut-off `{name}`: {message}"))

        if cutoff.field not in reasoned_fields() or field_kind(cutoff.field) != "number":
            bad("field", f"`{cutoff.field}` is not a numeric profile field")
        for upper in cutoff.stays_below:
            if upper not in written:
                bad("stays_below", f"`stays_below` names no cut-off `{upper}`{did_you_mean(upper, written)}")
            elif upper == name:
                bad("stays_below", "`stays_below` names the cut-off itself")
            elif upper in cutoffs and cutoffs[upper].field != cutoff.field:
                bad("stays_below", f"`stays_below` names `{upper}`, a line on {cutoffs[upper].field}, not on "
                                   f"{cutoff.field}: an order holds between lines on one field")
    for lower, upper in broken_orders(cutoffs):
        if upper != lower:
            problems.append(RuleProblem(str(doc.path), doc.line(("cutoffs", lower, "stays_below")),
                                        f"cut-off `{lower}` ({cutoffs[lower].amount()}) must stay below `{upper}` "
                                        f"({cutoffs[upper].amount()}), as its `stays_below` says"))


def _check_catalog(doc: YamlDoc, catalog: Catalog, citable: set[str], problems: list[RuleProblem]) -> None:
    """Every reference in the catalogue's notes resolves, and every maturity stage reads in words."""
    def bad(loc: tuple[Any, ...], message: str) -> None:
        problems.append(RuleProblem(str(doc.path), doc.line(loc), message))

    def check(cites: list[str], loc: tuple[Any, ...]) -> None:
        for cite in cites:
            if cite in catalog.review.sections or cite in citable:
                continue
            bad(loc, f"`{cite}` is neither a section of the review nor a named cut-off or source")

    for table, ids in (("findings", catalog.findings), ("strategies", catalog.strategies)):
        for name in ids:
            if not CATALOG_ID.match(name):
                bad((table, name), f"`{name}` is not an id: lower-case letters, digits and _, starting with a letter")
    for fid, entry in catalog.findings.items():
        check(entry.review, ("findings", fid, "review"))
        if entry.caveat:
            check(entry.caveat.cites, ("findings", fid, "caveat", "cites"))
    for sid, strategy in catalog.strategies.items():
        check(strategy.review, ("strategies", sid, "review"))
        if strategy.outside_review:
            check(strategy.outside_review.cites, ("strategies", sid, "outside_review", "cites"))
        if strategy.maturity:
            check([strategy.maturity.cite], ("strategies", sid, "maturity", "cite"))
            if strategy.maturity.stage not in catalog.maturity_stages:
                bad(("strategies", sid, "maturity", "stage"),
                    f"maturity stage `{strategy.maturity.stage}` has no words under `maturity_stages` "
                    f"(stages: {', '.join(catalog.maturity_stages) or 'none'})")
    for kind, notes in catalog.history_notes.items():
        for history, note in notes.items():
            check(note.cites, ("history_notes", kind, history, "cites"))
    _check_text(doc, catalog.model_dump(), (), problems)


def _check_text(doc: YamlDoc, data: Any, loc: tuple[Any, ...], problems: list[RuleProblem]) -> None:
    """Every text of a data file reaches the output: refuse it where it reads as advice or copies the
    review (as the lint does for rule titles and explanations)."""
    if isinstance(data, dict):
        for key, value in data.items():
            _check_text(doc, value, loc + (key,), problems)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _check_text(doc, value, loc + (index,), problems)
    elif isinstance(data, str):
        where = ".".join(map(str, loc))
        problems += [RuleProblem(str(doc.path), doc.line(loc), f"`{where}` {problem}") for problem in text_problems(data)]


def _rules_of(doc: YamlDoc, problems: list[RuleProblem]) -> list[Rule]:
    if not isinstance(doc.data, dict) or set(doc.data) != {"rules"} or not isinstance(doc.data["rules"], list):
        problems.append(RuleProblem(str(doc.path), 1, "a rule file holds one top-level list `rules:`"))
        return []
    out = []
    for index, body in enumerate(doc.data["rules"]):
        if not isinstance(body, dict):
            problems.append(RuleProblem(str(doc.path), doc.line(("rules", index)), "each rule is a mapping"))
            continue
        rule = _model(doc, Rule, ("rules", index), problems)
        if rule is not None:
            rule._file = f"{doc.path.parent.name}/{doc.path.name}"  # stable across checkouts
            rule._line = doc.line(("rules", index))
            rule._doc, rule._index = doc, index  # kept to point later problems at the right line
            out.append(rule)
    return out


def _check_rules(rules: list[Rule], catalog: Catalog, cutoffs: dict[str, Cutoff], citable: set[str],
                 problems: list[RuleProblem]) -> None:
    if len(rules) > MAX_RULES:
        problems.append(RuleProblem(str(rules[MAX_RULES]._doc.path), rules[MAX_RULES]._line,
                                    f"more than {MAX_RULES} rules: the engine is only proven safe below that"))
    seen: dict[str, Rule] = {}
    for rule in rules:
        def bad(loc: tuple[Any, ...], message: str, rule: Rule = rule) -> None:
            line = rule._doc.line(("rules", rule._index) + loc)
            problems.append(RuleProblem(str(rule._doc.path), line, f"rule `{rule.id}`: {message}"))

        if rule.id in seen:
            bad(("id",), f"duplicate rule id (first defined at {seen[rule.id].where})")
        seen.setdefault(rule.id, rule)
        for i, cond in enumerate(rule.when):
            for message, key in meaning(cond).problems(cond, catalog, cutoffs):
                bad(("when", i, key), message)
        table = catalog.findings if rule.then.finding else catalog.strategies
        if rule.then.id not in table:
            bad(("then", rule.then.kind), f"unknown {rule.then.kind} `{rule.then.id}`{did_you_mean(rule.then.id, table)}")
        if sum(c.kind == "count" for c in rule.when) > 1:
            bad(("when",), "at most one `count:` condition per rule")
        for message in join_problems(rule.when, catalog):
            bad(("when",), message)
        if rule.then.strategy and not any(c.kind in ("finding", "count") for c in rule.when):
            bad(("when",), "a strategy rule must name the finding(s) it comes from (`finding:` or `count:`)")
        for cite in rule.citations:
            if not REVIEW_CITATION.match(cite) and cite not in citable:
                bad(("citations",), f"citation `{cite}` is neither a review reference [1]-[10] / conclusion nor a "
                                    f"named cut-off or source{did_you_mean(cite, citable)}")
            elif REVIEW_CITATION.match(cite) and cite not in catalog.review.sections:
                bad(("citations",), f"citation `{cite}` has no entry under `review.sections` of the catalogue")
        if not any(REVIEW_CITATION.match(c) for c in rule.citations):
            bad(("citations",), "cite at least one reference of the review ([1]-[10] or conclusion)")
        for name in cutoffs_read(rule):
            if name in cutoffs and name not in rule.citations:
                bad(("citations",), f"uses cut-off `{name}` but does not cite it")
        for message in _title_problems(rule, cutoffs):
            bad(("title",), message)
    _check_list_tests(rules, problems)
    _check_shared_conditions(rules, problems)
    _check_cycles(rules, catalog, problems)


def _title_problems(rule: Rule, cutoffs: dict[str, Cutoff]) -> list[str]:
    """A title names only cut-offs the rule reads, by placeholder (``model.TITLE_CUTOFF``): it is shown
    with the value in force, and a cut-off the rule does not read would say something of another rule."""
    rest = TITLE_CUTOFF.sub("", rule.title)
    if "{" in rest or "}" in rest:
        return [("the title names a cut-off the rule reads as {NAME} (its value and unit) or {NAME:number} (the "
                 "number alone); other braces are not allowed")]
    read = cutoffs_read(rule)
    out = []
    for name, _ in rule.title_cutoffs():
        if name not in cutoffs:
            out.append(f"the title names `{{{name}}}`, which is no cut-off{did_you_mean(name, cutoffs)}")
        elif name not in read:
            out.append(f"the title names cut-off `{{{name}}}`, which the rule does not read (it reads: "
                       f"{', '.join(read) or 'no cut-off'})")
    return out


def _check_shared_conditions(rules: list[Rule], problems: list[RuleProblem]) -> None:
    """256 rules sharing one identical condition fail in the C engine (error 108, docs/durable-rules.md)."""
    sharing: dict[str, int] = {}
    for rule in rules:
        for i, cond in enumerate(rule.when):
            key = repr(cond.model_dump(exclude_none=True))
            sharing[key] = sharing.get(key, 0) + 1
            if sharing[key] == MAX_SHARED + 1:
                problems.append(RuleProblem(str(rule._doc.path), rule._doc.line(("rules", rule._index, "when", i)),
                                            f"rule `{rule.id}`: more than {MAX_SHARED} rules share this condition; "
                                            "the engine fails at 256 (error 108)"))


def _check_list_tests(rules: list[Rule], problems: list[RuleProblem]) -> None:
    """Each distinct `includes_any` test is one more key of the profile fact, and a fact holds at most
    253 (docs/durable-rules.md): keep them well inside that beside the profile's own fields."""
    seen: set[tuple[str, frozenset[str]]] = set()
    for rule in rules:
        for i, cond in enumerate(rule.when):
            op = OPERATORS.get(cond.op or "")
            if not isinstance(op, IncludesAny) or op.check(cond, {}) is not None:
                continue
            seen.add((cond.field, op.items(cond)))
            if len(seen) == MAX_LIST_TESTS + 1:
                problems.append(RuleProblem(str(rule._doc.path), rule._doc.line(("rules", rule._index, "when", i)),
                                            f"rule `{rule.id}`: more than {MAX_LIST_TESTS} distinct `includes_any` "
                                            "tests: each adds a key to the profile fact, which holds at most 253"))


def _check_cycles(rules: list[Rule], catalog: Catalog, problems: list[RuleProblem]) -> None:
    """Refuse findings that depend on themselves through other findings, by `finding:` or by `count:`
    (the rule book's one dependency graph, which the three-valued reading follows): forward chaining
    would loop, and the reading would have no order to follow. Reported at the rule that closes the cycle."""
    for cycle in RuleGraph(rules, catalog).cycles():
        how = f" (`{cycle.path[-1]}` is read through a count of {cycle.counted} findings)" if cycle.counted else ""
        problems.append(RuleProblem(str(cycle.rule._doc.path), cycle.rule._line,
                                    f"rule `{cycle.rule.id}`: findings depend on each other in a cycle: "
                                    + " -> ".join(cycle.path) + how))
