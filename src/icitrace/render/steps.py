"""`icitrace bdd steps` as text: the step library for a person to read, and as a step file for an editor.

Both are written from the catalogue's JSON data (``bdd.sentences.catalogue_data``, what `--format json`
prints): one object per sentence with its keyword, sentence, pattern, meaning, parameters and examples.
"""

from __future__ import annotations

import textwrap

from icitrace.columns import WIDTH


def render_steps_text(sentences: list[dict]) -> str:
    """Each sentence, what it means, what each parameter takes, and the other examples."""
    out = []
    for sentence in sentences:
        out.append(sentence["sentence"])
        out += _wrapped(sentence["means"], "    ")
        for parameter in sentence["parameters"]:
            out += _wrapped(f"{parameter['name']}: {parameter['takes']}", "    ")
        out += [f"    e.g. {example}" for example in sentence["examples"][1:]]
        out.append("")
    return "\n".join(out)


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def render_editor_glue(sentences: list[dict]) -> str:
    """A Python file of behave-style decorators, one per sentence, for an editor's step index (the
    Cucumber extension reads Python/Behave step definitions from the files its `cucumber.glue`
    setting names). Never imported or run. Each pattern is written as the Cucumber language service
    reads a regular expression in Python (its source: a string whose text is /.../; its JavaScript
    engine wants groups as (?<name>...)); \\s+ becomes a space and +, so no string needs an escape."""
    lines = ['"""icitrace\'s step sentences, for an editor\'s autocompletion only: written by',
             "`icitrace bdd steps --format python`; never imported or run (the steps live in icitrace).",
             '"""', "", "from behave import given, then, when  # noqa: F401 - read by editors, never run", ""]
    for number, sentence in enumerate(sentences, start=1):
        lines += ["", f"@{sentence['keyword'].lower()}('/{editor_pattern(sentence['pattern'])}/')",
                  f"def step_{number}():", f"    {sentence['means']!r}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def editor_pattern(pattern: str) -> str:
    """A sentence's pattern anchored, with JavaScript's group syntax and no backslash or quote."""
    pattern = "^" + pattern.replace("(?P<", "(?<").replace("\\s+", " +").replace("\\s", " ") + "$"
    if "\\" in pattern or "'" in pattern:
        raise ValueError(f"a step pattern the editor file cannot hold as written: {pattern}")
    return pattern
