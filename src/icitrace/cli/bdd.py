"""Commands for writing scenarios: `scenario` (a feature from a profile) and `bdd steps` (the sentences)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from icitrace.cli.app import (
    PROFILE_ARGUMENT,
    RULES_OPTION,
    app,
    bdd_app,
    command,
    examples,
    load_rules,
)


@command(app, epilog=examples(
    "icitrace scenario profiles/cold-desert.json > tests/features/cold-desert.feature",
    'icitrace scenario profiles/mhc-loss.json --name "MHC loss: what a CAR could still see"',
))
def scenario(
    profile: str = PROFILE_ARGUMENT,
    name: Optional[str] = typer.Option(None, "--name", metavar="TEXT",
                                       help="The feature's and scenario's name (default: from the profile id)."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Write a Gherkin feature stating what the profile reaches, what is ruled out and what stays undecided.

    It passes as written (run it with pytest, or `icitrace rules coverage`); keep it as a regression
    case, or hand it out with some Thens removed as an exercise.
    """
    from icitrace.bdd.writing import write_feature
    from icitrace.pipeline import evaluate
    from icitrace.profile.reading import read_profile

    book = load_rules(rules)
    read = read_profile(profile)
    sys.stdout.write(write_feature(read, evaluate(read, book), book, source=profile, name=name,
                                   rules_dir=str(rules) if rules is not None else None))


class StepsFormat(str, Enum):
    text = "text"
    json = "json"
    python = "python"


@command(bdd_app, "steps", epilog=examples("icitrace bdd steps", "icitrace bdd steps --format json > steps.json",
                                           "icitrace bdd steps --format python > .vscode/icitrace_steps.py"))
def bdd_steps(
    format: StepsFormat = typer.Option(StepsFormat.text, "--format", "-f",
                                       help="text, json, or python (a step file for an editor's autocompletion)."),
) -> None:
    """Print every sentence of the step library: its pattern, what it means, its parameters, examples.

    JSON gives one object per sentence (keyword, sentence, pattern, means, parameters, examples); the
    pattern is the regular expression a step's text must match in full. `python` writes behave-style
    step decorators for an editor's index (the Cucumber extension's `cucumber.glue` setting), never run.
    """
    from icitrace.bdd.sentences import catalogue_data
    from icitrace.render.json import data_json
    from icitrace.render.steps import render_editor_glue, render_steps_text

    render = {StepsFormat.json: data_json, StepsFormat.python: render_editor_glue}.get(format, render_steps_text)
    sys.stdout.write(render(catalogue_data()))
