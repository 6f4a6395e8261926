"""One family of errors, each with how the command ends, and the one "did you mean" of the project.

Every error icitrace reports to a person is an ``IcitraceError``; its message names the file, field or
line and says what was expected. The CLI turns them into one line on stderr and the exit code here (as
httpx maps its exceptions in one place); library users catch the family.
"""

from __future__ import annotations

import difflib
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
    import errno

    from icitrace.text import printable

    if isinstance(error, StreamClosed):
        return OutputProblem(str(error))
    reason = {errno.ENOSPC: "No space left on device", errno.EFBIG: "the file size limit was reached",
              errno.EBADF: "the stream is closed", errno.ENAMETOOLONG: "the name is too long",
              errno.EIO: "an input/output error"}.get(error.errno or 0, error.strerror or str(error))
    if error.filename is not None:  # a path the command was given (outputs are checked, and named, before)
        return InputProblem(f"{printable(str(error.filename))}: cannot be used ({reason})")
    return OutputProblem(f"cannot write the output ({reason})")
