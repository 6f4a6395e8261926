"""`python -m icitrace`: the icitrace command, for a Python whose scripts folder is not on PATH."""

from icitrace.cli import main

main()
