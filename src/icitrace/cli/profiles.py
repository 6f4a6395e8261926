"""Commands about the input formats: validate, and schema (of a profile or a column map)."""

from __future__ import annotations

import json
import sys

import typer

from icitrace.cli.app import app, command, examples, report_errors
from icitrace.text import printable


@command(app, epilog=examples("icitrace validate profiles/*.json"))
def validate(
    profiles: list[str] = typer.Argument(..., metavar="PROFILE...", help="Profile JSON files; - reads stdin."),
) -> None:
    """Check profiles against the format without evaluating them."""
    from icitrace.profile.reading import ProfileError, read_profile

    errors = []
    for source in profiles:
        try:
            profile = read_profile(source)
        except ProfileError as error:
            errors.append(error)
            report_errors([error])
            continue
        typer.echo(f"{printable(source)}: ok ({len(profile.known())} known, {len(profile.unknown())} unknown)", err=True)
    if errors:
        raise typer.Exit(max(e.exit_code for e in errors))


@command(app, epilog=examples("icitrace schema > profile.schema.json",
                              "icitrace schema --map > map.schema.json    # for an editor checking MAP.yaml files"))
def schema(
    map_file: bool = typer.Option(False, "--map", help="The schema of a column map file (batch --map) instead."),
) -> None:
    """Print the JSON Schema of the profile format (or, with --map, of a column map file)."""
    if map_file:
        from icitrace.batch.map_file import map_schema

        sys.stdout.write(json.dumps(map_schema(), indent=2) + "\n")
        return
    from icitrace.profile.model import Profile

    sys.stdout.write(json.dumps(Profile.model_json_schema(by_alias=True), indent=2) + "\n")
