"""Checked rule bases kept between runs, so that a command starts without parsing and checking YAML.

A rule base is checked once (``loading.load_rules``, about 100 ms for the shipped rules) and kept in
the user's cache folder (``$ICITRACE_CACHE_DIR``, else ``$XDG_CACHE_HOME/icitrace``, else
``~/.cache/icitrace``; ``ICITRACE_CACHE_DIR=off`` turns it off). An entry is found by a key made of
the rule files' names and bytes, their folder, and the versions of icitrace, Python and pydantic, so a
changed file, another folder or an upgrade never meets an old entry. Entries are pickles, which can run
code when read: an entry is read only from a folder and file that belong to this user and that no one
else may write. Anything amiss (no folder, a read-only disk, a damaged entry) falls back to checking
the YAML; the cache can only ever save time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

from icitrace import __version__
from icitrace.rulebase.book import RuleBook
from icitrace.rulebase.files import RuleFiles, read_rule_files

#: bump when the pickled shape of a RuleBook changes within one icitrace version (development)
_FORMAT = "3"
#: entries kept; the oldest go first (each rule folder, and each change to it, makes one)
KEEP = 16


def load_cached(directory: Path) -> RuleBook:
    """The checked rule base of ``directory``, from the cache when an entry matches its files."""
    files = read_rule_files(directory)
    folder = cache_folder()
    if folder is None or files.problems:
        return _check(files)
    entry = folder / f"rules-{_key(files.directory, files.sha256)}.pickle"
    book = _read(entry)
    if book is None:
        book = _check(files)
        _write(folder, entry, book)
    return book


def _check(files: RuleFiles) -> RuleBook:
    # YAML and the checks: imported only when needed
    from icitrace.rulebase.loading import load_rules

    return load_rules(files)


def cache_folder() -> Path | None:
    setting = os.environ.get("ICITRACE_CACHE_DIR")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "icitrace"


def _key(directory: Path, sha256: str) -> str:
    import pydantic

    parts = (_FORMAT, __version__, sys.version, pydantic.VERSION, str(directory.resolve()), sha256)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _private(path: Path, folder: bool) -> bool:
    """Whether ``path`` is this user's own, and no one else may write it."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    kind = stat.S_ISDIR if folder else stat.S_ISREG
    return kind(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(entry: Path) -> RuleBook | None:
    if not (_private(entry.parent, folder=True) and _private(entry, folder=False)):
        return None
    try:
        with entry.open("rb") as handle:
            book = pickle.load(handle)
    except Exception:  # damaged, or written by another version of a library: check the YAML instead
        return None
    return book if isinstance(book, RuleBook) else None


def _write(folder: Path, entry: Path, book: RuleBook) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder, folder=True):
            return
        # Written whole under a temporary name, then renamed: a reader never sees half an entry.
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".rules-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(book, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, entry)
        except BaseException:
            os.unlink(temporary)
            raise
        entries = sorted(folder.glob("rules-*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        return
