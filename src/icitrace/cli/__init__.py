"""The ``icitrace`` command: one module per command group, on the frame of ``cli.app``."""

from icitrace.cli import evaluate, cohort, profiles, rules  # noqa: F401, I001 - registers the commands in this order
from icitrace.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
