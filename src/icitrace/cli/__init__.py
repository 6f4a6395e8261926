"""The ``icitrace`` command: one module per command group, on the frame of ``cli.app``."""

import copy
import os
import sys

# pydantic looks for plugins (entry points) when it builds its first model, about 30 ms of every start;
# the command uses none. Set before pydantic is imported; a user who sets it keeps their value.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer  # noqa: E402

from icitrace.cli import streams  # noqa: E402
from icitrace.cli.app import app, say  # noqa: E402
from icitrace.errors import from_os_error  # noqa: E402

# isort: off
from icitrace.cli import evaluate, cohort, outcomes, profiles, bdd, rules, serve  # noqa: F401, E402 - registers the commands in this order
# isort: on


def app_for(args: list[str]) -> typer.Typer:
    """The app with only the command that ``args`` names. Typer turns every command's parameters into
    click's at each start (about 15 ms for this app's 12 commands) though a run uses one; help, usage
    and errors of that one are the same either way (tested). Anything else (no command, an option, a
    misspelt name that wants suggestions) gets the whole app."""
    if not args or args[0].startswith("-"):
        return app
    commands = [c for c in app.registered_commands
                if (c.name or c.callback.__name__.replace("_", "-")) == args[0]]
    groups = [g for g in app.registered_groups if g.name == args[0]]
    if not commands and not groups:
        return app
    narrow = copy.copy(app)  # keeps the callback (--version), so a lone command stays a subcommand
    narrow.registered_commands, narrow.registered_groups = commands, groups
    return narrow


def main() -> None:
    """The console script. Outside a command's own handling (help or a usage error written to a full or
    closed stdout, the final flush), an operating-system error still ends in one message and an exit code."""
    streams.guard()
    try:
        try:
            app_for(sys.argv[1:])()
        finally:
            sys.stdout.flush()  # what is still buffered fails here, inside the handler, not at exit
    except BrokenPipeError:
        streams.quiet_stdout()
        sys.exit(1)
    except OSError as error:
        streams.quiet_stdout()
        problem = from_os_error(error)
        say(str(problem))
        sys.exit(problem.exit_code)


__all__ = ["app", "app_for", "main"]
