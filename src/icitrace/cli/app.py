"""The command's frame: the Typer apps, the options several commands share, how results are written,
and the one place where an ``IcitraceError`` becomes a message on stderr and an exit code.

Results go to stdout, messages to stderr. Heavy modules (the engine, the pydantic models) are imported
inside the commands that need them, so ``icitrace --help`` stays quick.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn, Optional

import typer
from typer.core import TyperCommand

from icitrace import __version__
from icitrace.errors import EXIT_BAD_INPUT, EXIT_FAILED, IcitraceError, RulesError, UnmatchedGroups, from_os_error
from icitrace.text import printable

#: piped text is this wide in every command, so that output is byte-identical everywhere
PIPED_WIDTH = 100


def examples(*commands: str) -> str:
    """An epilog of example commands, kept verbatim by click (\\b stops it rewrapping the block)."""
    return "\b\nExamples:\n" + "\n".join(f"  {c}" for c in commands)


class Command(TyperCommand):
    """Typer's command with a usage line and help that show no Python internals: ``PROFILE...`` rather
    than ``{PROFILE...}...``, and no ``<list[str]>`` after an argument."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = (param.metavar or param.name or "").upper().removesuffix("...")
                name += "..." if param.nargs != 1 else ""
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        for param in params:
            if param.param_type_name == "argument":
                param.display_type_rich = lambda ctx: None  # the help says what it is; no <list[str]>
        return params


def _version(value: bool) -> None:
    """The version, and whether the engine's build can evaluate here (a broken one is exit 1)."""
    if value:
        from icitrace.engine.build import problem

        typer.echo(f"icitrace {__version__}")
        if problem():
            fail(problem(), EXIT_FAILED)
        raise typer.Exit()


# Plain help (rich_markup_mode=None): typer's rich help pulls in markdown-it and friends, which
# tripled the time of `icitrace --help` (measured 318 ms against 115 ms for `import typer`).
app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Trace a hypothetical tumour profile to the ICI-resistance mechanisms and candidate strategies "
    "of one review. ILLUSTRATIVE ONLY - not for clinical use.",
    epilog=examples("icitrace suggest profiles/hot-unsuppressed.json"),
)
rules_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Inspect the rule base.",
                        context_settings={"help_option_names": ["-h", "--help"]},
                        epilog=examples("icitrace rules show hypoxia-high"))
app.add_typer(rules_app, name="rules")
bdd_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                      help="The Gherkin step library for scenarios about the rule base.",
                      context_settings={"help_option_names": ["-h", "--help"]},
                      epilog=examples("icitrace bdd steps", "icitrace bdd steps --format json"))
app.add_typer(bdd_app, name="bdd")


@app.callback()
def _main(version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Trace a hypothetical tumour profile to the ICI-resistance mechanisms and candidate strategies of
    one review. ILLUSTRATIVE ONLY - not for clinical use."""


def command(group: typer.Typer, name: str | None = None, *, epilog: str) -> Callable:
    """Register a command whose ``IcitraceError`` (or an operating-system error, such as a full disk
    under stdout) ends it with one line on stderr and that error's exit code: the one place errors
    become messages."""
    def register(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                function(*args, **kwargs)
            except RulesError as error:  # a problem a line, under the words every surface uses
                from icitrace.service import rules_refusal

                heading, *problems = rules_refusal(error)
                fail(heading, error.exit_code, problems)
            except UnmatchedGroups as error:  # each group on a line of its own
                fail(error.message, error.exit_code, error.details)
            except IcitraceError as error:
                fail(str(error), error.exit_code)
            except BrokenPipeError:
                raise  # stdout's reader went away (`| head`): click ends quietly, exit 1
            except OSError as error:
                problem = from_os_error(error)
                fail(str(problem), problem.exit_code)

        return group.command(name, cls=Command, epilog=epilog)(run)

    return register


def say(message: str, *details: str) -> None:
    """The one way a message reaches stderr: prefixed with the command's name, each line with its
    control characters shown (a file name, a cell or an id can never move the cursor, recolour the
    terminal or forge a line of its own)."""
    lines = [f"icitrace: {printable(message)}", *(f"  {printable(detail)}" for detail in details)]
    try:
        typer.echo("\n".join(lines), err=True)
    except OSError:
        pass  # stderr closed or full: the exit code still says how the command ended


def fail(message: str, code: int = EXIT_BAD_INPUT, details: Iterable[str] = ()) -> NoReturn:
    say(message, *details)
    raise typer.Exit(code)


# --- completion ---------------------------------------------------------------------------------

def _complete_ids(incomplete: str) -> list[str]:
    from icitrace.pipeline import rulebook

    book = rulebook()
    return [i for i in [*book.catalog.findings, *book.catalog.strategies] if i.startswith(incomplete)]


def _complete_fields(incomplete: str) -> list[str]:
    # imported here, not at the top: the pydantic model has no place in `--help`
    from icitrace.profile.model import reasoned_fields

    return [f"{name}=" for name in reasoned_fields() if name.startswith(incomplete)]


def _complete_cutoffs(incomplete: str) -> list[str]:
    from icitrace.pipeline import rulebook

    return [f"{name}=" for name in rulebook().cutoffs if name.startswith(incomplete)]


def _complete_rule_ids(incomplete: str) -> list[str]:
    from icitrace.pipeline import rulebook

    return [rule.id for rule in rulebook().rules if rule.id.startswith(incomplete)]


# --- options several commands share -------------------------------------------------------------

class Format(str, Enum):
    text = "text"
    json = "json"


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    dot = "dot"


PROFILES_ARGUMENT = typer.Argument(..., metavar="PROFILE...", help="Profile JSON files; - reads stdin.")
PROFILE_ARGUMENT = typer.Argument(..., metavar="PROFILE", help="A profile JSON file; - reads stdin.")
RULES_OPTION = typer.Option(None, "--rules", metavar="DIR", help="Rule directory (default: the shipped rules).")
SET_OPTION = typer.Option(None, "--set", metavar="FIELD=VALUE", autocompletion=_complete_fields,
                          help="Change a profile field for this run (repeatable); VALUE may be unknown.")
TEXT_OR_JSON = typer.Option(Format.text, "--format", "-f", help="text or json.")
THRESHOLD_OPTION = typer.Option(None, "--threshold", metavar="NAME=VALUE", autocompletion=_complete_cutoffs,
                                help="Move a named cut-off for this run (repeatable), e.g. tmb_high=12.")
ID_ARGUMENT = typer.Argument(..., metavar="FINDING_OR_STRATEGY_ID", autocompletion=_complete_ids,
                             help="A finding or strategy id (icitrace rules list shows what concludes each).")
WHY_NOT_OPTION = typer.Option(None, "--why-not", metavar="ID", autocompletion=_complete_ids,
                              help="Explain why a finding or strategy is, or is not, reached (repeatable).")
RULE_ID_ARGUMENT = typer.Argument(..., metavar="RULE_ID", autocompletion=_complete_rule_ids,
                                  help="A rule id, as `icitrace rules list` shows them.")


def load_rules(directory: Optional[Path], thresholds: Optional[list[str]] = None):  # noqa: ANN201
    """The rule base of ``--rules`` (default: shipped), with ``--threshold`` applied: ``service.load_rules``,
    imported when a command runs (not for ``--help``); ``command`` says why a directory cannot be used."""
    from icitrace.service import load_rules as load

    return load(directory, thresholds or ())


def edits(sets: Optional[list[str]]) -> list:
    """``--set FIELD=VALUE`` as (field, typed value) pairs."""
    from icitrace.profile.editing import EditError, parse_assignment

    try:
        return [parse_assignment(text) for text in sets or []]
    except EditError as error:
        fail(f"--set: {error}")


def report_errors(errors: list[IcitraceError]) -> int:
    """Each error on stderr; the exit code for the run (bad input wins over an engine error)."""
    for error in errors:
        say(str(error))
    return max((e.exit_code for e in errors), default=0)


# --- writing results ----------------------------------------------------------------------------

def emit(items: Iterable, format: ReportFormat, as_list: bool, brief: bool = False, trace: bool = False,
         full: bool = False) -> list[IcitraceError]:
    """Write each result as it comes (so that many large profiles are never held at once), report each
    error on stderr in its place, and return the errors."""
    errors: list[IcitraceError] = []

    def results() -> Iterator[Any]:
        for item in items:
            if isinstance(item, IcitraceError):
                errors.append(item)
                report_errors([item])
            else:
                yield item

    chunks = _chunks(format, results(), as_list=as_list, brief=brief, trace=trace, full=full)
    for chunk in chunks:
        sys.stdout.write(chunk)
        sys.stdout.flush()
    return errors


def _chunks(format: ReportFormat, results: Iterable, as_list: bool, brief: bool, trace: bool,
            full: bool) -> Iterator[str]:
    # each renderer imported only when its format is asked for (start-up time)
    if format is ReportFormat.json:
        from icitrace.render.json import json_chunks

        return json_chunks(results, as_list=as_list)
    if format is ReportFormat.markdown:
        from icitrace.render.markdown import markdown_chunks

        return markdown_chunks(results, brief=brief, trace=trace, full=full)
    if format is ReportFormat.dot:
        from icitrace.render.dot import dot_chunks

        return dot_chunks(results)
    from icitrace.render.text import text_chunks

    return text_chunks(results, color=color(), width=width(), brief=brief, trace=trace, full=full)


def color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def width() -> int:
    """The terminal's width up to 120 columns; piped, or a terminal that reports no usable size, 100."""
    if not sys.stdout.isatty():
        return PIPED_WIDTH
    try:
        columns = os.get_terminal_size().columns
    except OSError:
        return PIPED_WIDTH
    return min(columns, 120) if columns >= 20 else PIPED_WIDTH
