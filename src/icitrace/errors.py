"""One family of errors, each with how the command ends, and the one "did you mean" of the project.

Every error icitrace reports to a person is an ``IcitraceError``; its message names the file, field or
line and says what was expected. The CLI turns them into one line on stderr and the exit code here (as
httpx maps its exceptions in one place); library users catch the family. Every exception class of the
package is defined here, so the whole tree reads in one place::

    IcitraceError                  exit 2 unless it says otherwise
    ├── InputProblem               a profile, an option value or an input file that cannot be used
    │   ├── ProfileError           a profile (file, stdin, a record): names the source
    │   ├── EditError              --set, a table cell: an unknown field or a value it cannot take
    │   ├── ThresholdError         --threshold: no such cut-off, or a value it cannot take
    │   ├── UnreadableInput        a named file: missing, not a regular file, too large, a closed stdin
    │   ├── InputError             a batch input that cannot be read at all
    │   ├── MapError               a --map file, or a table it does not fit
    │   ├── GroupCutoffsError      a --cutoffs-by table
    │   │   └── UnmatchedGroups    ... a group of it that no record has (``details``: each, nearest values)
    │   ├── OutputRefused          the output cannot be used for this run (nothing written)
    │   ├── ResumeMismatch         --resume on an output that is not this run's
    │   ├── DaskUnavailable        --dask: no extra, a bad address, not a scheduler
    │   ├── ScenarioError          a profile value a scenario's table cannot hold
    │   └── TooLarge               a request to the page's server over the size rule
    ├── RulesProblem               a rule directory that cannot be used
    │   └── RulesError             ... with each problem at file:line
    ├── EngineProblem              exit 1: the engine, or a worker running it, failed
    │   ├── EngineError            the engine reported an error for one profile
    │   ├── WorkerDied             a worker process ended without answering
    │   └── DaskLost               the Dask cluster went away mid-run
    ├── OutputProblem              exit 1: the output cannot be written
    │   └── OutputError            a write failed mid-run (a full disk)
    └── Stopped                    exit 130: Ctrl-C or SIGTERM stopped a batch run (its output resumable)

Signals inside icitrace, never shown to a person as they are: ``StreamClosed`` (an OSError: a closed
standard stream), ``YamlProblem``, ``ParseRefused`` and ``MoveProblem`` (caught where they arise and
turned into one of the family, with the file and line), and ``Busy`` (the page's engine queue is full:
a 503 with ``Retry-After``).
"""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable

from icitrace.text import printable

EXIT_FAILED = 1  # the engine reported an error, a record failed, the output could not be written
EXIT_BAD_INPUT = 2  # bad input, bad options or bad rules: nothing was evaluated for it
EXIT_STOPPED = 130  # Ctrl-C or SIGTERM during a batch run


class IcitraceError(Exception):
    """An error icitrace reports to a person; ``exit_code`` says how the command ends."""

    exit_code = EXIT_BAD_INPUT

    def __str__(self) -> str:
        # A message names outside things (a file, a cell, an id): wherever it is printed, their control
        # characters are shown, never obeyed; only the message's own line breaks stay.
        return "\n".join(printable(line) for line in super().__str__().split("\n"))


class InputProblem(IcitraceError):
    """A profile, an option value or an input file that cannot be used."""


class RulesProblem(IcitraceError):
    """A rule directory that cannot be used."""


class EngineProblem(IcitraceError):
    """The rule engine, or a worker running it, failed."""

    exit_code = EXIT_FAILED


class OutputProblem(IcitraceError):
    """The output cannot be written."""

    exit_code = EXIT_FAILED


# --- the family, by kind ---------------------------------------------------------------------------------

class ProfileError(InputProblem):
    """A profile that cannot be used; the message names the source and what was expected."""

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(f"{source}: {message}")


class EditError(InputProblem, ValueError):
    """An edit that names an unknown field or gives a value the field cannot take."""


class ThresholdError(InputProblem, ValueError):
    """A ``--threshold`` that names no cut-off or gives a value the engine cannot use."""


class UnreadableInput(InputProblem):
    """A named input that cannot be read: missing, not a regular file, too large, a closed stdin.
    ``reason`` is the message without the name, for callers that name the input their own way."""

    def __init__(self, name: str, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{name}: {reason}" if name else reason)


class InputError(InputProblem):
    """A batch input that cannot be read at all (missing, unknown kind, bad CSV header)."""


class MapError(InputProblem):
    """A map file that cannot be used, or a table it does not fit."""


class GroupCutoffsError(InputProblem):
    """A cut-off table that cannot be used; the message names the file and line."""


class UnmatchedGroups(GroupCutoffsError):
    """Groups of a cut-off table that no record has; ``details`` names each (file and line) with the
    record values nearest to it, for a caller to show one to a line."""

    def __init__(self, message: str, details: list[str]) -> None:
        self.message, self.details = message, details
        super().__init__("\n".join([message, *(f"  {detail}" for detail in details)]))


class OutputRefused(InputProblem):
    """The output cannot be used for this run; nothing was written to it."""


class ResumeMismatch(InputProblem):
    """--resume on an output that cannot belong to this input."""


class DaskUnavailable(InputProblem):
    """--dask cannot be used: the extra is not installed, the address is malformed, or the scheduler
    does not answer as one."""


class ScenarioError(InputProblem):
    """A profile value that a scenario's table cannot hold as it is."""


class TooLarge(InputProblem):
    """A request body to the page's server over the size rule, however it was sent."""


class RulesError(RulesProblem):
    """The rule directory cannot be used; ``problems`` (each with its file and line) says where and why."""

    def __init__(self, problems: list) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class EngineError(EngineProblem):
    """The engine reported an error while evaluating one profile."""


class WorkerDied(EngineProblem):
    """A worker ended without answering (a crash in native code, the out-of-memory killer, a kill), or
    raised an exception, which is a bug: bad input never raises there."""


class DaskLost(EngineProblem):
    """The Dask cluster went away mid-run (the scheduler, or every worker)."""


class OutputError(OutputProblem):
    """The output cannot be written (a full disk, a lost network drive)."""


class Stopped(IcitraceError):
    """Ctrl-C or SIGTERM stopped a batch run cleanly: ``written`` records (those of the run it resumed
    included) are each whole in the output, and a resume continues after them."""

    exit_code = EXIT_STOPPED

    def __init__(self, written: int) -> None:
        self.written = written
        super().__init__(f"stopped after {written:,} records; the output holds each of them whole")


# --- signals inside icitrace ---------------------------------------------------------------------------------


class Busy(Exception):
    """The page's engine queue is full (web/work.py): the request is refused with 503, not queued."""


class YamlProblem(Exception):
    """A YAML file that cannot be read, at ``line``; its reader names the file (a map, the rules)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class ParseRefused(ValueError):
    """Raised from the JSON decoder's hooks (a repeated key, NaN, a number of 30 digits and more); the
    profile reader turns it into a ProfileError naming the source."""


class MoveProblem(ValueError):
    """Why cut-offs cannot take these values for a run; ``cutoffs`` names the moved ones it is about,
    so that a caller can point at the option or the table line that moved them."""

    def __init__(self, message: str, cutoffs: tuple[str, ...]):
        super().__init__(message)
        self.cutoffs = cutoffs


def near(word: str, choices: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The choices closest to a mistyped word, closest first (``cutoff``: how alike, 0 to 1)."""
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


def did_you_mean(word: str, choices: Iterable[str], n: int = 1, quote: str = "`") -> str:
    """`` (did you mean `hypoxia`?)`` after a mistyped word, or nothing when no choice is close."""
    close = near(word, choices, n)
    return f" (did you mean {' or '.join(f'{quote}{c}{quote}' for c in close)}?)" if close else ""


class StreamClosed(OSError):
    """A standard stream the command needs was closed when it started (``>&-``, ``<&-``)."""


def from_os_error(error: OSError) -> IcitraceError:
    """The one mapping of an operating-system error that reached a command's top to a message and an exit
    code: one that names a file is a path the command was given and cannot use (exit 2, the file named,
    escaped for the terminal); one that names none is a write to standard output that failed, a full
    disk or a closed stream (exit 1)."""
    if isinstance(error, StreamClosed):
        return OutputProblem(str(error))
    reason = {errno.ENOSPC: "No space left on device", errno.EFBIG: "the file size limit was reached",
              errno.EBADF: "the stream is closed", errno.ENAMETOOLONG: "the name is too long",
              errno.EIO: "an input/output error"}.get(error.errno or 0, error.strerror or str(error))
    if error.filename is not None:  # a path the command was given (outputs are checked, and named, before)
        return InputProblem(f"{printable(str(error.filename))}: cannot be used ({reason})")
    return OutputProblem(f"cannot write the output ({reason})")
