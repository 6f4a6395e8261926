"""The `icitrace` command."""

from icitrace.cli.commands import app, main

__all__ = ["app", "main"]
