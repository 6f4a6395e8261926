"""The files of a rule directory, read once: their bytes make the cache key and feed the loader.

A rule directory holds ``catalog.yaml`` (the public vocabulary), ``cutoffs.yaml`` (named outside
cut-offs), optionally ``sources.yaml`` (other named outside sources) and any number of rule files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from icitrace.files import UnreadableInput, open_input
from icitrace.rulebase.book import RuleProblem, RulesError

#: rule files are small hand-written YAML; anything bigger is refused unread
MAX_RULE_FILE = 1_000_000
CATALOG_FILE = "catalog.yaml"
CUTOFFS_FILE = "cutoffs.yaml"
SOURCES_FILE = "sources.yaml"


@dataclass(frozen=True)
class RuleFiles:
    """The bytes of a rule directory's files, read once (the cache key is made of them), and what was
    wrong with reading them."""

    directory: Path
    raw: dict[str, bytes]  # file name -> bytes, by name
    problems: list[RuleProblem]

    @cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for name, raw in self.raw.items():
            digest.update(name.encode() + b"\0" + raw + b"\0")
        return digest.hexdigest()


def read_rule_files(directory: Path) -> RuleFiles:
    """Every ``*.yaml`` of a rule directory, each a regular file of at most MAX_RULE_FILE bytes."""
    directory = Path(directory)
    if not _is_dir(directory):
        raise RulesError([RuleProblem(str(directory), 0, "not a rule directory (expected a folder of YAML files)")])
    problems: list[RuleProblem] = []
    raw_files: dict[str, bytes] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:  # the one reader: a folder, a FIFO (would block), a device or a dangling link is refused
            with open_input(path) as handle:
                raw = handle.read(MAX_RULE_FILE + 1)
        except UnreadableInput as error:
            odd = any(word in error.reason for word in ("regular", "directory", "link"))
            problems.append(RuleProblem(str(path), 0, f"not a regular file ({error.reason})" if odd else error.reason))
            continue
        except OSError as error:
            problems.append(RuleProblem(str(path), 0, f"cannot read: {error.strerror or error}"))
            continue
        if len(raw) > MAX_RULE_FILE:
            problems.append(RuleProblem(str(path), 0, f"larger than {MAX_RULE_FILE:,} bytes; a rule file is "
                                                      "small hand-written YAML"))
            continue
        raw_files[path.name] = raw
    return RuleFiles(directory, raw_files, problems)


def _is_dir(path: Path) -> bool:
    """``Path.is_dir`` without its exceptions: on Python 3.11 a name too long raises instead of saying no."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False
